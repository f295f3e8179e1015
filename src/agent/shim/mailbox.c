// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic mailbox framework of 6.1 (drivers/mailbox/mailbox.c), cut
 * down to what a client sees, over one fake controller that behaves like
 * drivers/mailbox/apple-mailbox.c: TX done comes from the "send empty"
 * interrupt, so the framework keeps one message in the hardware FIFO and up
 * to MBOX_TX_QUEUE_LEN more in its ring; msg1 travels as its bits 31:0.
 *
 * The firmware is the bench.  It reads the FIFO (lockstep_mbox_drain: each
 * read empties the FIFO, so the framework's TX done runs, the client's
 * tx_done callback with it, and the next message moves into the FIFO), and
 * raises receive interrupts (lockstep_mbox_inject: rx_callback in "IRQ
 * context", on the agent's main thread).  After each message the waiters it
 * completed run (sched_settle), as they would between two interrupts.
 *
 * Built over the shim headers.
 */
#include <linux/apple-mailbox.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/mailbox_client.h>
#include <lockstep/mbox.h>
#include <lockstep/sched.h>

#define MBOX_TX_QUEUE_LEN	20	/* include/linux/mailbox_controller.h */

struct mbox_chan {
	struct mbox_client *cl;
	void *ring[MBOX_TX_QUEUE_LEN];
	unsigned int head;		/* oldest queued */
	unsigned int count;
	void *active;			/* in the hardware FIFO */
};

static struct mbox_chan chan0;
static const char *dt_name;

void (*lockstep_mbox_log)(int kind, uint64_t msg0, uint32_t msg1);

void lockstep_mbox_configure(const char *name)
{
	dt_name = name;
}

static void log_msg(int kind, void *mssg)
{
	struct apple_mbox_msg *m = mssg;

	if (lockstep_mbox_log)
		lockstep_mbox_log(kind, m->msg0, m->msg1);
}

/* The framework's msg_submit(): the oldest queued message into the FIFO. */
static void msg_submit(struct mbox_chan *chan)
{
	void *data;

	if (chan->active || !chan->count)
		return;
	data = chan->ring[chan->head];
	chan->head = (chan->head + 1) % MBOX_TX_QUEUE_LEN;
	chan->count--;
	if (chan->cl->tx_prepare)
		chan->cl->tx_prepare(chan->cl, data);
	chan->active = data;	/* apple_mbox_hw_send(): the FIFO was empty */
}

static void tx_tick(struct mbox_chan *chan, int r)
{
	void *mssg = chan->active;

	chan->active = NULL;
	msg_submit(chan);
	if (!mssg)
		return;
	if (chan->cl->tx_done)
		chan->cl->tx_done(chan->cl, mssg, r);
}

struct mbox_chan *mbox_request_channel(struct mbox_client *cl, int index)
{
	if (index != 0) {
		dev_dbg(cl->dev, "%s: can't parse \"mboxes\" property\n", __func__);
		return ERR_PTR(-ENODEV);
	}
	if (chan0.cl) {
		dev_dbg(cl->dev, "%s: mailbox not free\n", __func__);
		return ERR_PTR(-EBUSY);
	}
	chan0.cl = cl;
	chan0.head = 0;
	chan0.count = 0;
	chan0.active = NULL;
	return &chan0;
}

struct mbox_chan *mbox_request_channel_byname(struct mbox_client *cl,
					      const char *name)
{
	if (!dt_name) {
		dev_err(cl->dev, "%s() requires an \"mbox-names\" property\n",
			__func__);
		return ERR_PTR(-EINVAL);
	}
	/* The framework compares strlen(name) bytes only. */
	if (!strncmp(name, dt_name, strlen(name)))
		return mbox_request_channel(cl, 0);
	dev_err(cl->dev, "%s() could not locate channel named \"%s\"\n",
		__func__, name);
	return ERR_PTR(-EINVAL);
}

int mbox_send_message(struct mbox_chan *chan, void *mssg)
{
	unsigned int idx;

	if (!chan || !chan->cl)
		return -EINVAL;
	if (chan->count == MBOX_TX_QUEUE_LEN) {
		dev_err(chan->cl->dev, "Try increasing MBOX_TX_QUEUE_LEN\n");
		return -ENOBUFS;
	}
	idx = (chan->head + chan->count) % MBOX_TX_QUEUE_LEN;
	chan->ring[idx] = mssg;
	chan->count++;
	msg_submit(chan);
	/* tx_block clients are not modelled: none of the shimmed drivers is one. */
	WARN_ON(chan->cl->tx_block);
	return idx;
}

/*
 * apple_mbox_chan_flush() spins until the firmware has read the FIFO.  The
 * firmware (the bench) cannot act during a call, so a full FIFO times out
 * at once, without moving the virtual clock.
 */
int mbox_flush(struct mbox_chan *chan, unsigned long timeout)
{
	int ret = 0;

	if (!chan || !chan->cl)
		return -EINVAL;
	if (chan->active)
		ret = -ETIME;
	if (ret < 0)
		tx_tick(chan, ret);
	else
		tx_tick(chan, 0);
	return ret;
}

void mbox_client_txdone(struct mbox_chan *chan, int r)
{
	/* Only for TXDONE_BY_ACK controllers; the ASC mailbox is TXDONE_BY_IRQ. */
	dev_err(chan->cl->dev, "Controller can't run the TX ticker\n");
}

/* apple_mbox_chan_peek_data(): nothing waits in the I2A FIFO here. */
bool mbox_client_peek_data(struct mbox_chan *chan)
{
	return false;
}

void mbox_free_channel(struct mbox_chan *chan)
{
	if (!chan || !chan->cl)
		return;
	/* "The queued TX requests are simply aborted, no callbacks are made" */
	while (chan->count) {
		log_msg(MBOX_LOG_ABORTED, chan->ring[chan->head]);
		chan->head = (chan->head + 1) % MBOX_TX_QUEUE_LEN;
		chan->count--;
	}
	if (chan->active)
		log_msg(MBOX_LOG_ABORTED, chan->active);
	chan->active = NULL;
	chan->cl = NULL;
}

int lockstep_mbox_inject(uint64_t msg0, uint64_t msg1)
{
	struct apple_mbox_msg msg = {
		.msg0 = msg0,
		.msg1 = (u32)(msg1 & GENMASK_ULL(31, 0)),
	};

	if (!chan0.cl)
		return -ENODEV;
	if (chan0.cl->rx_callback)
		chan0.cl->rx_callback(chan0.cl, &msg);
	sched_settle();
	return 0;
}

unsigned int lockstep_mbox_drain(unsigned int max)
{
	unsigned int n = 0;

	while (chan0.cl && chan0.active && (!max || n < max)) {
		log_msg(MBOX_LOG_TX, chan0.active);
		tx_tick(&chan0, 0);
		n++;
		sched_settle();
	}
	return n;
}

unsigned int lockstep_mbox_queued(void)
{
	return chan0.count + (chan0.active ? 1 : 0);
}

void lockstep_mbox_reset(void)
{
	chan0.cl = NULL;
	chan0.head = 0;
	chan0.count = 0;
	chan0.active = NULL;
}
