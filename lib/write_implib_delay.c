/* write_implib_delay.c - delay-load import libraries (mkimplib --delay):
 * ordinary COFF objects that, linked into a program, make it load the DLL
 * at the first call of one of its functions, through mingw-w64's
 * __delayLoadHelper2 (libmingwex, which MinGW gcc and clang link by
 * default).
 *
 * For a DLL "k.dll" (stem "k_dll", as in write_implib_long.c) the archive
 * holds a head and one object per function:
 *
 *   k_dll_y000000.o  head: the DLL's module handle (in .didat, written by
 *                    the helper), its name (.rdata), and on x86-64 and
 *                    arm64 the common part of the lazy path, the "merge"
 *                    routine that saves the argument registers, calls the
 *                    helper and jumps to what it returns (x86-64: with
 *                    .pdata/.xdata, so that the exception the helper
 *                    raises for a missing DLL unwinds through it).
 *                    Defines __delay_k_dll_handle, __delay_k_dll_iname and
 *                    __delay_k_dll_merge (one more '_' on i386).
 *   k_dll_yNNNNNN.o  one per function: the thunk SYM (jmp *__imp_SYM), the
 *                    address-table slot __imp_SYM in a writable section
 *                    named .didat, first holding the address of the lazy
 *                    entry beside the thunk, and in .rdata a delay-import
 *                    descriptor of its own with its lookup table (one
 *                    entry and the null one) and the hint/name.
 *
 * Why one descriptor per function: a descriptor's address table and
 * lookup table must be two parallel arrays, and neither GNU ld nor lld
 * keeps pieces of sections other than .idata$N in archive-member order,
 * while .idata$5 is what lld makes read-only and ld counts as the ordinary
 * import address table (GNU dlltool -y's libraries put the table there and
 * crash under lld).  A descriptor per function needs no order at all: the
 * helper finds the entry as (slot - table) / pointer size = 0 and loads
 * the DLL once, since every descriptor shares the module handle.  No
 * linker fills the delay-import data directory from objects (ld has no
 * delay-load support; lld fills it only for its own -delayload), so
 * nothing looks for the descriptors but the code that passes them.
 *
 * DATA and CONSTANT exports cannot be delay-loaded (a variable's address
 * is used before any call could load the DLL): they are left out with one
 * warning naming them; a library that would hold nothing is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "write_implib_private.h"

/* ARM64 relocations not in pecoff_private.h. */
enum { REL_ARM64_BRANCH26 = 0x0003, REL_ARM64_PAGEOFFSET_12A = 0x0006 };

#define TEXT_FLAGS (DK_SCN_CNT_CODE | DK_SCN_MEM_EXECUTE | DK_SCN_MEM_READ)
#define RDATA_FLAGS (DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_MEM_READ)
#define DATA_FLAGS (DK_SCN_CNT_INITIALIZED_DATA | DK_SCN_MEM_READ | DK_SCN_MEM_WRITE)

typedef struct delay_machine {
	dk_machine machine;
	unsigned ptr;
	uint16_t rva;    /* image-relative relocation */
	uint16_t abs;    /* pointer-sized absolute relocation (the slot's first value) */
	uint32_t load;   /* offset of the lazy entry in an import object's .text */
} delay_machine;

static const delay_machine machines[] = {
	{ DK_MACHINE_I386, 4, DK_REL_I386_DIR32NB, DK_REL_I386_DIR32, 6 },
	{ DK_MACHINE_AMD64, 8, DK_REL_AMD64_ADDR32NB, DK_REL_AMD64_ADDR64, 6 },
	{ DK_MACHINE_ARM64, 8, DK_REL_ARM64_ADDR32NB, DK_REL_ARM64_ADDR64, 12 },
};

static const delay_machine *find_machine(dk_machine m)
{
	for (size_t i = 0; i < sizeof machines / sizeof machines[0]; i++)
		if (machines[i].machine == m)
			return &machines[i];
	return NULL;
}

static uint32_t align_flag(unsigned ptr)
{
	return ptr == 8 ? DK_SCN_ALIGN_8BYTES : DK_SCN_ALIGN_4BYTES;
}

/* ---- code ---- */

