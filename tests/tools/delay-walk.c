/* delay-walk - the delay-load imports an image holds, found the way the
 * code that uses them finds them, for images linked against a mkimplib
 * --delay library (tests/interop/delay_arm64.sh, delay_run.sh).  No
 * linker fills the delay-import data directory from a library, so the
 * descriptors are found by what they are: 32 bytes in a section that is
 * not code, attributes 1 (RVA-based), a DLL name, a module handle and an
 * address-table slot in writable sections, a name table, and zeros.  For
 * each one:
 *
 *   DLL NAME-or-#ORDINAL thunk=ok lazy=ok merge=ok
 *
 * where thunk says the function's thunk jumps through the slot, lazy that
 * the slot's first value is an entry that hands the slot and this very
 * descriptor on (x86-64: lea rax / lea r11, i386: push / push, arm64:
 * adrp+add x9 / x10), and merge that what it goes on to (x86-64, arm64:
 * the merge; i386: the helper) is code, and on x86-64 and arm64 calls
 * code.  Anything else is "bad(why)".  Then "directory RVA SIZE" (the
 * data directory entry 13, as the linker left it).
 *
 *   delay-walk IMAGE
 *
 * Exit status 1 when the image cannot be read.  For tests only: every read
 * is bounds-checked, but the output is meant for a diff, not for users.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *img;
static size_t len;
static uint16_t machine;
static uint64_t base;
static unsigned nsec;
static const unsigned char *sec;

static uint32_t rd16(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const unsigned char *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* The section header holding RVA `rva` (and `n` bytes after it), or NULL. */
static const unsigned char *section_of(uint64_t rva, size_t n)
{
	for (unsigned i = 0; i < nsec; i++) {
		const unsigned char *h = sec + 40 * i;
		uint32_t va = rd32(h + 12), vs = rd32(h + 8), raw = rd32(h + 16);
		uint32_t size = vs > raw ? raw : vs;
		if (rva >= va && rva + n <= (uint64_t)va + size)
			return h;
	}
	return NULL;
}

/* The bytes at `rva` (n of them in the file), or NULL. */
static const unsigned char *at(uint64_t rva, size_t n)
{
	const unsigned char *h = section_of(rva, n);
	uint64_t off;
	if (!h)
		return NULL;
	off = rd32(h + 20) + (rva - rd32(h + 12));
	return off + n <= len ? img + off : NULL;
}

static uint32_t flags_of(uint64_t rva)
{
	const unsigned char *h = section_of(rva, 1);
	return h ? rd32(h + 36) : 0;
}

static bool code(uint64_t rva) { return flags_of(rva) & 0x20000000; }
static bool writable(uint64_t rva) { return flags_of(rva) & 0x80000000; }

static int32_t s32(uint32_t v) { return (int32_t)v; }

/* arm64: the address an adrp at `pc` and an add (or 8-byte ldr) after it
 * make, for register `rd`; false when the instructions are not those. */
static bool a64_pair(uint64_t pc, unsigned rd, bool ldr, uint64_t *out)
{
	const unsigned char *p = at(pc, 8);
	uint32_t a, b;
	int64_t page;
	if (!p)
		return false;
	a = rd32(p);
	b = rd32(p + 4);
	if ((a & 0x9f00001f) != (0x90000000 | rd))
		return false;
	page = (int64_t)((((a >> 5) & 0x7ffff) << 2) | ((a >> 29) & 3));
	if (page & (1 << 20))
		page -= 1 << 21;
	*out = (pc & ~(uint64_t)0xfff) + (uint64_t)(page << 12);
	if (!ldr && (b & 0xffc003ff) == (0x91000000 | rd << 5 | rd))
		*out += (b >> 10) & 0xfff;
	else if (ldr && (b & 0xffc003ff) == (0xf9400000 | rd << 5 | rd))
		*out += ((b >> 10) & 0xfff) * 8;
	else
		return false;
	return true;
}

static uint64_t a64_branch(uint64_t pc, uint32_t insn)
{
	int64_t off = insn & 0x3ffffff;
	if (off & (1 << 25))
		off -= 1 << 26;
	return pc + (uint64_t)(off * 4);
}

