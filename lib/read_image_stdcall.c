/* read_image_stdcall.c - stdcall/fastcall decoration recovered from i386 code.
 *
 * A DLL linked with `ld --kill-at` (or by link.exe from a .def that
 * undecorates, as Windows' own DLLs are) exports `sfunc` for the stdcall
 * symbol `_sfunc@8`; a client compiled against the prototype wants
 * `_sfunc@8` and cannot link against an import library made from the DLL.
 * The decoration is in the code: the bytes a function pops on return
 * (`ret imm16`) and whether it takes arguments in ECX/EDX (fastcall).
 *
 * How the code is read:
 *   - The export's address is mapped to file bytes through the section
 *     table (walked here, every offset checked; lib/read_image.c keeps its own
 *     private).  Leading `jmp` thunks inside the image are followed (at
 *     most MAX_THUNK_HOPS); an import thunk `jmp [__imp_x]` leads into
 *     another DLL: undecided.
 *   - A small x86-32 length decoder (decode() below) walks the function:
 *     recursive traversal, both ways at conditional branches, unconditional
 *     jumps and jump tables (`jmp [reg*4+table]` bounded by the `cmp reg,
 *     imm` before it) followed inside the executable sections, `call`
 *     treated as returning, with a visited set and an instruction budget.
 *     Every `ret` (pops 0) and `ret N` (pops N) is collected; an unknown
 *     opcode, a jump out of the executable sections, code running past the
 *     end of its section, an exhausted budget or rets that disagree leave
 *     the export undecided.  Falling through into another export's entry
 *     (after a call that does not return) ends that path; jumping to one
 *     (a sibling tail call) follows it, since it pops what we pop.
 *   - Along every path the decoder also tracks which parts of ECX and EDX
 *     (CL, CH, upper half; DL, DH, upper half) have been written; a read of
 *     a part not yet written is a read of an incoming register argument.
 *     Calls into the image are summarised (what the callee reads before
 *     writing, what it writes on every path to its ret), memoised per
 *     image; calls through a pointer or to an import clobber both registers
 *     (they are caller-saved) -- except that an import by ordinal or one
 *     whose name is fastcall (`@x@8`) may receive our ECX/EDX unchanged,
 *     which makes them unknown.  `push ecx` ... `pop ecx` (a save, as
 *     __chkstk does) is not a read; a push of an unwritten ECX/EDX that is
 *     not popped back (MSVC's `push ecx` to make room for a local) is a
 *     "weak" read: never taken as evidence either way.
 *
 *   - A read counts only while no part of that register has been
 *     written on the path (`sete dl` ... `and eax, edx` uses DL only); a
 *     register stored through a pointer (RtlCaptureContext saving every
 *     register) is weak, and counts for EDX only once ECX is clearly read;
 *     EDX read while ECX is not (a spilled uninitialised variable, seen in
 *     Wine's gdi32) leaves the export undecided.
 *   - ESP, an EBP frame and the registers holding the first stack argument
 *     are followed too: a function that returns its first stack argument
 *     in EAX is undecided, because a structure returned through a hidden
 *     pointer does exactly that and its decoration does not count the
 *     pointer the callee pops (`big __stdcall f(int)` is _f@4 and pops 8).
 *
 * The decision (N = bytes popped):
 *   N > 0:  ECX and EDX read      -> fastcall @f@(N+8): two register args
 *           neither read          -> stdcall f@N
 *           only ECX read         -> undecided: @f@(N+4) (one register arg,
 *                                    the rest did not fit: double, __int64)
 *                                    or @f@(N+8) (second one unused)
 *   N == 0: ECX and EDX read      -> @f@8
 *           only ECX read         -> undecided (@f@4 or @f@8)
 *           neither               -> undecided: cdecl, or stdcall f@0
 *   N not a multiple of 4         -> undecided (no C prototype pops that).
 * What cannot be told apart, and is not guessed at: a fastcall function
 * that never reads its register arguments looks like stdcall (only when
 * it also has stack arguments; then f@N is what we write -- ntdll's
 * RtlUlonglongByteSwap, whose one 64-bit argument goes on the stack, is
 * such a case); thiscall (ECX
 * = this) looks like fastcall with one register argument and so stays
 * undecided; cdecl, stdcall without arguments and fastcall that ignores
 * its registers all return with a plain `ret`.  A function that passes its
 * incoming ECX/EDX unchanged to a callee reached through a function
 * pointer, or through an import whose name does not show fastcall, is
 * taken as not reading them; in mutual recursion a callee still being
 * summarised is taken as reading nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dllkit_private.h"
#include "read_pe_private.h"

enum {
	SCN_MEM_EXECUTE = 0x20000000,
	MAX_THUNK_HOPS = 4,
	MAIN_BUDGET = 40000,   /* instructions decoded for one export */
	CALLEE_BUDGET = 20000, /* for one callee summary */
	MAX_DEPTH = 48,        /* nested callee summaries */
	MAX_TABLE = 1024,      /* jump-table entries */
};

/* Parts of ECX and EDX whose incoming values we follow. */
enum {
	P_CL = 1, P_CH = 2, P_CXHI = 4, P_DL = 8, P_DH = 16, P_DXHI = 32,
	P_ECX = 7, P_EDX = 0x38, P_ALL = 0x3f,
};

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ------------------------------------------------------------------ */
/* The image: sections and addresses                                    */
/* ------------------------------------------------------------------ */

typedef struct summary {
	uint32_t rva;
	uint8_t state;     /* 0 empty, 1 in progress, 2 done */
	uint8_t rd, weak, unk, stored, mustwrite;
	bool noreturn;
	bool pops_known; /* every ret pops `pops` bytes */
	uint16_t pops;
} summary;

typedef struct img {
	dk_pe pe;            /* headers and sections (read_pe.c) */
	const unsigned char *d;
	size_t len;
	uint32_t base;       /* ImageBase (absolute addresses in the code) */
	uint32_t iat, iat_size; /* the import address table directory, if any */
	uint32_t *entries;   /* export RVAs, sorted */
	size_t nentries;
	summary *sum;        /* callee summaries, open addressing */
	size_t nsum, capsum;
	bool oom;
} img;

/* File bytes at `rva` and how many follow in the same section. */
static const unsigned char *map(const img *im, uint32_t rva, size_t *avail, bool *exec)
{
	size_t off;

	if (!dk_pe_rva_map(&im->pe, rva, &off, avail))
		return NULL;
	if (exec) {
		const dk_pe_section *sc = dk_pe_section_of(&im->pe, rva);
		*exec = sc && (sc->flags & SCN_MEM_EXECUTE) != 0;
	}
	return im->d + off;
}

static bool is_code(const img *im, uint32_t rva)
{
	size_t n;
	bool x;
	return map(im, rva, &n, &x) && x;
}

/* The i386 image's headers and sections (read_pe.c, whose own words for
 * damage are not wanted here: the exports were read from these bytes). */
static int read_headers(img *im, const char *name, dk_sink *s)
{
	dk_sink quiet = { NULL, NULL, 0, 0 };
	dk_loc loc = dk_loc_file(name);

	if (dk_pe_open(&im->pe, im->d, im->len, name, &quiet) != DK_OK ||
	    im->pe.raw_machine != DK_MACHINE_I386 || im->pe.pe32plus) {
		dk_pe_close(&im->pe);
		dk_report(s, DK_ERROR, &loc,
			  "recovering stdcall names: the bytes are not the i386 PE image the exports were read from");
		return DK_FAIL;
	}
	im->base = (uint32_t)im->pe.image_base;
	dk_pe_dir(&im->pe, DK_PE_DIR_IAT, &im->iat, &im->iat_size, NULL);
	return DK_OK;
}

/* ------------------------------------------------------------------ */
/* The instruction decoder                                              */
/* ------------------------------------------------------------------ */

typedef enum ikind {
	K_NEXT,     /* falls through */
	K_JCC,      /* conditional: target and fall-through */
	K_JMP,      /* direct jump to target */
	K_JMP_IND,  /* jmp r/m */
	K_CALL,     /* direct call */
	K_CALL_IND, /* call r/m */
	K_RET,      /* ret / ret N */
	K_END,      /* int3, ud2, hlt, int 29h: the path ends */
	K_BAD,      /* not decoded */
	K_TRUNC,    /* runs past the bytes there are */
} ikind;

enum { PUSH_NONE = -1, PUSH_OTHER = 8 };

typedef struct insn {
	unsigned len;
	ikind kind;
	uint32_t target; /* K_JCC, K_JMP, K_CALL: an RVA (may be anything) */
	unsigned pops;   /* K_RET */
	uint8_t rd, wr, weak, unk; /* parts of ECX/EDX */
	uint8_t stored;  /* read only to be stored through a pointer */
	int push;        /* PUSH_NONE, a register 0-7, PUSH_OTHER */
	int pop;         /* PUSH_NONE, a register 0-7, PUSH_OTHER (not a register) */
	bool esp;        /* ESP changed other than by one push/pop */
	bool abs_mem;    /* r/m is [disp32] */
	bool table;      /* r/m is [index*4+disp32] */
	uint32_t disp;
	bool cmp_imm;    /* cmp r/m32, imm: the bound of a jump table */
	uint32_t imm;
	/* For following the first stack argument (see walk_run): */
	uint8_t wregs;   /* general registers written, any width (bit = number) */
	bool load;       /* mov r32, [esp/ebp + disp] */
	uint8_t load_dst, load_base;
	int32_t load_disp;
	bool copy;       /* mov r32, r32 */
	uint8_t copy_src, copy_dst;
	enum { ESP_NONE, ESP_ADD, ESP_MOV_EBP_ESP, ESP_MOV_ESP_EBP, ESP_LEAVE, ESP_LEA_EBP } esp_op;
	int32_t esp_delta; /* ESP_ADD: what is added to ESP */
	uint8_t op0;     /* for messages: the opcode bytes */
	uint8_t op1;
} insn;

