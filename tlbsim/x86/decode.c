#include "decode.h"

#include <string.h>

const char *const x86_gpr_names[X86_NR_GPRS] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* nopl 0x4b41424d(%rax,%rax,1): KAB_SIM_MAGIC as the displacement. */
static const uint8_t marker_bytes[] = {
	0x0f, 0x1f, 0x84, 0x00, 0x4d, 0x42, 0x41, 0x4b,
};

struct prefixes {
	bool rep;		/* f3 or f2 */
	bool opsize;		/* 66 */
	bool addr32;		/* 67 */
	unsigned rex;		/* 0 or 0x40..0x4f */
	size_t count;		/* bytes of prefixes, REX included */
};

static bool is_legacy_prefix(uint8_t byte)
{
	switch (byte) {
	case 0xf0: case 0xf2: case 0xf3:
	case 0x2e: case 0x36: case 0x3e: case 0x26: case 0x64: case 0x65:
	case 0x66: case 0x67:
		return true;
	default:
		return false;
	}
}

static void read_prefixes(const uint8_t *bytes, size_t len, struct prefixes *p)
{
	*p = (struct prefixes){ 0 };
	while (p->count < len && is_legacy_prefix(bytes[p->count])) {
		uint8_t byte = bytes[p->count++];

		p->rep |= byte == 0xf3 || byte == 0xf2;
		p->opsize |= byte == 0x66;
		p->addr32 |= byte == 0x67;
	}
	/* REX counts only right before the opcode. */
	if (p->count < len && (bytes[p->count] & 0xf0) == 0x40)
		p->rex = bytes[p->count++];
}

#define REX_B(rex)	((int)((rex) & 1) << 3)
#define REX_X(rex)	((int)(((rex) >> 1) & 1) << 3)
#define REX_R(rex)	((int)(((rex) >> 2) & 1) << 3)

static int64_t read_signed(const uint8_t *bytes, unsigned size)
{
	if (size == 1)
		return (int8_t)bytes[0];
	return (int32_t)((uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 |
			 (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24);
}

/*
 * The memory operand of the ModRM byte at @bytes[0]; the bytes it takes
 * (ModRM, SIB, displacement), or 0 when @len is too short.
 */
static size_t decode_modrm_mem(const uint8_t *bytes, size_t len, unsigned rex,
			       struct x86_mem_operand *mem)
{
	unsigned mod = bytes[0] >> 6, rm = bytes[0] & 7;
	size_t used = 1;
	unsigned disp_size = mod == 1 ? 1 : mod == 2 ? 4 : 0;

	mem->base = X86_NO_REG;
	mem->index = X86_NO_REG;
	mem->scale = 1;
	mem->disp = 0;
	if (rm == 4) {
		uint8_t sib;

		if (len < 2)
			return 0;
		sib = bytes[used++];
		mem->scale = 1u << (sib >> 6);
		mem->index = (int)((sib >> 3) & 7) | REX_X(rex);
		if (mem->index == 4)
			mem->index = X86_NO_REG;	/* rsp cannot index */
		if ((sib & 7) == 5 && mod == 0)
			disp_size = 4;			/* disp32, no base */
		else
			mem->base = (int)(sib & 7) | REX_B(rex);
	} else if (rm == 5 && mod == 0) {
		mem->base = X86_RIP;
		disp_size = 4;
	} else {
		mem->base = (int)rm | REX_B(rex);
	}
	if (len < used + disp_size)
		return 0;
	if (disp_size)
		mem->disp = read_signed(bytes + used, disp_size);
	return used + disp_size;
}

/* rep-prefixed string instructions: loads and stores per iteration. */
static bool rep_string_accesses(uint8_t opcode, unsigned *loads,
				unsigned *stores)
{
	switch (opcode & 0xfe) {
	case 0xa4: *loads = 1; *stores = 1; return true;	/* movs */
	case 0xaa: *loads = 0; *stores = 1; return true;	/* stos */
	case 0xac: *loads = 1; *stores = 0; return true;	/* lods */
	case 0xa6: *loads = 2; *stores = 0; return true;	/* cmps */
	case 0xae: *loads = 1; *stores = 0; return true;	/* scas */
	default: return false;
	}
}

void x86_decode(const uint8_t *bytes, size_t len, struct x86_insn *insn)
{
	struct prefixes p;
	const uint8_t *op;
	size_t left, used;

	*insn = (struct x86_insn){ .kind = X86_OTHER, .reg = X86_NO_REG };
	if (len >= sizeof(marker_bytes) &&
	    memcmp(bytes, marker_bytes, sizeof(marker_bytes)) == 0) {
		insn->kind = X86_MARKER;
		insn->length = sizeof(marker_bytes);
		return;
	}
	read_prefixes(bytes, len, &p);
	op = bytes + p.count;
	left = len - p.count;
	insn->mem.addr32 = p.addr32;
	if (left >= 1 && p.rep &&
	    rep_string_accesses(op[0], &insn->rep_loads, &insn->rep_stores)) {
		insn->kind = X86_REP_STRING;
		insn->length = (unsigned)p.count + 1;
		return;
	}
	if (left < 3 || op[0] != 0x0f)
		return;
	if (op[1] == 0x22) {
		/* mov to CRn: the ModRM's mod is ignored, rm is the source. */
		int cr = (int)((op[2] >> 3) & 7) | REX_R(p.rex);

		if (cr != 3 && cr != 4)
			return;
		insn->kind = cr == 3 ? X86_MOV_TO_CR3 : X86_MOV_TO_CR4;
		insn->reg = (int)(op[2] & 7) | REX_B(p.rex);
		insn->length = (unsigned)p.count + 3;
		return;
	}
	if (op[1] == 0x01 && ((op[2] >> 3) & 7) == 7 && (op[2] >> 6) != 3) {
		used = decode_modrm_mem(op + 2, left - 2, p.rex, &insn->mem);
		if (!used)
			return;
		insn->kind = X86_INVLPG;
		insn->length = (unsigned)(p.count + 2 + used);
		return;
	}
	if (p.opsize && left >= 4 && op[1] == 0x38 && op[2] == 0x82 &&
	    (op[3] >> 6) != 3) {
		used = decode_modrm_mem(op + 3, left - 3, p.rex, &insn->mem);
		if (!used)
			return;
		insn->kind = X86_INVPCID;
		insn->reg = (int)((op[3] >> 3) & 7) | REX_R(p.rex);
		insn->length = (unsigned)(p.count + 3 + used);
	}
}

uint64_t x86_effective_address(const struct x86_mem_operand *mem,
			       const uint64_t gprs[X86_NR_GPRS], uint64_t pc,
			       unsigned length)
{
	uint64_t address = (uint64_t)mem->disp;

	if (mem->base == X86_RIP)
		address += pc + length;
	else if (mem->base != X86_NO_REG)
		address += gprs[mem->base];
	if (mem->index != X86_NO_REG)
		address += gprs[mem->index] * mem->scale;
	return mem->addr32 ? (uint32_t)address : address;
}

bool x86_mem_uses(const struct x86_mem_operand *mem, int reg)
{
	return mem->base == reg || mem->index == reg;
}
