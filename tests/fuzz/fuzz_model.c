/* fuzz_model.c - libFuzzer target: the export model (model.c) as mkdef
 * drives it: dedupe, stdcall kill-at and aliases, merge with an old .def,
 * sort, check, and the .def written from the result.
 *
 * Input: one byte of options, a .def text (the new export set), a NUL
 * byte, and a second .def text (the old file of --merge).  Options:
 *   bit 0  machine i386 (else x86-64)      bit 2  --kill-at
 *   bit 1  link.exe naming (MSVC dialect)  bit 3  --add-stdcall-alias
 *   bit 4  no old file
 *
 * Promises checked:
 *   dedupe   leaves each name once and loses no name, fails only with a
 *            word, and keeps DATA where any duplicate had it;
 *   merge    an export the old file has (by exported name, else by .def
 *            name) and that had no ordinal gets the old one; when the old
 *            file used ordinals, every export has one after, and the
 *            ordinals it hands out are above every old one;
 *   sort     names in byte order;
 *   check    passes only when ordinals are in range and each used once,
 *            NONAME only with one, at most 65535 exports;
 *   write    what the .def writer writes parses back to the same module. */
#include "fuzz.h"

static int cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of m, sorted, each once (malloc'd array of pointers into m). */
static const char **names(const dk_module *m, size_t *n)
{
	const char **v = malloc((m->nexports ? m->nexports : 1) * sizeof *v);
	size_t k = 0;
	if (!v)
		abort();
	for (size_t i = 0; i < m->nexports; i++)
		v[i] = m->exports[i].name;
	qsort(v, m->nexports, sizeof *v, cmp_pstr);
	for (size_t i = 0; i < m->nexports; i++)
		if (!k || strcmp(v[k - 1], v[i]) != 0)
			v[k++] = v[i];
	*n = k;
	return v;
}

static char **copy_names(const dk_module *m, size_t *n)
{
	const char **v = names(m, n);
	char **c = malloc((*n ? *n : 1) * sizeof *c);
	if (!c)
		abort();
	for (size_t i = 0; i < *n; i++)
		if (!(c[i] = strdup(v[i])))
			abort();
	free(v);
	return c;
}

static bool has_data(const dk_module *m, const char *name)
{
	for (size_t i = 0; i < m->nexports; i++)
		if (strcmp(m->exports[i].name, name) == 0 && (m->exports[i].flags & DK_EXPORT_DATA))
			return true;
	return false;
}

static void dedupe(dk_module *m, dk_sink *s, const char *when)
{
	size_t nb, na;
	char **before = copy_names(m, &nb);
	char **data_names = calloc(nb ? nb : 1, sizeof *data_names);
	unsigned errors = s->errors;
	if (!data_names)
		abort();
	for (size_t i = 0; i < nb; i++)
		data_names[i] = has_data(m, before[i]) ? before[i] : NULL;
	int rc = dk_module_dedupe(m, s, NULL);
	if (rc != DK_OK && s->errors == errors)
		fuzz_fail("%s: dedupe failed without a word", when);
	if (m->nexports != nb) /* each name once */
		fuzz_fail("%s: dedupe left %zu exports for %zu names", when, m->nexports, nb);
	const char **after = names(m, &na);
	if (na != nb)
		fuzz_fail("%s: dedupe: %zu names before, %zu after", when, nb, na);
	for (size_t i = 0; i < nb; i++) {
		if (strcmp(before[i], after[i]) != 0)
			fuzz_fail("%s: dedupe lost \"%s\"", when, before[i]);
		/* (after a conflict, reported, the export is not one anyway:
		 * `f = dll.g` and `f = impl DATA` keep the first) */
		if (rc == DK_OK && data_names[i] && !has_data(m, before[i]))
			fuzz_fail("%s: dedupe dropped DATA from \"%s\"", when, before[i]);
	}
	for (size_t i = 0; i < nb; i++)
		free(before[i]);
	free(before);
	free(data_names);
	free(after);
}

/* The old export merge_old matches e with: the first by exported name, else
 * the first by .def name. */
static const dk_export *old_match(const dk_module *old, const dk_export *e)
{
	const char *pub = dk_export_public_name(e);
	for (size_t i = 0; i < old->nexports; i++)
		if (strcmp(dk_export_public_name(&old->exports[i]), pub) == 0)
			return &old->exports[i];
	for (size_t i = 0; i < old->nexports; i++)
		if (strcmp(old->exports[i].name, e->name) == 0)
			return &old->exports[i];
	return NULL;
}

static void merge(dk_module *m, const dk_module *old, dk_sink *s)
{
	uint32_t *had = calloc(m->nexports ? m->nexports : 1, sizeof *had), max_old = 0;
	unsigned errors = s->errors;
	/* Quadratic checks: only for sizes a fuzzer makes in a moment. */
	bool small = (double)m->nexports * (double)old->nexports < 1e6;

	if (!had)
		abort();
	for (size_t i = 0; i < m->nexports; i++)
		had[i] = m->exports[i].ordinal;
	for (size_t i = 0; i < old->nexports; i++)
		if (old->exports[i].ordinal <= 65535 && old->exports[i].ordinal > max_old)
			max_old = old->exports[i].ordinal;
	size_t n = m->nexports;
	if (dk_module_merge_old(m, old, s) != DK_OK) {
		if (s->errors == errors)
			fuzz_fail("merge failed without a word");
		free(had);
		return;
	}
	if (m->nexports != n)
		fuzz_fail("merge changed the number of exports (%zu -> %zu)", n, m->nexports);
	for (size_t i = 0; i < n; i++) {
		const dk_export *e = &m->exports[i];
		const dk_export *o = small ? old_match(old, e) : NULL;
		if (had[i] && e->ordinal != had[i])
			fuzz_fail("merge changed the ordinal \"%s\" had (%u -> %u)", e->name, had[i],
				  e->ordinal);
		if (!had[i] && o && o->ordinal && e->ordinal != o->ordinal)
			fuzz_fail("merge: \"%s\" got %u, its old ordinal was %u", e->name, e->ordinal,
				  o->ordinal);
		if (max_old && !e->ordinal)
			fuzz_fail("merge: \"%s\" has no ordinal, the old file used them", e->name);
		if (small && max_old && !had[i] && !o && e->ordinal <= max_old)
			fuzz_fail("merge gave new export \"%s\" ordinal %u, not above the old %u",
				  e->name, e->ordinal, max_old);
	}
	free(had);
}

static void check(const dk_module *m, dk_sink *s)
{
	unsigned errors = s->errors;
	int rc = dk_module_check(m, s, NULL);
	bool good = m->nexports <= 65535;
	unsigned char *used = calloc(65536, 1);
	if (!used)
		abort();
	for (size_t i = 0; i < m->nexports && good; i++) {
		const dk_export *e = &m->exports[i];
		if ((e->flags & DK_EXPORT_NONAME) && !e->ordinal)
			good = false;
		else if (e->ordinal > 65535)
			good = false;
		else if (e->ordinal && used[e->ordinal]++)
			good = false;
	}
	free(used);
	if ((rc == DK_OK) != good)
		fuzz_fail("check says %s, the ordinals are %s", rc == DK_OK ? "good" : "bad",
			  good ? "good" : "bad");
	if (rc != DK_OK && s->errors == errors)
		fuzz_fail("check failed without a word");
}

static void write_back(const dk_module *m)
{
	dk_sink quiet = fuzz_quiet();
	fuzz_diags g;
	dk_sink s = fuzz_keeping(&g);
	char *text = NULL;
	size_t len, at;
	dk_module back;
	const char *field;

	if (dk_def_write(m, &text, &len, &quiet) != DK_OK) {
		if (!quiet.errors)
			fuzz_fail(".def writer failed without a word");
		free(text);
		return;
	}
	dk_module_init(&back);
	if (dk_def_parse(&back, text, len, "written.def", &s) != DK_OK)
		fuzz_fail("the .def written from the model does not parse: %s", g.first);
	if ((field = fuzz_module_diff(m, &back, &at)) != NULL)
		fuzz_fail("the .def written from the model parses back with %s different (at %zu)",
			  field, at);
	dk_module_free(&back);
	free(text);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = fuzz_quiet();
	const unsigned char *pa, *pb;
	size_t la, lb;
	dk_module m, old;
	unsigned opt;

	if (size < 1)
		return 0;
	opt = data[0];
	la = fuzz_part(data + 1, size - 1, 0, &pa);
	lb = fuzz_part(data + 1, size - 1, 1, &pb);
	dk_module_init(&m);
	dk_module_init(&old);
	if (dk_def_parse(&m, (const char *)pa, la, "new.def", &quiet) != DK_OK ||
	    (!(opt & 16) && dk_def_parse(&old, (const char *)pb, lb, "old.def", &quiet) != DK_OK))
		goto out;
	m.machine = opt & 1 ? DK_MACHINE_I386 : DK_MACHINE_AMD64;
	m.dialect = opt & 2 ? DK_DIALECT_MSVC : DK_DIALECT_GNU;
	dedupe(&m, &quiet, "first");
	if (dk_module_apply_stdcall(&m, opt & 4, opt & 8, &quiet) != DK_OK) {
		if (!quiet.errors)
			fuzz_fail("stdcall kill-at/alias failed without a word");
		goto out;
	}
	if (opt & 8)
		dedupe(&m, &quiet, "after the stdcall aliases");
	if (!(opt & 16))
		merge(&m, &old, &quiet);
	dk_module_sort(&m);
	for (size_t i = 1; i < m.nexports; i++)
		if (strcmp(m.exports[i - 1].name, m.exports[i].name) > 0)
			fuzz_fail("sort: \"%s\" before \"%s\"", m.exports[i - 1].name,
				  m.exports[i].name);
	check(&m, &quiet);
	write_back(&m);
out:
	dk_module_free(&m);
	dk_module_free(&old);
	return 0;
}
