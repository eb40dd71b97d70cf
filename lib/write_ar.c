/* write_ar.c - writing GNU and Microsoft (COFF) static archives; see write_ar_private.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif
#include "write_ar_private.h"
#include "pecoff_private.h"

/*
 * The archive's n bytes at p are about to be written, every one: have
 * Linux map their pages in one call instead of one fault per 4 KiB page
 * (for a 16 MB library the faults were a third of the run time).  A hint:
 * nothing happens where the call is unknown, and no byte changes.
 */
static void prefault(char *p, size_t n)
{
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
	const uintptr_t page = 4096; /* (a larger page size only makes the range smaller) */
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + n) & ~(page - 1);
	if (start < end)
		(void)madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

/* One 60-byte member header.  `mode` NULL: the long-name member, whose
 * date, owner, group and mode fields are blank (GNU ar, llvm-lib). */
static void header_bytes(char h[60], const char *name, const char *mode, size_t size)
{
	/* Fields are space-padded text (sizes are checked to fit 10 digits
	 * before any header is written); filled by hand: with tens of
	 * thousands of members snprintf was a fifth of the run time. */
	char digits[24];
	const char *zero = mode ? "0" : "";
	size_t n = 0;

	memset(h, ' ', 60);
	memcpy(h, name, strnlen(name, 16));
	memcpy(h + 16, zero, strlen(zero));
	memcpy(h + 28, zero, strlen(zero));
	memcpy(h + 34, zero, strlen(zero));
	if (mode)
		memcpy(h + 40, mode, strnlen(mode, 8));
	do {
		digits[n++] = (char)('0' + size % 10);
		size /= 10;
	} while (size && n < 10);
	for (size_t i = 0; i < n; i++)
		h[48 + i] = digits[n - 1 - i];
	h[58] = '`';
	h[59] = '\n';
}

static void header(dk_buf *b, const char *name, const char *mode, size_t size)
{
	char h[60];
	header_bytes(h, name, mode, size);
	dk_buf_add(b, h, 60);
}