typedef struct dec {
	const unsigned char *p;
	size_t n, i;
	bool trunc;
	/* ModRM */
	unsigned mod, reg, rm;
	uint8_t addr_rd;
	int base;        /* base register of a memory operand without index, or -1 */
	int32_t disp;    /* its displacement */
} dec;

static bool need(dec *c, size_t k)
{
	if (c->n - c->i < k) {
		c->trunc = true;
		return false;
	}
	return true;
}

static unsigned byte(dec *c)
{
	return need(c, 1) ? c->p[c->i++] : 0;
}

static void skip(dec *c, size_t k)
{
	if (need(c, k))
		c->i += k;
}

static uint32_t imm(dec *c, unsigned size)
{
	uint32_t v = 0;
	if (!need(c, size))
		return 0;
	if (size == 1)
		v = c->p[c->i];
	else if (size == 2)
		v = le16(c->p + c->i);
	else
		v = le32(c->p + c->i);
	c->i += size;
	return v;
}

/* The parts of register number `r` an operand of `size` bits covers. */
static uint8_t parts(unsigned r, unsigned size)
{
	if (size == 8)
		return r == 1 ? P_CL : r == 5 ? P_CH : r == 2 ? P_DL : r == 6 ? P_DH : 0;
	if (r == 1)
		return size == 16 ? P_CL | P_CH : P_ECX;
	if (r == 2)
		return size == 16 ? P_DL | P_DH : P_EDX;
	return 0;
}

static void modrm(dec *c, insn *in, bool a16)
{
	unsigned m = byte(c);

	c->mod = m >> 6;
	c->reg = (m >> 3) & 7;
	c->rm = m & 7;
	c->addr_rd = 0;
	c->base = -1;
	c->disp = 0;
	if (c->mod == 3)
		return;
	if (a16) { /* BX, BP, SI, DI: never ECX/EDX */
		if (c->mod == 0 && c->rm == 6)
			skip(c, 2);
		else if (c->mod == 1)
			skip(c, 1);
		else if (c->mod == 2)
			skip(c, 2);
		return;
	}
	if (c->rm == 4) {
		unsigned sib = byte(c), base = sib & 7, index = (sib >> 3) & 7;
		if (index != 4)
			c->addr_rd |= parts(index, 32);
		if (base == 5 && c->mod == 0) {
			in->disp = imm(c, 4);
			if (index != 4 && (sib >> 6) == 2)
				in->table = true;
			return;
		}
		c->addr_rd |= parts(base, 32);
		if (index == 4)
			c->base = (int)base;
	} else if (c->rm == 5 && c->mod == 0) {
		in->disp = imm(c, 4);
		in->abs_mem = true;
		return;
	} else {
		c->addr_rd |= parts(c->rm, 32);
		c->base = (int)c->rm;
	}
	if (c->mod == 1)
		c->disp = (int8_t)imm(c, 1);
	else if (c->mod == 2)
		c->disp = (int32_t)imm(c, 4);
}

/* Operand effects.  A write of the stack pointer loses our push tracking. */
static void rm_rd(const dec *c, insn *in, unsigned size)
{
	if (c->mod == 3)
		in->rd |= parts(c->rm, size);
}

static uint8_t regbit(unsigned r, unsigned size)
{
	return (uint8_t)(1u << (size == 8 ? r & 3 : r));
}

static void rm_wr(const dec *c, insn *in, unsigned size)
{
	if (c->mod == 3) {
		in->wregs |= regbit(c->rm, size);
		in->wr |= parts(c->rm, size);
		if (c->rm == 4 && size != 8)
			in->esp = true;
	}
}

static void reg_rd(const dec *c, insn *in, unsigned size)
{
	in->rd |= parts(c->reg, size);
}

static void reg_wr(const dec *c, insn *in, unsigned size)
{
	in->wregs |= regbit(c->reg, size);
	in->wr |= parts(c->reg, size);
	if (c->reg == 4 && size != 8)
		in->esp = true;
}

/* The 0F 38 and 0F 3A maps, legacy or VEX (map 2, 3): only a few touch a
 * general register; the rest work on XMM/MMX registers. */
static void mov_rr(insn *in, unsigned src, unsigned dst)
{
	in->copy = true;
	in->copy_src = (uint8_t)src;
	in->copy_dst = (uint8_t)dst;
	if (src == 4 && dst == 5)
		in->esp_op = ESP_MOV_EBP_ESP;
	else if (src == 5 && dst == 4)
		in->esp_op = ESP_MOV_ESP_EBP;
}

static void map38(dec *c, insn *in, unsigned op, bool vex, bool f2)
{
	if (op >= 0xf0) {
		if (!vex && op <= 0xf1) { /* movbe, crc32 (F2) */
			if (f2) {
				reg_rd(c, in, 32);
				reg_wr(c, in, 32);
				rm_rd(c, in, op == 0xf0 ? 8 : 32);
			} else if (op == 0xf0) {
				reg_wr(c, in, 32);
			} else {
				reg_rd(c, in, 32);
			}
			if (c->mod == 3)
				in->kind = K_BAD;
			return;
		}
		in->unk = P_ALL; /* BMI (vvvv names a general register), adcx */
	}
}

static void map3a(dec *c, insn *in, unsigned op)
{
	if (op >= 0x14 && op <= 0x17)
		rm_wr(c, in, 32); /* pextrb/w/d, extractps */
	else if (op == 0x20 || op == 0x22)
		rm_rd(c, in, 32); /* pinsrb/d */
	else if (op >= 0xf0)
		in->unk = P_ALL;  /* rorx */
}

