/* mkdef - write a module-definition (.def) file from COFF objects and archives,
 * or from a DLL or an import library. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common.h"

static const char usage_text[] =
	"usage: mkdef [options] INPUT...\n"
	"Write a module-definition (.def) file listing what COFF objects and static\n"
	"archives export (INPUTs: objects, archives and @file response files), or\n"
	"what one DLL or import library exports (no @N guessing, NONAME kept).\n"
	"\n"
	"  -o, --output FILE        write the .def to FILE (default: standard output)\n"
	"      --library NAME       the LIBRARY name (default: from -o, FILE.def -> FILE.dll)\n"
	"      --export-all         export every external defined symbol, not only the\n"
	"                           __declspec(dllexport) ones (see FILTERS in mkdef(1))\n"
	"      --exclude SYM,...    leave these symbols out (shell patterns; repeatable)\n"
	"      --exclude-libs LIB,...  leave out what these archives define (ALL: every archive)\n"
	"      --keep-runtime-libs  with --export-all, do not leave out libgcc, libstdc++,\n"
	"                           CRT archives and start-up objects\n"
	"      --dialect gnu|msvc   i386 naming: MinGW ld (sfunc@8) or link.exe (_sfunc@8);\n"
	"                           default: from the objects' directives, else gnu\n"
	"  -k, --kill-at            export stdcall/fastcall names without their @N\n"
	"  -A, --add-stdcall-alias  export both f@N and an undecorated alias f\n"
	"      --recover-stdcall    with an i386 DLL linked with --kill-at: give its\n"
	"                           stdcall/fastcall exports their @N back, read from\n"
	"                           the code (f = f@8)\n"
	"      --merge OLD.def      keep the ordinals and flags OLD.def gave to names\n"
	"                           still exported; new names get new ordinals\n"
	"  -M, --depfile FILE       write a make rule listing every input read\n"
	"      --explain            say on standard error what --export-all left out and why\n"
	"                           (or what --recover-stdcall could not decide)\n"
	"      --native-def FILE    with an ARM64X DLL (two export tables): write the\n"
	"                           native (ARM64) view's .def to FILE, the EC one to -o\n"
	"      --dll NAME           with an import library naming several DLLs, the one\n"
	"                           to write the .def of\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version and the libbfd in use\n";

enum {
	OPT_LIBRARY = 256,
	OPT_MERGE,
	OPT_EXPLAIN,
	OPT_DLL,
	OPT_RECOVER,
	OPT_NATIVE_DEF = 300, /* ARM64X */
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "library", required_argument, NULL, OPT_LIBRARY },
	CLI_READ_LONG_OPTIONS,
	{ "kill-at", no_argument, NULL, 'k' },
	{ "add-stdcall-alias", no_argument, NULL, 'A' },
	{ "merge", required_argument, NULL, OPT_MERGE },
	{ "depfile", required_argument, NULL, 'M' },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "recover-stdcall", no_argument, NULL, OPT_RECOVER },
	{ "dll", required_argument, NULL, OPT_DLL },
	{ "native-def", required_argument, NULL, OPT_NATIVE_DEF },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

typedef struct options {
	const char *output, *library, *merge, *depfile, *dll;
	const char *native_def; /* ARM64X: where the native view's .def goes */
	bool kill_at, stdcall_alias, explain, recover;
	cli_read in;
	char **files; /* the inputs */
	int nfiles;
} options;

/* Counts of what --export-all left out, by reason, for the summary. */
typedef struct skip_stats {
	bool explain;
	unsigned long count[DK_SKIP_INTERNAL + 1];
	unsigned long runtime_members;
} skip_stats;

static void on_skip(void *ctx, const char *symbol, const char *where, dk_skip_reason why)
{
	skip_stats *st = ctx;
	st->count[why]++;
	if (st->explain)
		cli_message(where, "note", "left out %s \"%s\": %s",
			why == DK_SKIP_RUNTIME_LIB || why == DK_SKIP_RUNTIME_OBJ ||
					why == DK_SKIP_USER_LIB || why == DK_SKIP_IMPORT_THUNK
				? "member"
				: "symbol",
			symbol, dk_skip_reason_text(why));
}

static bool has_stdcall_name(const dk_module *m)
{
	for (size_t i = 0; i < m->nexports; i++)
		if (dk_i386_classify(m->exports[i].name) == DK_CC_PLAIN && strchr(m->exports[i].name, '@'))
			return true;
	return false;
}

