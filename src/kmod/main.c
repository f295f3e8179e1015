// SPDX-License-Identifier: GPL-2.0-only
/*
 * lockstep.ko: the Lockstep agent inside a running kernel.  It serves the
 * same wire protocol as the host agent (docs/protocol.md) and runs each
 * operation against the kernel's own io-pgtable code, through its exported
 * API (alloc_io_pgtable_ops() and the ops it returns), as an IOMMU driver
 * would.
 *
 * The link is /dev/lockstep, a misc character device carrying the raw
 * byte stream: whatever is written is scanned for frames, each complete
 * request is served at once in the writer's context, and the replies are
 * queued for read().  A userspace relay (relay/lockstep-relay.c) copies
 * bytes between it and the serial port; docs/hardware.md says why the tty
 * stays in userspace.
 *
 * The framing, the BATCH operations and the event list are the host
 * agent's own files (src/agent/wire.c, pgtable_ops.c, events.c), built
 * here over compat/; the memory tracker (pages.c) and the kernel-log
 * reader (klog.c) stand in for the host agent's arena and shim.
 */
#define pr_fmt(fmt) "lockstep: " fmt

#include <linux/atomic.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "agent/arena.h"
#include "agent/events.h"
#include "agent/pgtable_ops.h"
#include "agent/wire.h"
#include "build_info.h"
#include "compat/stdlib.h"
#include "kmod.h"

#define PROTOCOL_VERSION	1
#define CAP_IO_PGTABLE		BIT(0)

/* A frame that stops arriving for this long is taken for a lying header. */
#define RX_IDLE_MS		500

/* Room kept in a BATCH_REPLY for the events, whatever the driver says. */
#define EVENTS_RESERVE	(4 + (EVENT_MAX + 1) * (4 + 1 + 2 + EVENT_TEXT_MAX))

#define CHUNK		4096

module_param_named(verbose, lockstep_verbose, int, 0644);
MODULE_PARM_DESC(verbose, "Echo events and NAKs to the kernel log");

/* What pgtable_ops.c hands the driver as cfg->iommu_dev. */
struct device *lockstep_iommu_dev;
static struct platform_device *pdev;

/* Everything below is the link's state: one frame at a time, whoever writes. */
static DEFINE_MUTEX(lock);
static struct wire_rx rx;
static struct wbuf payload;
static struct wbuf reply;
static struct wbuf out;		/* replies not yet read, from out_pos */
static size_t out_pos;
static u8 chunk[CHUNK];

/* The last reply, for a retransmitted request (same seq, type and CRC). */
static struct wbuf last_reply;
static bool have_last;
static u32 last_seq;
static u8 last_type;
static u32 last_crc;

static DECLARE_WAIT_QUEUE_HEAD(reply_wait);
static atomic_t opened = ATOMIC_INIT(0);

static void idle_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(idle_work, idle_fn);

static bool out_pending(void)
{
	return READ_ONCE(out.len) > READ_ONCE(out_pos);
}

static int queue_bytes(const struct wbuf *w)
{
	wb_bytes(&out, w->data, w->len);
	if (out.oom) {
		pr_err("out of memory queueing a reply\n");
		wb_reset(&out);
		out_pos = 0;
		return -ENOMEM;
	}
	return 0;
}

static int send_frame(u8 type, u32 seq, const struct wbuf *pl)
{
	if (pl->oom) {
		pr_err("out of memory building a reply\n");
		return -ENOMEM;
	}
	wire_frame(&reply, type, seq, pl->data, pl->len);
	if (reply.oom)
		return -ENOMEM;
	return queue_bytes(&reply);
}

static void remember(u32 seq, u8 type, u32 crc)
{
	wb_reset(&last_reply);
	wb_bytes(&last_reply, reply.data, reply.len);
	have_last = !last_reply.oom;
	last_seq = seq;
	last_type = type;
	last_crc = crc;
}

/*
 * A dropped frame is answered with seq 0 so the bench retransmits; a NAK
 * for a frame that arrived intact carries its seq, so the bench learns that
 * this request (not the line) was at fault.
 */
static int send_nak(u32 seq, u32 code, const char *msg)
{
	wb_reset(&payload);
	wb_u32(&payload, code);
	wb_str(&payload, msg);
	if (lockstep_verbose)
		pr_info("NAK %u seq %u: %s\n", code, seq, msg);
	return send_frame(WIRE_NAK, seq, &payload);
}

