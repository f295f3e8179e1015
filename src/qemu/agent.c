// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lockstep QEMU agent: a bare-metal AArch64 program that speaks a subset of
 * the m1n1 proxy protocol over the PL011 UART of QEMU's virt machine, so the
 * bench can lay out translation tables in guest RAM and ask the CPU's own
 * table walker (AT instructions) what it makes of them.
 *
 * Runs at EL2 with its own MMU off.  See docs/qemu-oracle.md.
 */

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long u64;
typedef int s32;
typedef long s64;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- machine ------------------------------------------------------------ */

#define UART_BASE	0x09000000UL
#define UART_DR		0x00
#define UART_FR		0x18
#define UART_LCR_H	0x2c
#define UART_CR		0x30
#define UART_IMSC	0x38
#define FR_RXFE		(1u << 4)
#define FR_TXFF		(1u << 5)

#define GICD_BASE	0x08000000UL
#define GICC_BASE	0x08010000UL
#define UART_INTID	33

#define RAM_BASE	0x40000000UL
#define RAM_SIZE_DEFAULT 0x40000000UL	/* -m 1024M, when the DTB says nothing */
#define DTB_BASE	RAM_BASE	/* where QEMU puts the DTB for a bare-metal ELF */

/* Guest RAM size, from the DTB's memory node: the bench picks -m to suit the tables. */
static u64 ram_size = RAM_SIZE_DEFAULT;

extern char __image_start[], __image_end[];
/* The agent keeps 0x40000000..AGENT_END (DTB, image, stack) for itself. */
#define AGENT_END	0x40400000UL

static inline void w32(u64 a, u32 v) { *(volatile u32 *)a = v; }
static inline u32 r32(u64 a) { return *(volatile u32 *)a; }
static inline void w8(u64 a, u8 v) { *(volatile u8 *)a = v; }

#define sysreg_write(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((u64)(v)))
#define sysreg_read(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb() __asm__ volatile("dsb sy" : : : "memory")

