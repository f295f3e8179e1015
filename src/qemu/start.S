/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry and exception vectors of the Lockstep QEMU agent.  QEMU enters at
 * _start at EL2 (virtualization=on, no EL3) with the MMU and caches off.
 */
	.section .text.start, "ax"
	.global _start
_start:
	mrs	x0, CurrentEL
	lsr	x0, x0, #2
	cmp	x0, #2
	b.ne	not_el2
	ldr	x0, =__stack_top
	mov	sp, x0
	adr	x0, vectors
	msr	vbar_el2, x0
	isb
	/* zero .bss */
	ldr	x0, =__bss_start
	ldr	x1, =__bss_end
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	bl	agent_main
3:	wfi
	b	3b
not_el2:
	/* Not at EL2: nothing this agent can do (run QEMU with virtualization=on). */
	wfi
	b	not_el2

/*
 * Every exception: save the caller-saved registers, ELR, SPSR, hand a
 * frame to exc_handler(), which may move ELR on, and return.
 */
	.macro	entry kind
	.balign	0x80
	sub	sp, sp, #(24 * 8)
	stp	x0, x1, [sp, #0]
	mov	x0, #\kind
	b	exc_common
	.endm

	.balign	0x800
vectors:
	entry 0	/* current EL, SP0: sync */
	entry 1
	entry 2
	entry 3
	entry 0	/* current EL, SPx: sync */
	entry 1	/* irq */
	entry 2	/* fiq */
	entry 3	/* serror */
	entry 4	/* lower EL, AArch64 */
	entry 5
	entry 6
	entry 7
	entry 4	/* lower EL, AArch32 */
	entry 5
	entry 6
	entry 7

exc_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x30, x1, [sp, #160]
	str	x2, [sp, #176]
	mov	x1, sp
	bl	exc_handler
	ldp	x30, x1, [sp, #160]
	ldr	x2, [sp, #176]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #(24 * 8)
	eret

/*
 * u64 at_s1(u64 va, u64 which): one AT instruction on the EL1&0 stage 1
 * regime, whose registers the caller has loaded.  Returns PAR_EL1.  An
 * external abort during the walk lands in exc_handler, which skips the AT
 * when the guard is armed; the caller tells by the guard's fault count.
 */
	.global	at_s1
at_s1:
	adr	x2, 10f
	add	x2, x2, x1, lsl #3
	br	x2
10:	at	s1e1r, x0
	b	20f
	at	s1e1w, x0
	b	20f
	at	s1e0r, x0
	b	20f
	at	s1e0w, x0
	b	20f
	msr	pan, #1
	b	11f
	msr	pan, #1
	b	12f
11:	at	s1e1rp, x0
	msr	pan, #0
	b	20f
12:	at	s1e1wp, x0
	msr	pan, #0
20:	isb
	mrs	x0, par_el1
	ret

/*
 * u64 at_s12(u64 ipa, u64 which): one AT S12E* instruction on the EL1&0
 * regime with stage 2 enabled (HCR_EL2.VM), whose registers the caller has
 * loaded.  Returns PAR_EL1; external aborts as for at_s1.
 */
	.global	at_s12
at_s12:
	adr	x2, 30f
	add	x2, x2, x1, lsl #3
	br	x2
30:	at	s12e1r, x0
	b	40f
	at	s12e1w, x0
	b	40f
	at	s12e0r, x0
	b	40f
	at	s12e0w, x0
40:	isb
	mrs	x0, par_el1
	ret
