/* unit_def.h - what the .def parser and writer tests share: a sink that
 * keeps every message, building a module by hand, comparing two modules
 * field by field, and the write -> parse -> write round trip.  A test
 * including it defines `static unit_diags D; static dk_sink S;` first
 * (write_ok reports through them). */
#ifndef DK_UNIT_DEF_H
#define DK_UNIT_DEF_H
#include <stdbool.h>
#include <stdint.h>
#include "unit.h"

/* A sink that keeps every diagnostic, for the many-errors tests. */
typedef struct diag_list {
	char msg[16][300];
	unsigned n;
} diag_list;

static inline void list_fn(void *ctx, const dk_diag *d)
{
	diag_list *l = ctx;
	if (l->n < 16)
		snprintf(l->msg[l->n], sizeof l->msg[0], "%s:%u:%u: %s", d->loc.file ? d->loc.file : "",
			 d->loc.line, d->loc.column, d->message);
	l->n++;
}

/* Write M; must succeed. The caller frees. */
static inline char *write_ok(const dk_module *m)
{
	char *out = NULL;
	size_t len = 0;
	int rc = dk_def_write(m, &out, &len, &S);

	ck_assert_msg(rc == DK_OK, "dk_def_write failed: %s", D.last);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

/* Build an export (strings are copied by dk_module_add). */
static inline void add(dk_module *m, const char *name, const char *internal, const char *forward, uint32_t ordinal,
		unsigned flags, const char *import_name, const char *export_as)
{
	dk_export e;

	memset(&e, 0, sizeof e);
	e.name = (char *)name;
	e.internal = (char *)internal;
	e.forward = (char *)forward;
	e.ordinal = ordinal;
	e.flags = flags;
	e.import_name = (char *)import_name;
	e.export_as = (char *)export_as;
	ck_assert_ptr_nonnull(dk_module_add(m, &e));
}

static inline void add_section(dk_module *m, const char *name, const char *attrs)
{
	m->sections = realloc(m->sections, (m->nsections + 1) * sizeof *m->sections);
	ck_assert_ptr_nonnull(m->sections);
	m->sections[m->nsections].name = strdup(name);
	m->sections[m->nsections].attrs = attrs ? strdup(attrs) : NULL;
	m->nsections++;
}

static inline void add_import(dk_module *m, const char *internal, const char *module, const char *entry)
{
	m->imports = realloc(m->imports, (m->nimports + 1) * sizeof *m->imports);
	ck_assert_ptr_nonnull(m->imports);
	m->imports[m->nimports].internal = internal ? strdup(internal) : NULL;
	m->imports[m->nimports].module = strdup(module);
	m->imports[m->nimports].entry = strdup(entry);
	m->nimports++;
}

static inline bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Section attributes: NULL and "" both mean none. */
static inline bool attrs_same(const char *a, const char *b)
{
	return str_same(a ? a : "", b ? b : "");
}

/*
 * parse(write(m)) must equal m field by field: everything a .def file can
 * say (not the exports' origin, not the machine).  `ctx` says which case.
 */
static inline void check_same_module(const dk_module *a, const dk_module *b, const char *ctx)
{
#define SAME(cond, field) ck_assert_msg(cond, "%s: field %s differs", ctx, field)
	SAME(str_same(a->name, b->name), "name");
	SAME(a->is_exe == b->is_exe, "is_exe");
	SAME(a->has_name_stmt == b->has_name_stmt, "has_name_stmt");
	SAME(a->has_base == b->has_base && a->base == b->base, "base");
	SAME(a->has_heap == b->has_heap && a->heap_reserve == b->heap_reserve, "heap_reserve");
	SAME(a->has_heap_commit == b->has_heap_commit && a->heap_commit == b->heap_commit, "heap_commit");
	SAME(a->has_stack == b->has_stack && a->stack_reserve == b->stack_reserve, "stack_reserve");
	SAME(a->has_stack_commit == b->has_stack_commit && a->stack_commit == b->stack_commit, "stack_commit");
	SAME(a->has_version == b->has_version, "has_version");
	if (a->has_version)
		SAME(a->version_major == b->version_major && a->version_minor == b->version_minor, "version");
	SAME(str_same(a->description, b->description), "description");
	SAME(str_same(a->stub, b->stub), "stub");
	SAME(a->nsections == b->nsections, "nsections");
	for (size_t i = 0; i < a->nsections; i++) {
		SAME(str_same(a->sections[i].name, b->sections[i].name), "sections[].name");
		SAME(attrs_same(a->sections[i].attrs, b->sections[i].attrs), "sections[].attrs");
	}
	SAME(a->nimports == b->nimports, "nimports");
	for (size_t i = 0; i < a->nimports; i++) {
		SAME(str_same(a->imports[i].internal, b->imports[i].internal), "imports[].internal");
		SAME(str_same(a->imports[i].module, b->imports[i].module), "imports[].module");
		SAME(str_same(a->imports[i].entry, b->imports[i].entry), "imports[].entry");
	}
	SAME(a->nexports == b->nexports, "nexports");
	for (size_t i = 0; i < a->nexports; i++) {
		const dk_export *x = &a->exports[i], *y = &b->exports[i];
		char f[64];
#define SAME_E(cond, field)                                                                    \
	do {                                                                                   \
		snprintf(f, sizeof f, "exports[%zu].%s", i, field);                            \
		ck_assert_msg(cond, "%s: field %s differs (export \"%s\" vs \"%s\")", ctx, f,  \
			      x->name ? x->name : "(null)", y->name ? y->name : "(null)");     \
	} while (0)
		SAME_E(str_same(x->name, y->name), "name");
		SAME_E(str_same(x->internal, y->internal), "internal");
		SAME_E(str_same(x->forward, y->forward), "forward");
		SAME_E(str_same(x->import_name, y->import_name), "import_name");
		SAME_E(str_same(x->export_as, y->export_as), "export_as");
		SAME_E(x->ordinal == y->ordinal, "ordinal");
		SAME_E(x->flags == y->flags, "flags");
#undef SAME_E
	}
#undef SAME
}

/*
 * The round trip: write m, parse the text, compare field by field, write
 * again and compare the bytes.
 */
static inline void round_trip(const dk_module *m, const char *ctx)
{
	dk_module back;
	char *t1, *t2;
	size_t l1, l2;
	diag_list dl = { .n = 0 };
	dk_sink ls = { list_fn, &dl, 0, 0 };

	ck_assert_msg(dk_def_write(m, &t1, &l1, &ls) == DK_OK, "%s: write failed: %s", ctx, dl.n ? dl.msg[0] : "");
	dk_module_init(&back);
	ck_assert_msg(dk_def_parse(&back, t1, l1, "rt.def", &ls) == DK_OK, "%s: parse of written text failed: %s\n%s",
		      ctx, dl.n ? dl.msg[0] : "", t1);
	check_same_module(m, &back, ctx);
	ck_assert_msg(dk_def_write(&back, &t2, &l2, &ls) == DK_OK, "%s: second write failed", ctx);
	ck_assert_msg(l1 == l2 && memcmp(t1, t2, l1) == 0, "%s: write/parse/write differs:\n%s\n---\n%s", ctx, t1, t2);
	ck_assert_uint_eq(dl.n, 0);
	free(t1);
	free(t2);
	dk_module_free(&back);
}
#endif
