/* fuzz_exp.c - libFuzzer target: the export-object (.exp) reader on any
 * bytes, and what it reads written back by the .exp writer.
 *
 * Promises checked: a refusal says why and leaves no export behind; every
 * export read has a name; an
 * accepted export set that the writer takes is written as an object the
 * reader reads back with the same number of exports and (but on i386,
 * whose .def naming rules do not all invert) the same names, forwarders
 * and, where the first read gave every export one, ordinals. */
#include "fuzz.h"

static void roundtrip(const dk_module *m)
{
	dk_sink quiet = fuzz_quiet();
	dk_implib_opts o;
	char *out = NULL;
	size_t len = 0;
	bool all_numbered = true;

	memset(&o, 0, sizeof o);
	o.machine = m->machine;
	o.dll_name = m->name;
	/* i386: symbols named as the reader named them (GNU, or link.exe's
	 * naming when the names say so). */
	o.dialect = m->dialect;
	for (size_t i = 0; i < m->nexports; i++)
		all_numbered &= m->exports[i].ordinal != 0;
	if (dk_exp_write(m, &o, &out, &len, &quiet) != DK_OK) {
		if (!quiet.errors)
			fuzz_fail("export object not written, without a word");
		return;
	}
	if (!dk_is_exp_mem(out, len))
		fuzz_fail("the writer's object is not taken for an export object");
	dk_module back;
	fuzz_diags g;
	dk_sink keep = fuzz_keeping(&g);
	dk_module_init(&back);
	if (dk_read_exp_mem(&back, out, len, "again.exp", &keep) != DK_OK)
		fuzz_fail("the writer's export object is refused: %s", g.first);
	if (back.nexports != m->nexports)
		fuzz_fail("%zu exports written, %zu read back", m->nexports, back.nexports);
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *a = &m->exports[i];
		long k = dk_module_find(&back, a->name);
		/* NONAME ones are named after their symbol; i386 names go through
		 * the .def naming rules (names.c), not all of which invert. */
		if ((a->flags & DK_EXPORT_NONAME) || m->machine == DK_MACHINE_I386)
			continue;
		if (k < 0)
			fuzz_fail("export \"%s\" lost in the round trip", a->name);
		const dk_export *b = &back.exports[k];
		if ((a->forward || b->forward) && (!a->forward || !b->forward || strcmp(a->forward, b->forward)))
			fuzz_fail("export \"%s\" forwarded to %s, read back %s", a->name,
				  fuzz_s(a->forward), fuzz_s(b->forward));
		if (all_numbered && a->ordinal != b->ordinal)
			fuzz_fail("export \"%s\" ordinal %u, read back %u", a->name, a->ordinal,
				  b->ordinal);
	}
	dk_module_free(&back);
	dk_free(out);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_sink quiet = fuzz_quiet();
	dk_module m;

	dk_module_init(&m);
	(void)dk_is_exp_mem(data, size);
	if (dk_read_exp_mem(&m, data, size, "fuzz.exp", &quiet) != DK_OK) {
		if (!quiet.errors)
			fuzz_fail("export object refused without a word");
	} else {
		for (size_t i = 0; i < m.nexports; i++) {
			const dk_export *e = &m.exports[i];
			if (!e->name || !e->name[0])
				fuzz_fail("export %zu read without a name", i);
		}
		if (m.machine != DK_MACHINE_ARM64EC)
			roundtrip(&m);
	}
	dk_module_free(&m);
	return 0;
}
