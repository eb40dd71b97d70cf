/* mkimplib - write an import library from a .def file, a DLL, an import
 * library, or objects. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common.h"
#include "dlltool.h"

static const char usage_text[] =
	"usage: mkimplib [options] -o OUTPUT INPUT...\n"
	"       mkimplib [options] [-o OUTPUT] --exp FILE.exp INPUT...\n"
	"Write an import library for a DLL: from its .def file, from the DLL itself,\n"
	"from another import library, or from the objects and archives it is linked\n"
	"from (their exports collected as mkdef does).\n"
	"\n"
	"  -o, --output FILE        the import library to write (foo.lib, libfoo.dll.a)\n"
	"  -m, --machine MACHINE    i386, x86-64, arm64, arm64ec or arm\n"
	"                           (default: the objects' machine; a .def names none)\n"
	"  -D, --dllname NAME       the DLL the loader looks for (default: the .def's\n"
	"                           LIBRARY or NAME; \".dll\" is added when it has no suffix)\n"
	"      --format short|long  short: Microsoft/LLVM short-import members (default);\n"
	"                           long: GNU dlltool's one object per import\n"
	"      --archive gnu|coff   archive kind (default: coff for short, gnu for long)\n"
	"      --delay              a delay-load library: the DLL is loaded at the first\n"
	"                           call (i386, x86-64, arm64; DATA exports left out)\n"
	"  -k, --kill-at            import stdcall/fastcall functions without their @N\n"
	"      --recover-stdcall    with an i386 DLL linked with --kill-at as input: import\n"
	"                           its stdcall/fastcall functions as _f@8, the @N read\n"
	"                           from the code (mkdef(1) says how)\n"
	"      --no-leading-underscore  i386: C symbols carry no '_' prefix\n"
	"      --dll NAME           with an import library naming several DLLs as\n"
	"                           input, the one to write a library for\n"
	"      --dialect gnu|msvc   i386: the .def names follow MinGW ld (sfunc@8) or\n"
	"                           link.exe (_sfunc@8); default: gnu, or the objects'\n"
	"      --export-all, --exclude SYM,..., --exclude-libs LIB,..., --keep-runtime-libs\n"
	"                           with objects as input: as in mkdef(1)\n"
	"      --native-def FILE    with -m arm64ec: the native (ARM64) exports of an\n"
	"                           ARM64X DLL; the library holds both (llvm-dlltool -N)\n"
	"      --exp FILE           also (or only) write an export object: the DLL's\n"
	"                           export table, to link the DLL with instead of a .def\n"
	"  -M, --depfile FILE       write a make rule listing every input read\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n";

enum {
	OPT_FORMAT = 256, OPT_ARCHIVE, OPT_NO_UNDERSCORE, OPT_DLL, OPT_RECOVER,
	OPT_NATIVE_DEF, OPT_DELAY, OPT_EXP
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "machine", required_argument, NULL, 'm' },
	{ "dllname", required_argument, NULL, 'D' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "archive", required_argument, NULL, OPT_ARCHIVE },
	{ "kill-at", no_argument, NULL, 'k' },
	{ "recover-stdcall", no_argument, NULL, OPT_RECOVER },
	{ "no-leading-underscore", no_argument, NULL, OPT_NO_UNDERSCORE },
	{ "dll", required_argument, NULL, OPT_DLL },
	{ "native-def", required_argument, NULL, OPT_NATIVE_DEF },
	{ "exp", required_argument, NULL, OPT_EXP },
	{ "delay", no_argument, NULL, OPT_DELAY },
	CLI_READ_LONG_OPTIONS,
	{ "depfile", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

typedef struct options {
	const char *output, *depfile, *machine, *dllname, *dll_pick;
	const char *native_def; /* ARM64X: the native view's .def */
	const char *exp; /* --exp: the export object to write, or NULL */
	bool recover;
	bool delay, format_short; /* --delay; --format short given (refused with it) */
	dk_implib_opts io; /* -k, --no-leading-underscore, --format, --archive */
	cli_read in;
	char **files; /* the inputs */
	int nfiles;
} options;

/* The command line into `o`: 1 to run, 0 when done (--help, --version),
 * -1 after a usage error (printed). */
