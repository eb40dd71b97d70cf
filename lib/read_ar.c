/* read_ar.c - a bounds-checked reader of GNU and Microsoft archives; see read_ar_private.h. */
#include <stdint.h>
#include <string.h>
#include "read_ar_private.h"

enum { AR_HEADER = 60 };

bool dk_ar_is_archive(const void *data, size_t len)
{
	return len >= 8 && memcmp(data, "!<arch>\n", 8) == 0;
}

static bool fail(dk_ar_error *err, const char *message, size_t offset)
{
	if (err) {
		err->message = message;
		err->offset = offset;
		err->member = NULL;
		err->membername = 0;
	}
	return false;
}

char *dk_ar_error_member(const dk_ar_error *err)
{
	return err->member ? dk_strndup(err->member, err->membername) : NULL;
}

bool dk_ar_open(dk_ar_reader *r, const void *data, size_t len, dk_ar_error *err)
{
	memset(r, 0, sizeof *r);
	r->data = data;
	r->len = len;
	if (len >= 8 && memcmp(data, "!<thin>\n", 8) == 0)
		return fail(err, "a thin archive (its members are in other files)", 0);
	if (!dk_ar_is_archive(data, len))
		return fail(err, "not an archive", 0);
	r->pos = 8;
	return true;
}

/* A decimal field of `n` bytes: optional leading spaces, digits, then
 * spaces to the end.  False when it is anything else or empty. */
static bool decimal(const unsigned char *p, size_t n, uint64_t *v)
{
	size_t i = 0;
	bool digits = false;

	*v = 0;
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
		*v = *v * 10 + (uint64_t)(p[i] - '0'); /* at most 16 digits: no overflow */
		digits = true;
	}
	for (; i < n; i++)
		if (p[i] != ' ')
			return false;
	return digits;
}

/* The name of a "/123" member, looked up in the long-name member. */
static bool long_name(dk_ar_reader *r, const unsigned char *h, size_t pos, dk_ar_entry *e,
		      dk_ar_error *err)
{
	uint64_t off;
	size_t end;

	if (!decimal(h + 1, 15, &off))
		return fail(err, "a member name that is neither a name nor a long-name offset", pos);
	if (!r->longnames)
		return fail(err, "a long member name but no long-name member (\"//\") before it", pos);
	if (off >= r->longlen)
		return fail(err, "a long-name offset past the end of the long-name member", pos);
	end = (size_t)off;
	while (end < r->longlen && r->longnames[end] != '\n' && r->longnames[end] != '\0')
		end++;
	if (end == r->longlen)
		return fail(err, "a long member name with no end in the long-name member", pos);
	e->name = r->longnames + off;
	e->namelen = end - (size_t)off;
	/* GNU: "name/\n"; Microsoft: "name\0" */
	if (r->longnames[end] == '\n' && e->namelen && e->name[e->namelen - 1] == '/')
		e->namelen--;
	return true;
}

static int bad(dk_ar_error *err, const char *message, size_t offset)
{
	fail(err, message, offset);
	return -1;
}