/* The two-byte map (0F xx), legacy or VEX map 1.  `pfx`: 0, 0x66, 0xF2, 0xF3. */
static void map0f(dec *c, insn *in, unsigned op, unsigned pfx, unsigned osz, bool a16, bool vex)
{
	bool rep = pfx == 0xf2 || pfx == 0xf3;

	in->op1 = (uint8_t)op;
	if (op >= 0x80 && op <= 0x8f && !vex) { /* jcc rel16/32 */
		int32_t rel = osz == 16 ? (int16_t)imm(c, 2) : (int32_t)imm(c, 4);
		in->kind = K_JCC;
		in->target = (uint32_t)rel; /* relative; fixed by the caller */
		return;
	}
	if (vex) {
		switch (op) {
		case 0x77: /* vzeroupper/vzeroall: no ModRM */
			return;
		case 0x2a: case 0x2c: case 0x2d: case 0x50: case 0x6e: case 0x7e:
		case 0xc4: case 0xc5: case 0xd7:
			break; /* general register operands: below */
		default:
			modrm(c, in, a16);
			if ((op >= 0x70 && op <= 0x73) || op == 0xc2 || op == 0xc6)
				skip(c, 1);
			return;
		}
	}
	switch (op) {
	case 0x0b: case 0xb9: /* ud2, ud1 */
		if (op == 0xb9)
			modrm(c, in, a16);
		in->kind = K_END;
		return;
	case 0x0d: case 0x18: case 0x19: case 0x1a: case 0x1b: case 0x1c: case 0x1d:
	case 0x1e: case 0x1f: /* prefetch, hint nops, endbr32 */
		modrm(c, in, a16);
		return;
	case 0x0e: case 0x77: /* femms, emms */
		return;
	case 0x01:
		modrm(c, in, a16);
		if (c->mod != 3)
			return; /* sgdt/sidt/...: memory only */
		if (c->reg == 2 && c->rm == 0) { /* xgetbv */
			in->rd |= P_ECX;
			in->wr |= P_EDX;
		} else if (c->reg == 7 && c->rm == 1) { /* rdtscp */
			in->wr |= P_ALL;
		} else {
			in->kind = K_BAD;
		}
		return;
	case 0x2a: /* cvtsi2ss/sd r/m32 (F2/F3); cvtpi2ps/pd mm */
		modrm(c, in, a16);
		if (rep)
			rm_rd(c, in, 32);
		return;
	case 0x2c: case 0x2d: /* cvt(t)ss/sd2si r32 (F2/F3); cvt(t)ps2pi mm */
		modrm(c, in, a16);
		if (rep)
			reg_wr(c, in, 32);
		return;
	case 0x50: case 0xd7: /* movmskps/pd, pmovmskb r32 */
		modrm(c, in, a16);
		reg_wr(c, in, 32);
		return;
	case 0x6e: /* movd mm/xmm, r/m32 */
		modrm(c, in, a16);
		rm_rd(c, in, 32);
		return;
	case 0x7e: /* movd r/m32, mm/xmm; F3: movq xmm, xmm/m64 */
		modrm(c, in, a16);
		if (pfx != 0xf3)
			rm_wr(c, in, 32);
		return;
	case 0xc4: /* pinsrw mm/xmm, r32/m16, imm8 */
		modrm(c, in, a16);
		rm_rd(c, in, 32);
		skip(c, 1);
		return;
	case 0xc5: /* pextrw r32, mm/xmm, imm8 */
		modrm(c, in, a16);
		reg_wr(c, in, 32);
		skip(c, 1);
		return;
	case 0x30: /* wrmsr */
		in->rd |= P_ALL;
		return;
	case 0x31: /* rdtsc */
		in->wr |= P_EDX;
		return;
	case 0x32: case 0x33: /* rdmsr, rdpmc */
		in->rd |= P_ECX;
		in->wr |= P_EDX;
		return;
	case 0xa2: /* cpuid: reads ECX for some leaves only */
		in->weak |= P_ECX;
		in->wr |= P_ALL;
		return;
	case 0x38: {
		unsigned op3 = byte(c);
		modrm(c, in, a16);
		map38(c, in, op3, false, pfx == 0xf2);
		return;
	}
	case 0x3a: {
		unsigned op3 = byte(c);
		modrm(c, in, a16);
		skip(c, 1);
		map3a(c, in, op3);
		return;
	}
	case 0xa0: case 0xa8: /* push fs/gs */
		in->push = PUSH_OTHER;
		if (osz == 16)
			in->esp = true;
		return;
	case 0xa1: case 0xa9: /* pop fs/gs */
		in->pop = PUSH_OTHER;
		if (osz == 16)
			in->esp = true;
		return;
	case 0xa3: /* bt r/m, r */
		modrm(c, in, a16);
		rm_rd(c, in, osz);
		reg_rd(c, in, osz);
		return;
	case 0xab: case 0xb3: case 0xbb: /* bts, btr, btc r/m, r */
	case 0xc0: case 0xc1:            /* xadd r/m, r */
	case 0xb0: case 0xb1:            /* cmpxchg r/m, r (also EAX) */
		modrm(c, in, a16);
		{
			unsigned sz = op == 0xc0 || op == 0xb0 ? 8 : osz;
			rm_rd(c, in, sz);
			reg_rd(c, in, sz);
			rm_wr(c, in, sz);
			if (op == 0xc0 || op == 0xc1)
				reg_wr(c, in, sz);
		}
		return;
	case 0xa4: case 0xa5: case 0xac: case 0xad: /* shld/shrd r/m, r, imm8/CL */
		modrm(c, in, a16);
		rm_rd(c, in, osz);
		reg_rd(c, in, osz);
		rm_wr(c, in, osz);
		if (op == 0xa4 || op == 0xac)
			skip(c, 1);
		else
			in->rd |= P_CL;
		return;
	case 0xae: /* group 15 */
		modrm(c, in, a16);
		if (c->mod == 3) {
			if (c->reg < 5 || pfx)
				in->kind = K_BAD; /* rdfsbase and friends */
			return;                   /* lfence, mfence, sfence */
		}
		if (c->reg == 4 || c->reg == 5 || c->reg == 6) /* xsave/xrstor/xsaveopt: EDX:EAX mask */
			in->rd |= P_EDX;
		return;
	case 0xaf: /* imul r, r/m */
		modrm(c, in, a16);
		rm_rd(c, in, osz);
		reg_rd(c, in, osz);
		reg_wr(c, in, osz);
		return;
	case 0xb6: case 0xbe: /* movzx/movsx r, r/m8 */
	case 0xb7: case 0xbf: /* movzx/movsx r, r/m16 */
		modrm(c, in, a16);
		rm_rd(c, in, op == 0xb6 || op == 0xbe ? 8 : 16);
		reg_wr(c, in, osz);
		return;
	case 0xb8: /* popcnt (F3) */
		modrm(c, in, a16);
		if (pfx != 0xf3) {
			in->kind = K_BAD;
			return;
		}
		rm_rd(c, in, osz);
		reg_wr(c, in, osz);
		return;
	case 0xbc: case 0xbd: /* bsf/bsr, tzcnt/lzcnt */
		modrm(c, in, a16);
		rm_rd(c, in, osz);
		reg_wr(c, in, osz);
		return;
	case 0xba: /* bt/bts/btr/btc r/m, imm8 */
		modrm(c, in, a16);
		skip(c, 1);
		if (c->reg < 4) {
			in->kind = K_BAD;
			return;
		}
		rm_rd(c, in, osz);
		if (c->reg > 4)
			rm_wr(c, in, osz);
		return;
	case 0xc3: /* movnti m32, r32 */
		modrm(c, in, a16);
		reg_rd(c, in, 32);
		return;
	case 0xc7: /* group 9 */
		modrm(c, in, a16);
		if (c->reg == 1 && c->mod != 3) { /* cmpxchg8b: EDX:EAX, ECX:EBX */
			in->rd |= P_ALL;
		} else if ((c->reg == 6 || c->reg == 7) && c->mod == 3) { /* rdrand, rdseed */
			rm_wr(c, in, osz);
		} else {
			in->kind = K_BAD;
		}
		return;
	default:
		break;
	}
	if (op >= 0x40 && op <= 0x4f) { /* cmovcc: the destination may keep its value */
		modrm(c, in, a16);
		rm_rd(c, in, osz);
		return;
	}
	if (op >= 0x90 && op <= 0x9f) { /* setcc r/m8 */
		modrm(c, in, a16);
		rm_wr(c, in, 8);
		return;
	}
	if (op >= 0xc8 && op <= 0xcf) { /* bswap */
		in->rd |= parts(op & 7, 32);
		in->wr |= parts(op & 7, 32);
		if ((op & 7) == 4)
			in->esp = true;
		return;
	}
	/* SSE/MMX on XMM/MMX registers: ModRM, and an imm8 for a few. */
	if ((op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) ||
	    (op >= 0x51 && op <= 0x7f && op != 0x78 && op != 0x79 && op != 0x7a && op != 0x7b) ||
	    op == 0xc2 || op == 0xc6 || (op >= 0xd0 && op <= 0xfe)) {
		modrm(c, in, a16);
		if ((op >= 0x70 && op <= 0x73) || op == 0xc2 || op == 0xc6)
			skip(c, 1);
		return;
	}
	in->kind = K_BAD;
}

