/* diff.c - comparing two export sets, as a release script wants to.
 *
 * Exports are matched by the name the DLL exports (dk_export_public_name:
 * a .def's `f@4 == f` and `f = f@4` both export "f"), never by internal
 * names.  An ordinal that moved is a break only where a client can have
 * bound to it: a NONAME export (imported by ordinal by definition), or an
 * ordinal the old side wrote down (a .def's `@N`, which promises it).  GNU
 * ld numbers a .def without ordinals in name order, so one added function
 * moves every ordinal after it; import libraries import by name (unless
 * NONAME), so no client notices, and those moves are passed on as
 * DK_CHANGE_ORDINAL_MOVED, not counted. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "dllkit_private.h"

/* The key an export is matched by: its name, or "#ordinal" for NONAME.
 * The "#N" texts live in their own array, so sorting the keys does not
 * move the text a key points at. */
typedef struct keyed_export {
	const char *name;
	const dk_export *e;
} keyed_export;

typedef char ordinal_key[16];

static int cmp_key(const void *a, const void *b)
{
	const keyed_export *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static keyed_export *keyed(const dk_module *m, ordinal_key **texts)
{
	size_t n = m->nexports ? m->nexports : 1;
	keyed_export *k = calloc(n, sizeof *k);
	ordinal_key *t = calloc(n, sizeof *t);

	*texts = t;
	if (!k || !t) {
		free(k);
		return NULL;
	}
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		k[i].e = e;
		if ((e->flags & DK_EXPORT_NONAME) && e->ordinal) {
			/* '\x01' sorts before any name a DLL can have. */
			snprintf(t[i], sizeof t[i], "\x01#%05u", e->ordinal);
			k[i].name = t[i];
		} else {
			k[i].name = dk_export_public_name(e);
		}
	}
	qsort(k, m->nexports, sizeof *k, cmp_key);
	return k;
}

static bool is_data(const dk_export *e)
{
	return (e->flags & (DK_EXPORT_DATA | DK_EXPORT_CONSTANT)) != 0;
}

/* A difference found, reported once all are known (in name order). */
typedef struct change {
	dk_change what;
	const dk_export *old_e, *new_e;
} change;

static const char *change_key(const change *c)
{
	/* NONAME exports of images have made-up names: order those by the
	 * export that has a real one. */
	const dk_export *e = c->old_e && !(c->old_e->flags & DK_EXPORT_NONAME) ? c->old_e
			     : c->new_e && !(c->new_e->flags & DK_EXPORT_NONAME) ? c->new_e
			     : c->old_e ? c->old_e : c->new_e;
	return dk_export_public_name(e);
}

/* For one export: added, removed, ordinal (moved or not), NONAME, kind, forward. */
static int rank(dk_change what)
{
	return what == DK_CHANGE_ORDINAL_MOVED ? (int)DK_CHANGE_ORDINAL : (int)what;
}

static int cmp_change(const void *a, const void *b)
{
	const change *x = a, *y = b;
	int c = strcmp(change_key(x), change_key(y));
	return c ? c : rank(x->what) - rank(y->what);
}

static bool push(change **v, size_t *n, size_t *cap, dk_change what, const dk_export *o,
		 const dk_export *e)
{
	change *p = dk_reserve(*v, cap, *n + 1, sizeof *p);
	if (!p)
		return false;
	*v = p;
	(*v)[(*n)++] = (change){ what, o, e };
	return true;
}

/* The differences between two exports of one name. */
static bool compare_pair(change **v, size_t *n, size_t *cap, const dk_module *om,
			 const dk_export *x, const dk_export *y, bool ignore_kind)
{
	bool ok = true;

	if (x->ordinal && y->ordinal && x->ordinal != y->ordinal) {
		bool pinned = !om->ordinals_assigned || ((x->flags | y->flags) & DK_EXPORT_NONAME);
		ok = push(v, n, cap, pinned ? DK_CHANGE_ORDINAL : DK_CHANGE_ORDINAL_MOVED, x, y);
	}
	if ((x->flags ^ y->flags) & DK_EXPORT_NONAME)
		ok = ok && push(v, n, cap, DK_CHANGE_NONAME, x, y);
	if (!ignore_kind && is_data(x) != is_data(y) && !x->forward && !y->forward)
		ok = ok && push(v, n, cap, DK_CHANGE_KIND, x, y);
	if (!dk_streq(x->forward, y->forward))
		ok = ok && push(v, n, cap, DK_CHANGE_FORWARD, x, y);
	return ok;
}

/* Two entries of one name on one side that say the same thing. */
static bool same_entry(const dk_export *x, const dk_export *y)
{
	return x->ordinal == y->ordinal && !((x->flags ^ y->flags) & DK_EXPORT_NONAME) &&
	       is_data(x) == is_data(y) && dk_streq(x->forward, y->forward);
}