static int parse_options(int nargs, char **args, options *o)
{
	int c, r;

	opterr = 0;
	while ((c = getopt_long(nargs, args, ":o:m:D:kM:hV", long_opts, NULL)) != -1) {
		if ((r = cli_read_option(&o->in, c, optarg)) != 0) {
			if (r < 0)
				return -1;
			continue;
		}
		switch (c) {
		case 'o': o->output = optarg; break;
		case 'm': o->machine = optarg; break;
		case 'D': o->dllname = optarg; break;
		case 'k': o->io.kill_at = true; break;
		case OPT_NO_UNDERSCORE: o->io.no_leading_underscore = true; break;
		case OPT_DLL: o->dll_pick = optarg; break;
		case OPT_RECOVER: o->recover = true; break;
		case OPT_NATIVE_DEF: o->native_def = optarg; break;
		case OPT_EXP: o->exp = optarg; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "short") == 0) {
				o->io.format = DK_IMPLIB_SHORT;
				o->format_short = true;
			} else if (strcmp(optarg, "long") == 0) {
				o->io.format = DK_IMPLIB_LONG;
			} else {
				cli_usage_error("--format takes short or long, not \"%s\"", optarg);
				return -1;
			}
			break;
		case OPT_ARCHIVE:
			if (strcmp(optarg, "gnu") == 0) {
				o->io.archive = DK_ARCHIVE_GNU;
			} else if (strcmp(optarg, "coff") == 0 || strcmp(optarg, "msvc") == 0) {
				o->io.archive = DK_ARCHIVE_COFF;
			} else {
				cli_usage_error("--archive takes gnu or coff, not \"%s\"", optarg);
				return -1;
			}
			break;
		case 'M': o->depfile = optarg; break;
		case OPT_DELAY: o->delay = true; break;
		default:
			/* -h, -V, and what getopt refused */
			return cli_standard_option(c, usage_text, args, long_opts) > 0 ? 0 : -1;
		}
	}
	if (o->delay && o->format_short) {
		/* Short members say nothing of delay loading: lld's -delayload does. */
		cli_usage_error("--delay writes objects of its own and takes no --format short "
				"(with lld, link a short library with -delayload instead)");
		return -1;
	}
	if (o->delay)
		o->io.format = DK_IMPLIB_DELAY;
	o->files = args + optind;
	o->nfiles = nargs - optind;
	if (o->nfiles < 1) {
		cli_usage_error("no input files");
		return -1;
	}
	if (o->exp && (strcmp(o->exp, "-") == 0 || (o->output && strcmp(o->exp, o->output) == 0) ||
		       (o->depfile && strcmp(o->exp, o->depfile) == 0))) {
		cli_usage_error("--exp needs a file of its own, not %s", o->exp);
		return -1;
	}
	if ((!o->output && !o->exp) || (o->output && strcmp(o->output, "-") == 0)) {
		cli_usage_error("give the import library to write with -o FILE%s",
				o->exp ? "" : " (or only an export object with --exp FILE)");
		return -1;
	}
	return 1;
}

/* The input read on its own (a .def, DLL or import library), if any. */
typedef struct single {
	const char *path; /* NULL: objects and archives */
	dk_input_kind kind;
	const dk_input *in;
} single;

/* One .def file, DLL or import library; or objects and archives.  Each is
 * read once, and added to `deps`.  False after printing why. */
static bool pick_inputs(const options *o, cli_inputs *ins, cli_deps *deps, single *one,
			dk_sink *sink)
{
	int nobjects = 0;

	if (!cli_inputs_read(ins, o->files, (size_t)o->nfiles, sink))
		return false;
	for (int i = 0; i < o->nfiles; i++) {
		dk_loc loc = dk_loc_file(o->files[i]);
		dk_input_kind k = ins->kind[i];
		if (k == DK_INPUT_OBJECTS) {
			nobjects++;
		} else if (one->path) {
			dk_report(sink, DK_ERROR, &loc, "a second input besides %s; give one %s",
				  one->path, dk_input_kind_name(k));
			return false;
		} else {
			one->path = o->files[i];
			one->kind = k;
			one->in = &ins->v[i];
		}
		if (!cli_deps_add(deps, o->files[i], o->output ? o->output : o->exp)) {
			cli_error("out of memory");
			return false;
		}
	}
	if (one->path && nobjects) {
		dk_loc loc = dk_loc_file(one->path);
		dk_report(sink, DK_ERROR, &loc,
			  "is a %s, but objects are given too; give one or the other",
			  dk_input_kind_name(one->kind));
		return false;
	}
	if (one->path && (o->in.read.export_all || o->in.nexclude || o->in.nexclude_libs ||
			  o->in.read.keep_runtime_libs)) {
		cli_usage_error("--export-all, --exclude, --exclude-libs and --keep-runtime-libs "
				"choose what objects export; %s is a %s", one->path,
				dk_input_kind_name(one->kind));
		return false;
	}
	if (o->recover && one->kind != DK_INPUT_IMAGE) {
		cli_usage_error("--recover-stdcall reads the code of one i386 DLL given alone; "
				"%s is not one", one->path ? one->path : o->files[0]);
		return false;
	}
	return true;
}