/* x86-64, an import's .text: SYM: jmp *__imp_SYM(%rip); then the lazy
 * entry: lea __imp_SYM(%rip),%rax; lea desc(%rip),%r11; jmp merge.
 * (rax and r11 carry no arguments in the Windows x64 convention.) */
static const unsigned char x64_thunk[32] = {
	0xff, 0x25, 0, 0, 0, 0,             /*  0 jmp *__imp_SYM(%rip) */
	0x48, 0x8d, 0x05, 0, 0, 0, 0,       /*  6 lea __imp_SYM(%rip),%rax */
	0x4c, 0x8d, 0x1d, 0, 0, 0, 0,       /* 13 lea desc(%rip),%r11 */
	0xe9, 0, 0, 0, 0,                   /* 20 jmp merge */
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
};

/* x86-64, the head's merge: keep rcx, rdx, r8, r9 and xmm0-3 (the
 * argument registers), call __delayLoadHelper2(desc, slot) with 32 bytes
 * of home space and rsp 16-aligned, restore, jump to the function. */
static const unsigned char x64_merge[] = {
	0x51,                               /*  0 push %rcx */
	0x52,                               /*  1 push %rdx */
	0x41, 0x50,                         /*  2 push %r8 */
	0x41, 0x51,                         /*  4 push %r9 */
	0x48, 0x83, 0xec, 0x68,             /*  6 sub $0x68,%rsp (prologue ends at 10) */
	0x66, 0x0f, 0x7f, 0x44, 0x24, 0x20, /* 10 movdqa %xmm0,0x20(%rsp) */
	0x66, 0x0f, 0x7f, 0x4c, 0x24, 0x30, /* 16 movdqa %xmm1,0x30(%rsp) */
	0x66, 0x0f, 0x7f, 0x54, 0x24, 0x40, /* 22 movdqa %xmm2,0x40(%rsp) */
	0x66, 0x0f, 0x7f, 0x5c, 0x24, 0x50, /* 28 movdqa %xmm3,0x50(%rsp) */
	0x48, 0x89, 0xc2,                   /* 34 mov %rax,%rdx */
	0x4c, 0x89, 0xd9,                   /* 37 mov %r11,%rcx */
	0xe8, 0, 0, 0, 0,                   /* 40 call __delayLoadHelper2 */
	0x66, 0x0f, 0x6f, 0x44, 0x24, 0x20, /* 45 movdqa 0x20(%rsp),%xmm0 */
	0x66, 0x0f, 0x6f, 0x4c, 0x24, 0x30, /* 51 */
	0x66, 0x0f, 0x6f, 0x54, 0x24, 0x40, /* 57 */
	0x66, 0x0f, 0x6f, 0x5c, 0x24, 0x50, /* 63 */
	0x48, 0x83, 0xc4, 0x68,             /* 69 add $0x68,%rsp */
	0x41, 0x59,                         /* 73 pop %r9 */
	0x41, 0x58,                         /* 75 pop %r8 */
	0x5a,                               /* 77 pop %rdx */
	0x59,                               /* 78 pop %rcx */
	0xff, 0xe0,                         /* 79 jmp *%rax */
};
enum { X64_MERGE_CALL = 41 };

/* Its unwind information: version 1, a 10-byte prologue, five codes
 * (latest first): alloc 0x68 at 10, push r9 at 6, r8 at 4, rdx at 2,
 * rcx at 1; padded to an even number of codes. */
static const unsigned char x64_merge_unwind[16] = {
	0x01, 10, 5, 0,
	10, 0x02 | (12 << 4), 6, 0x00 | (9 << 4), 4, 0x00 | (8 << 4),
	2, 0x00 | (2 << 4), 1, 0x00 | (1 << 4), 0, 0,
};

/* i386, an import's .text, all of the lazy path inline (ecx and edx may
 * carry fastcall/thiscall arguments; eax is free):
 * SYM: jmp *__imp_SYM; then push %ecx; push %edx; push $__imp_SYM;
 * push $desc; call ___delayLoadHelper2@8 (stdcall: pops both);
 * pop %edx; pop %ecx; jmp *%eax. */