/* compare_pair would find nothing between x and y. */
static bool no_difference(const dk_module *om, const dk_export *x, const dk_export *y,
			  bool ignore_kind)
{
	(void)om;
	return !(x->ordinal && y->ordinal && x->ordinal != y->ordinal) &&
	       !((x->flags ^ y->flags) & DK_EXPORT_NONAME) &&
	       (ignore_kind || is_data(x) == is_data(y) || x->forward || y->forward) &&
	       dk_streq(x->forward, y->forward);
}

/* Some entry of the run other[from, to) says what e says. */
static bool has_twin(const dk_module *om, const dk_export *e, const keyed_export *other,
		     size_t from, size_t to, bool ignore_kind)
{
	for (size_t k = from; k < to; k++)
		if (no_difference(om, e, other[k].e, ignore_kind))
			return true;
	return false;
}

long dk_module_diff(const dk_module *om, const dk_module *nm, bool ignore_kind, dk_change_fn fn,
		    void *ctx)
{
	ordinal_key *ta = NULL, *tb = NULL;
	keyed_export *a = keyed(om, &ta), *b = keyed(nm, &tb);
	change *v = NULL;
	size_t i = 0, j = 0, n = 0, cap = 0;
	long count = -1;
	bool ok = a && b;

	/* A name listed twice on one side (a .def may say `f` twice; the
	 * import library made from it, or the DLL, has it once) is one
	 * export: the names are walked in runs of one key, and a repeat is
	 * compared only when it says something its run's first did not. */
	while (ok && (i < om->nexports || j < nm->nexports)) {
		int c = i >= om->nexports   ? 1
			: j >= nm->nexports ? -1
					    : strcmp(a[i].name, b[j].name);
		const char *key = c <= 0 ? a[i].name : b[j].name;
		size_t ie = i, je = j;
		if (c <= 0)
			while (ie < om->nexports && strcmp(a[ie].name, key) == 0)
				ie++;
		if (c >= 0)
			while (je < nm->nexports && strcmp(b[je].name, key) == 0)
				je++;
		if (c < 0) {
			ok = push(&v, &n, &cap, DK_CHANGE_REMOVED, a[i].e, NULL);
		} else if (c > 0) {
			ok = push(&v, &n, &cap, DK_CHANGE_ADDED, NULL, b[j].e);
		} else {
			/* Each entry of a run that has no counterpart saying the
			 * same on the other side is compared with that side's
			 * first; a pair is compared once. */
			bool first_alone = !has_twin(om, a[i].e, b, j, je, ignore_kind);
			if (first_alone)
				ok = compare_pair(&v, &n, &cap, om, a[i].e, b[j].e, ignore_kind);
			for (size_t k = i + 1; ok && k < ie; k++)
				if (!same_entry(a[k].e, a[k - 1].e) &&
				    !has_twin(om, a[k].e, b, j, je, ignore_kind))
					ok = compare_pair(&v, &n, &cap, om, a[k].e, b[j].e, ignore_kind);
			for (size_t k = j; ok && k < je; k++)
				if ((k == j || !same_entry(b[k].e, b[k - 1].e)) &&
				    !(k == j && first_alone) &&
				    !has_twin(om, b[k].e, a, i, ie, ignore_kind))
					ok = compare_pair(&v, &n, &cap, om, a[i].e, b[k].e, ignore_kind);
		}
		i = ie;
		j = je;
	}
	/* A named export that became NONAME on the same ordinal (or the other
	 * way round) shows up as one removed and one added: it is one change.
	 * (Images have no name for a NONAME export to match by.) */
	for (size_t r = 0; ok && r < n; r++) {
		if (v[r].what != DK_CHANGE_REMOVED || !v[r].old_e || !v[r].old_e->ordinal)
			continue;
		for (size_t k = 0; k < n; k++) {
			if (v[k].what != DK_CHANGE_ADDED || v[k].new_e->ordinal != v[r].old_e->ordinal ||
			    !((v[k].new_e->flags ^ v[r].old_e->flags) & DK_EXPORT_NONAME))
				continue;
			v[r].what = DK_CHANGE_NONAME;
			v[r].new_e = v[k].new_e;
			v[k].what = DK_CHANGE_REMOVED;
			v[k].new_e = NULL; /* spent: neither removed nor added */
			v[k].old_e = NULL;
			break;
		}
	}
	if (ok) {
		size_t out = 0;
		for (size_t k = 0; k < n; k++)
			if (v[k].old_e || v[k].new_e)
				v[out++] = v[k];
		n = out;
		if (n > 1)
			qsort(v, n, sizeof *v, cmp_change);
		count = 0;
		for (size_t k = 0; k < n; k++) {
			if (fn)
				fn(ctx, v[k].what, v[k].old_e, v[k].new_e);
			if (v[k].what != DK_CHANGE_ORDINAL_MOVED)
				count++;
		}
	}
	free(v);
	free(a);
	free(b);
	free(ta);
	free(tb);
	return count;
}
