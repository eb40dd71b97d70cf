/* write_coff.c - a small emitter of COFF objects; see write_coff_private.h. */
#include <stdlib.h>
#include <string.h>
#include "write_coff_private.h"

void dk_coff_init(dk_coff *c, uint16_t machine)
{
	memset(c, 0, sizeof *c);
	c->machine = machine;
}

void dk_coff_free(dk_coff *c)
{
	for (size_t i = 0; i < c->built; i++) {
		dk_buf_free(&c->sections[i].data);
		free(c->sections[i].relocs);
	}
	free(c->sections);
	free(c->symbols);
	dk_buf_free(&c->names);
	memset(c, 0, sizeof *c);
}

void dk_coff_reset(dk_coff *c, uint16_t machine)
{
	c->machine = machine;
	c->characteristics = 0;
	c->nsections = 0;
	c->nsymbols = 0;
	c->nsymrecords = 0;
	c->names.len = 0;
	c->names.failed = false;
	c->failed = false;
}

/* Room for one more element (dk_reserve: the array grows by doubling). */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	return dk_reserve(v, cap, n + 1, size);
}

int dk_coff_section_add(dk_coff *c, const char *name, uint32_t flags)
{
	dk_coff_section *p = grow(c->sections, &c->capsections, c->nsections, sizeof *p);

	if (!p) {
		c->failed = true;
		return 0;
	}
	c->sections = p;
	p = &c->sections[c->nsections];
	if (c->nsections < c->built) {
		/* A slot of an object before dk_coff_reset: its buffers stay. */
		p->data.len = 0;
		p->data.failed = false;
		p->nrelocs = 0;
	} else {
		memset(p, 0, sizeof *p);
		dk_buf_init(&p->data);
		c->built++;
	}
	memset(p->name, 0, sizeof p->name);
	strncpy(p->name, name, 8);
	p->flags = flags;
	p->size = 0;
	return (int)++c->nsections;
}

dk_coff_section *dk_coff_section_get(dk_coff *c, int number)
{
	if (number < 1 || (size_t)number > c->nsections)
		return NULL;
	return &c->sections[number - 1];
}

void dk_coff_data(dk_coff *c, int section, const void *p, size_t n)
{
	dk_coff_section *s = dk_coff_section_get(c, section);
	if (!s) {
		c->failed = true;
		return;
	}
	dk_buf_add(&s->data, p, n);
}

void dk_coff_reloc_add(dk_coff *c, int section, uint32_t offset, uint32_t symbol, uint16_t type)
{
	dk_coff_section *s = dk_coff_section_get(c, section);
	dk_coff_reloc *r;

	if (!s) {
		c->failed = true;
		return;
	}
	r = grow(s->relocs, &s->caprelocs, s->nrelocs, sizeof *r);
	if (!r) {
		c->failed = true;
		return;
	}
	s->relocs = r;
	r[s->nrelocs].offset = offset;
	r[s->nrelocs].symbol = symbol;
	r[s->nrelocs].type = type;
	s->nrelocs++;
}

uint32_t dk_coff_symbol_add_aux(dk_coff *c, const char *name, uint32_t value, int16_t section,
				uint16_t type, uint8_t storage_class, const void *aux, uint8_t naux)
{
	dk_coff_symbol *p;
	uint32_t index = c->nsymrecords;

	if (naux > 2) {
		c->failed = true;
		return index;
	}
	p = grow(c->symbols, &c->capsymbols, c->nsymbols, sizeof *p);
	if (!p) {
		c->failed = true;
		return index;
	}
	c->symbols = p;
	p = &c->symbols[c->nsymbols];
	memset(p, 0, sizeof *p);
	p->name = c->names.len;
	p->name_len = strlen(name);
	dk_buf_add(&c->names, name, p->name_len + 1);
	if (c->names.failed)
		c->failed = true;
	p->value = value;
	p->section = section;
	p->type = type;
	p->storage_class = storage_class;
	p->naux = naux;
	if (naux)
		memcpy(p->aux, aux, (size_t)naux * 18);
	c->nsymbols++;
	c->nsymrecords += 1u + naux;
	return index;
}

uint32_t dk_coff_symbol_add(dk_coff *c, const char *name, uint32_t value, int16_t section,
			    uint16_t type, uint8_t storage_class)
{
	return dk_coff_symbol_add_aux(c, name, value, section, type, storage_class, NULL, 0);
}

void dk_coff_zeros(dk_coff *c, int section, size_t n)
{
	static const unsigned char z[16];
	while (n) {
		size_t k = n < sizeof z ? n : sizeof z;
		dk_coff_data(c, section, z, k);
		n -= k;
	}
}