static const unsigned char x86_thunk[28] = {
	0xff, 0x25, 0, 0, 0, 0, /*  0 jmp *__imp_SYM */
	0x51,                   /*  6 push %ecx */
	0x52,                   /*  7 push %edx */
	0x68, 0, 0, 0, 0,       /*  8 push $__imp_SYM */
	0x68, 0, 0, 0, 0,       /* 13 push $desc */
	0xe8, 0, 0, 0, 0,       /* 18 call ___delayLoadHelper2@8 */
	0x5a,                   /* 23 pop %edx */
	0x59,                   /* 24 pop %ecx */
	0xff, 0xe0,             /* 25 jmp *%eax */
	0x90,
};

/* arm64 instruction encodings. */
static uint32_t a64_adrp(unsigned rd) { return 0x90000000u | rd; }
static uint32_t a64_add_lo12(unsigned rd) { return 0x91000000u | (rd << 5) | rd; }
static uint32_t a64_mov(unsigned rd, unsigned rm) { return 0xaa0003e0u | (rm << 16) | rd; }
/* stp/ldp of X registers at [sp + off] (signed offset form) */
static uint32_t a64_pair(bool load, unsigned r1, unsigned r2, int off)
{
	return (load ? 0xa9400000u : 0xa9000000u) | ((uint32_t)(off / 8 & 0x7f) << 15) | (r2 << 10) |
	       (31u << 5) | r1;
}
/* stp/ldp of Q registers at [sp + off] */
static uint32_t a64_qpair(bool load, unsigned r1, unsigned r2, int off)
{
	return (load ? 0xad400000u : 0xad000000u) | ((uint32_t)(off / 16 & 0x7f) << 15) | (r2 << 10) |
	       (31u << 5) | r1;
}

/* arm64, an import's .text: SYM: adrp x16, __imp_SYM; ldr x16,
 * [x16, :lo12:__imp_SYM]; br x16; then the lazy entry: x9 = &slot,
 * x10 = &desc, b merge (x9 and x10 are scratch registers, and unlike x16
 * and x17 no branch veneer a linker inserts touches them). */
static void a64_thunk(uint32_t w[8])
{
	w[0] = a64_adrp(16);
	w[1] = 0xf9400210u; /* ldr x16, [x16] */
	w[2] = 0xd61f0200u; /* br x16 */
	w[3] = a64_adrp(9);
	w[4] = a64_add_lo12(9);
	w[5] = a64_adrp(10);
	w[6] = a64_add_lo12(10);
	w[7] = 0x14000000u; /* b merge */
}

/* arm64, the head's merge: a 224-byte frame holding x29/x30, x0-x8 and
 * q0-q7; x0 = desc, x1 = slot; bl __delayLoadHelper2; restore; br x16. */
enum { A64_FRAME = 224 };
static size_t a64_merge(uint32_t w[40], size_t *bl_at)
{
	size_t n = 0;

	w[n++] = 0xa9800000u | ((uint32_t)(-A64_FRAME / 8 & 0x7f) << 15) | (30u << 10) | (31u << 5) |
		 29u;           /* stp x29, x30, [sp, #-224]! */
	w[n++] = 0x910003fdu; /* mov x29, sp */
	for (unsigned r = 0; r < 8; r += 2)
		w[n++] = a64_pair(false, r, r + 1, 16 + (int)r * 8);
	w[n++] = 0xf9000000u | (80u / 8 << 10) | (31u << 5) | 8u; /* str x8, [sp, #80] */
	for (unsigned r = 0; r < 8; r += 2)
		w[n++] = a64_qpair(false, r, r + 1, 96 + (int)r * 16);
	w[n++] = a64_mov(0, 10);
	w[n++] = a64_mov(1, 9);
	*bl_at = n * 4;
	w[n++] = 0x94000000u; /* bl __delayLoadHelper2 */
	w[n++] = a64_mov(16, 0);
	for (unsigned r = 0; r < 8; r += 2)
		w[n++] = a64_qpair(true, r, r + 1, 96 + (int)r * 16);
	w[n++] = 0xf9400000u | (80u / 8 << 10) | (31u << 5) | 8u; /* ldr x8, [sp, #80] */
	for (unsigned r = 0; r < 8; r += 2)
		w[n++] = a64_pair(true, r, r + 1, 16 + (int)r * 8);
	w[n++] = 0xa8c00000u | ((uint32_t)(A64_FRAME / 8 & 0x7f) << 15) | (30u << 10) | (31u << 5) |
		 29u;           /* ldp x29, x30, [sp], #224 */
	w[n++] = 0xd61f0200u; /* br x16 */
	return n;
}

