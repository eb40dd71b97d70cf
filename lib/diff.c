/* diff.c - comparing two export sets, as a release script wants to. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

/* The key an export is matched by: its name, or "#ordinal" for NONAME. */
typedef struct keyed_export {
	char key[24];
	const char *name;
	const dk_export *e;
} keyed_export;

static int cmp_key(const void *a, const void *b)
{
	const keyed_export *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static keyed_export *keyed(const dk_module *m)
{
	keyed_export *k = calloc(m->nexports ? m->nexports : 1, sizeof *k);
	if (!k)
		return NULL;
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		k[i].e = e;
		if ((e->flags & DK_EXPORT_NONAME) && e->ordinal) {
			/* '\x01' sorts before any name a DLL can have. */
			snprintf(k[i].key, sizeof k[i].key, "\x01#%05u", e->ordinal);
			k[i].name = k[i].key;
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
	keyed_export *a = keyed(om), *b = keyed(nm);
	size_t i = 0, j = 0;
	long count = 0;

	if (!a || !b) {
		free(a);
		free(b);
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
	return count;
}