static uint64_t be(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t le32(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

/*
 * A symbol index names the offset of the member that defines each
 * symbol: every one must be a member header inside the file.  An archive
 * cut short between two members shows only here.  The GNU "/" index and
 * Microsoft's first linker member: a big-endian count and offsets;
 * Microsoft's second linker member (the next "/"): little-endian, a
 * count and offsets, then the symbol count and 16-bit indexes into them;
 * "/SYM64/": 64-bit big-endian count and offsets.
 */
static bool check_index(dk_ar_reader *r, const dk_ar_entry *e, bool sym64, dk_ar_error *err)
{
	const unsigned char *d = e->data;
	size_t size = e->size, w = sym64 ? 8 : 4;
	bool second = !sym64 && r->nindex++ == 1;
	uint64_t n;

	if (size < w)
		return fail(err, "a symbol index too short for its count", e->offset);
	n = second ? le32(d) : be(d, w);
	if (n > (size - w) / w)
		return fail(err, "a symbol index whose count runs past its member", e->offset);
	if (second && (size - w - n * w < 4 || le32(d + w + n * w) > (size - w - n * w - 4) / 2))
		return fail(err, "a symbol index whose count runs past its member", e->offset);
	for (uint64_t i = 0; i < n; i++) {
		const unsigned char *p = d + w + i * w;
		uint64_t off = second ? le32(p) : be(p, w);
		size_t at = e->offset + (size_t)(p - d);
		if (off > r->len || r->len - off < AR_HEADER)
			return fail(err, "a symbol index that points past the end of the file "
					 "(the archive is cut short)", at);
		if (r->data[off + 58] != '`' || r->data[off + 59] != '\n')
			return fail(err, "a symbol index that points where no member header is", at);
	}
	return true;
}

/* Name the member whose header `h` is damaged, where the header tells
 * (its own name, or a long name already known); returns `rc`. */
static int blame(const dk_ar_reader *r, const unsigned char *h, int rc, dk_ar_error *err)
{
	size_t n = 0;

	if (!err)
		return rc;
	if (h[0] == '/' && h[1] >= '0' && h[1] <= '9') {
		uint64_t off;
		size_t end;
		if (!decimal(h + 1, 15, &off) || !r->longnames || off >= r->longlen)
			return rc;
		for (end = (size_t)off; end < r->longlen; end++)
			if (r->longnames[end] == '\n' || r->longnames[end] == '\0')
				break;
		if (end == r->longlen)
			return rc;
		n = end - (size_t)off;
		if (n && r->longnames[off + n - 1] == '/')
			n--;
		err->member = r->longnames + off;
	} else if (h[0] != '/' && memcmp(h, "#1/", 3) != 0) {
		while (n < 16 && h[n] != '/')
			n++;
		if (n == 16)
			while (n > 0 && h[n - 1] == ' ')
				n--;
		err->member = (const char *)h;
	}
	err->membername = err->member ? n : 0;
	return rc;
}

int dk_ar_next(dk_ar_reader *r, dk_ar_entry *e, dk_ar_error *err)
{
	while (r->pos < r->len) {
		size_t pos = r->pos, data, next;
		const unsigned char *h = r->data + pos;
		uint64_t size;

		memset(e, 0, sizeof *e);
		if (r->len - pos < AR_HEADER)
			return bad(err, "a member header cut short by the end of the file", pos);
		if (h[58] != '`' || h[59] != '\n')
			return bad(err, "a member header that does not end in \"`\\n\"", pos + 58);
		if (!decimal(h + 48, 10, &size))
			return blame(r, h, bad(err, "a member header with a bad size field", pos + 48),
				     err);
		data = pos + AR_HEADER;
		if (size > r->len - data)
			return blame(r, h, bad(err, "a member size that runs past the end of the file",
					       pos + 48), err);
		next = data + (size_t)size;
		next += next & 1;          /* members start on even offsets */
		r->pos = next < r->len ? next : r->len; /* the last pad may be missing */

		e->header = pos;
		e->data = r->data + data;
		e->offset = data;
		e->size = (size_t)size;
		if (h[0] == '/') {
			if (h[1] == ' ' || memcmp(h, "/SYM64/ ", 8) == 0) {
				if (!check_index(r, e, h[1] == 'S', err))
					return -1;
				continue; /* symbol indexes */
			}
			if (h[1] == '<')
				continue; /* /<ECSYMBOLS>/, /<HYBRIDMAP>/ */
			if (h[1] == '/' && h[2] == ' ') {
				r->longnames = (const char *)e->data;
				r->longlen = e->size;
				continue;
			}
			if (!long_name(r, h, pos, e, err))
				return -1;
		} else if (memcmp(h, "#1/", 3) == 0) {
			/* BSD: the name is the first N bytes of the data. */
			uint64_t n;
			if (!decimal(h + 3, 13, &n) || n > size)
				return bad(err, "a BSD member name longer than its member", pos);
			e->name = (const char *)e->data;
			e->namelen = strnlen(e->name, (size_t)n);
			e->data += n;
			e->offset += (size_t)n;
			e->size -= (size_t)n;
			if (e->namelen >= 9 && memcmp(e->name, "__.SYMDEF", 9) == 0)
				continue;
		} else {
			/* "name/" (GNU, Microsoft) or "name   " (BSD) */
			size_t n = 0;
			while (n < 16 && h[n] != '/')
				n++;
			if (n == 16)
				while (n > 0 && h[n - 1] == ' ')
					n--;
			e->name = (const char *)h;
			e->namelen = n;
			if (n >= 9 && memcmp(h, "__.SYMDEF", 9) == 0)
				continue;
		}
		e->index = r->index++;
		return 1;
	}
	return 0;
}

char *dk_ar_name(const dk_ar_entry *e)
{
	return dk_strndup(e->name, e->namelen);
}
