/* SPDX-License-Identifier: GPL-2.0-only */
/* A device is a name and a NUMA node; dev_*() print like pr_*() with the name. */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H

#include <linux/printk.h>

struct device {
	const char *name;
	int numa_node;
};

static inline const char *dev_name(const struct device *dev)
{
	return dev && dev->name ? dev->name : "(null device)";
}

static inline int dev_to_node(struct device *dev)
{
	return dev ? dev->numa_node : -1;
}

static inline void set_dev_node(struct device *dev, int node)
{
	if (dev)
		dev->numa_node = node;
}

#define dev_printk(level, dev, fmt, ...)				\
	printk(level "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)	dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)	dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)	dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...)	dev_printk(KERN_DEBUG, dev, fmt, ##__VA_ARGS__)

#endif /* _LINUX_DEVICE_H */