/* Decode one instruction at p[0..n).  Every byte read is checked. */
static void decode(const unsigned char *p, size_t n, insn *in)
{
	dec c = { .p = p, .n = n, .base = -1 };
	unsigned op, pfx = 0, osz = 32, seg = 0;
	bool a16 = false, rep = false;

	memset(in, 0, sizeof *in);
	in->push = in->pop = PUSH_NONE;
	in->kind = K_NEXT;
	for (;;) {
		if (c.i >= 14) {
			in->kind = K_BAD;
			goto out;
		}
		op = byte(&c);
		if (c.trunc)
			goto out;
		if (op == 0x66) {
			osz = 16;
			if (!pfx)
				pfx = 0x66;
		} else if (op == 0x67) {
			a16 = true;
		} else if (op == 0xf2 || op == 0xf3) {
			pfx = op;
			rep = true;
		} else if (op == 0xf0 || op == 0x26 || op == 0x2e || op == 0x36 || op == 0x3e ||
			   op == 0x64 || op == 0x65) {
			seg = op;
		} else {
			break;
		}
	}
	(void)seg;
	in->op0 = (uint8_t)op;

	if (op < 0x40 && (op & 7) < 6) { /* add or adc sbb and sub xor cmp */
		unsigned alu = op >> 3, form = op & 7, sz = form & 1 ? osz : 8;
		if (form >= 4) {
			skip(&c, form == 4 ? 1 : osz / 8);
			goto out;
		}
		modrm(&c, in, a16);
		bool zero = c.mod == 3 && c.reg == c.rm && (alu == 3 || alu == 5 || alu == 6);
		if (!zero) {
			rm_rd(&c, in, sz);
			reg_rd(&c, in, sz);
		}
		if (alu != 7) {
			if (form < 2)
				rm_wr(&c, in, sz);
			else
				reg_wr(&c, in, sz);
		}
		goto out;
	}
	switch (op) {
	case 0x06: case 0x0e: case 0x16: case 0x1e: /* push seg */
		in->push = PUSH_OTHER;
		if (osz == 16)
			in->esp = true;
		goto out;
	case 0x07: case 0x17: case 0x1f: /* pop seg */
		in->pop = PUSH_OTHER;
		if (osz == 16)
			in->esp = true;
		goto out;
	case 0x0f:
		op = byte(&c);
		map0f(&c, in, op, pfx, osz, a16, false);
		if (in->kind == K_JCC)
			in->target += (uint32_t)c.i;
		goto out;
	case 0x27: case 0x2f: case 0x37: case 0x3f: /* daa das aaa aas: AL, AH */
		goto out;
	case 0x60: /* pusha: every register, as a save */
		in->weak |= P_ALL;
		in->esp = true;
		goto out;
	case 0x61: /* popa */
		in->wr |= P_ALL;
		in->esp = true;
		goto out;
	case 0x62: case 0xc4: case 0xc5: { /* bound/les/lds, or EVEX/VEX prefixes */
		if (!need(&c, 1))
			goto out;
		if ((c.p[c.i] >> 6) != 3 || op == 0x62) {
			in->kind = K_BAD;
			goto out;
		}
		unsigned map = 1, pp, b1 = byte(&c);
		if (op == 0xc4) {
			map = b1 & 0x1f;
			b1 = byte(&c);
		}
		pp = b1 & 3;
		unsigned vop = byte(&c);
		if (c.trunc)
			goto out;
		in->op1 = (uint8_t)vop;
		if (map == 1) {
			map0f(&c, in, vop, pp == 1 ? 0x66 : pp == 2 ? 0xf3 : pp == 3 ? 0xf2 : 0, 32,
			      a16, true);
		} else if (map == 2) {
			modrm(&c, in, a16);
			map38(&c, in, vop, true, false);
		} else if (map == 3) {
			modrm(&c, in, a16);
			skip(&c, 1);
			map3a(&c, in, vop);
		} else {
			in->kind = K_BAD;
		}
		goto out;
	}
	case 0x63: /* arpl: never in 32-bit compiled code */
		in->kind = K_BAD;
		goto out;
	case 0x68: case 0x6a: /* push imm */
		skip(&c, op == 0x6a ? 1 : osz / 8);
		in->push = PUSH_OTHER;
		if (osz == 16)
			in->esp = true;
		goto out;
	case 0x69: case 0x6b: /* imul r, r/m, imm */
		modrm(&c, in, a16);
		skip(&c, op == 0x6b ? 1 : osz / 8);
		rm_rd(&c, in, osz);
		reg_wr(&c, in, osz);
		goto out;
	case 0x6c: case 0x6d: case 0x6e: case 0x6f: /* ins/outs: DX, ECX with rep */
		in->rd |= P_DL | P_DH;
		if (rep) {
			in->rd |= P_ECX;
			in->wr |= P_ECX;
		}
		goto out;
	case 0x80: case 0x81: case 0x82: case 0x83: { /* group 1, imm */
		unsigned sz = op == 0x81 || op == 0x83 ? osz : 8;
		uint32_t v;
		modrm(&c, in, a16);
		v = imm(&c, op == 0x81 ? osz / 8 : 1);
		if (op == 0x83)
			v = (uint32_t)(int32_t)(int8_t)v;
		bool kill = c.mod == 3 && ((c.reg == 4 && v == 0) || (c.reg == 1 && v == 0xffffffffu));
		if (!kill)
			rm_rd(&c, in, sz);
		if (c.mod == 3 && c.rm == 4 && sz == 32 && (c.reg == 0 || c.reg == 5)) {
			in->esp_op = ESP_ADD;
			in->esp_delta = c.reg == 0 ? (int32_t)v : -(int32_t)v;
		}
		if (c.reg != 7)
			rm_wr(&c, in, sz);
		else if (sz == 32) {
			in->cmp_imm = true;
			in->imm = v;
		}
		goto out;
	}
	case 0x84: case 0x85: /* test */
		modrm(&c, in, a16);
		rm_rd(&c, in, op == 0x84 ? 8 : osz);
		reg_rd(&c, in, op == 0x84 ? 8 : osz);
		goto out;
	case 0x86: case 0x87: { /* xchg r/m, r */
		unsigned sz = op == 0x86 ? 8 : osz;
		modrm(&c, in, a16);
		rm_rd(&c, in, sz);
		reg_rd(&c, in, sz);
		rm_wr(&c, in, sz);
		reg_wr(&c, in, sz);
		goto out;
	}
	case 0x88: case 0x89: /* mov r/m, r */
		modrm(&c, in, a16);
		if (c.mod != 3 && c.base != 4 && c.base != 5) {
			/* stored through a pointer, not spilled to the frame:
			 * what RtlCaptureContext does with every register */
			in->stored |= parts(c.reg, op == 0x88 ? 8 : osz);
			rm_wr(&c, in, op == 0x88 ? 8 : osz);
			goto out;
		}
		reg_rd(&c, in, op == 0x88 ? 8 : osz);
		rm_wr(&c, in, op == 0x88 ? 8 : osz);
		if (op == 0x89 && c.mod == 3 && osz == 32)
			mov_rr(in, c.reg, c.rm);
		goto out;
	case 0x8a: case 0x8b: /* mov r, r/m */
		modrm(&c, in, a16);
		rm_rd(&c, in, op == 0x8a ? 8 : osz);
		reg_wr(&c, in, op == 0x8a ? 8 : osz);
		if (op == 0x8b && c.mod == 3 && osz == 32) {
			mov_rr(in, c.rm, c.reg);
		} else if (op == 0x8b && osz == 32 && !a16 && (c.base == 4 || c.base == 5)) {
			in->load = true;
			in->load_dst = (uint8_t)c.reg;
			in->load_base = (uint8_t)c.base;
			in->load_disp = c.disp;
		}
		goto out;
	case 0x8c: /* mov r/m16, sreg */
		modrm(&c, in, a16);
		rm_wr(&c, in, 16);
		goto out;
	case 0x8e: /* mov sreg, r/m16 */
		modrm(&c, in, a16);
		rm_rd(&c, in, 16);
		goto out;
	case 0x8d: /* lea */
		modrm(&c, in, a16);
		if (c.mod == 3)
			in->kind = K_BAD;
		reg_wr(&c, in, osz);
		in->abs_mem = in->table = false;
		if (c.reg == 4 && c.base == 5 && osz == 32 && !a16) {
			in->esp_op = ESP_LEA_EBP;
			in->esp_delta = c.disp;
		}
		goto out;
	case 0x8f: /* pop r/m */
		modrm(&c, in, a16);
		if (c.reg != 0) {
			in->kind = K_BAD;
			goto out;
		}
		in->pop = c.mod == 3 ? (int)c.rm : PUSH_OTHER;
		rm_wr(&c, in, osz);
		if (osz == 16)
			in->esp = true;
		else if (c.mod == 3 && c.rm == 4)
			in->esp = true;
		goto out;
	case 0x90: /* nop, pause */
		goto out;
	case 0x98: /* cbw/cwde */
		goto out;
	case 0x99: /* cwd/cdq: EDX from EAX */
		in->wr |= osz == 16 ? P_DL | P_DH : P_EDX;
		goto out;
	case 0x9a: case 0xea: /* far call/jmp */
		in->kind = K_BAD;
		goto out;
	case 0x9b: case 0x9e: case 0x9f: case 0xf5: case 0xf8: case 0xf9: case 0xfa: case 0xfb:
	case 0xfc: case 0xfd: case 0xd7: /* wait sahf lahf cmc clc stc cli sti cld std xlat */
		goto out;
	case 0x9c: /* pushf */
		in->push = PUSH_OTHER;
		if (osz == 16)
			in->esp = true;
		goto out;
	case 0x9d: /* popf */
		in->pop = PUSH_OTHER;
		if (osz == 16)
			in->esp = true;
		goto out;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3: /* mov AL/EAX <-> moffs */
		skip(&c, a16 ? 2 : 4);
		goto out;
	case 0xa4: case 0xa5: case 0xa6: case 0xa7: case 0xaa: case 0xab: case 0xac: case 0xad:
	case 0xae: case 0xaf: /* string operations: ECX with rep */
		if (rep) {
			in->rd |= P_ECX;
			in->wr |= P_ECX;
		}
		goto out;
	case 0xa8: /* test al, imm8 */
		skip(&c, 1);
		goto out;
	case 0xa9: /* test eax, imm */
		skip(&c, osz / 8);
		goto out;
	case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3: { /* shifts */
		unsigned sz = op & 1 ? osz : 8;
		modrm(&c, in, a16);
		if (op <= 0xc1)
			skip(&c, 1);
		rm_rd(&c, in, sz);
		rm_wr(&c, in, sz);
		if (op >= 0xd2)
			in->rd |= P_CL;
		goto out;
	}
	case 0xc2: /* ret imm16 */
		in->pops = imm(&c, 2);
		in->kind = K_RET;
		goto out;
	case 0xc3:
		in->kind = K_RET;
		goto out;
	case 0xc6: case 0xc7: /* mov r/m, imm */
		modrm(&c, in, a16);
		if (c.reg != 0) {
			in->kind = K_BAD; /* xabort, xbegin */
			goto out;
		}
		skip(&c, op == 0xc6 ? 1 : osz / 8);
		rm_wr(&c, in, op == 0xc6 ? 8 : osz);
		goto out;
	case 0xc8: /* enter */
		skip(&c, 3);
		in->esp = true;
		goto out;
	case 0xc9: /* leave */
		in->esp = true;
		in->esp_op = ESP_LEAVE;
		goto out;
	case 0xcc: case 0xf4: /* int3, hlt */
		in->kind = K_END;
		goto out;
	case 0xcd: { /* int n: 3 and 0x29 (__fastfail) do not return */
		unsigned v = byte(&c);
		if (v == 3 || v == 0x29)
			in->kind = K_END;
		else
			in->unk |= P_ALL;
		goto out;
	}
	case 0xd4: case 0xd5: /* aam, aad */
		skip(&c, 1);
		goto out;
	case 0xd8: case 0xd9: case 0xda: case 0xdb: case 0xdc: case 0xdd: case 0xde: case 0xdf:
		modrm(&c, in, a16); /* x87: no general register but AX (fnstsw) */
		goto out;
	case 0xe0: case 0xe1: case 0xe2: case 0xe3: { /* loop*, jecxz */
		int8_t rel = (int8_t)imm(&c, 1);
		in->rd |= a16 ? P_CL | P_CH : P_ECX;
		if (op != 0xe3)
			in->wr |= a16 ? P_CL | P_CH : P_ECX;
		in->kind = K_JCC;
		in->target = (uint32_t)(int32_t)rel + (uint32_t)c.i;
		goto out;
	}
	case 0xe4: case 0xe5: case 0xe6: case 0xe7: /* in/out imm8 */
		skip(&c, 1);
		goto out;
	case 0xec: case 0xed: case 0xee: case 0xef: /* in/out DX */
		in->rd |= P_DL | P_DH;
		goto out;
	case 0xe8: case 0xe9: { /* call/jmp rel */
		int32_t rel = osz == 16 ? (int16_t)imm(&c, 2) : (int32_t)imm(&c, 4);
		in->kind = op == 0xe8 ? K_CALL : K_JMP;
		in->target = (uint32_t)rel + (uint32_t)c.i;
		goto out;
	}
	case 0xeb: {
		int8_t rel = (int8_t)imm(&c, 1);
		in->kind = K_JMP;
		in->target = (uint32_t)(int32_t)rel + (uint32_t)c.i;
		goto out;
	}
	case 0xf6: case 0xf7: { /* group 3 */
		unsigned sz = op == 0xf6 ? 8 : osz;
		modrm(&c, in, a16);
		if (c.reg < 2)
			skip(&c, op == 0xf6 ? 1 : osz / 8);
		rm_rd(&c, in, sz);
		if (c.reg == 2 || c.reg == 3) {
			rm_wr(&c, in, sz);
		} else if (c.reg >= 4 && sz != 8) {
			uint8_t dx = sz == 16 ? P_DL | P_DH : P_EDX;
			if (c.reg >= 6) /* div/idiv read EDX:EAX */
				in->rd |= dx;
			in->wr |= dx;
		}
		goto out;
	}
	case 0xfe: /* inc/dec r/m8 */
		modrm(&c, in, a16);
		if (c.reg > 1) {
			in->kind = K_BAD;
			goto out;
		}
		rm_rd(&c, in, 8);
		rm_wr(&c, in, 8);
		goto out;
	case 0xff: /* group 5 */
		modrm(&c, in, a16);
		switch (c.reg) {
		case 0: case 1:
			rm_rd(&c, in, osz);
			rm_wr(&c, in, osz);
			break;
		case 2: case 4:
			rm_rd(&c, in, 32);
			in->kind = c.reg == 2 ? K_CALL_IND : K_JMP_IND;
			break;
		case 6:
			if (c.mod == 3)
				in->push = (int)c.rm;
			else
				in->push = PUSH_OTHER;
			if (osz == 16)
				in->esp = true;
			break;
		default:
			in->kind = K_BAD;
		}
		goto out;
	default:
		break;
	}
	if (op >= 0x40 && op <= 0x4f) { /* inc/dec r */
		in->rd |= parts(op & 7, osz);
		in->wr |= parts(op & 7, osz);
		if ((op & 7) == 4)
			in->esp = true;
	} else if (op >= 0x50 && op <= 0x57) {
		in->push = (int)(op & 7);
		if (osz == 16)
			in->esp = true;
	} else if (op >= 0x58 && op <= 0x5f) {
		in->pop = (int)(op & 7);
		in->wr |= parts(op & 7, osz);
		if (osz == 16 || (op & 7) == 4)
			in->esp = true;
	} else if (op >= 0x70 && op <= 0x7f) {
		int8_t rel = (int8_t)imm(&c, 1);
		in->kind = K_JCC;
		in->target = (uint32_t)(int32_t)rel + (uint32_t)c.i;
	} else if (op >= 0x91 && op <= 0x97) { /* xchg eax, r */
		in->rd |= parts(op & 7, osz);
		in->wr |= parts(op & 7, osz);
		if ((op & 7) == 4)
			in->esp = true;
	} else if (op >= 0xb0 && op <= 0xb7) {
		skip(&c, 1);
		in->wr |= parts(op & 7, 8);
	} else if (op >= 0xb8 && op <= 0xbf) {
		skip(&c, osz / 8);
		in->wr |= parts(op & 7, osz);
		if ((op & 7) == 4)
			in->esp = true;
	} else {
		in->kind = K_BAD; /* retf, iret, into, int1, salc, ... */
	}
out:
	if (c.trunc) {
		in->kind = K_TRUNC;
		in->len = 0;
		return;
	}
	in->len = (unsigned)c.i;
	/* Registers an opcode names in itself, and the common implicit writes
	 * (missing one only keeps a stale "holds the first argument" bit,
	 * which errs towards undecided). */
	op = in->op0;
	if ((op >= 0x40 && op <= 0x4f) || (op >= 0x58 && op <= 0x5f) || (op >= 0xb8 && op <= 0xbf))
		in->wregs |= (uint8_t)(1u << (op & 7));
	else if (op >= 0xb0 && op <= 0xb7)
		in->wregs |= (uint8_t)(1u << (op & 3));
	else if (op >= 0x91 && op <= 0x97)
		in->wregs |= (uint8_t)(1u | 1u << (op & 7));
	else if (op == 0x98 || op == 0x9f || op == 0xa0 || op == 0xa1 || op == 0xac || op == 0xad ||
		 op == 0xd7 || op == 0xe4 || op == 0xe5 || op == 0xec || op == 0xed)
		in->wregs |= 1;
	else if (op == 0x99)
		in->wregs |= 4;
	else if (op == 0x61 || in->unk)
		in->wregs = 0xff;
	else if ((op == 0xf6 || op == 0xf7) && c.reg >= 4)
		in->wregs |= 5;
	/* The stack pointer as an operand is not a register we follow, but a
	 * write to it (add/sub/and/mov/lea esp) ends our push tracking. */
	in->rd |= c.addr_rd;
}

