/* SPDX-License-Identifier: GPL-2.0-only */
/* Symbol exports: one program, nothing to export to. */
#ifndef _LINUX_EXPORT_H
#define _LINUX_EXPORT_H

/* A declaration, so that the ';' after the macro stays legal at file scope. */
#define EXPORT_SYMBOL(sym)	extern __typeof__(sym) sym
#define EXPORT_SYMBOL_GPL(sym)	extern __typeof__(sym) sym

#endif /* _LINUX_EXPORT_H */