/* The command line into `o`: 1 to run, 0 when done (--help, --version),
 * -1 after a usage error (printed). */
static int parse_options(int nargs, char **args, options *o)
{
	int c, r;

	opterr = 0;
	while ((c = getopt_long(nargs, args, ":o:kAM:hV", long_opts, NULL)) != -1) {
		if ((r = cli_read_option(&o->in, c, optarg)) != 0) {
			if (r < 0)
				return -1;
			continue;
		}
		switch (c) {
		case 'o': o->output = optarg; break;
		case OPT_LIBRARY:
			if (!*optarg) {
				cli_usage_error("--library takes the DLL's name (foo.dll), not \"\"");
				return -1;
			}
			o->library = optarg;
			break;
		case 'k': o->kill_at = true; break;
		case 'A': o->stdcall_alias = true; break;
		case OPT_MERGE: o->merge = optarg; break;
		case 'M': o->depfile = optarg; break;
		case OPT_EXPLAIN: o->explain = true; break;
		case OPT_DLL: o->dll = optarg; break;
		case OPT_RECOVER: o->recover = true; break;
		case OPT_NATIVE_DEF: o->native_def = optarg; break;
		default:
			/* -h, -V, and what getopt refused */
			return cli_standard_option(c, usage_text, args, long_opts) > 0 ? 0 : -1;
		}
	}
	o->files = args + optind;
	o->nfiles = nargs - optind;
	if (o->nfiles < 1) {
		cli_usage_error("no input files");
		return -1;
	}
	if (o->depfile && (!o->output || strcmp(o->output, "-") == 0)) {
		cli_usage_error("--depfile needs -o FILE to name the rule's target");
		return -1;
	}
	cli_read_finish(&o->in);
	return 1;
}

/*
 * The exports of the inputs, each read once: a DLL, an import library or
 * a .def on its own (*single says which), objects and archives together,
 * as one link.  Every input is read, so that one run reports every bad
 * file.  False after printing why.
 */
static bool read_exports(const options *o, cli_inputs *ins, dk_module *m, const skip_stats *st,
			 dk_input_kind *single, dk_sink *sink)
{
	const char *single_path = NULL;

	if (!cli_inputs_read(ins, o->files, (size_t)o->nfiles, sink))
		return false;
	*single = DK_INPUT_OBJECTS;
	for (size_t i = 0; i < ins->n; i++)
		if (ins->kind[i] == DK_INPUT_IMAGE || ins->kind[i] == DK_INPUT_IMPLIB ||
		    ins->kind[i] == DK_INPUT_DEF) {
			*single = ins->kind[i];
			single_path = o->files[i];
		}
	if (o->recover && *single != DK_INPUT_IMAGE) {
		cli_usage_error("--recover-stdcall reads the code of one i386 DLL given alone; "
				"%s is not one", o->files[0]);
		return false;
	}
	if (*single != DK_INPUT_OBJECTS) {
		if (o->nfiles != 1) {
			cli_usage_error("%s is a %s, read on its own; give it alone", single_path,
					dk_input_kind_name(*single));
			return false;
		}
		if (o->in.read.export_all || o->in.nexclude || o->in.nexclude_libs ||
		    o->in.read.keep_runtime_libs) {
			cli_usage_error("--export-all, --exclude, --exclude-libs and --keep-runtime-libs "
					"choose what objects export; %s is a %s", o->files[0],
					dk_input_kind_name(*single));
			return false;
		}
		/* What the library reports without a location is about it. */
		cli_subject(o->files[0]);
		if (o->recover ? cli_load_image_recover(&ins->v[0], o->explain, false, m, sink) != DK_OK
			       : dk_load_any(m, &ins->v[0], *single, o->dll, &o->in.read, NULL, sink) !=
					 DK_OK)
			return false;
		if (*single == DK_INPUT_IMAGE && dk_image_aliases(m, sink) != DK_OK)
			return false;
		if (*single == DK_INPUT_IMAGE && m->nexports == 0) {
			dk_loc loc = dk_loc_file(o->files[0]);
			dk_report(sink, DK_WARNING, &loc, "exports nothing: the .def lists no export");
		}
	} else if (dk_read_inputs_mem(m, ins->v, ins->n, &o->in.read, sink) != DK_OK) {
		return false;
	} else if (m->nexports == 0 && !st->count[DK_SKIP_USER_EXCLUDE] &&
		   !st->count[DK_SKIP_USER_LIB] && !st->count[DK_SKIP_RUNTIME_LIB]) {
		/* Said once, naming the inputs: an empty EXPORTS links a DLL
		 * that exports nothing, where ld without a .def exports all. */
		char names[300];
		cli_name_inputs(names, sizeof names, ins);
		if (o->in.read.export_all)
			fprintf(stderr, "mkdef: warning: nothing exported: %s define%s no external "
					"symbol --export-all exports\n", names, ins->n == 1 ? "s" : "");
		else
			fprintf(stderr, "mkdef: warning: nothing exported: %s ha%s no "
					"__declspec(dllexport) directive; --export-all exports every "
					"external symbol %s\n", names, ins->n == 1 ? "s" : "ve",
				ins->n == 1 ? "it defines" : "they define");
	}
	return true;
}