/* ------------------------------------------------------------------ */
/* The traversal                                                        */
/* ------------------------------------------------------------------ */

/* State on one path, packed into 64 bits (it is part of the visited key):
 *   written  6  parts of ECX/EDX written so far
 *   count    4  pushes followed (at most MAX_SLOTS)
 *   slots   16  what each pushed: 2 bits (other, the incoming ECX, EDX)
 *   esp      1+10  ESP known, as entry ESP minus 4*n
 *   ebp      1+10  EBP known as a frame pointer, as entry ESP minus 4*n
 *   arg0     8  general registers holding the first stack argument
 * The last three find a function that returns its first stack argument
 * in EAX: a structure returned through a hidden pointer does that, and
 * its decoration does not count the pointer the callee pops. */
enum { SLOT_OTHER = 0, SLOT_ECX = 1, SLOT_EDX = 2, MAX_SLOTS = 8, MAX_OFF = 1023 };

typedef struct pstate {
	uint8_t written;
	unsigned count;
	uint32_t slots;
	bool esp_known, ebp_known;
	unsigned esp_off, ebp_off; /* in dwords */
	uint8_t arg0;
} pstate;

static uint64_t pack(const pstate *p)
{
	return (uint64_t)p->written | (uint64_t)p->count << 6 | (uint64_t)p->slots << 10 |
	       (uint64_t)p->esp_known << 26 | (uint64_t)(p->esp_known ? p->esp_off : 0) << 27 |
	       (uint64_t)p->ebp_known << 37 | (uint64_t)(p->ebp_known ? p->ebp_off : 0) << 38 |
	       (uint64_t)p->arg0 << 48;
}

static pstate unpack(uint64_t v)
{
	pstate p;
	p.written = (uint8_t)(v & P_ALL);
	p.count = (unsigned)(v >> 6) & 15;
	p.slots = (uint32_t)(v >> 10) & 0xffff;
	p.esp_known = (v >> 26) & 1;
	p.esp_off = (unsigned)(v >> 27) & MAX_OFF;
	p.ebp_known = (v >> 37) & 1;
	p.ebp_off = (unsigned)(v >> 38) & MAX_OFF;
	p.arg0 = (uint8_t)(v >> 48);
	return p;
}

typedef struct facts {
	uint8_t rd, weak, unk, stored;
	uint8_t mustwrite;   /* callee: AND of the written parts at each way out */
	bool returns;        /* some path returns (or tail-calls out) */
	unsigned nrets;
	unsigned pops;       /* the first ret's */
	bool disagree;
	unsigned pops2;
	bool ret_arg0;       /* some ret has the first stack argument in EAX */
	bool lost;           /* an indirect jump not followed */
	bool tail_out;       /* a path leaves through jmp [import] */
	bool failed;
	char why[128];
	char unk_why[96];    /* what first hid ECX/EDX */
} facts;

typedef struct item {
	uint32_t rva;
	uint64_t state;
} item;

typedef struct seen_slot {
	uint64_t state;
	uint32_t rva;
	bool used;
} seen_slot;

typedef struct walk {
	img *im;
	uint32_t entry;
	bool main;
	unsigned depth;
	facts *f;
	seen_slot *seen;
	size_t nseen, capseen;
	item *work;
	size_t nwork, capwork;
} walk;

static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static size_t seen_hash(uint32_t rva, uint64_t st)
{
	return (size_t)mix(st * 0x9e3779b97f4a7c15ULL ^ rva);
}

/* Insert (rva, state) into the visited set; false when already there. */
static bool visit(walk *w, uint32_t rva, uint64_t st)
{
	if (2 * (w->nseen + 1) > w->capseen) {
		size_t cap = w->capseen ? w->capseen * 2 : 256;
		seen_slot *n = calloc(cap, sizeof *n);
		if (!n) {
			w->im->oom = true;
			return false;
		}
		for (size_t i = 0; i < w->capseen; i++)
			if (w->seen[i].used) {
				size_t j = seen_hash(w->seen[i].rva, w->seen[i].state) & (cap - 1);
				while (n[j].used)
					j = (j + 1) & (cap - 1);
				n[j] = w->seen[i];
			}
		free(w->seen);
		w->seen = n;
		w->capseen = cap;
	}
	size_t j = seen_hash(rva, st) & (w->capseen - 1);
	while (w->seen[j].used) {
		if (w->seen[j].rva == rva && w->seen[j].state == st)
			return false;
		j = (j + 1) & (w->capseen - 1);
	}
	w->seen[j] = (seen_slot){ st, rva, true };
	w->nseen++;
	return true;
}