static void add_words(dk_coff *c, int sec, const uint32_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char b[4];
		dk_put32(b, w[i]);
		dk_coff_data(c, sec, b, 4);
	}
}

/* ---- names ---- */

typedef struct names {
	char *stem;     /* "k_dll" */
	char *handle;   /* "__delay_k_dll_handle" (i386: "___delay_...") */
	char *iname;    /* "__delay_k_dll_iname" */
	char *merge;    /* "__delay_k_dll_merge" */
	const char *helper; /* "__delayLoadHelper2" (i386: "___delayLoadHelper2@8") */
} names;

static char *cat(const char *a, const char *b, const char *c, const char *d)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c), ld = strlen(d);
	char *r = malloc(la + lb + lc + ld + 1);
	if (!r)
		return NULL;
	memcpy(r, a, la);
	memcpy(r + la, b, lb);
	memcpy(r + la + lb, c, lc);
	memcpy(r + la + lb + lc, d, ld + 1);
	return r;
}

static int names_init(names *nm, const dk_implib_opts *o)
{
	bool i386 = o->machine == DK_MACHINE_I386;
	const char *u = i386 && !o->no_leading_underscore ? "_" : "";

	memset(nm, 0, sizeof *nm);
	nm->helper = !i386 ? "__delayLoadHelper2"
		     : *u  ? "___delayLoadHelper2@8"
			   : "__delayLoadHelper2@8";
	if (!(nm->stem = dk_implib_stem(o->dll_name)))
		return DK_FAIL;
	nm->handle = cat(u, "__delay_", nm->stem, "_handle");
	nm->iname = cat(u, "__delay_", nm->stem, "_iname");
	nm->merge = cat(u, "__delay_", nm->stem, "_merge");
	return nm->handle && nm->iname && nm->merge ? DK_OK : DK_FAIL;
}

static void names_free(names *nm)
{
	free(nm->stem);
	free(nm->handle);
	free(nm->iname);
	free(nm->merge);
}

/* ---- members ---- */

static void define(dk_coff *c, dk_implib_member *mb, const char *name, uint32_t value, int sec,
		   uint16_t type)
{
	dk_coff_symbol_add(c, name, value, (int16_t)sec, type, DK_SYM_CLASS_EXTERNAL);
	if (dk_implib_member_symbol(mb, name) != DK_OK)
		c->failed = true;
}

static uint32_t section_symbol(dk_coff *c, int sec, const char *name)
{
	return dk_coff_symbol_add(c, name, 0, (int16_t)sec, 0, DK_SYM_CLASS_STATIC);
}

static uint32_t undefined(dk_coff *c, const char *name, uint16_t type)
{
	return dk_coff_symbol_add(c, name, 0, DK_SYM_UNDEFINED, type, DK_SYM_CLASS_EXTERNAL);
}