void dk_coff_feat00(dk_coff *c)
{
	dk_coff_symbol_add(c, "@feat.00", 1, DK_SYM_ABSOLUTE, 0, DK_SYM_CLASS_STATIC);
}

int dk_coff_write(const dk_coff *c, dk_buf *out)
{
	uint32_t pos = 20 + 40 * (uint32_t)c->nsections, symtab, strsize = 4;
	uint32_t ptrs[2 * 8], *dataptr = ptrs, *relptr = ptrs + 8; /* most objects: no malloc */
	unsigned char h[40];

	if (c->failed)
		return DK_FAIL;
	/* Where each section's data and relocations go. */
	if (c->nsections > 8) {
		dataptr = calloc(2 * c->nsections, sizeof *dataptr);
		if (!dataptr)
			return DK_FAIL;
		relptr = dataptr + c->nsections;
	}
	for (size_t i = 0; i < c->nsections; i++) {
		const dk_coff_section *s = &c->sections[i];
		dataptr[i] = relptr[i] = 0;
		if (s->data.len) {
			dataptr[i] = pos;
			pos += (uint32_t)s->data.len;
		}
		if (s->nrelocs) {
			relptr[i] = pos;
			pos += 10 * (uint32_t)(s->nrelocs + (s->nrelocs > 0xffff));
		}
	}
	symtab = pos;
	for (size_t i = 0; i < c->nsymbols; i++)
		if (c->symbols[i].name_len > 8)
			strsize += (uint32_t)c->symbols[i].name_len + 1;
	/* The whole object at once: no growing as it is written. */
	if (!dk_buf_reserve(out, (size_t)symtab + 18 * (size_t)c->nsymrecords + strsize))
		goto done;

	memset(h, 0, 20);
	dk_put16(h, c->machine);
	dk_put16(h + 2, (uint16_t)c->nsections);
	dk_put32(h + 8, c->nsymrecords ? symtab : 0);
	dk_put32(h + 12, c->nsymrecords);
	dk_put16(h + 18, c->characteristics);
	dk_buf_add(out, h, 20);
	for (size_t i = 0; i < c->nsections; i++) {
		const dk_coff_section *s = &c->sections[i];
		memset(h, 0, 40);
		memcpy(h, s->name, strlen(s->name));
		dk_put32(h + 16, s->data.len ? (uint32_t)s->data.len : s->size);
		dk_put32(h + 20, dataptr[i]);
		dk_put32(h + 24, relptr[i]);
		/* More than 65535 relocations (an export object's): the count
		 * field says 0xffff and a first, extra relocation the count. */
		dk_put16(h + 32, s->nrelocs > 0xffff ? 0xffff : (uint16_t)s->nrelocs);
		dk_put32(h + 36, s->flags | (s->nrelocs > 0xffff ? DK_SCN_LNK_NRELOC_OVFL : 0));
		dk_buf_add(out, h, 40);
	}
	for (size_t i = 0; i < c->nsections; i++) {
		const dk_coff_section *s = &c->sections[i];
		dk_buf_add(out, s->data.data, s->data.len);
		if (s->nrelocs > 0xffff) {
			dk_buf_add32(out, (uint32_t)s->nrelocs + 1);
			dk_buf_add32(out, 0);
			dk_buf_add16(out, 0);
		}
		for (size_t r = 0; r < s->nrelocs; r++) {
			unsigned char e[10];
			dk_put32(e, s->relocs[r].offset);
			dk_put32(e + 4, s->relocs[r].symbol);
			dk_put16(e + 8, s->relocs[r].type);
			dk_buf_add(out, e, 10);
		}
	}

	/* The symbols, then the string table: its size, then the names
	 * longer than 8 bytes in symbol order. */
	uint32_t strx = 4;
	for (size_t i = 0; i < c->nsymbols; i++) {
		const dk_coff_symbol *y = &c->symbols[i];
		memset(h, 0, 18);
		if (y->name_len <= 8) {
			memcpy(h, c->names.data + y->name, y->name_len);
		} else {
			dk_put32(h + 4, strx);
			strx += (uint32_t)y->name_len + 1;
		}
		dk_put32(h + 8, y->value);
		dk_put16(h + 12, (uint16_t)y->section);
		dk_put16(h + 14, y->type);
		h[16] = y->storage_class;
		h[17] = y->naux;
		dk_buf_add(out, h, 18);
		dk_buf_add(out, y->aux, (size_t)y->naux * 18);
	}
	dk_buf_add32(out, strsize);
	for (size_t i = 0; i < c->nsymbols; i++)
		if (c->symbols[i].name_len > 8)
			dk_buf_add(out, c->names.data + c->symbols[i].name,
				   c->symbols[i].name_len + 1);
done:
	if (dataptr != ptrs)
		free(dataptr);
	return out->failed ? DK_FAIL : DK_OK;
}