static int do_hello(const struct wire_frame_in *f)
{
	char version[160];
	struct rbuf r;
	u32 theirs;
	u64 base = 0;

	rb_init(&r, f->payload, f->len);
	theirs = rb_u32(&r);
	if (r.bad || rb_left(&r))
		return send_nak(f->seq, NAK_MALFORMED, "HELLO: payload is not one u32");
	if (theirs < PROTOCOL_VERSION)
		return send_nak(f->seq, NAK_BAD_VERSION, "HELLO: agent speaks protocol version 1 only");

	snprintf(version, sizeof(version), "linux %s (%s)",
		 init_utsname()->release, init_utsname()->version);
#ifdef CONFIG_ARM64
	base = PHYS_OFFSET;
#endif
	wb_reset(&payload);
	wb_u32(&payload, PROTOCOL_VERSION);
	wb_u32(&payload, CAP_IO_PGTABLE);
	wb_str(&payload, version);
	wb_str(&payload, LOCKSTEP_AGENT_BUILD);
	/* The "arena" is the kernel's RAM: where the driver's tables may lie. */
	wb_u64(&payload, base);
	wb_u64(&payload, (u64)totalram_pages() << PAGE_SHIFT);
	wb_u32(&payload, PAGE_SIZE);
	return send_frame(WIRE_HELLO_REPLY, f->seq, &payload);
}

/*
 * One operation, with what the kernel logged meanwhile as its events.  The
 * tracker is armed only around the driver call, so the module's own
 * buffers are never taken for the driver's.
 */
static u64 run_op(const struct pt_op *op, u32 index, struct pt_result *res)
{
	unsigned int warns, lost;
	u64 t0, ns;

	klog_mark();
	pages_arm();
	t0 = ktime_get_ns();
	pt_execute(op, index, res);
	ns = ktime_get_ns() - t0;
	pages_disarm();

	lockstep_ctx.op_index = index;
	warns = klog_collect();
	lost = pages_take_overflow();
	if (lost)
		event_addf(EVENT_PRINTK, "lockstep: %u allocation(s) of the driver not tracked: the tracker is full",
			   lost);
	lockstep_ctx.op_index = OP_INDEX_NONE;
	res->warns = min_t(u32, res->warns + warns, 0xffff);
	return ns;
}

/*
 * BATCH.  A first pass decodes without running anything, so that a
 * truncated or oversized batch is refused whole; the second pass runs.
 * Past an unknown opcode nothing can be decoded: that operation and all
 * after it get the bench-error status.
 */
static int do_batch(const struct wire_frame_in *f)
{
	static struct pt_result res;
	struct pt_op op;
	struct rbuf r;
	u32 n, i, stop;
	u8 bad_opcode = 0;
	u64 driver_ns = 0;
	size_t need;
	int st;

	rb_init(&r, f->payload, f->len);
	n = rb_u32(&r);
	if (r.bad)
		return send_nak(f->seq, NAK_MALFORMED, "BATCH: no operation count");
	if (n > rb_left(&r))
		return send_nak(f->seq, NAK_MALFORMED, "BATCH: more operations than bytes");

	need = 4 + EVENTS_RESERVE + 8;
	stop = n;
	for (i = 0; i < n; i++) {
		st = pt_decode(&r, &op);
		if (st == PT_TRUNCATED)
			return send_nak(f->seq, NAK_MALFORMED, "BATCH: payload ends inside an operation");
		if (st == PT_UNKNOWN_OPCODE) {
			stop = i;
			bad_opcode = op.opcode;
			need += (size_t)(n - i) * PT_RESULT_FIXED;
			break;
		}
		need += pt_result_max_size(op.opcode);
	}
	if (stop == n && rb_left(&r))
		return send_nak(f->seq, NAK_MALFORMED, "BATCH: bytes after the last operation");
	if (need > WIRE_MAX_PAYLOAD)
		return send_nak(f->seq, NAK_MALFORMED, "BATCH: too many operations for one reply");

	events_clear();
	wb_reset(&payload);
	wb_u32(&payload, n);
	rb_init(&r, f->payload, f->len);
	rb_u32(&r);
	for (i = 0; i < n; i++) {
		if (i < stop) {
			pt_decode(&r, &op);
			driver_ns += run_op(&op, i, &res);
		} else {
			pt_result_invalid(i == stop ? bad_opcode : 0, &res);
			if (i == stop) {
				lockstep_ctx.op_index = i;
				event_addf(EVENT_PRINTK, "lockstep: bench error: unknown opcode %u; the %u operation(s) from here on were not run",
					   bad_opcode, n - stop);
				lockstep_ctx.op_index = OP_INDEX_NONE;
			}
		}
		pt_result_encode(&payload, &res);
	}

	events_encode(&payload);
	/* Time inside the driver calls alone: the bench's upper limit for this link. */
	wb_u64(&payload, driver_ns);
	return send_frame(WIRE_BATCH_REPLY, f->seq, &payload);
}