/* The head: module handle, DLL name, and (x86-64, arm64) the merge. */
static int write_head(const delay_machine *mc, const names *nm, const char *dll, dk_implib_member *mb,
		      dk_buf *all)
{
	dk_coff c;
	int text = 0, data, rdata;
	size_t len = strlen(dll) + 1;

	dk_coff_init(&c, (uint16_t)mc->machine);
	if (mc->machine != DK_MACHINE_I386)
		text = dk_coff_section_add(&c, ".text", TEXT_FLAGS | DK_SCN_ALIGN_16BYTES);
	/* (.didat, as the slots: readers know the library's objects by it) */
	data = dk_coff_section_add(&c, ".didat", DATA_FLAGS | align_flag(mc->ptr));
	rdata = dk_coff_section_add(&c, ".rdata", RDATA_FLAGS | DK_SCN_ALIGN_4BYTES);
	if (mc->machine == DK_MACHINE_I386)
		dk_coff_feat00(&c);
	dk_coff_zeros(&c, data, mc->ptr);
	dk_coff_data(&c, rdata, dll, len);
	dk_coff_zeros(&c, rdata, (4 - len % 4) % 4);
	define(&c, mb, nm->handle, 0, data, 0);
	define(&c, mb, nm->iname, 0, rdata, 0);
	if (mc->machine == DK_MACHINE_AMD64) {
		int xdata = dk_coff_section_add(&c, ".xdata", RDATA_FLAGS | DK_SCN_ALIGN_4BYTES);
		int pdata = dk_coff_section_add(&c, ".pdata", RDATA_FLAGS | DK_SCN_ALIGN_4BYTES);
		uint32_t stext = section_symbol(&c, text, ".text");
		uint32_t sx = section_symbol(&c, xdata, ".xdata");
		uint32_t helper = undefined(&c, nm->helper, DK_SYM_DTYPE_FUNCTION);
		unsigned char f[12];

		dk_coff_data(&c, text, x64_merge, sizeof x64_merge);
		dk_coff_reloc_add(&c, text, X64_MERGE_CALL, helper, DK_REL_AMD64_REL32);
		dk_coff_data(&c, xdata, x64_merge_unwind, sizeof x64_merge_unwind);
		/* RUNTIME_FUNCTION: begin, end, unwind information */
		dk_put32(f, 0);
		dk_put32(f + 4, (uint32_t)sizeof x64_merge);
		dk_put32(f + 8, 0);
		dk_coff_data(&c, pdata, f, sizeof f);
		dk_coff_reloc_add(&c, pdata, 0, stext, mc->rva);
		dk_coff_reloc_add(&c, pdata, 4, stext, mc->rva);
		dk_coff_reloc_add(&c, pdata, 8, sx, mc->rva);
		define(&c, mb, nm->merge, 0, text, DK_SYM_DTYPE_FUNCTION);
	} else if (mc->machine == DK_MACHINE_ARM64) {
		uint32_t w[40];
		size_t bl_at, n = a64_merge(w, &bl_at);
		uint32_t helper = undefined(&c, nm->helper, DK_SYM_DTYPE_FUNCTION);
		add_words(&c, text, w, n);
		dk_coff_reloc_add(&c, text, (uint32_t)bl_at, helper, REL_ARM64_BRANCH26);
		define(&c, mb, nm->merge, 0, text, DK_SYM_DTYPE_FUNCTION);
	}
	return dk_implib_member_finish(&c, mb, all);
}

/* One function: thunk and lazy entry, its slot, its descriptor; built in
 * `c` (emptied first, its memory used again). */
