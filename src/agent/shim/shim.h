/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the agent asks of the shim beyond the kernel API: kmalloc
 * accounting per handle, for leak reports after FREE.
 */
#ifndef LOCKSTEP_SHIM_H
#define LOCKSTEP_SHIM_H

/* Owners are the protocol's handles, 0..SHIM_MAX_OWNER. */
#define SHIM_MAX_OWNER	15

unsigned int shim_kmalloc_owned(int owner);
void shim_kmalloc_disown(int owner);

#endif /* LOCKSTEP_SHIM_H */