/* What --explain says at the end (or that only runtime libraries came). */
static void summary(const options *o, const skip_stats *st, const dk_module *m)
{
	if (o->explain) {
		unsigned long left = 0;
		for (int k = 1; k <= DK_SKIP_INTERNAL; k++)
			left += st->count[k];
		fprintf(stderr, "mkdef: note: %zu exports written; %lu left out\n", m->nexports,
			left);
		for (int k = 1; k <= DK_SKIP_INTERNAL; k++)
			if (st->count[k])
				fprintf(stderr, "mkdef: note:   %8lu %s\n", st->count[k],
					dk_skip_reason_text((dk_skip_reason)k));
	} else if (st->count[DK_SKIP_RUNTIME_LIB] && m->nexports == 0) {
		fprintf(stderr,
			"mkdef: warning: nothing exported: every input is a runtime library "
			"(--keep-runtime-libs exports from it)\n");
	}
}

/* --native-def FILE: another output, which must be none of the inputs,
 * nor -o or -M. */
static bool check_native_def(const options *o, const cli_deps *deps)
{
	char *out[1] = { (char *)o->native_def };

	if (!o->output || strcmp(o->output, "-") == 0 || strcmp(o->native_def, "-") == 0) {
		cli_usage_error("--native-def FILE goes with -o FILE: two .def files, one per view");
		return false;
	}
	if (strcmp(o->native_def, o->output) == 0 ||
	    (o->depfile && strcmp(o->native_def, o->depfile) == 0)) {
		cli_usage_error("--native-def names the same file as %s",
				strcmp(o->native_def, o->output) == 0 ? "-o" : "-M");
		return false;
	}
	return cli_check_outputs(o->native_def, NULL, o->files, (size_t)o->nfiles, deps, NULL) &&
	       cli_check_outputs(o->output, o->depfile, out, 1, NULL, NULL);
}

/*
 * ARM64X: the native view's .def, for --native-def (the EC view is the
 * module, written to -o).  Two views and no --native-def is an error, as
 * is --native-def with one view: a .def for only one of two export sets
 * would be a silent half.  The native .def gets what -o's gets: the
 * --library name, or the DLL's.  False after printing why.
 */
static bool native_view(const options *o, dk_module *m, char **text, size_t *len,
			dk_sink *sink)
{
	dk_module *n = m->native;

	if (!n && !o->native_def)
		return true;
	if (!n) {
		cli_usage_error("--native-def: %s has one export view (it is not an ARM64X DLL)",
				o->files[0]);
		return false;
	}
	if (!o->native_def) {
		dk_loc loc = dk_loc_file(o->files[0]);
		dk_report(sink, DK_ERROR, &loc, "has two export views (ARM64X): -o gets "
			  "the EC one; give --native-def FILE for the native (ARM64) one");
		return false;
	}
	if (o->merge || o->kill_at || o->stdcall_alias) {
		cli_usage_error("--merge, --kill-at and --add-stdcall-alias take one export view; "
				"%s has two (ARM64X)", o->files[0]);
		return false;
	}
	if (o->library) {
		free(n->name);
		if (!(n->name = strdup(o->library))) {
			cli_error("out of memory");
			return false;
		}
		n->has_name_stmt = true;
	} else if (!n->name && m->name && !(n->name = strdup(m->name))) {
		cli_error("out of memory");
		return false;
	}
	dk_module_sort(n);
	cli_subject(o->files[0]);
	if (dk_module_dedupe(n, sink, NULL) != DK_OK || dk_module_check(n, sink, NULL) != DK_OK)
		return false;
	cli_subject(o->native_def);
	return dk_def_write(n, text, len, sink) == DK_OK;
}

