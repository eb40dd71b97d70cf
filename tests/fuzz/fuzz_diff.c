/* fuzz_diff.c - libFuzzer target: comparing two export sets (diff.c).
 *
 * Input: two .def texts separated by a NUL byte.
 * Promises checked: a set compared with itself has no difference; each
 * difference is passed once, in name order, with the exports its kind
 * says (added: new only, removed: old only, the rest: both); the count is
 * what was passed (less the ordinal moves); comparing the other way gives
 * as many differences, added and removed swapped; --ignore-kind never
 * finds more. */
#include "fuzz.h"

typedef struct seen {
	long counted, added, removed, moved;
	const char *last;
	bool last_valid;
} seen;

static const char *key_of(const dk_export *o, const dk_export *n)
{
	const dk_export *e = o && !(o->flags & DK_EXPORT_NONAME) ? o
			     : n && !(n->flags & DK_EXPORT_NONAME) ? n
			     : o ? o : n;
	return dk_export_public_name(e);
}

static void on_change(void *ctx, dk_change what, const dk_export *o, const dk_export *n)
{
	seen *s = ctx;
	const char *key;

	switch (what) {
	case DK_CHANGE_ADDED:
		if (o || !n)
			fuzz_fail("an added export with an old side or without a new one");
		s->added++;
		break;
	case DK_CHANGE_REMOVED:
		if (!o || n)
			fuzz_fail("a removed export without an old side or with a new one");
		s->removed++;
		break;
	case DK_CHANGE_ORDINAL:
	case DK_CHANGE_NONAME:
	case DK_CHANGE_KIND:
	case DK_CHANGE_FORWARD:
	case DK_CHANGE_ORDINAL_MOVED:
		if (!o || !n)
			fuzz_fail("a change (%d) without both sides", (int)what);
		break;
	default:
		fuzz_fail("unknown change %d", (int)what);
	}
	if (what == DK_CHANGE_ORDINAL_MOVED)
		s->moved++;
	else
		s->counted++;
	key = key_of(o, n);
	if (s->last_valid && strcmp(s->last, key) > 0)
		fuzz_fail("changes out of name order: \"%s\" after \"%s\"", key, s->last);
	s->last = key;
	s->last_valid = true;
}

static seen diff(const dk_module *a, const dk_module *b, bool ignore_kind)
{
	seen s;
	long n;
	memset(&s, 0, sizeof s);
	n = dk_module_diff(a, b, ignore_kind, on_change, &s);
	if (n < 0)
		fuzz_fail("dk_module_diff failed (out of memory?)");
	if (n != s.counted)
		fuzz_fail("dk_module_diff returned %ld but passed %ld differences", n, s.counted);
	if (dk_module_diff(a, b, ignore_kind, NULL, NULL) != n)
		fuzz_fail("dk_module_diff counts otherwise without a callback");
	return s;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = fuzz_quiet();
	const unsigned char *pa, *pb;
	size_t la = fuzz_part(data, size, 0, &pa), lb = fuzz_part(data, size, 1, &pb);
	dk_module a, b;
	int ok;

	dk_module_init(&a);
	dk_module_init(&b);
	ok = dk_def_parse(&a, (const char *)pa, la, "old.def", &quiet) == DK_OK &&
	     dk_def_parse(&b, (const char *)pb, lb, "new.def", &quiet) == DK_OK;
	if (ok) {
		seen ab = diff(&a, &b, false), ba = diff(&b, &a, false);
		seen abi = diff(&a, &b, true);
		seen aa = diff(&a, &a, false), bb = diff(&b, &b, false);
		if (aa.counted || aa.moved || bb.counted || bb.moved)
			fuzz_fail("a set compared with itself differs (%ld, %ld)", aa.counted,
				  bb.counted);
		if (ab.counted != ba.counted)
			fuzz_fail("old->new has %ld differences, new->old %ld", ab.counted,
				  ba.counted);
		if (ab.added != ba.removed || ab.removed != ba.added)
			fuzz_fail("old->new adds %ld and removes %ld; new->old adds %ld and removes %ld",
				  ab.added, ab.removed, ba.added, ba.removed);
		if (abi.counted > ab.counted)
			fuzz_fail("--ignore-kind finds more differences (%ld > %ld)", abi.counted,
				  ab.counted);
	}
	dk_module_free(&a);
	dk_module_free(&b);
	return 0;
}