static void push_work(walk *w, uint32_t rva, uint64_t state)
{
	item *n = dk_reserve(w->work, &w->capwork, w->nwork + 1, sizeof *n);
	if (!n) {
		w->im->oom = true;
		return;
	}
	w->work = n;
	w->work[w->nwork++] = (item){ rva, state };
}

static bool is_entry(const img *im, uint32_t rva)
{
	size_t lo = 0, hi = im->nentries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (im->entries[mid] == rva)
			return true;
		if (im->entries[mid] < rva)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Parts `bits` of ECX/EDX can no longer be followed, for the reason given. */
__attribute__((format(printf, 3, 4))) static void hide(facts *f, uint8_t bits, const char *fmt, ...)
{
	va_list ap;
	if (!bits)
		return;
	if (!f->unk && !f->unk_why[0]) {
		va_start(ap, fmt);
		vsnprintf(f->unk_why, sizeof f->unk_why, fmt, ap);
		va_end(ap);
	}
	f->unk |= bits;
}

__attribute__((format(printf, 2, 3))) static void fail(facts *f, const char *fmt, ...)
{
	va_list ap;
	if (f->failed)
		return;
	f->failed = true;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof f->why, fmt, ap);
	va_end(ap);
}

/* What `jmp/call [abs32]` tells about the callee: true when it may take
 * our ECX/EDX as arguments -- an import by ordinal, or one with a fastcall
 * name.  A slot outside the import address table is a function pointer
 * (taken as clobbering, like every call through a pointer), as is one
 * whose bytes are not in the file (.bss). */
static bool import_may_take_regs(const img *im, uint32_t va)
{
	size_t n;
	uint32_t slot = va - im->base, v;
	const unsigned char *p;

	if (im->iat_size && (slot < im->iat || slot - im->iat >= im->iat_size))
		return false;
	p = map(im, slot, &n, NULL);
	if (!p || n < 4)
		return false;
	v = le32(p);
	if (v == 0)
		return false;
	if (v & 0x80000000u)
		return true;
	p = map(im, v + 2, &n, NULL);
	if (!p || n == 0)
		return true;
	return p[0] == '@';
}

static int analyse(img *im, uint32_t entry, bool main, unsigned depth, facts *f);

/* An import slot naming a function that never returns: the path ends. */
static bool import_noreturn(const img *im, uint32_t va)
{
	static const char *const names[] = {
		"ExitProcess", "ExitThread", "FreeLibraryAndExitThread", "RtlExitUserThread",
		"RtlExitUserProcess", "RtlRaiseStatus", "NtTerminateThread", "abort", "exit", "_exit",
		"_Exit", "_cexit", "__stack_chk_fail", "_assert", "_wassert", "longjmp", "_longjmp",
		"_invalid_parameter_noinfo_noreturn", "__wine_spec_unimplemented_stub",
	};
	size_t n;
	uint32_t slot = va - im->base, v;
	const unsigned char *p;

	if (!im->iat_size || slot < im->iat || slot - im->iat >= im->iat_size)
		return false;
	p = map(im, slot, &n, NULL);
	if (!p || n < 4 || ((v = le32(p)) & 0x80000000u) || v == 0)
		return false;
	p = map(im, v + 2, &n, NULL);
	if (!p)
		return false;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		size_t k = strlen(names[i]);
		if (n > k && memcmp(p, names[i], k) == 0 && p[k] == '\0')
			return true;
	}
	return false;
}

static summary *sum_find(img *im, uint32_t rva, bool add)
{
	if (add && 2 * (im->nsum + 1) > im->capsum) {
		size_t cap = im->capsum ? im->capsum * 2 : 256;
		summary *n = calloc(cap, sizeof *n);
		if (!n) {
			im->oom = true;
			return NULL;
		}
		for (size_t i = 0; i < im->capsum; i++)
			if (im->sum[i].state) {
				size_t j = mix(im->sum[i].rva) & (cap - 1);
				while (n[j].state)
					j = (j + 1) & (cap - 1);
				n[j] = im->sum[i];
			}
		free(im->sum);
		im->sum = n;
		im->capsum = cap;
	}
	if (!im->capsum)
		return NULL;
	size_t j = mix(rva) & (im->capsum - 1);
	while (im->sum[j].state) {
		if (im->sum[j].rva == rva)
			return &im->sum[j];
		j = (j + 1) & (im->capsum - 1);
	}
	if (!add)
		return NULL;
	im->sum[j].rva = rva;
	im->nsum++;
	return &im->sum[j];
}

/* What a call to `rva` inside the image does to ECX/EDX. */
static summary callee(img *im, uint32_t rva, unsigned depth)
{
	summary r = { rva, 2, 0, 0, P_ALL, 0, 0, false, false, 0 };
	summary *s = sum_find(im, rva, false);
	facts f;

	if (s) {
		if (s->state == 1) /* recursion: what it does is being found out */
			return (summary){ rva, 2, 0, 0, 0, 0, P_ALL, false, false, 0 };
		return *s;
	}
	if (depth >= MAX_DEPTH)
		return r;
	s = sum_find(im, rva, true);
	if (!s)
		return r;
	s->state = 1;
	memset(&f, 0, sizeof f);
	f.mustwrite = P_ALL;
	if (analyse(im, rva, false, depth + 1, &f) != 0)
		return r;
	/* sum_find may have moved the table while the callee was analysed */
	s = sum_find(im, rva, false);
	if (!s)
		return r;
	s->state = 2;
	s->rd = f.rd;
	s->weak = f.weak;
	s->unk = f.unk;
	s->stored = f.stored;
	s->mustwrite = f.mustwrite;
	s->noreturn = !f.returns && !f.failed && !f.lost;
	s->pops_known = f.nrets > 0 && !f.disagree && !f.failed && !f.lost && !f.tail_out;
	s->pops = (uint16_t)f.pops;
	return *s;
}

/* Record what the pushed slots held when they are dropped without being
 * popped back into their own register. */
static void drop_slots(facts *f, uint32_t slots, unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		unsigned v = (slots >> (2 * i)) & 3;
		if (v == SLOT_ECX)
			f->weak |= P_ECX;
		else if (v == SLOT_EDX)
			f->weak |= P_EDX;
	}
}

static void resolve_table(walk *w, const insn *in, uint32_t bound, uint64_t state)
{
	img *im = w->im;
	size_t n;
	const unsigned char *p = map(im, in->disp - im->base, &n, NULL);

	for (uint32_t i = 0; p && i <= bound && (size_t)i * 4 + 4 <= n; i++) {
		uint32_t t = le32(p + (size_t)i * 4) - im->base;
		if (!is_code(im, t)) {
			fail(w->f, "a jump table entry leads outside the code");
			w->f->unk |= (uint8_t)(~unpack(state).written & P_ALL);
			return;
		}
		push_work(w, t, state);
	}
}

/* ESP moves by `bytes` (negative: grows the stack). */
static void esp_move(pstate *ps, int64_t bytes)
{
	int64_t off = (int64_t)ps->esp_off * 4 - bytes;
	if (!ps->esp_known || bytes % 4 || off < 0 || off > MAX_OFF * 4)
		ps->esp_known = false;
	else
		ps->esp_off = (unsigned)(off / 4);
}

/* Follow ESP, EBP and the registers holding the first stack argument
 * (at entry ESP + 4) through one instruction. */
static void track_values(pstate *ps, const insn *in)
{
	uint8_t got = 0;

	if (in->load) {
		int64_t at;
		bool known = in->load_base == 4 ? ps->esp_known : ps->ebp_known;
		unsigned off = in->load_base == 4 ? ps->esp_off : ps->ebp_off;
		at = (int64_t)in->load_disp - (int64_t)off * 4;
		if (known && at == 4)
			got = (uint8_t)(1u << in->load_dst);
	} else if (in->copy && (ps->arg0 & (1u << in->copy_src))) {
		got = (uint8_t)(1u << in->copy_dst);
	}
	ps->arg0 = (uint8_t)((ps->arg0 & ~in->wregs) | got);

	switch (in->esp_op) {
	case ESP_ADD:
		esp_move(ps, in->esp_delta);
		return;
	case ESP_MOV_EBP_ESP:
		ps->ebp_known = ps->esp_known;
		ps->ebp_off = ps->esp_off;
		return;
	case ESP_MOV_ESP_EBP:
		ps->esp_known = ps->ebp_known;
		ps->esp_off = ps->ebp_off;
		return;
	case ESP_LEA_EBP:
		ps->esp_known = ps->ebp_known;
		ps->esp_off = ps->ebp_off;
		esp_move(ps, in->esp_delta);
		return;
	case ESP_LEAVE:
		ps->esp_known = ps->ebp_known;
		ps->esp_off = ps->ebp_off;
		ps->ebp_known = false;
		esp_move(ps, 4);
		return;
	default:
		break;
	}
	if (in->wregs & (1u << 5))
		ps->ebp_known = false;
	if (in->esp)
		ps->esp_known = false;
	else if (in->push != PUSH_NONE)
		esp_move(ps, -4);
	else if (in->pop != PUSH_NONE)
		esp_move(ps, 4);
}