/* Check the code of one import; `why` says what is wrong. */
static void check_code(uint32_t desc, uint32_t slot, uint64_t lazy, const char **thunk,
		       const char **lz, const char **merge)
{
	const unsigned char *p;
	uint64_t t;

	*thunk = *lz = *merge = "ok";
	if (!code(lazy)) {
		*lz = "bad(the slot's first value is not code)";
		*thunk = *merge = "bad(no lazy entry)";
		return;
	}
	switch (machine) {
	case 0x8664:
		p = at(lazy - 6, 25);
		if (!p || p[0] != 0xff || p[1] != 0x25 || lazy + s32(rd32(p + 2)) != slot)
			*thunk = "bad(no jmp *slot(%rip) before the lazy entry)";
		if (!p || memcmp(p + 6, "\x48\x8d\x05", 3) != 0 || lazy + 7 + s32(rd32(p + 9)) != slot ||
		    memcmp(p + 13, "\x4c\x8d\x1d", 3) != 0 || lazy + 14 + s32(rd32(p + 16)) != desc ||
		    p[20] != 0xe9) {
			*lz = "bad(not lea slot,%rax; lea desc,%r11; jmp)";
			*merge = "bad(no lazy entry)";
			return;
		}
		t = lazy + 19 + s32(rd32(p + 21));
		if (!code(t) || !(p = at(t + 40, 5)) || p[0] != 0xe8 || !code(t + 45 + s32(rd32(p + 1))))
			*merge = "bad(the merge does not call code at its offset 40)";
		break;
	case 0x14c:
		p = at(lazy - 6, 27);
		if (!p || p[0] != 0xff || p[1] != 0x25 || rd32(p + 2) - base != slot)
			*thunk = "bad(no jmp *slot before the lazy entry)";
		if (!p || p[6] != 0x51 || p[7] != 0x52 || p[8] != 0x68 || rd32(p + 9) - base != slot ||
		    p[13] != 0x68 || rd32(p + 14) - base != desc || p[18] != 0xe8) {
			*lz = "bad(not push ecx; push edx; push slot; push desc; call)";
			*merge = "bad(no lazy entry)";
			return;
		}
		if (!code(lazy + 17 + s32(rd32(p + 19))))
			*merge = "bad(the helper it calls is not code)";
		break;
	case 0xaa64:
		if (!a64_pair(lazy - 12, 16, true, &t) || t != slot || !(p = at(lazy - 4, 4)) ||
		    rd32(p) != 0xd61f0200)
			*thunk = "bad(no adrp/ldr x16 of the slot and br x16 before the lazy entry)";
		if (!a64_pair(lazy, 9, false, &t) || t != slot || !a64_pair(lazy + 8, 10, false, &t) ||
		    t != desc || !(p = at(lazy + 16, 4)) || (rd32(p) & 0xfc000000) != 0x14000000) {
			*lz = "bad(not adrp+add x9 = slot, adrp+add x10 = desc, b)";
			*merge = "bad(no lazy entry)";
			return;
		}
		t = a64_branch(lazy + 16, rd32(p));
		p = at(t, 64);
		if (!code(t) || !p)
			*merge = "bad(the merge is not code)";
		else {
			bool calls = false;
			for (unsigned i = 0; i < 16; i++)
				if ((rd32(p + 4 * i) & 0xfc000000) == 0x94000000 &&
				    code(a64_branch(t + 4 * i, rd32(p + 4 * i))))
					calls = true;
			if (!calls)
				*merge = "bad(no bl to code in the merge's first 16 instructions)";
		}
		break;
	default:
		*thunk = *lz = *merge = "bad(machine)";
	}
}

static void walk(void)
{
	unsigned ptr = machine == 0x14c ? 4 : 8;
	for (unsigned i = 0; i < nsec; i++) {
		const unsigned char *h = sec + 40 * i;
		uint32_t va = rd32(h + 12), vs = rd32(h + 8), raw = rd32(h + 16);
		uint32_t size = vs > raw ? raw : vs;
		if (rd32(h + 36) & 0x20000000)
			continue;
		for (uint32_t o = 0; o + 32 <= size; o += 4) {
			const unsigned char *d = at(va + o, 32), *name, *entry;
			uint32_t nrva, hrva, iat, intab;
			uint64_t e, lazy;
			char what[300];
			const char *t1, *t2, *t3;
			if (!d || rd32(d) != 1 || rd32(d + 20) || rd32(d + 24) || rd32(d + 28))
				continue;
			nrva = rd32(d + 4), hrva = rd32(d + 8), iat = rd32(d + 12), intab = rd32(d + 16);
			if (!(name = at(nrva, 1)) || !memchr(name, 0, len - (size_t)(name - img)) ||
			    !writable(hrva) || !writable(iat) || !at(iat, ptr) || !(entry = at(intab, ptr)))
				continue;
			e = ptr == 8 ? rd64(entry) : rd32(entry);
			if (e >> (ptr * 8 - 1))
				snprintf(what, sizeof what, "#%u", (unsigned)(e & 0xffff));
			else {
				const unsigned char *hn = at(e, 3);
				if (!hn || !memchr(hn + 2, 0, len - (size_t)(hn + 2 - img)))
					continue;
				snprintf(what, sizeof what, "%s", (const char *)hn + 2);
			}
			lazy = ptr == 8 ? rd64(at(iat, 8)) : rd32(at(iat, 4));
			lazy -= base;
			check_code(va + o, iat, lazy, &t1, &t2, &t3);
			printf("%s %s thunk=%s lazy=%s merge=%s\n", (const char *)name, what, t1, t2, t3);
		}
	}
}

int main(int argc, char **argv)
{
	FILE *f;
	long n;
	uint32_t pe, opt;
	unsigned dirs;
	const unsigned char *dd;

	if (argc != 2) {
		fprintf(stderr, "usage: delay-walk IMAGE\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "rb")) || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 64 ||
	    fseek(f, 0, SEEK_SET) || !(img = malloc((size_t)n)) || fread(img, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "%s: cannot read it\n", argv[1]);
		return 1;
	}
	fclose(f);
	len = (size_t)n;
	pe = rd32(img + 60);
	if ((uint64_t)pe + 24 > len || memcmp(img + pe, "PE\0\0", 4) != 0) {
		fprintf(stderr, "%s: not a PE image\n", argv[1]);
		return 1;
	}
	machine = (uint16_t)rd16(img + pe + 4);
	nsec = rd16(img + pe + 6);
	opt = pe + 24;
	if ((uint64_t)opt + rd16(img + pe + 20) + 40ull * nsec > len || opt + 112 > len) {
		fprintf(stderr, "%s: headers past the end\n", argv[1]);
		return 1;
	}
	sec = img + opt + rd16(img + pe + 20);
	if (rd16(img + opt) == 0x20b) {
		base = rd64(img + opt + 24);
		dirs = rd32(img + opt + 108);
		dd = img + opt + 112;
	} else {
		base = rd32(img + opt + 28);
		dirs = rd32(img + opt + 92);
		dd = img + opt + 96;
	}
	walk();
	if (dirs > 13 && (size_t)(dd + 14 * 8 - img) <= len)
		printf("directory %u %u\n", rd32(dd + 13 * 8), rd32(dd + 13 * 8 + 4));
	free(img);
	return 0;
}
