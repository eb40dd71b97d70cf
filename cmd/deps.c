/* deps.c - dumpexports --deps: what dk_deps_resolve found, in the listing
 * formats (table, JSON, TSV) and as the paths of the DLLs to ship. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "deps.h"

bool deps_add_dir(deps_opts *o, const char *dir)
{
	char **v = cli_grow_list(o->dirs, o->ndirs, &o->capdirs);

	if (!v) {
		cli_error("out of memory");
		return false;
	}
	o->dirs = v;
	v[o->ndirs++] = (char *)dir;
	return true;
}

void deps_opts_free(deps_opts *o)
{
	free(o->dirs);
	for (size_t i = 0; i < o->nsystem; i++)
		free(o->system[i]);
	free(o->system);
	memset(o, 0, sizeof *o);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* Who imports: a DLL of the list, or the program. */
static const char *who(const dk_deps *d, size_t i, const char *program)
{
	return i == DK_DEP_PROGRAM ? base_name(program) : d->dlls[i].name;
}

static const char *machine_text(dk_machine m, uint16_t raw, bool arm64x, char *buf, size_t size)
{
	if (arm64x)
		return "ARM64X";
	if (dk_machine_name(m))
		return dk_machine_name(m);
	snprintf(buf, size, "machine 0x%04x", raw);
	return buf;
}

/* The function a problem is about: "name" or "ordinal 7". */
static void fn_text(char *buf, size_t size, const char *name, uint16_t ord)
{
	if (name)
		snprintf(buf, size, "\"%s\"", name);
	else
		snprintf(buf, size, "ordinal %u", ord);
}

/* One problem as a line of text (no newline), for the table and stderr. */
static void describe(char *buf, size_t size, const dk_deps *d, const dk_problem *p,
		     const char *program)
{
	const dk_dep *x = &d->dlls[p->dll];
	const char *imp = who(d, p->importer, program);
	char fn[600], via[600], m1[32], m2[32];

	switch (p->what) {
	case DK_PROBLEM_DLL:
		switch (x->status) {
		case DK_DEP_MISSING:
			snprintf(buf, size, "%s: not found (needed by %s)", x->name, imp);
			break;
		case DK_DEP_WRONG_MACHINE:
			snprintf(buf, size,
				 "%s: %s is for %s, %s is for %s: Windows stops with 0xc000007b",
				 x->name, x->path, machine_text(x->machine, x->raw_machine, x->arm64x, m1, sizeof m1),
				 imp,
				 p->importer == DK_DEP_PROGRAM
					 ? machine_text(d->machine, d->raw_machine, false, m2, sizeof m2)
					 : machine_text(d->dlls[p->importer].machine,
							d->dlls[p->importer].raw_machine,
							d->dlls[p->importer].arm64x, m2, sizeof m2));
			break;
		case DK_DEP_NOT_DLL:
			snprintf(buf, size, "%s: %s is not a DLL (needed by %s)", x->name, x->path, imp);
			break;
		default:
			snprintf(buf, size, "%s: %s could not be read (needed by %s)", x->name,
				 x->path ? x->path : "?", imp);
			break;
		}
		break;
	case DK_PROBLEM_NAME:
	case DK_PROBLEM_ORDINAL:
	case DK_PROBLEM_FORWARD_LOOP:
		fn_text(fn, sizeof fn, p->function, p->ordinal);
		if (p->via == DK_DEP_PROGRAM) {
			snprintf(buf, size, "%s: no export %s (imported by %s)", x->name, fn, imp);
			break;
		}
		fn_text(via, sizeof via, p->via_function, p->via_ordinal);
		if (p->what == DK_PROBLEM_FORWARD_LOOP)
			snprintf(buf, size,
				 "%s: %s forwards %s in a loop (%s imports it from %s)",
				 d->dlls[p->via].name, d->dlls[p->via].name, via, imp,
				 d->dlls[p->via].name);
		else
			snprintf(buf, size, "%s: no export %s (%s imports %s from %s, which forwards it there)",
				 x->name, fn, imp, via, d->dlls[p->via].name);
		break;
	}
	if (p->delay) {
		size_t n = strlen(buf);
		snprintf(buf + n, size - n, "; delay-loaded: fails at the first call, not at start");
	}
}

static void pad(size_t have, size_t want)
{
	while (have++ < want)
		putchar(' ');
}