static int walk_run(walk *w, uint32_t budget)
{
	img *im = w->im;
	facts *f = w->f;
	uint32_t steps = 0;
	pstate start;

	memset(&start, 0, sizeof start);
	start.esp_known = true;
	push_work(w, w->entry, pack(&start));
	while (w->nwork && !im->oom) {
		item it = w->work[--w->nwork];
		uint32_t rva = it.rva;
		pstate ps = unpack(it.state);
		bool jumped = true;
		bool have_bound = false;
		uint32_t bound = 0;

		for (;;) {
			size_t avail;
			bool exec;
			const unsigned char *p;
			insn in;
			/* Only a register no part of which has been written can
			 * still hold an argument: `sete dl` ... `and eax, edx`
			 * reads EDX whole, but only for the byte it wrote. */
			uint8_t unw = (uint8_t)((ps.written & P_ECX ? 0 : P_ECX) |
						(ps.written & P_EDX ? 0 : P_EDX));

			if (!jumped && rva != w->entry && is_entry(im, rva))
				break; /* fell into the next export: the call before did not return */
			if (!visit(w, rva, pack(&ps)))
				break;
			if (++steps > budget) {
				fail(f, "gave up after %u instructions", budget);
				f->unk = P_ALL;
				goto done;
			}
			p = map(im, rva, &avail, &exec);
			if (!p || !exec) {
				fail(f, "its code leads to 0x%x, outside the executable sections", rva);
				f->unk |= unw;
				break;
			}
			decode(p, avail, &in);
			if (in.kind == K_TRUNC) {
				fail(f, "the code at 0x%x runs past the end of its section", rva);
				f->unk |= unw;
				break;
			}
			if (in.kind == K_BAD) {
				if (in.op0 == 0x0f || in.op0 == 0xc4 || in.op0 == 0xc5)
					fail(f, "unknown instruction %02x %02x at 0x%x", in.op0, in.op1, rva);
				else
					fail(f, "unknown instruction %02x at 0x%x", in.op0, rva);
				f->unk |= unw;
				break;
			}
			jumped = false;

			/* Register effects: reads first, then writes. */
			f->rd |= in.rd & unw;
			f->weak |= in.weak & unw;
			f->stored |= in.stored & unw;
			hide(f, in.unk & unw, "the instruction at 0x%x", rva);
			ps.written |= (uint8_t)(in.unk & unw);

			/* Pushes and pops of the incoming ECX/EDX. */
			if (in.push != PUSH_NONE && !in.esp) {
				unsigned v = SLOT_OTHER;
				if (in.push == 1 || in.push == 2) {
					uint8_t pr = in.push == 1 ? P_ECX : P_EDX;
					if ((ps.written & pr) == 0)
						v = in.push == 1 ? SLOT_ECX : SLOT_EDX;
					else
						f->weak |= (uint8_t)(pr & ~ps.written);
				}
				if (ps.count == MAX_SLOTS) {
					drop_slots(f, ps.slots & 3, 1);
					ps.slots >>= 2;
					ps.count--;
				}
				ps.slots |= v << (2 * ps.count);
				ps.count++;
			} else if (in.push == 1 || in.push == 2) {
				f->weak |= (uint8_t)((in.push == 1 ? P_ECX : P_EDX) & ~ps.written);
			}
			if (in.pop != PUSH_NONE && !in.esp && ps.count > 0) {
				unsigned v = (ps.slots >> (2 * (ps.count - 1))) & 3;
				ps.count--;
				ps.slots &= (1u << (2 * ps.count)) - 1;
				if ((v == SLOT_ECX && in.pop == 1) || (v == SLOT_EDX && in.pop == 2)) {
					/* a save and restore: the register is as it came */
					ps.written &= (uint8_t)~(in.pop == 1 ? P_ECX : P_EDX);
					in.wr = 0;
				} else {
					drop_slots(f, v, 1);
				}
			}
			if (in.esp) {
				drop_slots(f, ps.slots, ps.count);
				ps.slots = 0;
				ps.count = 0;
			}
			ps.written |= in.wr;
			track_values(&ps, &in);

			switch (in.kind) {
			case K_NEXT:
				if (in.cmp_imm) {
					have_bound = true;
					bound = in.imm;
				}
				break;
			case K_JCC:
				push_work(w, rva + in.target, pack(&ps));
				break;
			case K_JMP:
				rva += in.target;
				jumped = true;
				continue;
			case K_JMP_IND:
				if (in.abs_mem) { /* a tail call into another DLL (or through a pointer) */
					if (import_noreturn(im, in.disp))
						goto next_item;
					if (unw && import_may_take_regs(im, in.disp))
						hide(f, unw, "a jump at 0x%x to an import that may be fastcall", rva);
					drop_slots(f, ps.slots, ps.count);
					/* the callee returns for us, with ECX/EDX clobbered */
					f->returns = true;
					f->tail_out = true;
					goto next_item;
				}
				if (in.table && have_bound && bound < MAX_TABLE) {
					resolve_table(w, &in, bound, pack(&ps));
					goto next_item;
				}
				f->lost = true;
				hide(f, unw, "an indirect jump at 0x%x", rva);
				f->returns = true;
				goto next_item;
			case K_CALL:
			case K_CALL_IND: {
				summary s = { 0, 2, 0, 0, 0, 0, P_ALL, false, false, 0 };
				drop_slots(f, ps.slots, ps.count);
				ps.slots = 0;
				ps.count = 0;
				if (in.kind == K_CALL) {
					uint32_t t = rva + in.target;
					if (!is_code(im, t))
						s.unk = P_ALL;
					else /* also when unw is 0: it may not return */
						s = callee(im, t, w->depth);
				} else if (in.abs_mem && import_noreturn(im, in.disp)) {
					goto next_item;
				} else if (in.abs_mem && unw && import_may_take_regs(im, in.disp)) {
					s.unk = P_ALL;
				}
				f->rd |= s.rd & unw;
				f->weak |= s.weak & unw;
				f->stored |= s.stored & unw;
				hide(f, s.unk & unw, "a call at 0x%x%s", rva,
				     in.kind == K_CALL ? " (its callee)" : " to an import that may be fastcall");
				ps.written |= (uint8_t)(s.mustwrite | (s.unk & unw));
				/* EAX, ECX, EDX are the callee's; it pops its own arguments */
				ps.arg0 &= (uint8_t)~7u;
				if (s.pops_known)
					esp_move(&ps, s.pops);
				else
					ps.esp_known = false;
				if (s.noreturn)
					goto next_item;
				break;
			}
			case K_RET:
				drop_slots(f, ps.slots, ps.count);
				f->returns = true;
				f->mustwrite &= ps.written;
				if (ps.arg0 & 1)
					f->ret_arg0 = true;
				if (f->nrets == 0)
					f->pops = in.pops;
				else if (in.pops != f->pops && !f->disagree) {
					f->disagree = true;
					f->pops2 = in.pops;
				}
				f->nrets++;
				goto next_item;
			case K_END:
				goto next_item;
			default:
				goto next_item;
			}
			rva += in.len;
		}
next_item:;
	}
done:
	return im->oom ? -1 : 0;
}

static int analyse(img *im, uint32_t entry, bool main, unsigned depth, facts *f)
{
	walk w;
	int rc;

	memset(&w, 0, sizeof w);
	w.im = im;
	w.entry = entry;
	w.main = main;
	w.depth = depth;
	w.f = f;
	rc = walk_run(&w, main ? MAIN_BUDGET : CALLEE_BUDGET);
	free(w.seen);
	free(w.work);
	return rc;
}

/* ------------------------------------------------------------------ */
/* One export                                                           */
/* ------------------------------------------------------------------ */

typedef enum regfact { R_NONE, R_READ, R_UNKNOWN, R_WEAK } regfact;

static regfact reg_fact(const facts *f, uint8_t mask)
{
	if (f->rd & mask)
		return R_READ;
	if (f->unk & mask)
		return R_UNKNOWN;
	if (f->weak & mask)
		return R_WEAK;
	return R_NONE;
}

static const char *fact_why(const facts *f, regfact r)
{
	if (r != R_UNKNOWN)
		return "a push that may only make room";
	return f->unk_why[0] ? f->unk_why : "code it cannot follow";
}

/* Decorations the code allows but does not choose between, each called
 * the same way as the code behaves (DK_RECOVER_ALIASES). */
typedef struct alts {
	bool plain_ret; /* a plain ret reading no register: cdecl or f@0 */
	unsigned n;
	char sym[2][300];
} alts;

/* A name too long for sym[] gets no alias (never a cut one). */
static void alt(alts *a, const char *fmt, const char *name, unsigned n)
{
	if (a->n < 2) {
		int w = snprintf(a->sym[a->n], sizeof a->sym[0], fmt, name, n);
		if (w > 0 && (size_t)w < sizeof a->sym[0])
			a->n++;
	}
}

/* Decide one export: returns the decorated symbol (malloc'd), NULL with
 * `why` filled when undecided (and `a` the decorations left open), or
 * NULL with im->oom set. */
