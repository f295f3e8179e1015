/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel configuration the driver files are built with, forced into
 * every kernel translation unit with -include (the kernel's autoconf.h).
 * The LPAE selftest stays off in the agent (the bench runs its own cases);
 * the selftest binary is built with LOCKSTEP_SELFTEST, which turns it on.
 */
#ifndef LOCKSTEP_KCONFIG_H
#define LOCKSTEP_KCONFIG_H

#define CONFIG_IOMMU_IO_PGTABLE 1
#define CONFIG_IOMMU_IO_PGTABLE_LPAE 1
#ifndef LOCKSTEP_NO_DART
#define CONFIG_IOMMU_IO_PGTABLE_DART 1
#endif
#ifdef LOCKSTEP_SELFTEST
#define CONFIG_IOMMU_IO_PGTABLE_LPAE_SELFTEST 1
#endif

#endif /* LOCKSTEP_KCONFIG_H */
