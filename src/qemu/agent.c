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
#define RAM_SIZE	0x40000000UL	/* -m 1024M */

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

/* Reads bytes until the 4-byte window holds a frame magic; then the rest. */
static void recv_request(u8 *req)
{
	u32 win = 0;

	for (;;) {
		win = (win >> 8) | ((u32)uart_getc() << 24);
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
	return size <= RAM_SIZE && addr >= RAM_BASE && addr - RAM_BASE <= RAM_SIZE - size;
}

/* ... and does not touch the agent's own region. */
static int writable(u64 addr, u64 size)
{
	return in_ram(addr, size) && addr >= AGENT_END;
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
 */
#define LS_AT_S1	0x4c00
#define LS_ST_WALK_ABORT (-16)

#define P_ST_OK		0
#define P_ST_BADCMD	(-1)
#define P_ST_INVAL	(-2)

#define TCR_HA		(1UL << 39)
#define TCR_HD		(1UL << 40)
#define SCTLR_EL1_ON	0x30D01805UL	/* M, C, I, RES1 bits; WXN, A off */
#define HCR_RW		(1UL << 31)

u64 at_s1(u64 va, u64 which);

static s64 ls_at_s1(const u64 *a, u64 *ret)
{
	u64 tcr = a[0], mair = a[1], ttbr0 = a[2], va = a[3], which = a[4], ttbr1 = a[5];
	u64 tg0 = (tcr >> 14) & 3, tg1 = (tcr >> 30) & 3;
	u64 par;

	if (which > 5 || tg0 == 3 || tg1 == 0 || (tcr & (TCR_HA | TCR_HD)))
		return P_ST_INVAL;
	sysreg_write(hcr_el2, HCR_RW);		/* EL1 AArch64, E2H = TGE = VM = 0 */
	sysreg_write(tcr_el1, tcr);
	sysreg_write(mair_el1, mair);
	sysreg_write(ttbr0_el1, ttbr0);
	sysreg_write(ttbr1_el1, ttbr1);
	sysreg_write(sctlr_el1, SCTLR_EL1_ON);
	isb();
	__asm__ volatile("dsb ishst\n\ttlbi vmalle1\n\tdsb ish\n\tisb" : : : "memory");
	guard_faults = 0;
	guard_armed = 1;
	par = at_s1(va, which);
	guard_armed = 0;
	if (guard_faults) {
		*ret = guard_last_esr;
		return LS_ST_WALK_ABORT;
	}
	*ret = par;
	return P_ST_OK;
}

/* dst and src are both in RAM outside the agent (dst) and aligned to align. */
static int copy_ok(u64 dst, u64 src, u64 n, u64 align)
{
	return ((dst | src | n) & (align - 1)) == 0 && writable(dst, n) && in_ram(src, n);
}

static void do_proxy(const u8 *req)
{
	u64 op = get64(req + 4), a[6], ret = 0;
	s64 st = P_ST_OK;
	u8 p[24];

	for (int i = 0; i < 6; i++)
		a[i] = get64(req + 12 + 8 * i);

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
	default:
		st = P_ST_BADCMD;
		break;
	}
	put64(p, op);
	put64(p + 8, (u64)st);
	put64(p + 16, ret);
	send_frame(T_PROXY, ST_OK, p);
}

/* --- main loop ------------------------------------------------------------- */

void agent_main(void)
{
	u8 req[REQ_SIZE];
	u8 boot[24] = { 0 };	/* reason BOOT 0 */

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