static inline u64 get64(const u8 *p)
{
	u64 v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline void put64(u8 *p, u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

static inline void put32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* The compiler may call these for struct and array initialisers. */
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

void *memset(void *d, int c, unsigned long n)
{
	u8 *p = d;

	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	u8 *p = d;
	const u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

/* --- exceptions ----------------------------------------------------------- */

struct exc_frame {
	u64 x[19];	/* x0..x18 */
	u64 x29, x30, elr, spsr;
};

/*
 * Guard: while armed, a synchronous exception (an external abort on a load,
 * a store or a table walk) skips the faulting instruction and is counted,
 * like m1n1's GUARD_SKIP with MARK counting.  Unarmed, it is fatal.
 */
static volatile u32 guard_armed;
static volatile u64 guard_faults;
static volatile u64 guard_last_esr;
static u64 exc_count;	/* P_GET_EXC_COUNT */

static void uart_putc(u8 c);
static void send_frame(u32 type, s32 status, const void *payload);

#define T_NOP		0x00AA55FFu
#define T_PROXY		0x01AA55FFu
#define T_MEMREAD	0x02AA55FFu
#define T_MEMWRITE	0x03AA55FFu
#define T_BOOT		0x04AA55FFu

#define ST_OK		0
#define ST_BADCMD	(-1)
#define ST_INVAL	(-2)
#define ST_XFRERR	(-3)
#define ST_CSUMERR	(-4)

void exc_handler(u64 kind, struct exc_frame *f)
{
	u64 esr = sysreg_read(esr_el2);

	if (kind == 0 && guard_armed) {
		guard_faults++;
		exc_count++;
		guard_last_esr = esr;
		f->elr += 4;
		return;
	}
	/* Unexpected: tell the host in a BOOT frame (reason EXCEPTION) and stop. */
	u8 p[24] = { 0 };
	u32 reason = 1, code = (u32)(kind & 3);
	u64 far = sysreg_read(far_el2);
	put32(p, reason);
	put32(p + 4, code);
	put64(p + 8, esr);
	put64(p + 16, far);
	send_frame(T_BOOT, 0, p);
	for (;;)
		__asm__ volatile("wfi");
}

/* --- UART ------------------------------------------------------------------ */

static void uart_init(void)
{
	w32(UART_BASE + UART_LCR_H, 0x70);	/* 8N1, FIFOs on */
	w32(UART_BASE + UART_CR, 0x301);	/* UARTEN, TXE, RXE */
	/* RX and RX-timeout interrupts routed to the GIC, masked at PSTATE.I:
	 * they only wake WFI, so an idle agent does not burn a host core. */
	w32(UART_BASE + UART_IMSC, (1u << 4) | (1u << 6));
	w32(GICD_BASE + 0x000, 1);				/* GICD_CTLR */
	w8(GICD_BASE + 0x400 + UART_INTID, 0xa0);		/* priority */
	w8(GICD_BASE + 0x800 + UART_INTID, 0x01);		/* target CPU0 */
	w32(GICD_BASE + 0x100 + 4 * (UART_INTID / 32), 1u << (UART_INTID % 32));
	w32(GICC_BASE + 0x004, 0xff);				/* GICC_PMR */
	w32(GICC_BASE + 0x000, 1);				/* GICC_CTLR */
	__asm__ volatile("msr daifset, #0xf");
}

static void uart_putc(u8 c)
{
	while (r32(UART_BASE + UART_FR) & FR_TXFF)
		;
	w32(UART_BASE + UART_DR, c);
}

static u8 uart_getc(void)
{
	while (r32(UART_BASE + UART_FR) & FR_RXFE)
		__asm__ volatile("wfi");
	return (u8)r32(UART_BASE + UART_DR);
}

static void uart_write(const void *buf, u64 n)
{
	const u8 *p = buf;

	while (n--)
		uart_putc(*p++);
}

/* --- checksums ------------------------------------------------------------- */

#define CSUM_INIT 0xDEADBEEFu

static inline u32 csum_step(u32 s, u8 b)
{
	return s * 31337u + (u32)(b ^ 0x5a);
}

static u32 csum_final(u32 s)
{
	return s ^ 0xADDEDBADu;
}

static u32 checksum(const void *buf, u64 n)
{
	const u8 *p = buf;
	u32 s = CSUM_INIT;

	while (n--)
		s = csum_step(s, *p++);
	return csum_final(s);
}

/* --- frames ---------------------------------------------------------------- */

#define REQ_SIZE	64
#define REPLY_SIZE	36

static void send_frame(u32 type, s32 status, const void *payload)
{
	u8 r[REPLY_SIZE];

	put32(r, type);
	put32(r + 4, (u32)status);
	for (int i = 0; i < 24; i++)
		r[8 + i] = payload ? ((const u8 *)payload)[i] : 0;
	put32(r + 32, checksum(r, 32));
	uart_write(r, REPLY_SIZE);
}

static u8 uart_getc_serving(void);

/*
 * Reads bytes until the 4-byte window holds a frame magic; then the rest.
 * Between frames the mailbox (if any) is served, and a doorbell byte is
 * just another byte that is not a frame.
 */
static void recv_request(u8 *req)
{
	u32 win = 0;

	for (;;) {
		win = (win >> 8) | ((u32)uart_getc_serving() << 24);
		if ((win & 0xffffff) == 0xAA55FF)
			break;
	}
	put32(req, win);
	for (int i = 4; i < REQ_SIZE; i++)
		req[i] = uart_getc();
}

/* --- address validation ---------------------------------------------------- */

/* [addr, addr+size) lies in guest RAM. */
static int in_ram(u64 addr, u64 size)
{
	return size <= ram_size && addr >= RAM_BASE && addr - RAM_BASE <= ram_size - size;
}

/* ... and does not touch the agent's own region. */
static int writable(u64 addr, u64 size)
{
	return in_ram(addr, size) && addr >= AGENT_END;
}

/* --- the DTB's memory node -------------------------------------------------- */

#define FDT_MAGIC	0xd00dfeedu
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9
/* A DTB larger than this is not QEMU's; stop rather than walk off into RAM. */
#define FDT_MAX_SIZE	(1UL << 20)

/* Byte loads only: with the MMU off every access is Device memory, which faults unaligned. */
static u32 be32(u64 a)
{
	const volatile u8 *p = (const volatile u8 *)a;

	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static int str_eq(u64 a, const char *s)
{
	const volatile u8 *p = (const volatile u8 *)a;

	while (*s)
		if (*p++ != (u8)*s++)
			return 0;
	return *p == 0;
}

static int str_prefix(u64 a, const char *s)
{
	const volatile u8 *p = (const volatile u8 *)a;

	while (*s)
		if (*p++ != (u8)*s++)
			return 0;
	return 1;
}

static u64 str_len(u64 a, u64 max)
{
	u64 n = 0;

	while (n < max && ((const volatile u8 *)a)[n])
		n++;
	return n;
}

/*
 * Reads the size of the first memory node's first region from the DTB,
 * trusting nothing in it: every offset is checked against the blob's size.
 * Returns 0 when the blob or the node is not what QEMU's virt machine writes.
 */
static u64 fdt_ram_size(u64 fdt)
{
	u32 total, off_struct, off_strings, size_struct, size_strings;
	u32 addr_cells = 2, size_cells = 1, depth = 0, in_memory = 0;
	u64 p, end;

	if (be32(fdt) != FDT_MAGIC)
		return 0;
	total = be32(fdt + 4);
	off_struct = be32(fdt + 8);
	off_strings = be32(fdt + 12);
	size_strings = be32(fdt + 32);
	size_struct = be32(fdt + 36);
	if (total > FDT_MAX_SIZE || off_struct > total || size_struct > total - off_struct ||
	    off_strings > total || size_strings > total - off_strings)
		return 0;
	p = fdt + off_struct;
	end = p + size_struct;
	while (p + 4 <= end) {
		u32 tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			u64 n = str_len(p, end - p);

			if (p + n >= end)
				return 0;
			depth++;
			in_memory = depth == 2 && str_prefix(p, "memory");
			p += (n + 4) & ~3UL;
		} else if (tok == FDT_END_NODE) {
			if (depth == 0)
				return 0;
			depth--;
			in_memory = 0;
		} else if (tok == FDT_PROP) {
			u32 len, nameoff;
			u64 name, val;

			if (p + 8 > end)
				return 0;
			len = be32(p);
			nameoff = be32(p + 4);
			val = p + 8;
			if (len > end - val || nameoff >= size_strings)
				return 0;
			name = fdt + off_strings + nameoff;
			if (depth == 1 && str_eq(name, "#address-cells") && len == 4)
				addr_cells = be32(val);
			else if (depth == 1 && str_eq(name, "#size-cells") && len == 4)
				size_cells = be32(val);
			else if (in_memory && str_eq(name, "reg") &&
				 (addr_cells == 1 || addr_cells == 2) &&
				 (size_cells == 1 || size_cells == 2) &&
				 len >= 4 * (addr_cells + size_cells)) {
				u64 base = be32(val), size = be32(val + 4 * addr_cells);

				if (addr_cells == 2)
					base = base << 32 | be32(val + 4);
				if (size_cells == 2)
					size = size << 32 | be32(val + 4 * addr_cells + 4);
				return base == RAM_BASE ? size : 0;
			}
			p = val + ((len + 3) & ~3UL);
		} else if (tok == FDT_NOP) {
			continue;
		} else {
			return 0;	/* FDT_END, or not a DTB token */
		}
	}
	return 0;
}

/* The largest MEMWRITE whose data the agent will swallow when refusing it. */
#define MAX_DRAIN	(64UL << 20)

/* --- MEMREAD / MEMWRITE ---------------------------------------------------- */

static void do_memread(const u8 *req)
{
	u64 addr = get64(req + 4), size = get64(req + 12);
	u8 p[24] = { 0 };
	u32 s = CSUM_INIT;

	if (size == 0 || !in_ram(addr, size)) {
		send_frame(T_MEMREAD, ST_INVAL, p);
		return;
	}
	guard_faults = 0;
	guard_armed = 1;
	for (u64 i = 0; i < size; i++)
		s = csum_step(s, ((volatile u8 *)addr)[i]);
	guard_armed = 0;
	if (guard_faults) {
		send_frame(T_MEMREAD, ST_XFRERR, p);
		return;
	}
	put32(p, csum_final(s));
	send_frame(T_MEMREAD, ST_OK, p);
	for (u64 i = 0; i < size; i++)
		uart_putc(((volatile u8 *)addr)[i]);
}

static void do_memwrite(const u8 *req)
{
	u64 addr = get64(req + 4), size = get64(req + 12);
	u32 want = (u32)get64(req + 20);
	u8 p[24] = { 0 };
	u32 s = CSUM_INIT;

	if (size == 0 || !writable(addr, size)) {
		/* Refused; the host sends the data anyway, so swallow it when
		 * that is plausible, rather than scan it for frames. */
		if (size <= MAX_DRAIN)
			for (u64 i = 0; i < size; i++)
				(void)uart_getc();
		send_frame(T_MEMWRITE, ST_INVAL, p);
		return;
	}
	for (u64 i = 0; i < size; i++) {
		u8 b = uart_getc();
		((volatile u8 *)addr)[i] = b;
		s = csum_step(s, b);
	}
	dsb();
	put32(p, csum_final(s));
	send_frame(T_MEMWRITE, csum_final(s) == want ? ST_OK : ST_XFRERR, p);
}

/* --- PROXY ----------------------------------------------------------------- */

#define P_NOP		0x000
#define P_GET_BASE	0x004
#define P_SET_BAUD	0x005
#define P_SET_EXC_GUARD	0x007
#define P_GET_EXC_COUNT	0x008
#define P_WRITE64	0x100
#define P_WRITE32	0x101
#define P_READ64	0x104
#define P_READ32	0x105
#define P_MEMCPY64	0x200
#define P_MEMCPY8	0x203
#define P_MEMSET64	0x204
#define P_MEMSET8	0x207

/*
 * Lockstep's own group, far from every m1n1 group (m1n1 uses 0x000..0xbff).
 * LS_AT_S1: args TCR_EL1, MAIR_EL1, TTBR0_EL1, va, which, TTBR1_EL1;
 * which: 0 S1E1R, 1 S1E1W, 2 S1E0R, 3 S1E0W, 4 S1E1RP, 5 S1E1WP.
 * retval PAR_EL1; status LS_ST_WALK_ABORT with retval ESR_EL2 when the walk
 * took a synchronous external abort (a descriptor fetch from non-RAM).
 * LS_AT_S12: args VTCR_EL2, VTTBR_EL2, ipa, which, flags; which: 0 S12E1R,
 * 1 S12E1W, 2 S12E0R, 3 S12E0W; flags bit 0 sets HCR_EL2.DC.  Stage 1 is off,
 * so the IPA is the VA and the walk is stage 2's alone.
 * LS_RAM_SIZE: retval the guest RAM size the agent read from the DTB.
 * LS_MBOX_START: args ring address, slots (a power of two): serve proxy
 * calls from a ring in guest RAM as well as from the UART.  LS_MBOX_STOP.
 */
#define LS_AT_S1	0x4c00
#define LS_AT_S12	0x4c01
#define LS_RAM_SIZE	0x4c02
#define LS_MBOX_START	0x4c10
#define LS_MBOX_STOP	0x4c11
#define LS_ST_WALK_ABORT (-16)

#define P_ST_OK		0
#define P_ST_BADCMD	(-1)
#define P_ST_INVAL	(-2)

#define TCR_HA		(1UL << 39)
#define TCR_HD		(1UL << 40)
#define VTCR_HA		(1UL << 21)
#define VTCR_HD		(1UL << 22)
#define SCTLR_EL1_ON	0x30D01805UL	/* M, C, I, RES1 bits; WXN, A off */
#define SCTLR_EL1_OFF	0x30D00800UL	/* RES1 bits only: stage 1 off */
#define HCR_VM		(1UL << 0)
#define HCR_DC		(1UL << 12)
#define HCR_RW		(1UL << 31)

u64 at_s1(u64 va, u64 which);
u64 at_s12(u64 ipa, u64 which);

/*
 * The translation registers as last written.  QEMU flushes its TLB on
 * every write to one of them, so a write that changes nothing is skipped;
 * the TLBI before each AT is what makes a table the bench just rewrote
 * visible, and that is never skipped.
 */
static struct {
	u64 hcr, sctlr, tcr, mair, ttbr0, ttbr1, vtcr, vttbr;
} cur = { ~0UL, ~0UL, ~0UL, ~0UL, ~0UL, ~0UL, ~0UL, ~0UL };

#define set_reg(reg, field, v) do {			\
	u64 __v = (v);					\
	if (cur.field != __v) {				\
		sysreg_write(reg, __v);			\
		cur.field = __v;			\
	}						\
} while (0)

/* What an AT under the guard answers: PAR, or the ESR of a walk that aborted. */
static s64 at_answer(u64 par, u64 *ret)
{
	guard_armed = 0;
	if (guard_faults) {
		*ret = guard_last_esr;
		return LS_ST_WALK_ABORT;
	}
	*ret = par;
	return P_ST_OK;
}

static s64 ls_at_s1(const u64 *a, u64 *ret)
{
	u64 tcr = a[0], mair = a[1], ttbr0 = a[2], va = a[3], which = a[4], ttbr1 = a[5];
	u64 tg0 = (tcr >> 14) & 3, tg1 = (tcr >> 30) & 3;
	u64 par;

	if (which > 5 || tg0 == 3 || tg1 == 0 || (tcr & (TCR_HA | TCR_HD)))
		return P_ST_INVAL;
	set_reg(hcr_el2, hcr, HCR_RW);		/* EL1 AArch64, E2H = TGE = VM = 0 */
	set_reg(tcr_el1, tcr, tcr);
	set_reg(mair_el1, mair, mair);
	set_reg(ttbr0_el1, ttbr0, ttbr0);
	set_reg(ttbr1_el1, ttbr1, ttbr1);
	set_reg(sctlr_el1, sctlr, SCTLR_EL1_ON);
	isb();
	__asm__ volatile("dsb ishst\n\ttlbi vmalle1\n\tdsb ish\n\tisb" : : : "memory");
	guard_faults = 0;
	guard_armed = 1;
	par = at_s1(va, which);
	return at_answer(par, ret);
}

static s64 ls_at_s12(const u64 *a, u64 *ret)
{
	u64 vtcr = a[0], vttbr = a[1], ipa = a[2], which = a[3], flags = a[4];
	u64 par;

	if (which > 3 || ((vtcr >> 14) & 3) == 3 || (vtcr & (VTCR_HA | VTCR_HD)) || (flags & ~1UL))
		return P_ST_INVAL;
	/*
	 * Stage 1 off: with DC set it reads as Normal write-back non-shareable
	 * memory, which combines with any stage 2 attribute into that attribute,
	 * so PAR shows stage 2's memory type rather than Device-nGnRnE.
	 */
	set_reg(sctlr_el1, sctlr, SCTLR_EL1_OFF);
	set_reg(hcr_el2, hcr, HCR_RW | HCR_VM | ((flags & 1) ? HCR_DC : 0));
	set_reg(vtcr_el2, vtcr, vtcr);
	set_reg(vttbr_el2, vttbr, vttbr);
	isb();
	__asm__ volatile("dsb ishst\n\ttlbi vmalls12e1\n\tdsb ish\n\tisb" : : : "memory");
	guard_faults = 0;
	guard_armed = 1;
	par = at_s12(ipa, which);
	return at_answer(par, ret);
}

/* dst and src are both in RAM outside the agent (dst) and aligned to align. */
static int copy_ok(u64 dst, u64 src, u64 n, u64 align)
{
	return ((dst | src | n) & (align - 1)) == 0 && writable(dst, n) && in_ram(src, n);
}

static s64 mbox_start(u64 base, u64 slots);
static void mbox_stop(void);

/* Runs one proxy call, from the UART or from the mailbox (from_mbox). */
static s64 proxy_exec(u64 op, const u64 *a, u64 *retp, int from_mbox)
{
	u64 ret = 0;
	s64 st = P_ST_OK;

	switch (op) {
	case P_NOP:
		break;
	case P_GET_BASE:
		ret = (u64)__image_start;
		break;
	case P_SET_EXC_GUARD:
		/* The agent always guards proxy accesses (SKIP, counted). */
		break;
	case P_GET_EXC_COUNT:
		ret = exc_count;
		exc_count = 0;
		break;
	case P_WRITE64:
	case P_WRITE32: {
		u64 sz = op == P_WRITE64 ? 8 : 4;
		/* MMIO anywhere, but never into the agent itself. */
		if ((a[0] & (sz - 1)) || (a[0] < AGENT_END && a[0] + sz > RAM_BASE)) {
			st = P_ST_INVAL;
			break;
		}
		guard_armed = 1;
		if (sz == 8)
			*(volatile u64 *)a[0] = a[1];
		else
			*(volatile u32 *)a[0] = (u32)a[1];
		guard_armed = 0;
		break;
	}
	case P_READ64:
	case P_READ32: {
		u64 sz = op == P_READ64 ? 8 : 4;
		if (a[0] & (sz - 1)) {
			st = P_ST_INVAL;
			break;
		}
		guard_faults = 0;
		guard_armed = 1;
		ret = sz == 8 ? *(volatile u64 *)a[0] : *(volatile u32 *)a[0];
		guard_armed = 0;
		if (guard_faults)
			ret = ~0UL;	/* faulted: counted, see P_GET_EXC_COUNT */
		break;
	}
	case P_MEMCPY64:
	case P_MEMCPY8: {
		u64 al = op == P_MEMCPY64 ? 8 : 1;
		if (!copy_ok(a[0], a[1], a[2], al) || (a[0] < a[1] + a[2] && a[1] < a[0] + a[2])) {
			st = P_ST_INVAL;
			break;
		}
		for (u64 i = 0; i < a[2]; i += al) {
			if (al == 8)
				*(volatile u64 *)(a[0] + i) = *(volatile u64 *)(a[1] + i);
			else
				*(volatile u8 *)(a[0] + i) = *(volatile u8 *)(a[1] + i);
		}
		dsb();
		break;
	}
	case P_MEMSET64:
	case P_MEMSET8: {
		u64 al = op == P_MEMSET64 ? 8 : 1;
		if (((a[0] | a[2]) & (al - 1)) || !writable(a[0], a[2])) {
			st = P_ST_INVAL;
			break;
		}
		for (u64 i = 0; i < a[2]; i += al) {
			if (al == 8)
				*(volatile u64 *)(a[0] + i) = a[1];
			else
				*(volatile u8 *)(a[0] + i) = (u8)a[1];
		}
		dsb();
		break;
	}
	case LS_AT_S1:
		st = ls_at_s1(a, &ret);
		break;
	case LS_AT_S12:
		st = ls_at_s12(a, &ret);
		break;
	case LS_RAM_SIZE:
		ret = ram_size;
		break;
	case LS_MBOX_START:
		/* The ring is set up from the control channel only. */
		st = from_mbox ? P_ST_INVAL : mbox_start(a[0], a[1]);
		break;
	case LS_MBOX_STOP:
		if (from_mbox)
			st = P_ST_INVAL;
		else
			mbox_stop();
		break;
	default:
		st = P_ST_BADCMD;
		break;
	}
	*retp = ret;
	return st;
}

/*
 * SET_BAUD (baud, count, filler), as m1n1 answers it on a UART: switch the
 * rate, send count copies of the filler word at the new rate, then the reply,
 * so a host that switched late still finds the frame.  QEMU's PL011 has no
 * rate to switch; the fillers and the reply are what a host can observe.
 */
static int set_baud(const u64 *a)
{
	u8 w[4];

	if (a[0] < 9600 || a[0] > 3000000 || a[1] > 64)
		return 0;
	put32(w, (u32)a[2]);
	for (u64 i = 0; i < a[1]; i++)
		for (int j = 0; j < 4; j++)
			uart_putc(w[j]);
	return 1;
}

static void do_proxy(const u8 *req)
{
	u64 op = get64(req + 4), a[6], ret = 0;
	s64 st;
	u8 p[24];

	for (int i = 0; i < 6; i++)
		a[i] = get64(req + 12 + 8 * i);
	if (op == P_SET_BAUD)
		st = set_baud(a) ? P_ST_OK : P_ST_INVAL;
	else
		st = proxy_exec(op, a, &ret, 0);
	put64(p, op);
	put64(p + 8, (u64)st);
	put64(p + 16, ret);
	send_frame(T_PROXY, ST_OK, p);
}

/* --- mailbox ---------------------------------------------------------------- */

/*
 * When the bench and QEMU share guest RAM (a memory-backend-file both map),
 * proxy calls can go through a ring in RAM instead of the PL011, whose
 * receive path costs about 10 us a byte.  The UART stays the control
 * channel: the ring is set up and torn down by UART requests, and a byte on
 * the UART wakes an agent that went to sleep on an idle ring.
 *
 * Header (64 bytes): u64 head (the bench: requests posted), u64 tail (the
 * agent: requests answered), u64 sleeping (the agent waits in WFI and wants
 * a UART byte), u64 magic.  Slot i (128 bytes) at base + 64 + 128 * i:
 * u64 op, u64 args[6], u64 pad, s64 status, u64 retval.  Request n lives in
 * slot n & (slots - 1); the bench never has more than slots outstanding.
 */
#define MBOX_MAGIC	0x31304d42534cUL	/* "LSMB01" */
#define MBOX_HDR	64
#define MBOX_SLOT	128
#define MBOX_MAX_SLOTS	4096

static u64 mbox_base;	/* 0: no ring */
static u64 mbox_mask;
static u64 mbox_spin;	/* counter ticks to poll an idle ring before sleeping */

static inline u64 rd64(u64 a) { return *(volatile u64 *)a; }
static inline void wr64(u64 a, u64 v) { *(volatile u64 *)a = v; }

static s64 mbox_start(u64 base, u64 slots)
{
	u64 size = MBOX_HDR + slots * MBOX_SLOT;

	if (slots == 0 || slots > MBOX_MAX_SLOTS || (slots & (slots - 1)) || (base & 63) ||
	    !writable(base, size))
		return P_ST_INVAL;
	mbox_base = base;
	mbox_mask = slots - 1;
	/* About 1 ms: long enough to catch the next request of a busy bench. */
	mbox_spin = sysreg_read(cntfrq_el0) / 1000;
	wr64(base + 16, 0);
	wr64(base + 8, rd64(base));	/* nothing outstanding */
	wr64(base + 24, MBOX_MAGIC);
	dsb();
	return P_ST_OK;
}

static void mbox_stop(void)
{
	if (mbox_base)
		wr64(mbox_base + 24, 0);
	mbox_base = 0;
}

/* Answers every request posted; returns how many. */
static u64 mbox_serve(void)
{
	u64 head = rd64(mbox_base), tail = rd64(mbox_base + 8), n = 0;

	while (tail != head) {
		u64 slot = mbox_base + MBOX_HDR + (tail & mbox_mask) * MBOX_SLOT;
		u64 a[6], ret;
		s64 st;

		/* A head more than a ring ahead is a bench bug: stop serving. */
		if (head - tail > mbox_mask + 1) {
			mbox_stop();
			return n;
		}
		dsb();
		for (int i = 0; i < 6; i++)
			a[i] = rd64(slot + 8 + 8 * i);
		st = proxy_exec(rd64(slot), a, &ret, 1);
		wr64(slot + 72, (u64)st);
		wr64(slot + 80, ret);
		dsb();
		wr64(mbox_base + 8, ++tail);
		n++;
		head = rd64(mbox_base);
	}
	return n;
}

static inline u64 now(void)
{
	return sysreg_read(cntpct_el0);
}

/*
 * The next UART byte, serving the ring while none comes: poll it for a
 * while after the last request, then say so and sleep until a UART byte
 * (a request frame, or the bench's doorbell) arrives.
 */
static u8 uart_getc_serving(void)
{
	u64 last = now();

	while (r32(UART_BASE + UART_FR) & FR_RXFE) {
		if (!mbox_base) {
			__asm__ volatile("wfi");
			continue;
		}
		if (mbox_serve()) {
			last = now();
			continue;
		}
		if (now() - last < mbox_spin)
			continue;
		wr64(mbox_base + 16, 1);
		dsb();
		/* Posted between the last look and the flag: serve it, do not sleep on it. */
		if (rd64(mbox_base) == rd64(mbox_base + 8) && (r32(UART_BASE + UART_FR) & FR_RXFE))
			__asm__ volatile("wfi");
		wr64(mbox_base + 16, 0);
		last = now();
	}
	return (u8)r32(UART_BASE + UART_DR);
}

/* --- main loop ------------------------------------------------------------- */

void agent_main(void)
{
	u8 req[REQ_SIZE];
	u8 boot[24] = { 0 };	/* reason BOOT 0 */
	u64 dtb_ram = fdt_ram_size(DTB_BASE);

	if (dtb_ram >= AGENT_END - RAM_BASE)
		ram_size = dtb_ram;
	uart_init();
	send_frame(T_BOOT, 0, boot);
	for (;;) {
		u32 type;
		u8 p[24] = { 0 };

		recv_request(req);
		type = (u32)req[0] | (u32)req[1] << 8 | (u32)req[2] << 16 | (u32)req[3] << 24;
		if (checksum(req, 60) != ((u32)req[60] | (u32)req[61] << 8 |
					  (u32)req[62] << 16 | (u32)req[63] << 24)) {
			send_frame(type, ST_CSUMERR, p);
			continue;
		}
		switch (type) {
		case T_NOP:
			/* No features: data checksums cannot be turned off on a UART. */
			send_frame(T_NOP, ST_OK, p);
			break;
		case T_PROXY:
			do_proxy(req);
			break;
		case T_MEMREAD:
			do_memread(req);
			break;
		case T_MEMWRITE:
			do_memwrite(req);
			break;
		default:
			send_frame(type, ST_BADCMD, p);
			break;
		}
	}
}
