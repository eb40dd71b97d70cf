/* archive.c - writing GNU and Microsoft (COFF) static archives; see archive.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "archive.h"
#include "coff.h"

/* One 60-byte member header. */
static void header(dk_buf *b, const char *name, const char *mode, size_t size)
{
	char h[128]; /* sizes are checked to fit 10 digits before any header is written */
	snprintf(h, sizeof h, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0", "0", mode, size);
	dk_buf_add(b, h, 60);
}

static void pad_even(dk_buf *b, size_t size)
{
	if (size & 1)
		dk_buf_addc(b, '\n');
}

static void add_be32(dk_buf *b, uint32_t v)
{
	unsigned char p[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	dk_buf_add(b, p, 4);
}

typedef struct sym_ref {
	const char *name;
	uint16_t member; /* 1-based */
} sym_ref;

static int cmp_sym(const void *a, const void *b)
{
	const sym_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->member > y->member) - (x->member < y->member);
}

/* Bytes of a "/" index (count, offsets, names), before padding. */
static size_t first_index_size(const dk_ar_member *m, size_t n)
{
	size_t size = 4;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < m[i].nsymbols; k++)
			size += 4 + strlen(m[i].symbols[k]) + 1;
	return size;
}

static size_t second_index_size(const dk_ar_member *m, size_t n)
{
	size_t size = 4 + 4 * n + 4;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < m[i].nsymbols; k++)
			size += 2 + strlen(m[i].symbols[k]) + 1;
	return size;
}

static size_t ec_index_size(const dk_ar_member *m, size_t n)
{
	size_t size = 4;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < m[i].nec_symbols; k++)
			size += 2 + strlen(m[i].ec_symbols[k]) + 1;
	return size;
}

/* Collect (name, member) pairs of one kind of symbol list, sorted. */
static sym_ref *sorted_refs(const dk_ar_member *m, size_t n, bool ec, size_t *count)
{
	size_t total = 0, k = 0;
	sym_ref *r;

	for (size_t i = 0; i < n; i++)
		total += ec ? m[i].nec_symbols : m[i].nsymbols;
	r = malloc((total ? total : 1) * sizeof *r);
	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t ns = ec ? m[i].nec_symbols : m[i].nsymbols;
		const char *const *names = ec ? m[i].ec_symbols : m[i].symbols;
		for (size_t j = 0; j < ns; j++) {
			r[k].name = names[j];
			r[k].member = (uint16_t)(i + 1);
			k++;
		}
	}
	qsort(r, total, sizeof *r, cmp_sym);
	*count = total;
	return r;
}

static bool needs_long_name(const char *name)
{
	return strlen(name) > 15 || strchr(name, '/') != NULL;
}

int dk_archive_write(dk_buf *out, dk_ar_kind kind, const dk_ar_member *m, size_t n)
{
	size_t first = first_index_size(m, n), second = 0, ec = 0, nsyms = 0, nec = 0;
	size_t pos, longlen = 0;
	size_t *offset = NULL, *longoff = NULL;
	sym_ref *sorted = NULL, *ecsorted = NULL;
	dk_buf longnames;
	bool any_ec = false;
	int rc = DK_FAIL;

	if (kind == DK_AR_COFF && n > 65535)
		return DK_FAIL; /* member indexes are 16 bits */
	dk_buf_init(&longnames);
	offset = calloc(n + 1, sizeof *offset);
	longoff = calloc(n + 1, sizeof *longoff);
	if (!offset || !longoff)
		goto done;
	for (size_t i = 0; i < n; i++) {
		nsyms += m[i].nsymbols;
		nec += m[i].nec_symbols;
		if (needs_long_name(m[i].name)) {
			longoff[i] = longnames.len;
			dk_buf_adds(&longnames, m[i].name);
			dk_buf_adds(&longnames, kind == DK_AR_COFF ? "" : "/\n");
			if (kind == DK_AR_COFF)
				dk_buf_addc(&longnames, '\0');
		}
	}
	if (longnames.failed)
		goto done;
	longlen = longnames.len;
	any_ec = kind == DK_AR_COFF && nec > 0;
	if (kind == DK_AR_COFF)
		second = second_index_size(m, n);
	if (any_ec)
		ec = ec_index_size(m, n);

	/* Layout: the magic, the indexes, the long names, then the members. */
	pos = 8 + 60 + first + (first & 1);
	if (kind == DK_AR_COFF)
		pos += 60 + second + (second & 1);
	if (any_ec)
		pos += 60 + ec + (ec & 1);
	if (longlen)
		pos += 60 + longlen + (longlen & 1);
	for (size_t i = 0; i < n; i++) {
		offset[i] = pos;
		pos += 60 + m[i].size + (m[i].size & 1);
	}
	if (pos > 0xffffffffu)
		goto done; /* the indexes hold 32-bit offsets */

	dk_buf_add(out, "!<arch>\n", 8);
	/* First index: symbols in member order, big-endian. */
	header(out, "/", "0", first);
	add_be32(out, (uint32_t)nsyms);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < m[i].nsymbols; k++)
			add_be32(out, (uint32_t)offset[i]);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < m[i].nsymbols; k++)
			dk_buf_add(out, m[i].symbols[k], strlen(m[i].symbols[k]) + 1);
	pad_even(out, first);

	if (kind == DK_AR_COFF) {
		size_t count;
		sorted = sorted_refs(m, n, false, &count);
		if (!sorted)
			goto done;
		header(out, "/", "0", second);
		dk_buf_add32(out, (uint32_t)n);
		for (size_t i = 0; i < n; i++)
			dk_buf_add32(out, (uint32_t)offset[i]);
		dk_buf_add32(out, (uint32_t)count);
		for (size_t k = 0; k < count; k++)
			dk_buf_add16(out, sorted[k].member);
		for (size_t k = 0; k < count; k++)
			dk_buf_add(out, sorted[k].name, strlen(sorted[k].name) + 1);
		pad_even(out, second);
	}
	if (any_ec) {
		size_t count;
		ecsorted = sorted_refs(m, n, true, &count);
		if (!ecsorted)
			goto done;
		header(out, "/<ECSYMBOLS>/", "0", ec);
		dk_buf_add32(out, (uint32_t)count);
		for (size_t k = 0; k < count; k++)
			dk_buf_add16(out, ecsorted[k].member);
		for (size_t k = 0; k < count; k++)
			dk_buf_add(out, ecsorted[k].name, strlen(ecsorted[k].name) + 1);
		pad_even(out, ec);
	}
	if (longlen) {
		header(out, "//", "0", longlen);
		dk_buf_add(out, longnames.data, longlen);
		pad_even(out, longlen);
	}
	for (size_t i = 0; i < n; i++) {
		char name[32];
		if (needs_long_name(m[i].name))
			snprintf(name, sizeof name, "/%zu", longoff[i]);
		else
			snprintf(name, sizeof name, "%s/", m[i].name);
		header(out, name, "644", m[i].size);
		dk_buf_add(out, m[i].data, m[i].size);
		pad_even(out, m[i].size);
	}
	rc = out->failed ? DK_FAIL : DK_OK;
done:
	free(offset);
	free(longoff);
	free(sorted);
	free(ecsorted);
	dk_buf_free(&longnames);
	return rc;
}
