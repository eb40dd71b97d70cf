/* diff.c - comparing two export sets, as a release script wants to. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

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
			k[i].name = e->name;
		}
	}
	qsort(k, m->nexports, sizeof *k, cmp_key);
	return k;
}

static bool is_data(const dk_export *e)
{
	return (e->flags & (DK_EXPORT_DATA | DK_EXPORT_CONSTANT)) != 0;
}

long dk_module_diff(const dk_module *om, const dk_module *nm, bool ignore_kind, dk_change_fn fn,
		    void *ctx)
{
	ordinal_key *ta = NULL, *tb = NULL;
	keyed_export *a = keyed(om, &ta), *b = keyed(nm, &tb);
	size_t i = 0, j = 0;
	long count = 0;

	if (!a || !b) {
		free(a);
		free(b);
		free(ta);
		free(tb);
		return -1;
	}
#define REPORT(what, x, y)                   \
	do {                                 \
		count++;                     \
		if (fn)                      \
			fn(ctx, what, x, y); \
	} while (0)
	while (i < om->nexports || j < nm->nexports) {
		int c = i >= om->nexports   ? 1
			: j >= nm->nexports ? -1
					    : strcmp(a[i].name, b[j].name);
		if (c < 0) {
			REPORT(DK_CHANGE_REMOVED, a[i].e, NULL);
			i++;
			continue;
		}
		if (c > 0) {
			REPORT(DK_CHANGE_ADDED, NULL, b[j].e);
			j++;
			continue;
		}
		const dk_export *x = a[i].e, *y = b[j].e;
		if (x->ordinal && y->ordinal && x->ordinal != y->ordinal)
			REPORT(DK_CHANGE_ORDINAL, x, y);
		if ((x->flags ^ y->flags) & DK_EXPORT_NONAME)
			REPORT(DK_CHANGE_NONAME, x, y);
		if (!ignore_kind && is_data(x) != is_data(y) && !x->forward && !y->forward)
			REPORT(DK_CHANGE_KIND, x, y);
		if (!dk_streq(x->forward, y->forward))
			REPORT(DK_CHANGE_FORWARD, x, y);
		i++;
		j++;
	}
#undef REPORT
	free(a);
	free(b);
	free(ta);
	free(tb);
	return count;
}