/* The exports to import, from the input(s) picked; a library that would
 * import nothing is refused.  False after printing why. */
static bool read_exports(options *o, const cli_inputs *ins, const single *one, dk_module *m,
			 dk_sink *sink)
{
	/* What the library reports without a location is about the input
	 * being read, then about the library being written. */
	cli_subject(one->path);
	if (o->recover) {
		/* `f = f@8` becomes `f@8 == f`: the symbol _f@8 imports "f",
		 * with or without -k. */
		if (cli_load_image_recover(one->in, false, true, m, sink) != DK_OK ||
		    dk_module_kill_at_to_import_names(m) != DK_OK)
			return false;
		if (dk_image_aliases(m, sink) != DK_OK)
			return false;
	} else if (one->path) {
		if (dk_load_any(m, one->in, one->kind, o->dll_pick, NULL, NULL, sink) != DK_OK)
			return false;
		if (one->kind == DK_INPUT_IMAGE && dk_image_aliases(m, sink) != DK_OK)
			return false;
	} else {
		cli_read_finish(&o->in);
		if (dk_read_inputs_mem(m, ins->v, ins->n, &o->in.read, sink) != DK_OK)
			return false;
		if (dk_module_dedupe(m, sink, NULL) != DK_OK)
			return false;
		dk_module_sort(m);
	}

	/* A library that imports nothing is refused: no client can want it,
	 * and the link that uses it would fail later, far from the cause. */
	size_t imports = 0;
	for (size_t i = 0; i < m->nexports; i++)
		imports += !(m->exports[i].flags & DK_EXPORT_PRIVATE) || !o->output;
	if (imports == 0) {
		char names[300];
		dk_loc loc = dk_loc_file(one->path);
		if (one->path) {
			dk_report(sink, DK_ERROR, &loc, "exports nothing%s: the import library would "
				  "import nothing; none written", m->nexports ? " but PRIVATE names" : "");
		} else {
			cli_name_inputs(names, sizeof names, ins);
			if (o->in.read.export_all)
				cli_error("nothing to import: %s define%s no symbol --export-all "
					  "exports; no library written", names, ins->n == 1 ? "s" : "");
			else
				cli_error("nothing to import: %s ha%s no __declspec(dllexport) "
					  "directive (--export-all exports every external symbol %s); "
					  "no library written", names, ins->n == 1 ? "s" : "ve",
					  ins->n == 1 ? "it defines" : "they define");
		}
		return false;
	}
	return true;
}

/* The DLL name the library imports from (malloc'd), or NULL after
 * printing why. */
static char *pick_dll_name(const options *o, const single *one, const dk_module *m)
{
	char *dll;

	if (o->dllname)
		dll = strdup(o->dllname);
	else if (m->name && *m->name)
		dll = dk_dll_file_name(m->name, m->is_exe);
	else if (one->path && one->kind == DK_INPUT_DEF) {
		cli_usage_error("no DLL name: %s has no LIBRARY or NAME line; give -D NAME", one->path);
		return NULL;
	} else if (one->path) {
		cli_usage_error("no DLL name: %s names none; give -D NAME", one->path);
		return NULL;
	} else {
		cli_usage_error("no DLL name: objects do not name their DLL; give -D NAME");
		return NULL;
	}
	if (!dll)
		cli_error("out of memory");
	return dll;
}

/* A .def whose names look like link.exe's, read in GNU naming: said. */
static void warn_def_dialect(const options *o, const single *one, const dk_implib_opts *io,
			     const dk_module *m, dk_sink *sink)
{
	/* What the dialect guess used to decide, now only said: without -k
	 * (mingw-w64's own .def files all use it), `_f@8` names and no `f@8`
	 * ones are likely link.exe's. */
	if (one->kind == DK_INPUT_DEF && io->machine == DK_MACHINE_I386 && !io->dialect &&
	    !o->io.kill_at && !o->io.no_leading_underscore &&
	    dk_i386_guess_dialect(m) == DK_DIALECT_MSVC) {
		dk_loc loc = dk_loc_file(one->path);
		const char *ex = "_f@8";
		for (size_t i = 0; i < m->nexports; i++)
			if (dk_i386_classify(m->exports[i].name) == DK_CC_STDCALL) {
				ex = m->exports[i].name;
				break;
			}
		dk_report(sink, DK_WARNING, &loc,
			  "\"%s\" is read as both dlltools read it, as the symbol _%s; give "
			  "--dialect msvc if the .def is in link.exe's naming", ex, ex);
	}
}

/* ARM64X: --native-def FILE, the native (ARM64) view beside the EC one
 * the inputs give.  False after printing why. */