static void add_be32(dk_buf *b, uint32_t v)
{
	unsigned char p[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	dk_buf_add(b, p, 4);
}

/* One symbol of an index: its name (and length), its member and where it
 * was listed. */
typedef struct sym_ref {
	const char *name;
	uint32_t len;    /* strlen(name), measured once (an archive is < 4 GiB) */
	uint32_t member; /* 0-based */
	uint32_t seq;    /* position in member order */
} sym_ref;

/* Order by name bytes from depth `d` on (both names agree before it):
 * memcmp over the shorter, then the shorter first; strcmp's order. */
static int cmp_from(const sym_ref *a, const sym_ref *b, size_t d)
{
	size_t la = a->len - d, lb = b->len - d;
	int c = memcmp(a->name + d, b->name + d, la < lb ? la : lb);
	if (c)
		return c;
	return (la > lb) - (la < lb);
}

static unsigned byte_at(const sym_ref *r, size_t d)
{
	return d < r->len ? (unsigned char)r->name[d] + 1u : 0u; /* 0: the name ends */
}

/*
 * Sort v[0..n) by name, stably (equal names keep their order, which is
 * the order they were listed in): a most-significant-byte radix sort.
 * The symbols of an import library run to a hundred thousand names with
 * long common prefixes (`__imp_`, the library's own prefix), where a
 * comparison sort spends most of its time in strcmp going over the same
 * prefix again.  Here each byte position is looked at once per name:
 * the bytes all names share are stepped over, the names' bytes at depth d
 * are read once into `key`, counted, and the names moved (stably) into
 * their buckets through `tmp`; then each bucket is sorted from d + 1.  Names ending at d come first, all equal.  Small
 * buckets go to an insertion sort.  The largest bucket is handled by the
 * loop, the others by recursion, so the recursion stays within log2(n)
 * levels whatever the names.  `tmp` and `key` have room for n.
 */
static void sort_names(sym_ref *v, sym_ref *tmp, uint16_t *key, size_t n, size_t d)
{
	for (;;) {
		size_t count[257] = { 0 }, start[257];
		unsigned big = 1; /* the largest bucket of names that go on */

		if (n < 24) {
			for (size_t i = 1; i < n; i++) {
				sym_ref x = v[i];
				size_t j = i;
				for (; j > 0 && cmp_from(&v[j - 1], &x, d) > 0; j--)
					v[j] = v[j - 1];
				v[j] = x;
			}
			return;
		}
		/* Bytes every name shares from d on (long, in import libraries:
		 * `__imp_`, the library's own prefix) are stepped over at once. */
		size_t lcp = v[0].len - d; /* (every name here is d bytes long at least) */
		for (size_t i = 1; i < n && lcp; i++) {
			const char *a = v[0].name + d, *b = v[i].name + d;
			size_t k = 0, max = v[i].len - d < lcp ? v[i].len - d : lcp;
			while (k < max && a[k] == b[k])
				k++;
			lcp = k;
		}
		d += lcp;
		for (size_t i = 0; i < n; i++)
			count[key[i] = (uint16_t)byte_at(&v[i], d)]++;
		if (count[0] == n)
			return; /* all end at d: equal, in order */
		start[0] = 0;
		for (unsigned c = 1; c < 257; c++)
			start[c] = start[c - 1] + count[c - 1];
		for (size_t i = 0; i < n; i++)
			tmp[start[key[i]]++] = v[i];
		memcpy(v, tmp, n * sizeof *v);
		/* start[c] is now the end of bucket c. */
		for (unsigned c = 2; c < 257; c++)
			if (count[c] > count[big])
				big = c;
		for (unsigned c = 1; c < 257; c++)
			if (c != big && count[c] > 1)
				sort_names(v + start[c] - count[c], tmp, key, count[c], d + 1);
		if (count[big] < 2)
			return;
		v += start[big] - count[big];
		n = count[big];
		d++;
	}
}

/* An index: the symbols sorted and, for the first linker member, in
 * member order (as indexes into `sorted`). */
typedef struct sym_index {
	sym_ref *sorted; /* byte order of names */
	uint32_t *order; /* member order */
	size_t count;
	size_t names;    /* bytes of the names with their NULs */
} sym_index;

static void index_free(sym_index *x)
{
	free(x->order);
	free(x->sorted);
}

/*
 * Collect one kind of symbol list (regular or EC).  With `dedupe` (the COFF
 * kind: link.exe and llvm-lib keep one entry per name) a name listed by more
 * than one member is kept for the first only, in both the member-order and
 * the sorted index, as llvm-lib does; GNU ar keeps every entry.
 */
static int index_build(sym_index *x, const dk_ar_member *m, size_t n, bool ec, bool dedupe)
{
	size_t total = 0, k = 0;
	sym_ref *tmp;
	uint16_t *key;

	memset(x, 0, sizeof *x);
	for (size_t i = 0; i < n; i++)
		total += ec ? m[i].nec_symbols : m[i].nsymbols;
	if (total > UINT32_MAX)
		return DK_FAIL;
	x->sorted = malloc((total ? total : 1) * sizeof *x->sorted);
	x->order = malloc((total ? total : 1) * sizeof *x->order);
	if (!x->sorted || !x->order)
		return DK_FAIL;
	for (size_t i = 0; i < n; i++) {
		size_t ns = ec ? m[i].nec_symbols : m[i].nsymbols;
		const char *const *names = ec ? m[i].ec_symbols : m[i].symbols;
		for (size_t j = 0; j < ns; j++, k++) {
			x->sorted[k].name = names[j];
			x->sorted[k].len = (uint32_t)strlen(names[j]);
			x->sorted[k].member = (uint32_t)i;
			x->sorted[k].seq = (uint32_t)k;
		}
	}
	tmp = malloc((total ? total : 1) * sizeof *tmp);
	key = malloc((total ? total : 1) * sizeof *key);
	if (!tmp || !key) {
		free(tmp);
		free(key);
		return DK_FAIL;
	}
	sort_names(x->sorted, tmp, key, total, 0);
	free(tmp);
	free(key);
	if (dedupe) {
		/* Keep the first of each run of equal names (lowest seq). */
		size_t w = 0;
		for (size_t r = 0; r < total; r++)
			if (w == 0 || cmp_from(&x->sorted[w - 1], &x->sorted[r], 0) != 0)
				x->sorted[w++] = x->sorted[r];
		total = w;
	}
	/* Member order: the kept entries by seq (each seq is unique); the
	 * slots of the left-out ones are squeezed out in place. */
	uint32_t *slot = x->order;
	for (size_t s = 0; s < k; s++)
		slot[s] = UINT32_MAX;
	for (size_t r = 0; r < total; r++)
		slot[x->sorted[r].seq] = (uint32_t)r;
	size_t w = 0;
	for (size_t s = 0; s < k; s++)
		if (slot[s] != UINT32_MAX)
			x->order[w++] = slot[s];
	x->count = total;
	for (size_t r = 0; r < total; r++)
		x->names += x->sorted[r].len + 1;
	return DK_OK;
}

static bool needs_long_name(const char *name)
{
	return strlen(name) > 15 || strchr(name, '/') != NULL;
}

typedef struct name_ref {
	const char *name;
	size_t index;
} name_ref;

static int cmp_name_ref(const void *a, const void *b)
{
	const name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

/* rep[i]: the first member with the same long name as member i (sorting,
 * not pairwise comparison: an import library has thousands of members all
 * named after one DLL, most often by the same pointer, which settles it
 * without comparing).  `islong[i]`: member i needs the long-name member. */
static int long_name_reps(const dk_ar_member *m, size_t n, const bool *islong, size_t *rep)
{
	name_ref *v = malloc((n ? n : 1) * sizeof *v);
	size_t k = 0;

	if (!v)
		return DK_FAIL;
	for (size_t i = 0; i < n; i++) {
		rep[i] = i;
		if (islong[i] && !(i > 0 && m[i].name == m[i - 1].name)) {
			v[k].name = m[i].name;
			v[k].index = i;
			k++;
		}
	}
	qsort(v, k, sizeof *v, cmp_name_ref);
	for (size_t r = 1; r < k; r++)
		if (strcmp(v[r].name, v[r - 1].name) == 0)
			rep[v[r].index] = rep[v[r - 1].index];
	for (size_t i = 1; i < n; i++)
		if (islong[i] && m[i].name == m[i - 1].name)
			rep[i] = rep[i - 1];
	free(v);
	return DK_OK;
}

/* A member header's name field: "/OFFSET" into the long names, or "name/"
 * (by hand: snprintf for each of tens of thousands of members was a tenth
 * of the run time). */
static void member_field(char field[32], const char *name, bool islong, size_t longoff)
{
	if (islong) {
		char digits[24];
		size_t n = 0;
		do {
			digits[n++] = (char)('0' + longoff % 10);
			longoff /= 10;
		} while (longoff);
		field[0] = '/';
		for (size_t i = 0; i < n; i++)
			field[1 + i] = digits[n - 1 - i];
		field[1 + n] = '\0';
	} else {
		size_t len = strlen(name); /* at most 15: no long name */
		memcpy(field, name, len);
		field[len] = '/';
		field[len + 1] = '\0';
	}
}

/* Bytes to add to make `size` even. */
static size_t pad2(size_t size)
{
	return size & 1;
}

static void add_zeros(dk_buf *b, size_t n)
{
	while (n--)
		dk_buf_addc(b, '\0');
}

/*
 * The archive of `m`, appended to `out`; or, `in_place`, made of `out`
 * itself, which holds the members' data one after the other and nothing
 * else: the data move up to make room for the indexes and headers (last
 * member first, so that none is overwritten before it moves), without a
 * second buffer the size of the archive.
 */
static int archive_write(dk_buf *out, dk_ar_kind kind, const dk_ar_member *m, size_t n,
			 bool in_place)
{
	size_t first, second = 0, ec = 0;
	size_t pos, longlen = 0;
	size_t *offset = NULL, *longoff = NULL, *rep = NULL;
	bool *islong = NULL;
	sym_index reg = { 0 }, ecx = { 0 };
	dk_buf longnames;
	bool coff = kind == DK_AR_COFF, any_ec = false;
	int rc = DK_FAIL;

	if (coff && n > DK_AR_COFF_MAX_MEMBERS)
		return DK_FAIL; /* member indexes are 16 bits */
	dk_buf_init(&longnames);
	offset = calloc(n + 1, sizeof *offset);
	longoff = calloc(n + 1, sizeof *longoff);
	rep = calloc(n + 1, sizeof *rep);
	islong = calloc(n + 1, sizeof *islong);
	if (!offset || !longoff || !rep || !islong)
		goto done;
	for (size_t i = 0; i < n; i++)
		islong[i] = i > 0 && m[i].name == m[i - 1].name ? islong[i - 1]
							       : needs_long_name(m[i].name);
	if (index_build(&reg, m, n, false, coff) != DK_OK)
		goto done;
	if (coff && index_build(&ecx, m, n, true, true) != DK_OK)
		goto done;

	/* The long-name member.  COFF: names end in NUL and a name used by
	 * several members is stored once (llvm-lib, link.exe); GNU: "name/\n"
	 * per member, as GNU ar writes it. */
	if (coff && long_name_reps(m, n, islong, rep) != DK_OK)
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (!islong[i])
			continue;
		if (coff && rep[i] != i) {
			longoff[i] = longoff[rep[i]];
			continue;
		}
		longoff[i] = longnames.len;
		dk_buf_adds(&longnames, m[i].name);
		if (coff)
			dk_buf_addc(&longnames, '\0');
		else
			dk_buf_adds(&longnames, "/\n");
	}
	if (longnames.failed)
		goto done;
	longlen = longnames.len;
	any_ec = coff && ecx.count > 0;

	/* Index and long-name sizes include their padding to an even size
	 * (NUL for indexes, '\n' for names), as GNU ar and llvm-lib write them;
	 * members are padded after their stated size. */
	first = 4 + 4 * reg.count + reg.names;
	first += pad2(first);
	if (coff) {
		second = 4 + 4 * n + 4 + 2 * reg.count + reg.names;
		second += pad2(second);
	}
	if (any_ec) {
		ec = 4 + 2 * ecx.count + ecx.names;
		ec += pad2(ec);
	}
	longlen += pad2(longlen);

	/* Layout: the magic, the indexes, the long names, the EC index, then
	 * the members (the order llvm-lib writes). */
	pos = 8 + 60 + first;
	if (coff)
		pos += 60 + second;
	if (longlen)
		pos += 60 + longlen;
	if (any_ec)
		pos += 60 + ec;
	for (size_t i = 0; i < n; i++) {
		offset[i] = pos;
		pos += 60 + m[i].size + (m[i].size & 1);
		if ((uint64_t)m[i].size > 9999999999u)
			goto done; /* a header holds ten digits */
	}
	if (pos > 0xffffffffu)
		goto done; /* the indexes hold 32-bit offsets */
	if (in_place) {
		size_t src = 0;
		for (size_t i = 0; i < n; i++)
			src += m[i].size;
		if (src != out->len || out->failed)
			goto done;
		if (!dk_buf_reserve(out, pos - out->len))
			goto done;
		prefault(out->data + out->len, pos - out->len);
		/* Member i's data start at the sum of the sizes before it and
		 * move to offset[i] + 60, never down. */
		for (size_t i = n; i-- > 0;) {
			src -= m[i].size;
			memmove(out->data + offset[i] + 60, out->data + src, m[i].size);
		}
		out->len = 0; /* the indexes are written from the start */
	} else if (!dk_buf_reserve(out, pos)) { /* the whole size at once: no copying as it grows */
		goto done;
	} else {
		prefault(out->data + out->len, pos);
	}

	dk_buf_add(out, "!<arch>\n", 8);
	/* First index: symbols in member order, big-endian offsets. */
	header(out, "/", "0", first);
	add_be32(out, (uint32_t)reg.count);
	for (size_t k = 0; k < reg.count; k++)
		add_be32(out, (uint32_t)offset[reg.sorted[reg.order[k]].member]);
	for (size_t k = 0; k < reg.count; k++) {
		const sym_ref *r = &reg.sorted[reg.order[k]];
		dk_buf_add(out, r->name, r->len + 1);
	}
	add_zeros(out, pad2(4 + 4 * reg.count + reg.names));

	if (coff) {
		/* Second index: member offsets, then sorted names with 1-based
		 * member indexes, little-endian. */
		header(out, "/", "0", second);
		dk_buf_add32(out, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			dk_buf_add32(out, (uint32_t)offset[i]);
		dk_buf_add32(out, (uint32_t)reg.count);
		for (size_t k = 0; k < reg.count; k++)
			dk_buf_add16(out, (uint16_t)(reg.sorted[k].member + 1));
		for (size_t k = 0; k < reg.count; k++)
			dk_buf_add(out, reg.sorted[k].name, reg.sorted[k].len + 1);
		add_zeros(out, pad2(4 + 4 * n + 4 + 2 * reg.count + reg.names));
	}
	if (longlen) {
		header(out, "//", NULL, longlen);
		dk_buf_add(out, longnames.data, longnames.len);
		if (pad2(longnames.len))
			dk_buf_addc(out, '\n');
	}
	if (any_ec) {
		header(out, "/<ECSYMBOLS>/", "0", ec);
		dk_buf_add32(out, (uint32_t)ecx.count);
		for (size_t k = 0; k < ecx.count; k++)
			dk_buf_add16(out, (uint16_t)(ecx.sorted[k].member + 1));
		for (size_t k = 0; k < ecx.count; k++)
			dk_buf_add(out, ecx.sorted[k].name, ecx.sorted[k].len + 1);
		add_zeros(out, pad2(4 + 2 * ecx.count + ecx.names));
	}
	for (size_t i = 0; i < n; i++) {
		char name[32];
		member_field(name, m[i].name, islong[i], longoff[i]);
		if (in_place) { /* its data are in place: the header before, the pad after */
			header_bytes(out->data + offset[i], name, "644", m[i].size);
			if (m[i].size & 1)
				out->data[offset[i] + 60 + m[i].size] = '\n';
			continue;
		}
		header(out, name, "644", m[i].size);
		dk_buf_add(out, m[i].data, m[i].size);
		if (m[i].size & 1)
			dk_buf_addc(out, '\n');
	}
	if (in_place && !out->failed) {
		out->len = pos;
		out->data[pos] = '\0';
	}
	rc = out->failed ? DK_FAIL : DK_OK;
done:
	free(offset);
	free(longoff);
	free(rep);
	free(islong);
	index_free(&reg);
	index_free(&ecx);
	dk_buf_free(&longnames);
	return rc;
}

int dk_archive_write(dk_buf *out, dk_ar_kind kind, const dk_ar_member *m, size_t n)
{
	return archive_write(out, kind, m, n, false);
}

int dk_archive_write_in_place(dk_buf *b, dk_ar_kind kind, const dk_ar_member *m, size_t n)
{
	return archive_write(b, kind, m, n, true);
}

bool dk_implib_coff_overflow(const dk_implib_opts *o, size_t nmembers, dk_sink *s)
{
	if (o->archive == DK_ARCHIVE_COFF) {
		dk_report(s, DK_ERROR, NULL,
			  "%zu members are more than an archive of the COFF kind holds (%d); "
			  "--archive gnu writes the GNU kind, which GNU ld and lld read",
			  nmembers, DK_AR_COFF_MAX_MEMBERS);
		return false;
	}
	dk_report(s, DK_NOTE, NULL,
		  "%zu members are more than an archive of the COFF kind holds (%d): written "
		  "as the GNU kind, as llvm-dlltool does (GNU ld and lld read it)",
		  nmembers, DK_AR_COFF_MAX_MEMBERS);
	return true;
}
