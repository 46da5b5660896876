/* The decoder against bytes GNU as produced for each instruction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../x86/decode.h"

#define DECODE(insn, ...)						\
	do {								\
		static const uint8_t bytes_[] = { __VA_ARGS__ };	\
		x86_decode(bytes_, sizeof(bytes_), (insn));		\
	} while (0)

static const uint64_t gprs[X86_NR_GPRS] = {
	[0] = 0x1000,			/* rax */
	[3] = 0x10,			/* rbx */
	[4] = 0xffffc90000003f00,	/* rsp */
	[5] = 0xffffc90000004000,	/* rbp */
	[7] = 0xffff888000200000,	/* rdi */
	[12] = 0xffffc90000100000,	/* r12 */
};

static void test_mov_to_cr(void **state)
{
	struct x86_insn insn;

	(void)state;
	DECODE(&insn, 0x0f, 0x22, 0xdf);	/* mov %rdi,%cr3 */
	assert_int_equal(insn.kind, X86_MOV_TO_CR3);
	assert_int_equal(insn.reg, 7);
	assert_int_equal(insn.length, 3);
	DECODE(&insn, 0x41, 0x0f, 0x22, 0xda);	/* mov %r10,%cr3 */
	assert_int_equal(insn.kind, X86_MOV_TO_CR3);
	assert_int_equal(insn.reg, 10);
	assert_int_equal(insn.length, 4);
	DECODE(&insn, 0x0f, 0x22, 0xe0);	/* mov %rax,%cr4 */
	assert_int_equal(insn.kind, X86_MOV_TO_CR4);
	assert_int_equal(insn.reg, 0);
	DECODE(&insn, 0x0f, 0x20, 0xd8);	/* mov %cr3,%rax: a read */
	assert_int_equal(insn.kind, X86_OTHER);
	DECODE(&insn, 0x0f, 0x22, 0xc0);	/* mov %rax,%cr0 */
	assert_int_equal(insn.kind, X86_OTHER);
}

static void test_invlpg(void **state)
{
	struct x86_insn insn;

	(void)state;
	DECODE(&insn, 0x0f, 0x01, 0x3f);	/* invlpg (%rdi) */
	assert_int_equal(insn.kind, X86_INVLPG);
	assert_int_equal(insn.length, 3);
	assert_true(x86_mem_uses(&insn.mem, 7));
	assert_int_equal(x86_effective_address(&insn.mem, gprs, 0, insn.length),
			 0xffff888000200000);
	/* invlpg 0x10(%r12): REX.B, a SIB byte (r12 needs one), disp8 */
	DECODE(&insn, 0x41, 0x0f, 0x01, 0x7c, 0x24, 0x10);
	assert_int_equal(insn.kind, X86_INVLPG);
	assert_int_equal(insn.length, 6);
	assert_int_equal(x86_effective_address(&insn.mem, gprs, 0, insn.length),
			 0xffffc90000100010);
	DECODE(&insn, 0x0f, 0x01, 0x3c, 0xd8);	/* invlpg (%rax,%rbx,8) */
	assert_int_equal(insn.length, 4);
	assert_int_equal(x86_effective_address(&insn.mem, gprs, 0, insn.length),
			 0x1080);
	/* invlpg 0x100(%rip) at 0x17: the next instruction is at 0x1e */
	DECODE(&insn, 0x0f, 0x01, 0x3d, 0x00, 0x01, 0x00, 0x00);
	assert_int_equal(insn.length, 7);
	assert_int_equal(insn.mem.base, X86_RIP);
	assert_int_equal(x86_effective_address(&insn.mem, gprs, 0x17, insn.length),
			 0x11e);
	DECODE(&insn, 0x0f, 0x01, 0xf8);	/* swapgs: same opcode, mod 3 */
	assert_int_equal(insn.kind, X86_OTHER);
}

static void test_invpcid(void **state)
{
	struct x86_insn insn;

	(void)state;
	DECODE(&insn, 0x66, 0x0f, 0x38, 0x82, 0x04, 0x24); /* (%rsp),%rax */
	assert_int_equal(insn.kind, X86_INVPCID);
	assert_int_equal(insn.reg, 0);
	assert_int_equal(insn.length, 6);
	assert_int_equal(x86_effective_address(&insn.mem, gprs, 0, insn.length),
			 gprs[4]);
	/* invpcid -0x18(%rbp),%r9 */
	DECODE(&insn, 0x66, 0x44, 0x0f, 0x38, 0x82, 0x4d, 0xe8);
	assert_int_equal(insn.kind, X86_INVPCID);
	assert_int_equal(insn.reg, 9);
	assert_int_equal(insn.length, 7);
	assert_int_equal(x86_effective_address(&insn.mem, gprs, 0, insn.length),
			 gprs[5] - 0x18);
	/* without the 66 prefix the opcode is something else */
	DECODE(&insn, 0x0f, 0x38, 0x82, 0x04, 0x24);
	assert_int_equal(insn.kind, X86_OTHER);
}

static void test_rep_string(void **state)
{
	struct x86_insn insn;

	(void)state;
	DECODE(&insn, 0xf3, 0xaa);		/* rep stosb */
	assert_int_equal(insn.kind, X86_REP_STRING);
	assert_int_equal(insn.rep_loads, 0);
	assert_int_equal(insn.rep_stores, 1);
	DECODE(&insn, 0xf3, 0x48, 0xa5);	/* rep movsq */
	assert_int_equal(insn.kind, X86_REP_STRING);
	assert_int_equal(insn.rep_loads, 1);
	assert_int_equal(insn.rep_stores, 1);
	assert_int_equal(insn.length, 3);
	DECODE(&insn, 0xf3, 0xa6);		/* repe cmpsb */
	assert_int_equal(insn.rep_loads, 2);
	DECODE(&insn, 0xa4);			/* movsb without rep */
	assert_int_equal(insn.kind, X86_OTHER);
}

static void test_marker(void **state)
{
	struct x86_insn insn;

	(void)state;
	DECODE(&insn, 0x0f, 0x1f, 0x84, 0x00, 0x4d, 0x42, 0x41, 0x4b, 0x90);
	assert_int_equal(insn.kind, X86_MARKER);
	assert_int_equal(insn.length, 8);
	/* another displacement is an ordinary NOP */
	DECODE(&insn, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00);
	assert_int_equal(insn.kind, X86_OTHER);
	/* truncated bytes never read past the end */
	DECODE(&insn, 0x0f, 0x01);
	assert_int_equal(insn.kind, X86_OTHER);
	DECODE(&insn, 0x0f, 0x01, 0x3c);	/* SIB byte missing */
	assert_int_equal(insn.kind, X86_OTHER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mov_to_cr),
		cmocka_unit_test(test_invlpg),
		cmocka_unit_test(test_invpcid),
		cmocka_unit_test(test_rep_string),
		cmocka_unit_test(test_marker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