static void table(const dk_deps *d, const char *program)
{
	size_t wname = strlen("DLL"), wstatus = strlen("wrong machine"), wby = strlen("NEEDED BY");
	char m[32];
	char line[2048];

	for (size_t i = 0; i < d->ndlls; i++) {
		size_t n = cli_escaped_len(d->dlls[i].name);
		size_t b = cli_escaped_len(who(d, d->dlls[i].needed_by, program));
		if (n > wname)
			wname = n;
		if (b > wby)
			wby = b;
	}
	cli_put_escaped(stdout, program);
	printf(": %s %s, %zu DLL%s\n", machine_text(d->machine, d->raw_machine, false, m, sizeof m),
	       d->is_dll ? "DLL" : "program", d->ndlls, d->ndlls == 1 ? "" : "s");
	if (d->ndlls) {
		printf("  DLL");
		pad(3, wname + 2);
		printf("STATUS");
		pad(6, wstatus + 2);
		printf("KIND   NEEDED BY");
		pad(9, wby + 2);
		printf("PATH\n");
	}
	for (size_t i = 0; i < d->ndlls; i++) {
		const dk_dep *x = &d->dlls[i];
		const char *by = who(d, x->needed_by, program);
		printf("  ");
		cli_put_escaped(stdout, x->name);
		pad(cli_escaped_len(x->name), wname + 2);
		fputs(dk_dep_status_name(x->status), stdout);
		pad(strlen(dk_dep_status_name(x->status)), wstatus + 2);
		fputs(x->kind == DK_IMPORTS_LOAD ? "load   " : "delay  ", stdout);
		cli_put_escaped(stdout, by);
		if (x->path) {
			pad(cli_escaped_len(by), wby + 2);
			cli_put_escaped(stdout, x->path);
		}
		if (x->forwarded)
			fputs(" (through a forwarder)", stdout);
		putchar('\n');
	}
	if (d->nproblems) {
		printf("problems:\n");
		for (size_t i = 0; i < d->nproblems; i++) {
			describe(line, sizeof line, d, &d->problems[i], program);
			printf("  ");
			cli_put_escaped(stdout, line);
			putchar('\n');
		}
	}
	size_t ndelay = d->nproblems - d->load_problems;
	if (d->load_problems)
		printf("will not load: %zu problem%s", d->load_problems,
		       d->load_problems == 1 ? "" : "s");
	else
		printf("will load");
	if (ndelay)
		printf(" (and %zu delay-load problem%s, met at the first call)", ndelay,
		       ndelay == 1 ? "" : "s");
	putchar('\n');
}

static void json_str_or_null(const char *key, const char *s, bool comma)
{
	printf("\"%s\": ", key);
	cli_put_json(stdout, s); /* NULL: null */
	if (comma)
		fputs(", ", stdout);
}

static void json(const dk_deps *d, const char *program)
{
	char m[32], line[2048];

	fputs("{\"dumpexports\": 1, \"deps\": {", stdout);
	json_str_or_null("path", program, true);
	json_str_or_null("machine", machine_text(d->machine, d->raw_machine, false, m, sizeof m), true);
	printf("\"kind\": \"%s\", \"will_load\": %s, \"load_problems\": %zu, \"delay_problems\": %zu, \"dlls\": [",
	       d->is_dll ? "dll" : "program", d->load_problems ? "false" : "true", d->load_problems,
	       d->nproblems - d->load_problems);
	for (size_t i = 0; i < d->ndlls; i++) {
		const dk_dep *x = &d->dlls[i];
		fputs(i ? ", {" : "{", stdout);
		json_str_or_null("name", x->name, true);
		json_str_or_null("status", dk_dep_status_name(x->status), true);
		json_str_or_null("kind", x->kind == DK_IMPORTS_LOAD ? "load" : "delay", true);
		json_str_or_null("needed_by", who(d, x->needed_by, program), true);
		printf("\"forwarded\": %s, ", x->forwarded ? "true" : "false");
		json_str_or_null("path", x->path, true);
		json_str_or_null("machine",
				 x->status == DK_DEP_FOUND || x->status == DK_DEP_WRONG_MACHINE ||
						 (x->status == DK_DEP_NOT_DLL && x->raw_machine)
					 ? machine_text(x->machine, x->raw_machine, x->arm64x, m, sizeof m)
					 : NULL,
				 false);
		putchar('}');
	}
	fputs("], \"problems\": [", stdout);
	for (size_t i = 0; i < d->nproblems; i++) {
		const dk_problem *p = &d->problems[i];
		static const char *const what[] = { "dll", "name", "ordinal", "forward-loop" };
		fputs(i ? ", {" : "{", stdout);
		json_str_or_null("what", what[p->what], true);
		json_str_or_null("importer", who(d, p->importer, program), true);
		json_str_or_null("dll", d->dlls[p->dll].name, true);
		if (p->what == DK_PROBLEM_DLL)
			json_str_or_null("status", dk_dep_status_name(d->dlls[p->dll].status), true);
		if (p->function)
			json_str_or_null("function", p->function, true);
		else if (p->what != DK_PROBLEM_DLL)
			printf("\"ordinal\": %u, ", p->ordinal);
		if (p->via != DK_DEP_PROGRAM) {
			json_str_or_null("via", d->dlls[p->via].name, true);
			if (p->via_function)
				json_str_or_null("via_function", p->via_function, true);
			else
				printf("\"via_ordinal\": %u, ", p->via_ordinal);
		}
		printf("\"delay\": %s, ", p->delay ? "true" : "false");
		describe(line, sizeof line, d, p, program);
		json_str_or_null("message", line, false);
		putchar('}');
	}
	fputs("]}}\n", stdout);
}

