/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A device is a name, a NUMA node and its devres list; dev_*() print like
 * pr_*() with the name.
 */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H

#include <linux/printk.h>

struct lockstep_devres;

struct device {
	const char *name;
	int numa_node;
	struct lockstep_devres *devres;	/* newest first */
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

/* Managed actions, run newest first when the device is released. */
int devm_add_action(struct device *dev, void (*action)(void *), void *data);
int devm_add_action_or_reset(struct device *dev, void (*action)(void *),
			     void *data);
/* For the agent: unbinding the driver. */
void lockstep_devres_release_all(struct device *dev);

#define dev_printk(level, dev, fmt, ...)				\
	printk(level "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)	dev_printk(KERN_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)	dev_printk(KERN_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)	dev_printk(KERN_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...)	dev_printk(KERN_DEBUG, dev, fmt, ##__VA_ARGS__)

#endif /* _LINUX_DEVICE_H */
