/* mkimplib - write an import library from a .def file, a DLL, an import
 * library, or objects. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common.h"

static const char usage_text[] =
	"usage: mkimplib [options] -o OUTPUT INPUT...\n"
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
	"  -M, --depfile FILE       write a make rule listing every input read\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n";

enum { OPT_FORMAT = 256, OPT_ARCHIVE, OPT_NO_UNDERSCORE, OPT_DLL, OPT_RECOVER };

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
	CLI_READ_LONG_OPTIONS,
	{ "depfile", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* "foo" -> "foo.dll" (or ".exe" for a NAME statement); names with a suffix stay. */
static char *dll_name_of(const char *name, bool exe)
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	size_t n = strlen(name);
	char *r;

	if (strchr(base, '.'))
		return strdup(name);
	r = malloc(n + 5);
	if (!r)
		return NULL;
	memcpy(r, name, n);
	strcpy(r + n, exe ? ".exe" : ".dll");
	return r;
}

int main(int argc, char **argv)
{
	dk_sink sink = cli_sink();
	dk_module m;
	dk_implib_opts io;
	cli_read in;
	cli_deps deps = { NULL, 0, 0 };
	char **args = NULL, *data = NULL, *dll = NULL;
	const char *output = NULL, *depfile = NULL, *machine = NULL, *dllname = NULL;
	const char *single = NULL, *dll_pick = NULL;
	dk_input_kind single_kind = DK_INPUT_UNREAD;
	cli_inputs ins = { NULL, NULL, 0 };
	const dk_input *single_in = NULL;
	int nargs = 0, c, r, status = 1, nobjects = 0;
	bool recover = false;
	size_t len = 0;

	progname = "mkimplib";
	memset(&io, 0, sizeof io);
	memset(&in, 0, sizeof in);
	dk_module_init(&m);
	if (!cli_expand_argv(argc, argv, &nargs, &args, &deps))
		goto out;

	opterr = 0;
	while ((c = getopt_long(nargs, args, ":o:m:D:kM:hV", long_opts, NULL)) != -1) {
		if ((r = cli_read_option(&in, c, optarg)) != 0) {
			if (r < 0)
				goto out;
			continue;
		}
		switch (c) {
		case 'o': output = optarg; break;
		case 'm': machine = optarg; break;
		case 'D': dllname = optarg; break;
		case 'k': io.kill_at = true; break;
		case OPT_NO_UNDERSCORE: io.no_leading_underscore = true; break;
		case OPT_DLL: dll_pick = optarg; break;
		case OPT_RECOVER: recover = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "short") == 0) {
				io.format = DK_IMPLIB_SHORT;
			} else if (strcmp(optarg, "long") == 0) {
				io.format = DK_IMPLIB_LONG;
			} else {
				cli_usage_error("--format takes short or long, not \"%s\"", optarg);
				goto out;
			}
			break;
		case OPT_ARCHIVE:
			if (strcmp(optarg, "gnu") == 0) {
				io.archive = DK_ARCHIVE_GNU;
			} else if (strcmp(optarg, "coff") == 0 || strcmp(optarg, "msvc") == 0) {
				io.archive = DK_ARCHIVE_COFF;
			} else {
				cli_usage_error("--archive takes gnu or coff, not \"%s\"", optarg);
				goto out;
			}
			break;
		case 'M': depfile = optarg; break;
		default:
			/* -h, -V, and what getopt refused */
			status = cli_standard_option(c, usage_text, args, long_opts) > 0 ? 0 : 1;
			goto out;
		}
	}
	if (optind >= nargs) {
		cli_usage_error("no input files");
		goto out;
	}
	if (!output || strcmp(output, "-") == 0) {
		cli_usage_error("give the import library to write with -o FILE");
		goto out;
	}
	if (!cli_check_outputs(output, depfile, args + optind, (size_t)(nargs - optind), &deps, NULL))
		goto out;
	if (machine) {
		io.machine = dk_machine_from_name(machine);
		if (!io.machine) {
			cli_usage_error("unknown machine \"%s\": give i386, x86-64, arm64, arm64ec or arm",
					machine);
			goto out;
		}
	}

	/* One .def file, DLL or import library; or objects and archives.
	 * Each is read once. */
	if (!cli_inputs_read(&ins, args + optind, (size_t)(nargs - optind), &sink))
		goto out;
	for (int i = optind; i < nargs; i++) {
		dk_loc loc = dk_loc_file(args[i]);
		dk_input_kind k = ins.kind[i - optind];
		if (k == DK_INPUT_OBJECTS) {
			nobjects++;
		} else if (single) {
			dk_report(&sink, DK_ERROR, &loc, "a second input besides %s; give one %s", single,
				  dk_input_kind_name(k));
			goto out;
		} else {
			single = args[i];
			single_kind = k;
			single_in = &ins.v[i - optind];
		}
		if (!cli_deps_add(&deps, args[i], output))
			goto nomem;
	}
	if (single && nobjects) {
		dk_loc loc = dk_loc_file(single);
		dk_report(&sink, DK_ERROR, &loc,
			  "is a %s, but objects are given too; give one or the other",
			  dk_input_kind_name(single_kind));
		goto out;
	}
	if (single && (in.read.export_all || in.nexclude || in.nexclude_libs ||
		       in.read.keep_runtime_libs)) {
		cli_usage_error("--export-all, --exclude, --exclude-libs and --keep-runtime-libs "
				"choose what objects export; %s is a %s", single,
				dk_input_kind_name(single_kind));
		goto out;
	}
	if (recover && single_kind != DK_INPUT_IMAGE) {
		cli_usage_error("--recover-stdcall reads the code of one i386 DLL given alone; "
				"%s is not one", single ? single : args[optind]);
		goto out;
	}
	/* What the library reports without a location is about the input
	 * being read, then about the library being written. */
	cli_subject(single);
	if (recover) {
		/* `f = f@8` becomes `f@8 == f`: the symbol _f@8 imports "f",
		 * with or without -k. */
		if (cli_load_image_recover(single_in, false, true, &m, &sink) != DK_OK ||
		    dk_module_kill_at_to_import_names(&m) != DK_OK)
			goto out;
		if (dk_image_aliases(&m, &sink) != DK_OK)
			goto out;
	} else if (single) {
		if (dk_load_any(&m, single_in, single_kind, dll_pick, NULL, NULL, &sink) != DK_OK)
			goto out;
		if (single_kind == DK_INPUT_IMAGE && dk_image_aliases(&m, &sink) != DK_OK)
			goto out;
	} else {
		cli_read_finish(&in);
		if (dk_read_inputs_mem(&m, ins.v, ins.n, &in.read, &sink) != DK_OK)
			goto out;
		if (dk_module_dedupe(&m, &sink, NULL) != DK_OK)
			goto out;
		dk_module_sort(&m);
	}

	/* A library that imports nothing is refused: no client can want it,
	 * and the link that uses it would fail later, far from the cause. */
	size_t imports = 0;
	for (size_t i = 0; i < m.nexports; i++)
		imports += !(m.exports[i].flags & DK_EXPORT_PRIVATE);
	if (imports == 0) {
		char names[300];
		dk_loc loc = dk_loc_file(single);
		if (single) {
			dk_report(&sink, DK_ERROR, &loc, "exports nothing%s: the import library would "
				  "import nothing; none written", m.nexports ? " but PRIVATE names" : "");
		} else {
			cli_name_inputs(names, sizeof names, &ins);
			if (in.read.export_all)
				cli_error("nothing to import: %s define%s no symbol --export-all "
					  "exports; no library written", names, ins.n == 1 ? "s" : "");
			else
				cli_error("nothing to import: %s ha%s no __declspec(dllexport) "
					  "directive (--export-all exports every external symbol %s); "
					  "no library written", names, ins.n == 1 ? "s" : "ve",
					  ins.n == 1 ? "it defines" : "they define");
		}
		goto out;
	}
	if (!io.machine)
		io.machine = m.machine;
	else if (m.machine && m.machine != io.machine) {
		dk_loc loc = dk_loc_file(single ? single : args[optind]);
		dk_report(&sink, DK_ERROR, &loc, "is for %s, but -m says %s",
			  dk_machine_name(m.machine), dk_machine_name(io.machine));
		goto out;
	}
	if (!io.machine) {
		dk_loc loc = dk_loc_file(single ? single : args[optind]);
		dk_report(&sink, DK_ERROR, &loc, "%s; give -m i386, x86-64, arm64, arm64ec or arm",
			  single_kind == DK_INPUT_DEF ? "a .def file names no machine"
						 : "names no machine that dllkit knows");
		goto out;
	}
	if (dllname)
		dll = strdup(dllname);
	else if (m.name && *m.name)
		dll = dll_name_of(m.name, m.is_exe);
	else if (single && single_kind == DK_INPUT_DEF) {
		cli_usage_error("no DLL name: %s has no LIBRARY or NAME line; give -D NAME", single);
		goto out;
	} else if (single) {
		cli_usage_error("no DLL name: %s names none; give -D NAME", single);
		goto out;
	} else {
		cli_usage_error("no DLL name: objects do not name their DLL; give -D NAME");
		goto out;
	}
	if (!dll)
		goto nomem;
	io.dll_name = dll;
	/* A .def is read as both dlltools read it (GNU naming) unless
	 * --dialect msvc says its stdcall names are link.exe's `_f@8`; a DLL's
	 * own names show which linker made it (dk_load_any). */
	io.dialect = in.read.dialect ? in.read.dialect : m.dialect;
	/* What the dialect guess used to decide, now only said: without -k
	 * (mingw-w64's own .def files all use it), `_f@8` names and no `f@8`
	 * ones are likely link.exe's. */
	if (single_kind == DK_INPUT_DEF && io.machine == DK_MACHINE_I386 && !io.dialect &&
	    !io.kill_at && !io.no_leading_underscore &&
	    dk_i386_guess_dialect(&m) == DK_DIALECT_MSVC) {
		dk_loc loc = dk_loc_file(single);
		const char *ex = "_f@8";
		for (size_t i = 0; i < m.nexports; i++)
			if (dk_i386_classify(m.exports[i].name) == DK_CC_STDCALL) {
				ex = m.exports[i].name;
				break;
			}
		dk_report(&sink, DK_WARNING, &loc,
			  "\"%s\" is read as both dlltools read it, as the symbol _%s; give "
			  "--dialect msvc if the .def is in link.exe's naming", ex, ex);
	}

	/* Ordinals and counts, with the input named (the writer checks again). */
	{
		dk_loc loc = dk_loc_file(single);
		if (dk_module_check(&m, &sink, single ? &loc : NULL) != DK_OK)
			goto out;
	}
	cli_subject(output);
	if (dk_implib_write(&m, &io, &data, &len, &sink) != DK_OK)
		goto out;
	if (!cli_write_outputs(output, data, len, depfile, &deps))
		goto out;
	status = 0;
	goto out;
nomem:
	cli_error("out of memory");
out:
	free(data);
	free(dll);
	dk_module_free(&m);
	cli_inputs_free(&ins);
	cli_read_free(&in);
	cli_deps_free(&deps);
	cli_free_argv(nargs, args);
	return cli_exit_status(status, 1);
}
