/* model.c - the export set: add, sort, dedupe, check, merge with an old .def. */
#include <stdlib.h>
#include <string.h>
#include "dllkit_private.h"

bool dk_is_forward_target(const char *s, size_t n)
{
	return n > 0 && s[0] != '.' && memchr(s, '.', n) != NULL;
}

void dk_module_init(dk_module *m)
{
	memset(m, 0, sizeof *m);
}

void dk_export_free(dk_export *e)
{
	free(e->name);
	free(e->internal);
	free(e->forward);
	free(e->import_name);
	free(e->export_as);
	free(e->origin);
	memset(e, 0, sizeof *e);
}

void dk_module_free(dk_module *m)
{
	for (size_t i = 0; i < m->nexports; i++)
		dk_export_free(&m->exports[i]);
	free(m->exports);
	for (size_t i = 0; i < m->nsections; i++) {
		free(m->sections[i].name);
		free(m->sections[i].attrs);
	}
	free(m->sections);
	for (size_t i = 0; i < m->nimports; i++) {
		free(m->imports[i].internal);
		free(m->imports[i].module);
		free(m->imports[i].entry);
	}
	free(m->imports);
	free(m->name);
	free(m->description);
	free(m->stub);
	if (m->native) {
		dk_module_free(m->native);
		free(m->native);
	}
	memset(m, 0, sizeof *m);
}

dk_module *dk_module_native(dk_module *m)
{
	if (!m->native && (m->native = calloc(1, sizeof *m->native)) != NULL)
		m->native->machine = DK_MACHINE_ARM64;
	return m->native;
}

static bool dup_field(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return true;
	*dst = dk_strdup(src);
	return *dst != NULL;
}

int dk_export_copy(dk_export *dst, const dk_export *src)
{
	memset(dst, 0, sizeof *dst);
	if (!dup_field(&dst->name, src->name) || !dup_field(&dst->internal, src->internal) ||
	    !dup_field(&dst->forward, src->forward) ||
	    !dup_field(&dst->import_name, src->import_name) ||
	    !dup_field(&dst->export_as, src->export_as) || !dup_field(&dst->origin, src->origin)) {
		dk_export_free(dst);
		return DK_FAIL;
	}
	dst->ordinal = src->ordinal;
	dst->flags = src->flags;
	dst->rva = src->rva;
	dst->hint = src->hint;
	return DK_OK;
}

dk_export *dk_module_add(dk_module *m, const dk_export *e)
{
	dk_export *p = dk_reserve(m->exports, &m->cap, m->nexports + 1, sizeof *p);
	if (!p)
		return NULL;
	m->exports = p;
	if (dk_export_copy(&m->exports[m->nexports], e) != DK_OK)
		return NULL;
	return &m->exports[m->nexports++];
}

dk_export *dk_module_take(dk_module *m, dk_export *e)
{
	dk_export *p = dk_reserve(m->exports, &m->cap, m->nexports + 1, sizeof *p);
	if (!p)
		return NULL;
	m->exports = p;
	p[m->nexports] = *e;
	memset(e, 0, sizeof *e);
	return &p[m->nexports++];
}

const char *dk_export_public_name(const dk_export *e)
{
	return e->export_as ? e->export_as : e->import_name ? e->import_name : e->name;
}