/* Read, shape and write the .def: 0, or 1 after printing why.  `deps`
 * holds the response files read; the inputs are added to it. */
static int run(options *o, cli_deps *deps, dk_sink *sink)
{
	skip_stats st;
	dk_module m;
	cli_inputs ins = { NULL, NULL, 0 };
	dk_input_kind single = DK_INPUT_OBJECTS;
	char *text = NULL, *ntext = NULL;
	size_t textlen = 0, ntextlen = 0;
	int status = 1;

	memset(&st, 0, sizeof st);
	dk_module_init(&m);
	if (!cli_check_outputs(o->output, o->depfile, o->files, (size_t)o->nfiles, deps, o->merge))
		goto out;
	if (o->native_def && !check_native_def(o, deps))
		goto out;
	st.explain = o->explain;
	o->in.read.on_skip = on_skip;
	o->in.read.skip_ctx = &st;

	for (int i = 0; i < o->nfiles; i++)
		if (!cli_deps_add(deps, o->files[i], o->output))
			goto nomem;
	if (!read_exports(o, &ins, &m, &st, &single, sink))
		goto out;
	if (!native_view(o, &m, &ntext, &ntextlen, sink))
		goto out;
	if (m.machine == DK_MACHINE_I386 && o->in.read.export_all && !m.dialect &&
	    has_stdcall_name(&m))
		fprintf(stderr, "mkdef: note: no directive tells how stdcall names are written; "
				"using ld's (f@8); --dialect msvc gives link.exe's (_f@8)\n");
	if (m.dialect == DK_DIALECT_AUTO)
		m.dialect = DK_DIALECT_GNU;
	if (dk_module_dedupe(&m, sink, NULL) != DK_OK)
		goto out;
	if (dk_module_apply_stdcall(&m, o->kill_at, o->stdcall_alias, sink) != DK_OK)
		goto out;
	if (o->stdcall_alias && dk_module_dedupe(&m, sink, NULL) != DK_OK)
		goto out;

	if (o->library) {
		free(m.name); /* a DLL's own name gives way */
		m.name = strdup(o->library);
		if (!m.name)
			goto nomem;
		m.has_name_stmt = true;
	}
	if (o->merge) {
		dk_module old;
		int rc;
		dk_module_init(&old);
		cli_subject(o->merge);
		rc = dk_def_parse_file(&old, o->merge, sink);
		if (rc == DK_OK)
			rc = dk_module_merge_old(&m, &old, sink);
		dk_module_free(&old);
		if (rc != DK_OK)
			goto out;
		if (!cli_deps_add(deps, o->merge, o->output))
			goto nomem;
	}
	if (!m.name && o->output && strcmp(o->output, "-") != 0) {
		m.name = dk_dll_name_from_def_path(o->output);
		if (!m.name)
			goto nomem;
		m.has_name_stmt = true;
	}
	dk_module_sort(&m);
	cli_subject(single != DK_INPUT_OBJECTS ? o->files[0] : NULL);
	if (dk_module_check(&m, sink, NULL) != DK_OK)
		goto out;
	cli_subject(o->output);
	if (dk_def_write(&m, &text, &textlen, sink) != DK_OK)
		goto out;
	summary(o, &st, &m);
	if (!cli_write_outputs2(o->output, text, textlen, o->native_def, ntext, ntextlen,
				o->depfile, deps))
		goto out;
	status = 0;
	goto out;
nomem:
	cli_error("out of memory");
out:
	free(text);
	free(ntext);
	dk_module_free(&m);
	cli_inputs_free(&ins);
	return status;
}

int main(int argc, char **argv)
{
	options o;
	dk_sink sink = cli_sink();
	char **args = NULL;
	cli_deps deps = { NULL, 0, 0 };
	int nargs = 0, status = 1;

	cli_start("mkdef");
	memset(&o, 0, sizeof o);
	if (cli_expand_argv(argc, argv, &nargs, &args, &deps)) {
		int r = parse_options(nargs, args, &o);
		status = r > 0 ? run(&o, &deps, &sink) : r == 0 ? 0 : 1;
	}
	cli_read_free(&o.in);
	cli_deps_free(&deps);
	cli_free_argv(nargs, args);
	return cli_exit_status(status, 1);
}