static int write_import(const delay_machine *mc, const names *nm, const dk_import_entry *x,
			dk_coff *c, dk_implib_member *mb, dk_buf *all)
{
	int text, didat, rdata;
	uint32_t stext, srdata, imp, handle, iname, helper_or_merge;
	unsigned char d[32], e[8];
	char *impname = cat("__imp_", x->symbol, "", "");
	uint32_t int_off = 32, hn_off = 32 + 2 * mc->ptr;

	if (!impname)
		return DK_FAIL;
	dk_coff_reset(c, (uint16_t)mc->machine);
	text = dk_coff_section_add(c, ".text", TEXT_FLAGS | DK_SCN_ALIGN_4BYTES);
	didat = dk_coff_section_add(c, ".didat", DATA_FLAGS | align_flag(mc->ptr));
	rdata = dk_coff_section_add(c, ".rdata", RDATA_FLAGS | align_flag(mc->ptr));
	stext = section_symbol(c, text, ".text");
	srdata = section_symbol(c, rdata, ".rdata");
	if (mc->machine == DK_MACHINE_I386)
		dk_coff_feat00(c);
	define(c, mb, x->symbol, 0, text, DK_SYM_DTYPE_FUNCTION);
	imp = dk_coff_symbol_add(c, impname, 0, (int16_t)didat, 0, DK_SYM_CLASS_EXTERNAL);
	if (dk_implib_member_symbol(mb, impname) != DK_OK)
		c->failed = true;
	free(impname);
	handle = undefined(c, nm->handle, 0);
	iname = undefined(c, nm->iname, 0);
	helper_or_merge = mc->machine == DK_MACHINE_I386 ? undefined(c, nm->helper, DK_SYM_DTYPE_FUNCTION)
							 : undefined(c, nm->merge, DK_SYM_DTYPE_FUNCTION);

	/* The thunk and the lazy entry. */
	switch (mc->machine) {
	case DK_MACHINE_AMD64:
		dk_coff_data(c, text, x64_thunk, sizeof x64_thunk);
		dk_coff_reloc_add(c, text, 2, imp, DK_REL_AMD64_REL32);
		dk_coff_reloc_add(c, text, 9, imp, DK_REL_AMD64_REL32);
		dk_coff_reloc_add(c, text, 16, srdata, DK_REL_AMD64_REL32);
		dk_coff_reloc_add(c, text, 21, helper_or_merge, DK_REL_AMD64_REL32);
		break;
	case DK_MACHINE_I386:
		dk_coff_data(c, text, x86_thunk, sizeof x86_thunk);
		dk_coff_reloc_add(c, text, 2, imp, DK_REL_I386_DIR32);
		dk_coff_reloc_add(c, text, 9, imp, DK_REL_I386_DIR32);
		dk_coff_reloc_add(c, text, 14, srdata, DK_REL_I386_DIR32);
		dk_coff_reloc_add(c, text, 19, helper_or_merge, DK_REL_I386_REL32);
		break;
	default: { /* arm64 */
		uint32_t w[8];
		a64_thunk(w);
		add_words(c, text, w, 8);
		dk_coff_reloc_add(c, text, 0, imp, DK_REL_ARM64_PAGEBASE_REL21);
		dk_coff_reloc_add(c, text, 4, imp, DK_REL_ARM64_PAGEOFFSET_12L);
		dk_coff_reloc_add(c, text, 12, imp, DK_REL_ARM64_PAGEBASE_REL21);
		dk_coff_reloc_add(c, text, 16, imp, REL_ARM64_PAGEOFFSET_12A);
		dk_coff_reloc_add(c, text, 20, srdata, DK_REL_ARM64_PAGEBASE_REL21);
		dk_coff_reloc_add(c, text, 24, srdata, REL_ARM64_PAGEOFFSET_12A);
		dk_coff_reloc_add(c, text, 28, helper_or_merge, REL_ARM64_BRANCH26);
		break;
	}
	}

	/* The slot: first the lazy entry's address (addend in place). */
	memset(e, 0, sizeof e);
	dk_put32(e, mc->load);
	dk_coff_data(c, didat, e, mc->ptr);
	dk_coff_reloc_add(c, didat, 0, stext, mc->abs);

	/* The descriptor (IMAGE_DELAYLOAD_DESCRIPTOR, RVA-based): attributes,
	 * DLL name, module handle, address table, name table, bound table,
	 * unload table, time stamp. */
	memset(d, 0, sizeof d);
	dk_put32(d, 1);
	dk_put32(d + 16, int_off);
	dk_coff_data(c, rdata, d, sizeof d);
	dk_coff_reloc_add(c, rdata, 4, iname, mc->rva);
	dk_coff_reloc_add(c, rdata, 8, handle, mc->rva);
	dk_coff_reloc_add(c, rdata, 12, imp, mc->rva);
	dk_coff_reloc_add(c, rdata, 16, srdata, mc->rva);

	/* The name table: the entry, then the null one. */
	memset(e, 0, sizeof e);
	if (x->load_name) {
		dk_put32(e, hn_off);
		dk_coff_data(c, rdata, e, mc->ptr);
		dk_coff_reloc_add(c, rdata, int_off, srdata, mc->rva);
	} else {
		if (mc->ptr == 8)
			dk_put64(e, UINT64_C(0x8000000000000000) | x->ordinal);
		else
			dk_put32(e, UINT32_C(0x80000000) | x->ordinal);
		dk_coff_data(c, rdata, e, mc->ptr);
	}
	dk_coff_zeros(c, rdata, mc->ptr);
	if (x->load_name) {
		unsigned char hint[2];
		size_t n = strlen(x->load_name) + 1;
		dk_put16(hint, x->ordinal);
		dk_coff_data(c, rdata, hint, 2);
		dk_coff_data(c, rdata, x->load_name, n);
		dk_coff_zeros(c, rdata, n % 2);
	}
	return dk_implib_member_emit(c, mb, all);
}

