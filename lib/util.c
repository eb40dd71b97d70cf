/* util.c - the library's version, its free(), strings and growable buffers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dllkit_private.h"
#include "pecoff_private.h"

const char *dk_version(void)
{
	return DK_VERSION;
}

void dk_free(void *p)
{
	free(p);
}

void dk_buf_init(dk_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void dk_buf_free(dk_buf *b)
{
	free(b->data);
	dk_buf_init(b);
}

static bool buf_reserve(dk_buf *b, size_t more)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return false;
	if (more > (size_t)-1 / 2 - b->len) {
		b->failed = true;
		return false;
	}
	need = b->len + more + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

bool dk_buf_reserve(dk_buf *b, size_t more)
{
	return buf_reserve(b, more);
}

void dk_buf_add(dk_buf *b, const void *p, size_t n)
{
	/* Room already (len + n + 1 <= cap) is the common case: writers add a
	 * few bytes at a time, millions of times. */
	if ((b->failed || b->cap - b->len <= n) && !buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void dk_buf_addc(dk_buf *b, char c)
{
	dk_buf_add(b, &c, 1);
}

void dk_buf_adds(dk_buf *b, const char *s)
{
	dk_buf_add(b, s, strlen(s));
}

void dk_buf_printf(dk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *dk_buf_take(dk_buf *b, size_t *len)
{
	char *p;

	if (b->failed) {
		dk_buf_free(b);
		return NULL;
	}
	if (!buf_reserve(b, 0)) {
		dk_buf_free(b);
		return NULL;
	}
	p = b->data;
	if (len)
		*len = b->len;
	dk_buf_init(b);
	return p;
}

void *dk_reserve(void *v, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (v && need <= *cap)
		return v;
	ncap = v && *cap > 8 ? *cap : 8;
	while (ncap < need) {
		if (ncap > (size_t)-1 / 2)
			return NULL;
		ncap *= 2;
	}
	if (ncap > (size_t)-1 / size)
		return NULL;
	p = realloc(v, ncap * size);
	if (p)
		*cap = ncap;
	return p;
}

int dk_cmp_name_pos(const char *a, size_t apos, const char *b, size_t bpos)
{
	int c = strcmp(a, b);
	if (c)
		return c;
	return (apos > bpos) - (apos < bpos);
}

char *dk_strdup(const char *s)
{
	return s ? dk_strndup(s, strlen(s)) : NULL;
}

char *dk_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

bool dk_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool dk_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool dk_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

/* Little-endian stores appended to a buffer (pecoff_private.h has the loads). */
void dk_buf_add16(dk_buf *b, uint16_t v)
{
	unsigned char p[2];
	dk_put16(p, v);
	dk_buf_add(b, p, 2);
}

void dk_buf_add32(dk_buf *b, uint32_t v)
{
	unsigned char p[4];
	dk_put32(p, v);
	dk_buf_add(b, p, 4);
}

void dk_buf_add64(dk_buf *b, uint64_t v)
{
	unsigned char p[8];
	dk_put64(p, v);
	dk_buf_add(b, p, 8);
}