static char *decide(img *im, const char *name, uint32_t rva, char *why, size_t whysz, alts *a)
{
	facts f;
	uint32_t at = rva;
	size_t avail;
	bool exec;
	dk_buf b;

	if (!dk_pe_section_of(&im->pe, rva)) {
		snprintf(why, whysz, "its address 0x%x lies in no section", rva);
		return NULL;
	}
	/* Leading jmp thunks (incremental-link tables, ld's --kill-at stubs). */
	for (unsigned hop = 0;; hop++) {
		const unsigned char *p = map(im, at, &avail, &exec);
		insn in;
		if (!p || !exec) {
			snprintf(why, whysz, "its code at 0x%x is not in an executable section with bytes in the file",
				 at);
			return NULL;
		}
		decode(p, avail, &in);
		if (in.kind == K_JMP_IND && in.abs_mem) {
			snprintf(why, whysz, "an import thunk (jmp [0x%x]): the code is in another DLL", in.disp);
			return NULL;
		}
		if (in.kind != K_JMP)
			break;
		if (hop == MAX_THUNK_HOPS) {
			snprintf(why, whysz, "more than %u jmp thunks in a row", MAX_THUNK_HOPS);
			return NULL;
		}
		at += in.target;
	}
	memset(&f, 0, sizeof f);
	f.mustwrite = P_ALL;
	if (analyse(im, at, true, 0, &f) != 0)
		return NULL;
	if (f.failed) {
		snprintf(why, whysz, "%s", f.why);
		return NULL;
	}
	if (f.disagree) {
		snprintf(why, whysz, "its returns disagree (ret %u and ret %u)", f.pops, f.pops2);
		return NULL;
	}
	if (f.nrets == 0) {
		snprintf(why, whysz, f.tail_out ? "it jumps into another DLL (jmp [import]): the code is there"
				     : f.lost ? "no ret found (an indirect jump was not followed)"
					      : "no ret found: it does not return");
		return NULL;
	}

	regfact ecx = reg_fact(&f, P_ECX), edx = reg_fact(&f, P_EDX);
	/* fastcall fills ECX before EDX: EDX read while ECX is not is an
	 * uninitialised variable as often as an unused first argument.  A
	 * value stored through a pointer counts once ECX is clearly read. */
	if (ecx == R_READ && edx != R_READ && edx != R_UNKNOWN && (f.stored & P_EDX))
		edx = R_READ;
	if (ecx != R_READ && edx == R_READ) {
		snprintf(why, whysz, "it reads EDX but not ECX: an uninitialised variable, or fastcall ignoring its first argument");
		return NULL;
	}
	if (ecx == R_NONE && (f.stored & P_ECX))
		ecx = R_WEAK;
	if (edx == R_NONE && (f.stored & P_EDX))
		edx = R_WEAK;
	unsigned n = f.pops;

	dk_buf_init(&b);
	if (n % 4) {
		snprintf(why, whysz, "it pops %u bytes, not a multiple of 4", n);
		return NULL;
	}
	if (f.ret_arg0 && n >= 4) {
		snprintf(why, whysz,
			 "ret %u, returning its first stack argument: a pointer (%s@%u), or a structure returned through a hidden pointer the decoration does not count (%s@%u)",
			 n, name, n, name, n - 4);
		alt(a, "%s@%u", name, n);
		alt(a, "%s@%u", name, n - 4);
	} else if (edx == R_READ) {
		dk_buf_printf(&b, "@%s@%u", name, n + 8);
	} else if (n > 0) {
		if (edx != R_NONE)
			snprintf(why, whysz, "ret %u, but whether EDX holds an argument is hidden by %s", n,
				 fact_why(&f, edx));
		else if (ecx == R_READ) {
			snprintf(why, whysz, "fastcall with ECX only and ret %u: @%s@%u or @%s@%u", n, name,
				 n + 4, name, n + 8);
			alt(a, "@%s@%u", name, n + 4);
			alt(a, "@%s@%u", name, n + 8);
		}
		else if (ecx != R_NONE)
			snprintf(why, whysz, "ret %u, but whether ECX holds an argument is hidden by %s", n,
				 fact_why(&f, ecx));
		else
			dk_buf_printf(&b, "%s@%u", name, n);
	} else if (ecx == R_READ) {
		snprintf(why, whysz, "fastcall reading ECX only, with a plain ret: @%s@4 or @%s@8", name,
			 name);
		alt(a, "@%s@%u", name, 4);
		alt(a, "@%s@%u", name, 8);
	} else if (ecx != R_NONE || edx != R_NONE) {
		snprintf(why, whysz,
			 "returns with a plain ret: cdecl, stdcall with no arguments (%s@0) or fastcall (ECX/EDX hidden by %s)",
			 name, fact_why(&f, ecx != R_NONE ? ecx : edx));
	} else {
		snprintf(why, whysz, "returns with a plain ret: cdecl, or stdcall with no arguments (%s@0)",
			 name);
		a->plain_ret = true;
		alt(a, "%s@%u", name, 0);
	}
	if (b.len == 0) {
		dk_buf_free(&b);
		return NULL;
	}
	char *r = dk_buf_take(&b, NULL);
	if (!r)
		im->oom = true;
	return r;
}

static bool wants_decoration(const dk_export *e)
{
	if (e->flags & (DK_EXPORT_NONAME | DK_EXPORT_DATA | DK_EXPORT_CONSTANT))
		return false;
	if (e->forward || e->internal || !e->name || !e->name[0])
		return false;
	/* f@4, @f@8, f@@8, ?cpp@@...: already decorated, or C++ */
	return !strchr(e->name, '@') && e->name[0] != '?';
}

/* link.exe's naming puts the C underscore on stdcall names (`_f@8`);
 * fastcall's `@f@8` is the same in both.  Frees `sym`. */
static char *in_dialect(char *sym, bool msvc)
{
	char *r;
	if (!sym || !msvc || sym[0] == '@')
		return sym;
	r = malloc(strlen(sym) + 2);
	if (r) {
		r[0] = '_';
		strcpy(r + 1, sym);
	}
	free(sym);
	return r;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

long dk_image_recover_stdcall(dk_module *m, const void *data, size_t len, const char *name,
			      unsigned flags, dk_undecided_fn undecided, void *ctx, dk_sink *s)
{
	img im;
	long done = 0;
	size_t nbefore = m->nexports;
	struct pending {
		size_t export;
		char *sym;
	} *more = NULL;
	size_t nmore = 0;
	dk_loc loc = dk_loc_file(name);
	bool msvc;

	if (m->machine != DK_MACHINE_I386)
		return 0;
	/* A DLL that exports link.exe's `_g@4` beside the undecorated names
	 * gets the rest in that naming too. */
	if (!m->dialect)
		m->dialect = dk_i386_guess_dialect(m);
	msvc = m->dialect == DK_DIALECT_MSVC;
	memset(&im, 0, sizeof im);
	im.d = data;
	im.len = data ? len : 0;
	if (read_headers(&im, name, s) != DK_OK)
		return -1;
	im.entries = malloc((m->nexports ? m->nexports : 1) * sizeof *im.entries);
	if (!im.entries)
		goto oom;
	if ((flags & DK_RECOVER_ALIASES) &&
	    !(more = malloc((m->nexports ? m->nexports : 1) * 2 * sizeof *more)))
		goto oom;
	for (size_t i = 0; i < m->nexports; i++)
		if (!m->exports[i].forward && !(m->exports[i].flags & DK_EXPORT_DATA))
			im.entries[im.nentries++] = m->exports[i].rva;
	if (im.nentries)
		qsort(im.entries, im.nentries, sizeof *im.entries, cmp_u32);

	for (size_t i = 0; i < m->nexports; i++) {
		dk_export *e = &m->exports[i];
		char why[256];
		char *sym;
		alts a;

		if (!wants_decoration(e))
			continue;
		{
			const dk_pe_section *sc = dk_pe_section_of(&im.pe, e->rva);
			if (sc && !(sc->flags & SCN_MEM_EXECUTE))
				continue; /* data the reader did not mark: not ours to judge */
		}
		why[0] = '\0';
		memset(&a, 0, sizeof a);
		sym = decide(&im, e->name, e->rva, why, sizeof why, &a);
		if (sym && !(sym = in_dialect(sym, msvc)))
			im.oom = true;
		if (im.oom) {
			free(sym);
			goto oom;
		}
		if (sym) {
			e->internal = sym;
			done++;
		} else {
			for (unsigned k = 0; more && k < a.n; k++) {
				more[nmore].sym =
					in_dialect(dk_strndup(a.sym[k], strlen(a.sym[k])), msvc);
				if (!more[nmore].sym)
					goto oom;
				more[nmore++].export = i;
			}
			if (undecided)
				undecided(ctx, e, a.plain_ret, why);
		}
	}
	/* `f@0 == f` beside `f`: the symbol _f@0 importing "f"; added after
	 * the walk, since dk_module_add may move the exports. */
	for (size_t k = 0; k < nmore; k++) {
		const dk_export *e = &m->exports[more[k].export];
		dk_export x;

		memset(&x, 0, sizeof x);
		x.name = more[k].sym;
		x.import_name = e->name;
		x.origin = e->origin;
		x.rva = e->rva;
		x.hint = e->hint;
		if (!dk_module_add(m, &x))
			goto oom;
	}
	for (size_t k = 0; k < nmore; k++)
		free(more[k].sym);
	free(more);
	free(im.entries);
	free(im.sum);
	dk_pe_close(&im.pe);
	return done;
oom:
	while (m->nexports > nbefore)
		dk_export_free(&m->exports[--m->nexports]);
	for (size_t k = 0; k < nmore; k++)
		free(more[k].sym);
	free(more);
	free(im.entries);
	free(im.sum);
	dk_pe_close(&im.pe);
	dk_report(s, DK_ERROR, &loc, "out of memory");
	return -1;
}
