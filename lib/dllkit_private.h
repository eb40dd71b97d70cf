/* dllkit_private.h - helpers shared inside libdllkit; not part of the public API. */
#ifndef DK_INTERNAL_H
#define DK_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h> /* ssize_t */
#include "dllkit.h"

/* A growable byte buffer.  On allocation failure `failed` is set and further
 * appends are ignored, so callers check once at the end. */
typedef struct dk_buf {
	char *data;
	size_t len, cap;
	bool failed;
} dk_buf;

void dk_buf_init(dk_buf *b);
void dk_buf_free(dk_buf *b);
void dk_buf_add(dk_buf *b, const void *p, size_t n);
void dk_buf_addc(dk_buf *b, char c);
void dk_buf_adds(dk_buf *b, const char *s);
/* Make room for `more` bytes without growing again (false when out of memory). */
bool dk_buf_reserve(dk_buf *b, size_t more);
void dk_buf_printf(dk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the NUL-terminated contents to the caller; the buffer is reset. NULL if failed. */
char *dk_buf_take(dk_buf *b, size_t *len);

/* Room for `need` elements in an array that grows by doubling, so that
 * appending N elements one by one costs O(N) copying, not O(N^2): returns
 * the array, moved or not, or NULL when out of memory (`v` is then
 * untouched).  `*cap` is the number allocated; an array that is NULL has
 * none, whatever `*cap` says. */
void *dk_reserve(void *v, size_t *cap, size_t need, size_t size);

/* The library's one sort order for names: by name (strcmp), ties by
 * position, so that qsort gives a stable, deterministic order.  Each
 * qsort comparator over named things calls this. */
int dk_cmp_name_pos(const char *a, size_t apos, const char *b, size_t bpos);

char *dk_strdup(const char *s);               /* NULL in -> NULL out */
char *dk_strndup(const char *s, size_t n);
bool dk_streq(const char *a, const char *b);  /* NULL-safe */
bool dk_starts_with(const char *s, const char *prefix);
bool dk_ends_with(const char *s, const char *suffix);

/* `= target` in a .def file or an export directive names a forwarder
 * (`dll.func`, `dll.#7`) when it has a '.' that is not its first character;
 * internal names never hold one.  (n: length of s.) */
bool dk_is_forward_target(const char *s, size_t n);

/* Little-endian values appended to a buffer (pecoff_private.h has loads and stores). */
/* Append `e` itself to the module (model.c): its strings move in, `e` is
 * left empty.  NULL when out of memory (`e` untouched: still the caller's). */
dk_export *dk_module_take(dk_module *m, dk_export *e);

void dk_buf_add16(dk_buf *b, uint16_t v);
void dk_buf_add32(dk_buf *b, uint32_t v);
void dk_buf_add64(dk_buf *b, uint64_t v);

/* Read `n` bytes at `off` of `fd`, again after a short read or EINTR,
 * until they are all read or the file ends: the count read (less than `n`
 * at the end of the file), or -1 with errno set (read_file.c). */
ssize_t dk_pread_full(int fd, void *buf, size_t n, uint64_t off);

/* dk_read_image_input reading a dk_input_open image at least `window`
 * bytes a read (0: the default), so that the unit tests can make every
 * table and name cross the edge of a read; `no_origin`: exports get no
 * origin (dk_read_opts.no_origins). */
int dk_read_image_input_(dk_module *m, dk_image *info, const dk_input *in, size_t window,
			 bool no_origin, dk_sink *s);
#endif
