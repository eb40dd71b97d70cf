/* write_implib_objects.c - what the writers that build ordinary COFF
 * objects (the long format, delay-load libraries) share: the symbol stem
 * of a DLL name, archive members named and indexed, each object
 * serialised onto one shared buffer, and the archive written from it. */
#include <stdlib.h>
#include <string.h>
#include "write_implib_private.h"

char *dk_implib_stem(const char *dll_name)
{
	char *stem = dk_strdup(dk_dll_basename(dll_name));
	if (!stem)
		return NULL;
	for (char *p = stem; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			*p = '_';
	}
	return stem;
}

int dk_implib_member_name(dk_implib_member *mb, const char *stem, char letter, size_t seq)
{
	/* By hand: snprintf for each of 60,000 members was a tenth of the
	 * long format's time. */
	size_t len = strlen(stem), n = 0;
	char digits[24];
	char *p;

	do {
		digits[n++] = (char)('0' + seq % 10);
		seq /= 10;
	} while (seq);
	while (n < 6)
		digits[n++] = '0';
	mb->name = p = malloc(len + 2 + n + 3);
	if (!p)
		return DK_FAIL;
	memcpy(p, stem, len);
	p += len;
	*p++ = '_';
	*p++ = letter;
	while (n)
		*p++ = digits[--n];
	memcpy(p, ".o", 3);
	return DK_OK;
}

int dk_implib_member_symbol(dk_implib_member *mb, const char *name)
{
	char *p;
	if (mb->nsymbols == sizeof mb->symbols / sizeof mb->symbols[0] || !(p = dk_strdup(name)))
		return DK_FAIL;
	mb->symbols[mb->nsymbols++] = p;
	return DK_OK;
}

int dk_implib_member_emit(const dk_coff *c, dk_implib_member *mb, dk_buf *all)
{
	int rc;

	mb->off = all->len;
	rc = dk_coff_write(c, all);
	mb->len = all->len - mb->off;
	return rc;
}

int dk_implib_member_finish(dk_coff *c, dk_implib_member *mb, dk_buf *all)
{
	int rc = dk_implib_member_emit(c, mb, all);
	dk_coff_free(c);
	return rc;
}

int dk_implib_archive(dk_buf *all, dk_ar_kind kind, const dk_ar_member *am, size_t n,
		      dk_buf *out)
{
	if (out->len) /* (not so for any writer today) */
		return dk_archive_write(out, kind, am, n);
	if (dk_archive_write_in_place(all, kind, am, n) != DK_OK)
		return DK_FAIL;
	dk_buf_free(out);
	*out = *all;
	dk_buf_init(all);
	return DK_OK;
}

int dk_implib_members_write(const dk_implib_member *mb, size_t n, dk_buf *all,
			    dk_ar_kind kind, dk_buf *out, dk_sink *s)
{
	dk_ar_member *am = calloc(n ? n : 1, sizeof *am);
	int rc = DK_FAIL;

	if (am) {
		for (size_t i = 0; i < n; i++) {
			am[i].name = mb[i].name;
			am[i].data = all->data + mb[i].off;
			am[i].size = mb[i].len;
			am[i].symbols = (const char *const *)mb[i].symbols;
			am[i].nsymbols = mb[i].nsymbols;
		}
		rc = dk_implib_archive(all, kind, am, n, out);
	}
	if (rc != DK_OK)
		dk_report(s, DK_ERROR, NULL, "out of memory (writing an archive of %zu members)", n);
	free(am);
	return rc;
}

void dk_implib_members_free(dk_implib_member *mb, size_t n)
{
	if (!mb)
		return;
	for (size_t i = 0; i < n; i++) {
		free(mb[i].name);
		for (size_t k = 0; k < mb[i].nsymbols; k++)
			free(mb[i].symbols[k]);
	}
	free(mb);
}
