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
 * The requests themselves (HELLO's checks, BATCH, STEP with its table
 * delta, MEM_SYNC, RESET, BARE, the kept replies and the sequence order),
 * the framing, the operations and the event list are the host agent's own
 * files (src/agent/serve.c, bare.c, wire.c, pgtable_ops.c, events.c,
 * shadow.c), built here over compat/; this file gives them what differs
 * in a kernel (struct serve_ops), and the memory tracker (pages.c) and the
 * kernel-log reader (klog.c) stand in for the host agent's arena and shim.
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

#include "agent/events.h"
#include "agent/pgtable_ops.h"
#include "agent/serve.h"
#include "agent/wire.h"
#include "build_info.h"
#include "compat/stdlib.h"
#include "kmod.h"

/* A frame that stops arriving for this long is taken for a lying header. */
#define RX_IDLE_MS		500

#define CHUNK		4096

module_param_named(verbose, lockstep_verbose, int, 0644);
MODULE_PARM_DESC(verbose, "Echo events and NAKs to the kernel log");

/* What pgtable_ops.c hands the driver as cfg->iommu_dev. */
struct device *lockstep_iommu_dev;
static struct platform_device *pdev;

/* Everything below is the link's state: one frame at a time, whoever writes. */
static DEFINE_MUTEX(lock);
static struct wire_rx rx;
static struct wbuf out;		/* replies not yet read, from out_pos */
static size_t out_pos;
static u8 chunk[CHUNK];

static DECLARE_WAIT_QUEUE_HEAD(reply_wait);
static atomic_t opened = ATOMIC_INIT(0);

static void idle_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(idle_work, idle_fn);

static bool out_pending(void)
{
	return READ_ONCE(out.len) > READ_ONCE(out_pos);
}

static int queue(const void *p, size_t n)
{
	wb_bytes(&out, p, n);
	if (out.oom) {
		pr_err("out of memory queueing a reply\n");
		wb_reset(&out);
		out_pos = 0;
		return -ENOMEM;
	}
	return 0;
}

/*
 * HELLO_REPLY from the capabilities on.  The "arena" is the kernel's RAM:
 * where the driver's tables may lie.
 */
static void hello(struct wbuf *w)
{
	char version[160];
	u64 base = 0;

	snprintf(version, sizeof(version), "linux %s (%s)",
		 init_utsname()->release, init_utsname()->version);
#ifdef CONFIG_ARM64
	base = PHYS_OFFSET;
#endif
	wb_u32(w, CAP_IO_PGTABLE | CAP_STEP | CAP_STRIDES | CAP_EXPECT |
		    CAP_COMPACT);
	wb_str(w, version);
	wb_str(w, LOCKSTEP_AGENT_BUILD);
	wb_u64(w, base);
	wb_u64(w, (u64)totalram_pages() << PAGE_SHIFT);
	wb_u32(w, PAGE_SIZE);
}

/*
 * Around each driver call: what the kernel logged meanwhile becomes the
 * operation's events.  The tracker is armed only around the call, so the
 * module's own buffers are never taken for the driver's.
 */
static void op_begin(void)
{
	klog_mark();
	pages_arm();
}

static void op_end(u32 index, struct pt_result *res)
{
	unsigned int warns, lost;

	pages_disarm();
	lockstep_ctx.op_index = index;
	warns = klog_collect();
	lost = pages_take_overflow();
	if (lost)
		event_addf(EVENT_PRINTK, "lockstep: %u allocation(s) of the driver not tracked: the tracker is full",
			   lost);
	lockstep_ctx.op_index = OP_INDEX_NONE;
	res->warns = min_t(u32, res->warns + warns, 0xffff);
}

static unsigned int reset_tables(void)
{
	unsigned int leaks;

	pages_arm();
	leaks = pt_reset();
	pages_disarm();
	return leaks;
}

/*
 * No driver edge coverage here (capability bit 2 is clear), but a STEP
 * asks for its news all the same: none, of no sites, from no image.
 */
static void no_coverage(struct wbuf *w)
{
	wb_u32(w, 0);
	wb_u32(w, 0);
	wb_str(w, "");
	wb_u32(w, 0);
}

static const struct serve_ops kmod_ops = {
	.queue		= queue,
	.hello		= hello,
	.op_begin	= op_begin,
	.op_end		= op_end,
	.reset		= reset_tables,
	.coverage	= no_coverage,
};

/* Serves every complete frame in the receive buffer.  Called with the lock held. */
static void serve(void)
{
	/* A reply that could not be queued was logged; the bench asks again. */
	serve_rx(&rx);
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
		serve_nak_line("incomplete frame timed out");
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
	serve_forget();
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
			serve_nak_line("receive buffer overflow");
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
	wb_init(&out);
	serve_init(&kmod_ops);

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
	serve_exit();
	wb_free(&out);
}

module_init(lockstep_init);
module_exit(lockstep_exit);

MODULE_DESCRIPTION("Lockstep agent: the kernel's io-pgtable behind the Lockstep wire protocol");
MODULE_LICENSE("GPL");