/* The DATA and CONSTANT imports left out, in one warning. */
static void warn_data(const dk_import_entry *v, size_t n, size_t ndata, dk_sink *s)
{
	dk_buf b;
	size_t shown = 0;
	char *text;
	size_t len;

	dk_buf_init(&b);
	for (size_t i = 0; i < n && shown < 5; i++) {
		if (v[i].type == DK_IMPORT_CODE)
			continue;
		dk_buf_printf(&b, "%s%s", shown ? ", " : "", v[i].e->name);
		shown++;
	}
	if (ndata > shown)
		dk_buf_printf(&b, " and %zu more", ndata - shown);
	text = dk_buf_take(&b, &len);
	dk_report(s, DK_WARNING, NULL,
		  "%zu DATA export%s cannot be delay-loaded and %s left out of the library: %s",
		  ndata, ndata == 1 ? "" : "s", ndata == 1 ? "is" : "are", text ? text : "(out of memory)");
	free(text);
}

int dk_implib_write_delay(const dk_implib_opts *o, const dk_import_entry *entries, size_t n,
			  dk_ar_kind kind, dk_buf *out, dk_sink *s)
{
	const delay_machine *mc = find_machine(o->machine);
	size_t ndata = 0, nmembers, k = 1;
	dk_implib_member *mb = NULL;
	names nm;
	dk_buf all;
	dk_coff c;
	int rc = DK_FAIL;

	memset(&nm, 0, sizeof nm);
	dk_buf_init(&all);
	if (!mc) {
		dk_report(s, DK_ERROR, NULL,
			  "delay-load libraries are written for i386, x86-64 and arm64, not %s",
			  dk_machine_name(o->machine) ? dk_machine_name(o->machine) : "(unknown)");
		return DK_FAIL;
	}
	if (!o->dll_name || !*dk_dll_basename(o->dll_name)) {
		dk_report(s, DK_ERROR, NULL, "DLL name \"%s\" names no file",
			  o->dll_name ? o->dll_name : "");
		return DK_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		ndata += entries[i].type != DK_IMPORT_CODE;
	if (n == 0) {
		dk_report(s, DK_ERROR, NULL, "nothing to delay-load: no exports; no library written");
		return DK_FAIL;
	}
	if (ndata == n) {
		dk_report(s, DK_ERROR, NULL,
			  "nothing to delay-load: every export is DATA (a variable cannot wait "
			  "for the first call); no library written");
		return DK_FAIL;
	}
	if (n > 65535) {
		dk_report(s, DK_ERROR, NULL, "%zu imports; a DLL exports at most 65535", n);
		return DK_FAIL;
	}
	if (ndata)
		warn_data(entries, n, ndata, s);
	nmembers = n - ndata + 1;
	if (kind == DK_AR_COFF && nmembers > DK_AR_COFF_MAX_MEMBERS) {
		if (!dk_implib_coff_overflow(o, nmembers, s))
			return DK_FAIL;
		kind = DK_AR_GNU;
	}
	if (names_init(&nm, o) != DK_OK || !(mb = calloc(nmembers, sizeof *mb)))
		goto nomem;
	for (size_t i = 0; i < nmembers; i++)
		if (dk_implib_member_name(&mb[i], nm.stem, 'y', i) != DK_OK)
			goto nomem;
	if (write_head(mc, &nm, dk_dll_basename(o->dll_name), &mb[0], &all) != DK_OK)
		goto nomem;
	dk_coff_init(&c, (uint16_t)mc->machine);
	for (size_t i = 0; i < n; i++) {
		if (entries[i].type != DK_IMPORT_CODE)
			continue;
		if (write_import(mc, &nm, &entries[i], &c, &mb[k++], &all) != DK_OK) {
			dk_coff_free(&c);
			goto nomem;
		}
	}
	dk_coff_free(&c);
	rc = dk_implib_members_write(mb, nmembers, &all, kind, out, s);
	goto done;
nomem:
	dk_report(s, DK_ERROR, NULL, "out of memory");
done:
	dk_implib_members_free(mb, nmembers);
	dk_buf_free(&all);
	names_free(&nm);
	return rc;
}
