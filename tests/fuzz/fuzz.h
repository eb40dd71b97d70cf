/* fuzz.h - what the libFuzzer targets share: a quiet sink, a way to fail
 * loudly, splitting one input into several, and comparing two modules
 * field by field.
 *
 * A broken promise (a round trip that changes an export, an invariant the
 * library documents) is a crash: the target prints one line saying what
 * differs and aborts, so libFuzzer saves the input. */
#ifndef DK_FUZZ_H
#define DK_FUZZ_H
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dllkit.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static inline dk_sink fuzz_quiet(void)
{
	dk_sink s = { NULL, NULL, 0, 0 };
	return s;
}

/* The first error or warning, kept for the message of a failed promise. */
typedef struct fuzz_diags {
	char first[512];
	unsigned n;
} fuzz_diags;

static inline void fuzz_keep_first(void *ctx, const dk_diag *d)
{
	fuzz_diags *g = ctx;
	if (d->severity != DK_NOTE && g->n++ == 0)
		snprintf(g->first, sizeof g->first, "%s", d->message);
}

static inline dk_sink fuzz_keeping(fuzz_diags *g)
{
	dk_sink s = { fuzz_keep_first, g, 0, 0 };
	memset(g, 0, sizeof *g);
	return s;
}

__attribute__((noreturn, format(printf, 1, 2))) static inline void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("dllkit fuzz: broken promise: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

/* A name for messages: NULL shown as (null). */
static inline const char *fuzz_s(const char *s)
{
	return s ? s : "(null)";
}

static inline int fuzz_str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/*
 * Part `k` (0-based) of an input made of parts separated by NUL bytes
 * (.def texts hold no NUL).  Returns the length; *p points into `data`.
 * A missing part is empty.
 */
static inline size_t fuzz_part(const unsigned char *data, size_t size, unsigned k,
			       const unsigned char **p)
{
	size_t start = 0;
	for (unsigned i = 0; i < k; i++) {
		const unsigned char *z = memchr(data + start, 0, size - start);
		if (!z) {
			*p = data + size;
			return 0;
		}
		start = (size_t)(z - data) + 1;
	}
	const unsigned char *z = memchr(data + start, 0, size - start);
	*p = data + start;
	return z ? (size_t)(z - (data + start)) : size - start;
}

/*
 * parse(write(m)) must be m: everything a .def file says (not the
 * exports' origins, not the machine).  Returns NULL when the same, else the
 * name of the first field that differs (the export's index in *at).
 */
static inline const char *fuzz_module_diff(const dk_module *a, const dk_module *b, size_t *at)
{
#define DIFF(cond, field)          \
	do {                       \
		if (!(cond))       \
			return field; \
	} while (0)
	*at = 0;
	DIFF(fuzz_str_same(a->name, b->name), "name");
	DIFF(a->is_exe == b->is_exe, "is_exe");
	DIFF(a->has_name_stmt == b->has_name_stmt, "has_name_stmt");
	DIFF(a->has_base == b->has_base && a->base == b->base, "base");
	DIFF(a->has_heap == b->has_heap && a->heap_reserve == b->heap_reserve, "heap_reserve");
	DIFF(a->has_heap_commit == b->has_heap_commit && a->heap_commit == b->heap_commit,
	     "heap_commit");
	DIFF(a->has_stack == b->has_stack && a->stack_reserve == b->stack_reserve, "stack_reserve");
	DIFF(a->has_stack_commit == b->has_stack_commit && a->stack_commit == b->stack_commit,
	     "stack_commit");
	DIFF(a->has_version == b->has_version, "has_version");
	if (a->has_version)
		DIFF(a->version_major == b->version_major && a->version_minor == b->version_minor,
		     "version");
	DIFF(fuzz_str_same(a->description, b->description), "description");
	DIFF(fuzz_str_same(a->stub, b->stub), "stub");
	DIFF(a->nsections == b->nsections, "nsections");
	for (size_t i = 0; i < a->nsections; i++) {
		*at = i;
		DIFF(fuzz_str_same(a->sections[i].name, b->sections[i].name), "sections[].name");
		DIFF(fuzz_str_same(a->sections[i].attrs ? a->sections[i].attrs : "",
				   b->sections[i].attrs ? b->sections[i].attrs : ""),
		     "sections[].attrs");
	}
	DIFF(a->nimports == b->nimports, "nimports");
	for (size_t i = 0; i < a->nimports; i++) {
		*at = i;
		DIFF(fuzz_str_same(a->imports[i].internal, b->imports[i].internal), "imports[].internal");
		DIFF(fuzz_str_same(a->imports[i].module, b->imports[i].module), "imports[].module");
		DIFF(fuzz_str_same(a->imports[i].entry, b->imports[i].entry), "imports[].entry");
	}
	DIFF(a->nexports == b->nexports, "nexports");
	for (size_t i = 0; i < a->nexports; i++) {
		const dk_export *x = &a->exports[i], *y = &b->exports[i];
		*at = i;
		DIFF(fuzz_str_same(x->name, y->name), "exports[].name");
		DIFF(fuzz_str_same(x->internal, y->internal), "exports[].internal");
		DIFF(fuzz_str_same(x->forward, y->forward), "exports[].forward");
		DIFF(fuzz_str_same(x->import_name, y->import_name), "exports[].import_name");
		DIFF(fuzz_str_same(x->export_as, y->export_as), "exports[].export_as");
		DIFF(x->ordinal == y->ordinal, "exports[].ordinal");
		DIFF(x->flags == y->flags, "exports[].flags");
	}
	return NULL;
#undef DIFF
}
#endif
