/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The generic mailbox client API of 6.1, over one fake controller: the ASC
 * mailbox as drivers/mailbox/apple-mailbox.c drives it (TX done by the
 * "send empty" interrupt, so one message in the hardware FIFO at a time and
 * up to MBOX_TX_QUEUE_LEN more queued in the framework).  The firmware side
 * is the bench: it reads the FIFO (lockstep_mbox_drain) and raises receive
 * interrupts (lockstep_mbox_inject).  See shim/mailbox.c.
 */
#ifndef _LINUX_MAILBOX_CLIENT_H
#define _LINUX_MAILBOX_CLIENT_H

#include <linux/device.h>
#include <linux/types.h>

struct mbox_chan;

struct mbox_client {
	struct device *dev;
	bool tx_block;
	unsigned long tx_tout;
	bool knows_txdone;
	void (*rx_callback)(struct mbox_client *cl, void *mssg);
	void (*tx_prepare)(struct mbox_client *cl, void *mssg);
	void (*tx_done)(struct mbox_client *cl, void *mssg, int r);
};

struct mbox_chan *mbox_request_channel_byname(struct mbox_client *cl,
					      const char *name);
struct mbox_chan *mbox_request_channel(struct mbox_client *cl, int index);
int mbox_send_message(struct mbox_chan *chan, void *mssg);
int mbox_flush(struct mbox_chan *chan, unsigned long timeout);
void mbox_client_txdone(struct mbox_chan *chan, int r);
bool mbox_client_peek_data(struct mbox_chan *chan);
void mbox_free_channel(struct mbox_chan *chan);

#endif /* _LINUX_MAILBOX_CLIENT_H */