static void tsv_cell(const char *s, bool last)
{
	if (s)
		cli_put_tsv(stdout, s);
	putchar(last ? '\n' : '\t');
}

static void tsv(const dk_deps *d, const char *program)
{
	char m[32];

	fputs("dll\tstatus\tkind\tneeded_by\tpath\tmachine\n", stdout);
	for (size_t i = 0; i < d->ndlls; i++) {
		const dk_dep *x = &d->dlls[i];
		tsv_cell(x->name, false);
		tsv_cell(dk_dep_status_name(x->status), false);
		tsv_cell(x->kind == DK_IMPORTS_LOAD ? "load" : "delay", false);
		tsv_cell(who(d, x->needed_by, program), false);
		tsv_cell(x->path, false);
		tsv_cell(x->status == DK_DEP_FOUND || x->status == DK_DEP_WRONG_MACHINE
				 ? machine_text(x->machine, x->raw_machine, x->arm64x, m, sizeof m)
				 : NULL,
			 true);
	}
}

/* The problems on standard error, for the formats whose standard output
 * a script reads (TSV, paths): errors, and warnings for delay-loads. */
static void problems_to_stderr(const dk_deps *d, const char *program)
{
	char line[2048];

	cli_flush_stdout();
	for (size_t i = 0; i < d->nproblems; i++) {
		describe(line, sizeof line, d, &d->problems[i], program);
		cli_message(program, d->problems[i].delay ? "warning" : "error", "%s", line);
	}
	if (d->load_problems)
		cli_message(program, "error", "will not load: %zu problem%s", d->load_problems,
			    d->load_problems == 1 ? "" : "s");
}

int deps_run(const char *program, const deps_opts *o, listing_format format, dk_sink *s)
{
	dk_deps d;
	dk_deps_opts ro = { (const char *const *)o->dirs, o->ndirs,
			    (const char *const *)o->system, o->nsystem };
	bool unreadable = false;

	cli_subject(program);
	if (dk_deps_resolve(&d, program, &ro, s) != DK_OK) {
		cli_subject(NULL);
		return 2;
	}
	cli_subject(NULL);
	for (size_t i = 0; i < d.ndlls; i++)
		unreadable |= d.dlls[i].status == DK_DEP_UNREADABLE;
	if (o->paths) {
		/* Exactly the DLLs to copy beside the program: found ones,
		 * load-time and delay-loaded; no system DLL. */
		for (size_t i = 0; i < d.ndlls; i++)
			if (d.dlls[i].status == DK_DEP_FOUND)
				printf("%s\n", d.dlls[i].path);
		problems_to_stderr(&d, program);
	} else if (format == LISTING_JSON) {
		json(&d, program);
	} else if (format == LISTING_TSV) {
		tsv(&d, program);
		problems_to_stderr(&d, program);
	} else {
		table(&d, program);
	}
	int rc = unreadable ? 2 : d.load_problems ? 1 : 0;
	dk_deps_free(&d);
	return rc;
}
