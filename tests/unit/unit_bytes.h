/* unit_bytes.h - byte buffers built by hand for the reader tests:
 * little- and big-endian integers, and GNU archives (members with 60-byte
 * headers, an optional "/" symbol index).  Static inline, so a test uses
 * what it needs. */
#ifndef DK_UNIT_BYTES_H
#define DK_UNIT_BYTES_H
#include <stdbool.h>
#include <stdint.h>
#include "unit.h"

typedef struct bytes {
	unsigned char *p;
	size_t len, cap;
} bytes;

static inline void put(bytes *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static inline void put16(bytes *b, unsigned v)
{
	unsigned char x[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
	put(b, x, 2);
}

static inline void put32(bytes *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };
	put(b, x, 4);
}

static inline void put32be(bytes *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	put(b, x, 4);
}

/* A GNU archive member: 60-byte header, data, pad. */
static inline void member(bytes *b, const char *name, const void *data, size_t n)
{
	char h[128]; /* 60 used; room for what -Wformat-truncation fears */
	snprintf(h, sizeof h, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0", "0", "644", n);
	put(b, h, 60);
	put(b, data, n);
	if (n & 1)
		put(b, "\n", 1);
}

/* A GNU archive of `n` members (names m0/, m1/...), with a "/" symbol
 * index naming each member's header once when `index`. */
static inline bytes archive(const bytes *m, size_t n, bool index)
{
	bytes b = { NULL, 0, 0 }, ix = { NULL, 0, 0 };
	size_t at = 8 + (index ? 60 + 4 + 4 * n + 2 * n + ((4 + 4 * n + 2 * n) & 1) : 0);

	put(&b, "!<arch>\n", 8);
	if (index) {
		put32be(&ix, (uint32_t)n);
		for (size_t i = 0; i < n; i++) {
			put32be(&ix, (uint32_t)at);
			at += 60 + m[i].len + (m[i].len & 1);
		}
		for (size_t i = 0; i < n; i++)
			put(&ix, "s\0", 2); /* one symbol name per member */
		member(&b, "/", ix.p, ix.len);
		free(ix.p);
	}
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "m%u/", (unsigned)(i % 1000));
		member(&b, name, m[i].p, m[i].len);
	}
	return b;
}
#endif