long dk_module_find(const dk_module *m, const char *name)
{
	for (size_t i = 0; i < m->nexports; i++)
		if (strcmp(m->exports[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Sorting: by name, ties by original position, so the sort is stable. */
typedef struct keyed {
	const char *name;
	size_t pos;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	return dk_cmp_name_pos(x->name, x->pos, y->name, y->pos);
}

/* Returns a malloc'd array of positions in name order (by the exported
 * name when `public_names`), or NULL. */
static size_t *key_order(const dk_module *m, bool public_names)
{
	keyed *k = malloc((m->nexports ? m->nexports : 1) * sizeof *k);
	size_t *order = malloc((m->nexports ? m->nexports : 1) * sizeof *order);
	if (!k || !order) {
		free(k);
		free(order);
		return NULL;
	}
	for (size_t i = 0; i < m->nexports; i++) {
		k[i].name = public_names ? dk_export_public_name(&m->exports[i]) : m->exports[i].name;
		k[i].pos = i;
	}
	qsort(k, m->nexports, sizeof *k, cmp_keyed);
	for (size_t i = 0; i < m->nexports; i++)
		order[i] = k[i].pos;
	free(k);
	return order;
}

static size_t *name_order(const dk_module *m)
{
	return key_order(m, false);
}

void dk_module_sort(dk_module *m)
{
	size_t *order;
	dk_export *sorted;

	if (m->nexports < 2)
		return;
	order = name_order(m);
	sorted = malloc(m->cap * sizeof *sorted);
	if (!order || !sorted) {
		/* Out of memory: fall back to an in-place insertion sort (stable). */
		free(order);
		free(sorted);
		for (size_t i = 1; i < m->nexports; i++) {
			dk_export t = m->exports[i];
			size_t j = i;
			while (j > 0 && strcmp(m->exports[j - 1].name, t.name) > 0) {
				m->exports[j] = m->exports[j - 1];
				j--;
			}
			m->exports[j] = t;
		}
		return;
	}
	for (size_t i = 0; i < m->nexports; i++)
		sorted[i] = m->exports[order[i]];
	free(m->exports);
	m->exports = sorted;
	free(order);
}

static const char *origin_of(const dk_export *e)
{
	return e->origin ? e->origin : "(unknown)";
}

/* Merge one string field of `b` into `a`; a conflict is reported. */
static bool merge_field(char **a, char **b, const char *what, const dk_export *ea,
			const dk_export *eb, dk_sink *s, const dk_loc *where)
{
	if (!*b)
		return true;
	if (!*a) {
		*a = *b;
		*b = NULL;
		return true;
	}
	if (strcmp(*a, *b) == 0)
		return true;
	dk_report(s, DK_ERROR, where, "export \"%s\" has %s \"%s\" in %s but \"%s\" in %s", ea->name,
		  what, *a, origin_of(ea), *b, origin_of(eb));
	return false;
}

static bool merge_into(dk_export *a, dk_export *b, dk_sink *s, const dk_loc *where)
{
	bool ok = true;

	/* "f = impl" and "f = dll.g" say different things about one export;
	 * merging them field by field would keep both and silently lose one. */
	if ((a->internal && b->forward) || (a->forward && b->internal)) {
		dk_report(s, DK_ERROR, where,
			  "export \"%s\" is \"%s\" in %s but forwards to \"%s\" in %s", a->name,
			  a->internal ? a->internal : b->internal, origin_of(a->internal ? a : b),
			  a->forward ? a->forward : b->forward, origin_of(a->forward ? a : b));
		return false;
	}
	ok &= merge_field(&a->internal, &b->internal, "internal name", a, b, s, where);
	ok &= merge_field(&a->forward, &b->forward, "forward target", a, b, s, where);
	ok &= merge_field(&a->import_name, &b->import_name, "import name", a, b, s, where);
	ok &= merge_field(&a->export_as, &b->export_as, "EXPORTAS name", a, b, s, where);
	if (b->ordinal) {
		if (a->ordinal && a->ordinal != b->ordinal) {
			dk_report(s, DK_ERROR, where,
				  "export \"%s\" has ordinal %u in %s but %u in %s", a->name,
				  a->ordinal, origin_of(a), b->ordinal, origin_of(b));
			ok = false;
		} else {
			a->ordinal = b->ordinal;
		}
	}
	if ((a->flags ^ b->flags) & DK_EXPORT_DATA)
		dk_report(s, DK_WARNING, where,
			  "export \"%s\" is data in %s but code in %s; exporting it as DATA",
			  a->name, origin_of(a->flags & DK_EXPORT_DATA ? a : b),
			  origin_of(a->flags & DK_EXPORT_DATA ? b : a));
	a->flags |= b->flags;
	return ok;
}

int dk_module_dedupe(dk_module *m, dk_sink *s, const dk_loc *where)
{
	size_t *order, out;
	bool ok = true;
	unsigned char *gone;

	if (m->nexports < 2)
		return DK_OK;
	order = name_order(m);
	gone = calloc(m->nexports, 1);
	if (!order || !gone) {
		free(order);
		free(gone);
		dk_report(s, DK_ERROR, where, "out of memory");
		return DK_FAIL;
	}
	/* Equal names are adjacent in `order`, first occurrence first. */
	for (size_t i = 0; i < m->nexports;) {
		size_t j = i + 1;
		dk_export *first = &m->exports[order[i]];
		while (j < m->nexports && strcmp(m->exports[order[j]].name, first->name) == 0) {
			if (!merge_into(first, &m->exports[order[j]], s, where))
				ok = false;
			gone[order[j]] = 1;
			j++;
		}
		i = j;
	}
	out = 0;
	for (size_t i = 0; i < m->nexports; i++) {
		if (gone[i])
			dk_export_free(&m->exports[i]);
		else
			m->exports[out++] = m->exports[i];
	}
	m->nexports = out;
	free(order);
	free(gone);
	return ok ? DK_OK : DK_FAIL;
}

int dk_module_check(const dk_module *m, dk_sink *s, const dk_loc *where)
{
	const dk_export **by_ord;
	bool ok = true;

	if (m->nexports > 65535) {
		dk_report(s, DK_ERROR, where,
			  "%zu exports: a DLL cannot have more than 65535", m->nexports);
		return DK_FAIL;
	}
	by_ord = calloc(65536, sizeof *by_ord);
	if (!by_ord) {
		dk_report(s, DK_ERROR, where, "out of memory");
		return DK_FAIL;
	}
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		/* NONAME means "import me by ordinal only": without an ordinal
		 * of its own the linker would pick one, and a client built
		 * against it could break with the next build. */
		if ((e->flags & DK_EXPORT_NONAME) && e->ordinal == 0) {
			dk_report(s, DK_ERROR, where,
				  "export \"%s\" (%s) is NONAME but has no ordinal; give it one (@N)",
				  e->name, origin_of(e));
			ok = false;
			continue;
		}
		if (e->ordinal == 0)
			continue;
		if (e->ordinal > 65535) {
			dk_report(s, DK_ERROR, where, "export \"%s\" (%s): ordinal %u is out of range 1..65535",
				  e->name, origin_of(e), e->ordinal);
			ok = false;
			continue;
		}
		if (by_ord[e->ordinal]) {
			dk_report(s, DK_ERROR, where,
				  "ordinal %u is given to both \"%s\" (%s) and \"%s\" (%s)", e->ordinal,
				  by_ord[e->ordinal]->name, origin_of(by_ord[e->ordinal]), e->name,
				  origin_of(e));
			ok = false;
			continue;
		}
		by_ord[e->ordinal] = e;
	}
	free(by_ord);
	return ok ? DK_OK : DK_FAIL;
}

static bool take_str(char **dst, const char *src)
{
	if (*dst || !src)
		return true;
	*dst = dk_strdup(src);
	return *dst != NULL;
}

/* Index of the first export whose exported name is `name`, by binary
 * search over `order` (from key_order(m, true), which keeps equal names in
 * their first-come order), or -1. */
static const char *key_of(const dk_export *e, bool public_names)
{
	return public_names ? dk_export_public_name(e) : e->name;
}

static long find_in_order_by(const dk_module *m, const size_t *order, const char *name,
			     bool public_names)
{
	size_t lo = 0, hi = m->nexports;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(key_of(&m->exports[order[mid]], public_names), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nexports && strcmp(key_of(&m->exports[order[lo]], public_names), name) == 0)
		return (long)order[lo];
	return -1;
}

static long find_in_order(const dk_module *m, const size_t *order, const char *name)
{
	return find_in_order_by(m, order, name, true);
}

int dk_module_merge_old(dk_module *m, const dk_module *old, dk_sink *s)
{
	uint32_t max_old = 0;
	size_t *order, *old_order, *def_order;

	/* Module statements the new set does not have come from the old file. */
	if (!m->has_name_stmt && old->has_name_stmt) {
		m->has_name_stmt = true;
		m->is_exe = old->is_exe;
	}
	if (!take_str(&m->name, old->name) || !take_str(&m->description, old->description) ||
	    !take_str(&m->stub, old->stub))
		goto nomem;
	if (!m->has_base && old->has_base) {
		m->has_base = true;
		m->base = old->base;
	}
	if (!m->has_version && old->has_version) {
		m->has_version = true;
		m->version_major = old->version_major;
		m->version_minor = old->version_minor;
	}
	if (!m->has_heap && old->has_heap) {
		m->has_heap = old->has_heap;
		m->has_heap_commit = old->has_heap_commit;
		m->heap_reserve = old->heap_reserve;
		m->heap_commit = old->heap_commit;
	}
	if (!m->has_stack && old->has_stack) {
		m->has_stack = old->has_stack;
		m->has_stack_commit = old->has_stack_commit;
		m->stack_reserve = old->stack_reserve;
		m->stack_commit = old->stack_commit;
	}
	if (!m->nsections && old->nsections) {
		m->sections = calloc(old->nsections, sizeof *m->sections);
		if (!m->sections)
			goto nomem;
		m->nsections = old->nsections;
		for (size_t i = 0; i < old->nsections; i++)
			if (!take_str(&m->sections[i].name, old->sections[i].name) ||
			    !take_str(&m->sections[i].attrs, old->sections[i].attrs))
				goto nomem;
	}

	/* Names the new set still exports keep their old ordinal and flags.
	 * Exports are matched by the name the DLL exports, so `f = f@4` (a
	 * --kill-at .def) keeps the ordinal an old `f` or `f@4 == f` had.  The
	 * old names are looked up in a sorted index: a linear search per name
	 * made this quadratic (over a second for 20,000 exports). */
	for (size_t i = 0; i < old->nexports; i++)
		if (old->exports[i].ordinal > max_old && old->exports[i].ordinal <= 65535)
			max_old = old->exports[i].ordinal;
	old_order = key_order(old, true);
	def_order = name_order(old);
	if (!old_order || !def_order) {
		free(old_order);
		free(def_order);
		goto nomem;
	}
	for (size_t i = 0; i < m->nexports; i++) {
		dk_export *e = &m->exports[i];
		long k = find_in_order(old, old_order, dk_export_public_name(e));
		if (k < 0 && (k = find_in_order_by(old, def_order, e->name, false)) < 0)
			continue; /* (by the .def name: `f@4` keeps what `f@4 == f` had) */
		const dk_export *o = &old->exports[k];
		if (!e->ordinal)
			e->ordinal = o->ordinal;
		e->flags |= o->flags & (DK_EXPORT_NONAME | DK_EXPORT_PRIVATE | DK_EXPORT_CONSTANT);
		/* An `==` name or EXPORTAS belongs to the old line's shape: taken
		 * only when the new line has the same name. */
		if (strcmp(e->name, o->name) == 0 && !e->internal &&
		    (!take_str(&e->import_name, o->import_name) ||
		     !take_str(&e->export_as, o->export_as))) {
			free(old_order);
			free(def_order);
			goto nomem;
		}
	}
	free(old_order);
	free(def_order);
	/* New names get ordinals above every old one: a retired ordinal is
	 * never handed to another function, or old clients that import by
	 * ordinal would silently call the wrong thing. */
	if (max_old) {
		uint32_t next = max_old;
		for (size_t i = 0; i < m->nexports; i++)
			if (m->exports[i].ordinal > next && m->exports[i].ordinal <= 65535)
				next = m->exports[i].ordinal;
		order = name_order(m);
		if (!order)
			goto nomem;
		for (size_t i = 0; i < m->nexports; i++) {
			dk_export *e = &m->exports[order[i]];
			if (e->ordinal)
				continue;
			if (next >= 65535) {
				dk_report(s, DK_ERROR, NULL,
					  "no ordinal above %u is free for new export \"%s\"", max_old,
					  e->name);
				free(order);
				return DK_FAIL;
			}
			e->ordinal = ++next;
		}
		free(order);
	}
	return DK_OK;
nomem:
	dk_report(s, DK_ERROR, NULL, "out of memory");
	return DK_FAIL;
}
