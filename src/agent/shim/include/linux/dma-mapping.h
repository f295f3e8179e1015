/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The streaming DMA API for page tables in the arena: the bus address is
 * the physical address.  The hooks check each call the way the kernel's
 * CONFIG_DMA_API_DEBUG does (a WARN on syncing or unmapping memory that is
 * not mapped) and count syncs for the running operation.
 */
#ifndef _LINUX_DMA_MAPPING_H
#define _LINUX_DMA_MAPPING_H

#include <errno.h>

#include <linux/device.h>
#include <linux/types.h>
#include <lockstep/hooks.h>

#define DMA_MAPPING_ERROR	(~(dma_addr_t)0)

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

static inline dma_addr_t dma_map_single(struct device *dev, void *ptr,
					size_t size,
					enum dma_data_direction dir)
{
	return lockstep_dma_map(ptr, size);
}

static inline void dma_unmap_single(struct device *dev, dma_addr_t addr,
				    size_t size, enum dma_data_direction dir)
{
	lockstep_dma_unmap(addr, size);
}

static inline void dma_sync_single_for_device(struct device *dev,
					      dma_addr_t addr, size_t size,
					      enum dma_data_direction dir)
{
	lockstep_dma_sync(addr, size);
}

/*
 * Coherent buffers come from the arena between two guard pages that are
 * checked when the buffer is freed (lockstep/dma.h).
 */
static inline void *dma_alloc_coherent(struct device *dev, size_t size,
				       dma_addr_t *dma_handle, gfp_t gfp)
{
	return lockstep_dma_alloc_coherent(size, dma_handle, gfp);
}

static inline void dma_free_coherent(struct device *dev, size_t size,
				     void *cpu_addr, dma_addr_t dma_handle)
{
	lockstep_dma_free_coherent(size, cpu_addr, dma_handle);
}

static inline int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}

#endif /* _LINUX_DMA_MAPPING_H */