struct sync_state {
	struct wbuf *w;
	size_t limit;
	u32 count;
};

static int sync_block(void *arg, u64 pa, const void *va, u32 len)
{
	struct sync_state *s = arg;

	if (va && s->w->len + 12 + len > s->limit)
		return 1;
	wb_u64(s->w, pa);
	wb_u32(s->w, len);
	if (va)
		wb_bytes(s->w, va, len);
	s->count++;
	return 0;
}

/*
 * MEM_SYNC.  Blocks that do not fit into one reply stay pending and come
 * with the next MEM_SYNC; the freed list always fits.
 */
static int do_mem_sync(const struct wire_frame_in *f)
{
	struct sync_state s = { .w = &payload };
	size_t count_at;

	if (f->len)
		return send_nak(f->seq, NAK_MALFORMED, "MEM_SYNC: payload is not empty");

	wb_reset(&payload);
	s.limit = WIRE_MAX_PAYLOAD - 4 - 12 * (size_t)arena_freed_pending();
	wb_u32(&payload, 0);
	arena_sync_changed(sync_block, &s);
	wb_put_u32_at(&payload, 0, s.count);

	s.count = 0;
	s.limit = WIRE_MAX_PAYLOAD;
	count_at = payload.len;
	wb_u32(&payload, 0);
	arena_sync_freed(sync_block, &s);
	wb_put_u32_at(&payload, count_at, s.count);
	return send_frame(WIRE_MEM_SYNC_REPLY, f->seq, &payload);
}

static unsigned int reset_tables(void)
{
	unsigned int leaks;

	pages_arm();
	leaks = pt_reset();
	pages_disarm();
	return leaks;
}

static int do_reset(const struct wire_frame_in *f)
{
	if (f->len)
		return send_nak(f->seq, NAK_MALFORMED, "RESET: payload is not empty");
	wb_reset(&payload);
	wb_u32(&payload, reset_tables());
	return send_frame(WIRE_RESET_REPLY, f->seq, &payload);
}

static int handle_frame(const struct wire_frame_in *f)
{
	int ret;

	if (have_last && f->seq == last_seq && f->type == last_type &&
	    f->crc == last_crc) {
		if (lockstep_verbose)
			pr_info("seq %u again: replaying the reply\n", f->seq);
		return queue_bytes(&last_reply);
	}

	lockstep_ctx.seq = f->seq;
	switch (f->type) {
	case WIRE_HELLO:
		ret = do_hello(f);
		break;
	case WIRE_BATCH:
		ret = do_batch(f);
		break;
	case WIRE_MEM_SYNC:
		ret = do_mem_sync(f);
		break;
	case WIRE_RESET:
		ret = do_reset(f);
		break;
	default:
		/* COVERAGE and RTKIT included: this agent has neither capability. */
		ret = send_nak(f->seq, NAK_UNKNOWN_TYPE, "unknown frame type");
		break;
	}
	remember(f->seq, f->type, f->crc);
	return ret;
}

/* Serves every complete frame in the receive buffer.  Called with the lock held. */
static void serve(void)
{
	struct wire_frame_in f;
	int nak, st;

	while ((st = wire_rx_next(&rx, &f, &nak)) != RX_NEED_MORE) {
		if (st == RX_DROPPED)
			send_nak(0, nak, nak == NAK_BAD_VERSION ?
				 "frame of an unknown protocol version dropped" :
				 "bad frame dropped");
		else
			handle_frame(&f);
	}
	if (wire_rx_partial(&rx))
		mod_delayed_work(system_wq, &idle_work,
				 msecs_to_jiffies(RX_IDLE_MS));
	else
		cancel_delayed_work(&idle_work);
}

static void idle_fn(struct work_struct *work)
{
	mutex_lock(&lock);
	if (wire_rx_partial(&rx)) {
		wire_rx_drop_partial(&rx);
		send_nak(0, NAK_BAD_FRAME, "incomplete frame timed out");
		serve();
	}
	mutex_unlock(&lock);
	wake_up_interruptible(&reply_wait);
}