static bool read_native_def(const options *o, const dk_implib_opts *io, dk_module *m,
			    cli_deps *deps, dk_sink *sink)
{
	dk_loc loc = dk_loc_file(o->native_def);

	if (io->machine != DK_MACHINE_ARM64EC) {
		cli_usage_error("--native-def makes an ARM64X library: give -m arm64ec (the "
				"inputs are for %s)", dk_machine_name(io->machine));
		return false;
	}
	if (m->native) {
		dk_report(sink, DK_ERROR, &loc, "the input already has a native (ARM64) view "
			  "(an ARM64X DLL or library); --native-def would replace it");
		return false;
	}
	return cli_read_native_def(m, o->native_def, o->output, deps, sink);
}

/* Read the inputs and write the import library: 0, or 1 after printing
 * why.  `deps` holds the response files read; the inputs are added. */
static int run(options *o, cli_deps *deps, dk_sink *sink)
{
	dk_module m;
	dk_implib_opts io = o->io;
	cli_inputs ins = { NULL, NULL, 0 };
	single one = { NULL, DK_INPUT_UNREAD, NULL };
	char *data = NULL, *dll = NULL, *expdata = NULL;
	size_t len = 0, explen = 0;
	int status = 1;

	dk_module_init(&m);
	if (!cli_check_outputs(o->output, o->depfile, o->files, (size_t)o->nfiles, deps, NULL) ||
	    (o->native_def &&
	     !cli_check_outputs(o->output, o->depfile, (char **)&o->native_def, 1, NULL, NULL)) ||
	    !cli_check_outputs(o->exp, NULL, o->files, (size_t)o->nfiles, deps, NULL) ||
	    (o->native_def && o->exp &&
	     !cli_check_outputs(o->exp, NULL, (char **)&o->native_def, 1, NULL, NULL)))
		goto out;
	if (o->machine) {
		io.machine = dk_machine_from_name(o->machine);
		if (!io.machine) {
			cli_usage_error("unknown machine \"%s\": give i386, x86-64, arm64, arm64ec or arm",
					o->machine);
			goto out;
		}
	}
	if (!pick_inputs(o, &ins, deps, &one, sink) || !read_exports(o, &ins, &one, &m, sink))
		goto out;
	if (!io.machine)
		io.machine = m.machine;
	else if (m.machine && m.machine != io.machine) {
		dk_loc loc = dk_loc_file(one.path ? one.path : o->files[0]);
		dk_report(sink, DK_ERROR, &loc, "is for %s, but -m says %s",
			  dk_machine_name(m.machine), dk_machine_name(io.machine));
		goto out;
	}
	if (!io.machine) {
		dk_loc loc = dk_loc_file(one.path ? one.path : o->files[0]);
		dk_report(sink, DK_ERROR, &loc, "%s; give -m i386, x86-64, arm64, arm64ec or arm",
			  one.kind == DK_INPUT_DEF ? "a .def file names no machine"
						   : "names no machine that dllkit knows");
		goto out;
	}
	if (o->native_def && !read_native_def(o, &io, &m, deps, sink))
		goto out;
	if (!(dll = pick_dll_name(o, &one, &m)))
		goto out;
	io.dll_name = dll;
	/* A .def is read as both dlltools read it (GNU naming) unless
	 * --dialect msvc says its stdcall names are link.exe's `_f@8`; a DLL's
	 * own names show which linker made it (dk_load_any). */
	io.dialect = o->in.read.dialect ? o->in.read.dialect : m.dialect;
	warn_def_dialect(o, &one, &io, &m, sink);

	/* Ordinals and counts, with the input named (the writer checks again). */
	{
		dk_loc loc = dk_loc_file(one.path);
		if (dk_module_check(&m, sink, one.path ? &loc : NULL) != DK_OK)
			goto out;
	}
	cli_subject(o->output);
	if (o->output && dk_implib_write(&m, &io, &data, &len, sink) != DK_OK)
		goto out;
	/* --exp: the export table of the same exports, under the names the
	 * import library imports (dk_exp_write); written with it or not at all. */
	cli_subject(o->exp);
	if (o->exp && dk_exp_write(&m, &io, &expdata, &explen, sink) != DK_OK)
		goto out;
	if (!(o->output ? cli_write_outputs2(o->output, data, len, o->exp, expdata, explen,
					     o->depfile, deps)
			: cli_write_outputs(o->exp, expdata, explen, o->depfile, deps)))
		goto out;
	status = 0;
out:
	free(data);
	free(expdata);
	free(dll);
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

	/* Called as dllkit-dlltool (or any *dlltool): dlltool's command line. */
	if (argc > 0 && dlltool_called(argv[0]))
		return dlltool_main(argc, argv);
	cli_start("mkimplib");
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
