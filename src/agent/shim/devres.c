// SPDX-License-Identifier: GPL-2.0-only
/*
 * Managed device resources: the actions of devm_add_action(), run newest
 * first when the agent releases the device (the driver's unbind).  The
 * records are kmalloc'd like the kernel's, so they count in leak reports.
 *
 * Built over the shim headers.
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/slab.h>

struct lockstep_devres {
	void (*action)(void *);
	void *data;
	struct lockstep_devres *next;
};

int devm_add_action(struct device *dev, void (*action)(void *), void *data)
{
	struct lockstep_devres *dr = kmalloc(sizeof(*dr), GFP_KERNEL);

	if (!dr)
		return -ENOMEM;
	dr->action = action;
	dr->data = data;
	dr->next = dev->devres;
	dev->devres = dr;
	return 0;
}

int devm_add_action_or_reset(struct device *dev, void (*action)(void *),
			     void *data)
{
	int ret = devm_add_action(dev, action, data);

	if (ret)
		action(data);
	return ret;
}

void lockstep_devres_release_all(struct device *dev)
{
	struct lockstep_devres *dr;

	while ((dr = dev->devres)) {
		dev->devres = dr->next;
		dr->action(dr->data);
		kfree(dr);
	}
}
