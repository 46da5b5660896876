/*
 * The few x86-64 instructions the simulated MMU must understand, decoded
 * from their bytes at translation time: writes to CR3 and CR4, INVLPG,
 * INVPCID, the rep-prefixed string instructions (whose iterations icount
 * charges one by one) and kallocbench's marker NOP. Everything else is
 * X86_OTHER: the plugin only sees its memory accesses.
 */
#ifndef TLBSIM_X86_DECODE_H
#define TLBSIM_X86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_kind {
	X86_OTHER,
	X86_MARKER,		/* kallocbench_sim.h's NOP */
	X86_MOV_TO_CR3,		/* mov %reg, %cr3 */
	X86_MOV_TO_CR4,		/* mov %reg, %cr4 */
	X86_INVLPG,		/* invlpg mem */
	X86_INVPCID,		/* invpcid mem, %reg */
	X86_REP_STRING,		/* rep/repe/repne movs, stos, lods, cmps, scas */
};

/* General-purpose registers in encoding order (rax = 0 ... r15 = 15). */
#define X86_NR_GPRS	16
extern const char *const x86_gpr_names[X86_NR_GPRS];

#define X86_NO_REG	(-1)
#define X86_RIP		16

/* A memory operand: base + index * scale + disp (base X86_RIP: the
 * address of the next instruction). */
struct x86_mem_operand {
	int base;		/* a GPR, X86_RIP or X86_NO_REG */
	int index;		/* a GPR or X86_NO_REG */
	unsigned scale;		/* 1, 2, 4 or 8 */
	int64_t disp;
	bool addr32;		/* 0x67 prefix: the address is 32 bits */
};

struct x86_insn {
	enum x86_kind kind;
	unsigned length;
	/* MOV_TO_CR3/CR4: the source; INVPCID: the register giving the type */
	int reg;
	/* INVLPG: the page; INVPCID: the 16-byte descriptor */
	struct x86_mem_operand mem;
	/* REP_STRING: loads per iteration (movs 1, lods 1, scas 1, cmps 2,
	 * stos 0) and stores per iteration (movs 1, stos 1, others 0) */
	unsigned rep_loads, rep_stores;
};

/* Decodes the instruction at @bytes (@len of them available). */
void x86_decode(const uint8_t *bytes, size_t len, struct x86_insn *insn);

/* The address @mem names, given the GPRs and the instruction's own
 * address @pc (for RIP-relative operands). */
uint64_t x86_effective_address(const struct x86_mem_operand *mem,
			       const uint64_t gprs[X86_NR_GPRS], uint64_t pc,
			       unsigned length);

/* True when the memory operand reads the GPR @reg (so that the plugin
 * reads only the registers it needs). */
bool x86_mem_uses(const struct x86_mem_operand *mem, int reg);

#endif
