/* read_coff.c - a COFF object read from memory: its header, section
 * table, symbol table, relocations and string table, every offset and
 * count checked against the object's size before use.
 *
 * The read is lazy: dk_coff_in_open checks the tables' places, and each
 * section or symbol is checked as it is asked for.  A failure says why
 * and at which offset of the object (dk_coff_why), for the caller to
 * report with its own file and member names.  Used by read_implib.c for
 * GNU import objects and weak-alias members; open to any reader.
 */
#include <stdio.h>
#include <string.h>
#include "read_coff_private.h"

bool dk_coff_fail(dk_coff_why *w, size_t off, const char *text)
{
	snprintf(w->text, sizeof w->text, "%s", text);
	w->off = off;
	return false;
}

/* A plausible COFF object header with its section table inside the
 * data, and no optional header (an object, not an image). */
bool dk_coff_header_ok(const unsigned char *p, size_t len)
{
	if (len < DK_COFF_HEADER_SIZE)
		return false;
	if (dk_le16(p + 16) != 0)
		return false;
	return dk_fits(DK_COFF_HEADER_SIZE, (uint64_t)dk_le16(p + 2) * DK_COFF_SECTION_SIZE, len);
}

/* Check the header, the section table, the symbol table and the string
 * table against the object's size. */
bool dk_coff_in_open(dk_coff_in *c, const unsigned char *p, size_t len, dk_coff_why *w)
{
	uint64_t strpos;

	memset(c, 0, sizeof *c);
	c->p = p;
	c->len = len;
	if (!dk_coff_header_ok(p, len))
		return dk_coff_fail(w, 0, "a COFF header or section table cut short");
	c->machine = dk_le16(p);
	c->nsec = dk_le16(p + 2);
	c->symptr = dk_le32(p + 8);
	c->nsym = dk_le32(p + 12);
	if (c->nsym == 0)
		return true;
	if (!dk_fits(c->symptr, (uint64_t)c->nsym * DK_COFF_SYMBOL_SIZE, len))
		return dk_coff_fail(w, 8, "a symbol table past the end of the object");
	strpos = c->symptr + (uint64_t)c->nsym * DK_COFF_SYMBOL_SIZE;
	if (!dk_fits(strpos, 4, len))
		return true; /* no string table: no long names */
	c->strsize = dk_le32(p + strpos);
	if (c->strsize < 4)
		c->strsize = 4; /* some writers store 0 for an empty table */
	else if (!dk_fits(strpos, c->strsize, len))
		return dk_coff_fail(w, (size_t)strpos, "a string table past the end of the object");
	c->strtab = (const char *)p + strpos;
	return true;
}

/* A name in the string table: inside it, and NUL-terminated there. */
bool dk_coff_in_string(const dk_coff_in *c, uint64_t off, dk_str *out, size_t at, dk_coff_why *w)
{
	const char *end;

	if (!c->strtab || off < 4 || off >= c->strsize)
		return dk_coff_fail(w, at, "a name offset outside the string table");
	end = memchr(c->strtab + off, '\0', c->strsize - off);
	if (!end)
		return dk_coff_fail(w, at, "a name with no end in the string table");
	out->p = c->strtab + off;
	out->n = (size_t)(end - out->p);
	return true;
}

/* Section `i` (1-based), its data and relocations checked. */
bool dk_coff_in_section(const dk_coff_in *c, uint32_t i, dk_coff_in_sec *s, dk_coff_why *w)
{
	const unsigned char *h;
	size_t at;
	uint32_t raw;

	memset(s, 0, sizeof *s);
	if (i < 1 || i > c->nsec)
		return dk_coff_fail(w, 0, "a section number outside the section table");
	at = DK_COFF_HEADER_SIZE + DK_COFF_SECTION_SIZE * (size_t)(i - 1);
	h = c->p + at;
	s->name.p = (const char *)h;
	s->name.n = strnlen((const char *)h, 8);
	if (h[0] == '/' && h[1] >= '0' && h[1] <= '9') {
		uint64_t off = 0;
		for (size_t k = 1; k < 8 && h[k] >= '0' && h[k] <= '9'; k++)
			off = off * 10 + (uint64_t)(h[k] - '0');
		if (!dk_coff_in_string(c, off, &s->name, at, w))
			return false;
	}
	s->flags = dk_le32(h + 36);
	s->size = dk_le32(h + 16);
	raw = dk_le32(h + 20);
	if (s->size && !(s->flags & DK_SCN_CNT_UNINITIALIZED_DATA)) {
		if (!dk_fits(raw, s->size, c->len))
			return dk_coff_fail(w, at + 16, "section data past the end of the object");
		s->data = c->p + raw;
	} else if (s->flags & DK_SCN_CNT_UNINITIALIZED_DATA) {
		s->size = 0;
	}
	s->reloc_off = dk_le32(h + 24);
	s->nrelocs = dk_le16(h + 32);
	if (s->nrelocs == 0xffff && (s->flags & DK_SCN_LNK_NRELOC_OVFL)) {
		/* The real count is in the first relocation, which is not one. */
		if (!dk_fits(s->reloc_off, DK_COFF_RELOC_SIZE, c->len))
			return dk_coff_fail(w, at + 24, "relocations past the end of the object");
		s->nrelocs = dk_le32(c->p + s->reloc_off);
		if (s->nrelocs == 0)
			return dk_coff_fail(w, at + 24, "an overflowed relocation count of 0");
		s->nrelocs--;
		s->reloc_off += DK_COFF_RELOC_SIZE;
	}
	if (!dk_fits(s->reloc_off, (uint64_t)s->nrelocs * DK_COFF_RELOC_SIZE, c->len))
		return dk_coff_fail(w, at + 24, "relocations past the end of the object");
	return true;
}

/* Symbol record `i`, its name resolved. */
bool dk_coff_in_symbol(const dk_coff_in *c, uint32_t i, dk_coff_in_sym *y, dk_coff_why *w)
{
	const unsigned char *r;
	size_t at;

	memset(y, 0, sizeof *y);
	if (i >= c->nsym)
		return dk_coff_fail(w, 12, "a symbol index past the end of the symbol table");
	at = c->symptr + (size_t)i * DK_COFF_SYMBOL_SIZE;
	r = c->p + at;
	if (dk_le32(r) == 0) {
		if (!dk_coff_in_string(c, dk_le32(r + 4), &y->name, at, w))
			return false;
	} else {
		y->name.p = (const char *)r;
		y->name.n = strnlen((const char *)r, 8);
	}
	y->value = dk_le32(r + 8);
	y->section = (int16_t)dk_le16(r + 12);
	y->cls = r[16];
	y->naux = r[17];
	return true;
}

/* The 1-based number of the first section called `name`, 0 if none. */
uint32_t dk_coff_in_find_section(const dk_coff_in *c, const char *name)
{
	size_t n = strlen(name);
	for (uint32_t i = 0; i < c->nsec; i++) {
		const unsigned char *h = c->p + DK_COFF_HEADER_SIZE + DK_COFF_SECTION_SIZE * (size_t)i;
		if (memcmp(h, name, n) == 0 && (n == 8 || h[n] == '\0'))
			return i + 1;
	}
	return 0;
}