static void drop_link_state(void)
{
	lockstep_free(rx.buf);
	wire_rx_init(&rx);
	wb_reset(&out);
	out_pos = 0;
	have_last = false;
}

static int lockstep_open(struct inode *inode, struct file *file)
{
	/* One relay at a time: two would interleave their frames. */
	if (atomic_cmpxchg(&opened, 0, 1))
		return -EBUSY;
	mutex_lock(&lock);
	drop_link_state();
	mutex_unlock(&lock);
	return stream_open(inode, file);
}

static int lockstep_release(struct inode *inode, struct file *file)
{
	cancel_delayed_work_sync(&idle_work);
	atomic_set(&opened, 0);
	return 0;
}

static ssize_t lockstep_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	size_t done = 0, n;
	ssize_t ret = 0;

	if (mutex_lock_interruptible(&lock))
		return -ERESTARTSYS;
	while (done < count) {
		n = min_t(size_t, count - done, CHUNK);
		if (copy_from_user(chunk, buf + done, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
		if (wire_rx_push(&rx, chunk, n)) {
			/* Only line noise can fill it: start afresh, and say so. */
			drop_link_state();
			send_nak(0, NAK_BAD_FRAME, "receive buffer overflow");
		}
		serve();
	}
	mutex_unlock(&lock);
	wake_up_interruptible(&reply_wait);
	return done ? done : ret;
}

static ssize_t lockstep_read(struct file *file, char __user *buf,
			     size_t count, loff_t *ppos)
{
	size_t n;
	int ret;

	for (;;) {
		if (mutex_lock_interruptible(&lock))
			return -ERESTARTSYS;
		if (out.len > out_pos)
			break;
		mutex_unlock(&lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(reply_wait, out_pending());
		if (ret)
			return ret;
	}
	n = min(count, out.len - out_pos);
	if (copy_to_user(buf, out.data + out_pos, n)) {
		mutex_unlock(&lock);
		return -EFAULT;
	}
	out_pos += n;
	if (out_pos == out.len) {
		wb_reset(&out);
		out_pos = 0;
	}
	mutex_unlock(&lock);
	return n;
}

static __poll_t lockstep_poll(struct file *file, poll_table *wait)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &reply_wait, wait);
	if (out_pending())
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static const struct file_operations lockstep_fops = {
	.owner		= THIS_MODULE,
	.open		= lockstep_open,
	.release	= lockstep_release,
	.read		= lockstep_read,
	.write		= lockstep_write,
	.poll		= lockstep_poll,
	.llseek		= no_llseek,
};

static struct miscdevice lockstep_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lockstep",
	.fops	= &lockstep_fops,
	.mode	= 0600,
};

static int __init lockstep_init(void)
{
	int ret;

	/* Builds the CRC table now, not inside the first request. */
	crc32_ieee(0, NULL, 0);
	wire_rx_init(&rx);
	wb_init(&payload);
	wb_init(&reply);
	wb_init(&out);
	wb_init(&last_reply);

	ret = pages_init();
	if (ret)
		return ret;

	/*
	 * A device of its own for cfg->iommu_dev: NUMA_NO_NODE for the table
	 * allocations, and a 64-bit DMA mask so that non-coherent walks map
	 * their tables through the real DMA API.
	 */
	pdev = platform_device_register_simple("lockstep-iommu",
					       PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(pdev)) {
		ret = PTR_ERR(pdev);
		goto err_pages;
	}
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_pdev;
	lockstep_iommu_dev = &pdev->dev;

	ret = misc_register(&lockstep_misc);
	if (ret)
		goto err_pdev;
	pr_info("agent on /dev/lockstep: io-pgtable of linux %s, protocol %d\n",
		init_utsname()->release, PROTOCOL_VERSION);
	return 0;

err_pdev:
	platform_device_unregister(pdev);
err_pages:
	pages_exit();
	return ret;
}

static void __exit lockstep_exit(void)
{
	misc_deregister(&lockstep_misc);
	cancel_delayed_work_sync(&idle_work);
	mutex_lock(&lock);
	reset_tables();
	mutex_unlock(&lock);
	pages_exit();
	platform_device_unregister(pdev);
	lockstep_free(rx.buf);
	wb_free(&payload);
	wb_free(&reply);
	wb_free(&out);
	wb_free(&last_reply);
}

module_init(lockstep_init);
module_exit(lockstep_exit);

MODULE_DESCRIPTION("Lockstep agent: the kernel's io-pgtable behind the Lockstep wire protocol");
MODULE_LICENSE("GPL");
