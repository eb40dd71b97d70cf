/* dumpexports - show what a DLL, import library, object or .def exports. */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "deps.h"
#include "imports.h"
#include "listing.h"

static const char usage_text[] =
	"usage: dumpexports [options] FILE...\n"
	"       dumpexports --diff OLD NEW\n"
	"       dumpexports --check FILE.def BINARY\n"
	"       dumpexports --imports [-f FORMAT] IMAGE...\n"
	"       dumpexports --deps [-L DIR]... PROGRAM\n"
	"Show what FILEs export: PE images (DLL, EXE), import libraries, COFF objects\n"
	"and archives (their dllexport directives), and .def files.\n"
	"\n"
	"  -f, --format FORMAT      table (default), def, json or tsv; with --deps also paths\n"
	"      --imports            what PE images (DLL, EXE) import instead: per DLL, by\n"
	"                           name and hint or by ordinal, at load or delay-loaded\n"
	"                           (also through dlltool -y / mkimplib --delay libraries)\n"
	"  -C, --demangle           show C++ names demangled (Itanium); MSVC names are\n"
	"                           kept and marked\n"
	"      --dll NAME           with an import library naming several DLLs, the one\n"
	"                           to show (for --format def, --diff, --check)\n"
	"      --diff OLD NEW       what NEW adds, removes or changes (ordinal, NONAME,\n"
	"                           code/data, forward target); exit 1 when anything differs\n"
	"      --check DEF BINARY   does BINARY export what DEF says? exit 1 when not\n"
	"      --view ec|native     of an ARM64X DLL (two export tables), show or compare\n"
	"                           this view only (default: both; --diff/--check need one)\n"
	"      --ignore-kind        with --diff/--check, do not compare code and data\n"
	"      --ordinals           with --diff/--check, every changed ordinal is a\n"
	"                           difference (by default only those a client can\n"
	"                           have bound to: NONAME, or pinned by the old .def)\n"
	"      --export-all, --exclude SYM,..., --exclude-libs LIB,..., --dialect gnu|msvc\n"
	"                           for objects and archives: as in mkdef(1)\n"
	"      --deps PROGRAM       the DLLs PROGRAM (an EXE or DLL) loads, found in its\n"
	"                           folder, then in each -L DIR; every imported function\n"
	"                           checked; exit 1 when it will not load.  -f paths: the\n"
	"                           DLLs to ship, one path a line\n"
	"  -L DIR                   with --deps, a folder to look for DLLs in (repeatable)\n"
	"      --system NAME,...    with --deps, take these DLLs as Windows' own\n"
	"  -h, --help               show this help\n"
	"  -V, --version            show the version\n";

enum { OPT_DLL = 256, OPT_DIFF, OPT_CHECK, OPT_IGNORE_KIND, OPT_ORDINALS };
enum { OPT_VIEW = 300 }; /* ARM64X */
enum { OPT_IMPORTS = 320 };
enum { OPT_DEPS = 400, OPT_SYSTEM }; /* --deps (cmd/deps.c) */

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "demangle", no_argument, NULL, 'C' },
	{ "dll", required_argument, NULL, OPT_DLL },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "ignore-kind", no_argument, NULL, OPT_IGNORE_KIND },
	{ "ordinals", no_argument, NULL, OPT_ORDINALS },
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "imports", no_argument, NULL, OPT_IMPORTS },
	{ "deps", no_argument, NULL, OPT_DEPS },
	{ "system", required_argument, NULL, OPT_SYSTEM },
	CLI_READ_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* What a run was asked to do. */
typedef enum mode { M_LIST, M_DIFF, M_CHECK, M_IMPORTS, M_DEPS } mode;

typedef struct opts {
	mode mode;
	listing_format format;
	bool demangle, ignore_kind, all_ordinals;
	const char *dll;
	const char *view; /* ARM64X: "ec" or "native", NULL for both */
	cli_read in;
	deps_opts deps; /* --deps: -L, --system, -f paths */
	char **files; /* the operands */
	int nfiles;
} opts;

static void input_free(listing_input *in)
{
	dk_input_free(&in->bytes);
	dk_module_free(&in->m);
	dk_image_free(&in->img);
	dk_implib_free(&in->lib);
}

static int cmp_entry(const void *a, const void *b)
{
	const dk_implib_entry *x = a, *y = b;
	int c = strcmp(x->dll, y->dll);
	if (c)
		return c;
	if (x->by_ordinal != y->by_ordinal)
		return x->by_ordinal ? 1 : -1;
	if (x->by_ordinal)
		return (x->ordinal > y->ordinal) - (x->ordinal < y->ordinal);
	c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->symbol, y->symbol);
}

/* Diagnostics are printed as usual; the first error of the current file is
 * kept for its JSON entry. */
typedef struct capture {
	char first[1024];
} capture;

static void capture_diag(void *ctx, const dk_diag *d)
{
	capture *c = ctx;
	cli_flush_stdout(); /* what was listed comes before what is said about it */
	cli_print_diag(NULL, d);
	if (d->severity == DK_ERROR && !c->first[0]) {
		if (d->loc.member)
			snprintf(c->first, sizeof c->first, "%s(%s): %s", d->loc.file ? d->loc.file : "",
				 d->loc.member, d->message);
		else
			snprintf(c->first, sizeof c->first, "%s", d->message);
	}
}

/*
 * --view: keep one view of an ARM64X image (`m` and `img` are then that
 * view's; an input with one view has none to pick).  Without --view a
 * comparison (`need_one`) refuses an image with two, which one answer
 * cannot cover.
 */
static int pick_view(dk_module *m, dk_image *img, const char *path, const char *view,
		     bool need_one, dk_sink *s)
{
	dk_loc loc = dk_loc_file(path);

	if (!view) {
		if (need_one && m->native)
			dk_report(s, DK_ERROR, &loc, "has two export views (ARM64X); compare one "
				  "at a time with --view ec or --view native");
		return need_one && m->native ? DK_FAIL : DK_OK;
	}
	if (!m->native) {
		dk_report(s, DK_ERROR, &loc, "has one export view (it is not ARM64X); "
			  "--view is for ARM64X DLLs and import libraries");
		return DK_FAIL;
	}
	if (strcmp(view, "native") == 0) {
		/* The native view in the place of the EC one. */
		dk_module *nm = m->native;
		dk_image *ni = img->native;
		m->native = NULL;
		img->native = NULL;
		dk_module_free(m);
		*m = *nm;
		free(nm);
		if (ni) {
			dk_image_free(img);
			*img = *ni;
			img->arm64x = true;
			free(ni);
		}
	} else {
		dk_module_free(m->native);
		free(m->native);
		m->native = NULL;
		dk_image_free(img->native);
		free(img->native);
		img->native = NULL;
	}
	return DK_OK;
}

/* --view of an ARM64X import library: its imports of that view only. */
static int implib_view(dk_implib *lib, const char *path, const char *view, dk_sink *s)
{
	dk_machine keep = strcmp(view, "native") == 0 ? DK_MACHINE_ARM64 : DK_MACHINE_ARM64EC;
	size_t k = 0, nnative = 0;

	for (size_t i = 0; i < lib->n; i++)
		nnative += lib->v[i].machine == DK_MACHINE_ARM64;
	if (lib->machine != DK_MACHINE_ARM64EC || nnative == 0 || nnative == lib->n) {
		dk_loc loc = dk_loc_file(path);
		dk_report(s, DK_ERROR, &loc, "has one export view (it is not ARM64X); "
			  "--view is for ARM64X DLLs and import libraries");
		return DK_FAIL;
	}
	for (size_t i = 0; i < lib->n; i++) {
		dk_implib_entry *x = &lib->v[i];
		if ((x->machine == DK_MACHINE_ARM64) == (keep == DK_MACHINE_ARM64)) {
			lib->v[k++] = *x;
			continue;
		}
		free(x->dll);
		free(x->symbol);
		free(x->name);
		free(x->member);
	}
	lib->n = k;
	lib->machine = keep;
	return DK_OK;
}

static int input_read(listing_input *in, const char *path, const opts *o, dk_sink *s)
{
	memset(in, 0, sizeof *in);
	dk_module_init(&in->m);
	in->path = path;
	cli_subject(path); /* what the library says without a location is about it */
	/* Read once; an image only as far as its headers and export data. */
	in->kind = cli_input_open(&in->bytes, path, s);
	if (in->kind == DK_INPUT_IMPLIB) {
		if (dk_read_implib_mem(&in->lib, in->bytes.data, in->bytes.len, path, s) != DK_OK)
			return DK_FAIL;
		if (o->view && implib_view(&in->lib, path, o->view, s) != DK_OK)
			return DK_FAIL;
		/* Listed by DLL and name, whatever order the archive has. */
		if (in->lib.n > 1)
			qsort(in->lib.v, in->lib.n, sizeof *in->lib.v, cmp_entry);
		return DK_OK;
	}
	if (dk_load_any(&in->m, &in->bytes, in->kind, o->dll, &o->in.read, &in->img, s) != DK_OK)
		return DK_FAIL;
	if (pick_view(&in->m, &in->img, path, o->view, false, s) != DK_OK)
		return DK_FAIL;
	if (in->kind == DK_INPUT_OBJECTS)
		dk_module_sort(&in->m); /* as mkdef writes them; a .def keeps its order */
	return DK_OK;
}

/* ---- diff ---- */

typedef struct diff_ctx {
	const opts *o;
	long moved; /* ordinals that moved where no client can have bound to them */
} diff_ctx;

static void on_change(void *ctx, dk_change what, const dk_export *a, const dk_export *b)
{
	diff_ctx *dc = ctx;

	if (what == DK_CHANGE_ORDINAL_MOVED) {
		dc->moved++;
		if (!dc->o->all_ordinals)
			return;
	}
	listing_change(what, a, b, dc->o->demangle);
}

/* --diff OLD NEW and --check DEF BINARY: 0 same, 1 different, 2 trouble. */
static int compare(const char *old_path, const char *new_path, bool check, const opts *o,
		   dk_sink *s)
{
	dk_module a, b;
	dk_image ia, ib;
	dk_input fa, fb;
	diff_ctx dc = { o, 0 };
	long n = -1;
	int rc = 2;
	bool unsearchable = false;

	dk_module_init(&a);
	dk_module_init(&b);
	memset(&ia, 0, sizeof ia);
	memset(&ib, 0, sizeof ib);
	/* Both are read, so that both files' errors are reported. */
	/* Each read once: --diff <(cat a.def) a.def compares a.def with itself. */
	cli_subject(old_path);
	dk_input_kind ka = cli_input_read(&fa, old_path, s);
	int ra = dk_load_any(&a, &fa, ka, o->dll, &o->in.read, &ia, s);
	cli_subject(new_path);
	dk_input_kind kb = cli_input_read(&fb, new_path, s);
	int rb = dk_load_any(&b, &fb, kb, o->dll, &o->in.read, &ib, s);
	cli_subject(NULL);
	if (ra != DK_OK || rb != DK_OK)
		goto out;
	/* --view picks from each side that has two views (a .def has one). */
	if (o->view && !a.native && !b.native) {
		cli_usage_error("--view: neither %s nor %s has two export views (ARM64X)", old_path,
				new_path);
		goto out;
	}
	ra = pick_view(&a, &ia, old_path, a.native ? o->view : NULL, true, s);
	rb = pick_view(&b, &ib, new_path, b.native ? o->view : NULL, true, s);
	if (ra != DK_OK || rb != DK_OK)
		goto out;
	/* The names the DLL exports are compared; internal names are the
	 * DLL's business, not the interface's. */
	n = dk_module_diff(&a, &b, o->ignore_kind, on_change, &dc);
	if (n < 0) {
		cli_error("out of memory comparing %s with %s", old_path, new_path);
		goto out;
	}
	if (o->all_ordinals)
		n += dc.moved;
	cli_flush_stdout();
	if (dc.moved && !o->all_ordinals)
		fprintf(stderr,
			"dumpexports: note: %ld export%s moved to other ordinals; clients importing by name do not notice (--ordinals lists them)\n",
			dc.moved, dc.moved == 1 ? "" : "s");
	/* A DLL whose name table the loader cannot binary-search does not
	 * export, by name, what its .def says, whatever the names are. */
	if (check && (ib.names_out_of_order || ib.names_repeated)) {
		unsearchable = true;
		cli_message(NULL, NULL,
			"%s does not export what %s says: its export name table %s, so the loader (GetProcAddress, imports by name) may not find some names",
			new_path, old_path,
			ib.names_out_of_order && ib.names_repeated ? "is not sorted and repeats names"
			: ib.names_out_of_order			   ? "is not sorted"
								   : "repeats names");
	}
	if (check && n)
		cli_message(NULL, NULL, "%s does not export what %s says (%ld difference%s)",
			new_path, old_path, n, n == 1 ? "" : "s");
	rc = n || unsearchable ? 1 : 0;
out:
	dk_image_free(&ia);
	dk_image_free(&ib);
	dk_module_free(&a);
	dk_module_free(&b);
	dk_input_free(&fa);
	dk_input_free(&fb);
	return rc;
}

/* The command line into `o`: 1 to run, 0 when done (--help, --version),
 * -1 after a usage error (printed). */
static int parse_options(int nargs, char **args, opts *o)
{
	int c, r;
	bool diff = false, check = false, imports = false, deps = false;

	opterr = 0;
	while ((c = getopt_long(nargs, args, ":f:ChVL:", long_opts, NULL)) != -1) {
		if ((r = cli_read_option(&o->in, c, optarg)) != 0) {
			if (r < 0)
				return -1;
			continue;
		}
		switch (c) {
		case 'f':
			if (strcmp(optarg, "table") == 0)
				o->format = LISTING_TABLE;
			else if (strcmp(optarg, "def") == 0)
				o->format = LISTING_DEF;
			else if (strcmp(optarg, "json") == 0)
				o->format = LISTING_JSON;
			else if (strcmp(optarg, "tsv") == 0)
				o->format = LISTING_TSV;
			else if (strcmp(optarg, "paths") == 0)
				o->deps.paths = true;
			else {
				cli_usage_error("--format takes table, def, json, tsv or (with --deps) paths, not \"%s\"",
						optarg);
				return -1;
			}
			break;
		case 'C': o->demangle = true; break;
		case OPT_DLL: o->dll = optarg; break;
		case OPT_DIFF: diff = true; break;
		case OPT_CHECK: check = true; break;
		case OPT_IGNORE_KIND: o->ignore_kind = true; break;
		case OPT_ORDINALS: o->all_ordinals = true; break;
		case OPT_IMPORTS: imports = true; break;
		case OPT_DEPS: deps = true; break;
		case 'L':
			if (!deps_add_dir(&o->deps, optarg))
				return -1;
			break;
		case OPT_SYSTEM:
			if (!cli_split_list(optarg, &o->deps.system, &o->deps.nsystem, &o->deps.capsystem)) {
				cli_error("out of memory");
				return -1;
			}
			break;
		case OPT_VIEW:
			if (strcmp(optarg, "ec") != 0 && strcmp(optarg, "native") != 0) {
				cli_usage_error("--view takes ec or native, not \"%s\"", optarg);
				return -1;
			}
			o->view = optarg;
			break;
		default:
			return cli_standard_option(c, usage_text, args, long_opts) > 0 ? 0 : -1;
		}
	}
	cli_read_finish(&o->in);
	o->files = args + optind;
	o->nfiles = nargs - optind;
	o->mode = diff ? M_DIFF : check ? M_CHECK : imports ? M_IMPORTS : deps ? M_DEPS : M_LIST;
	if (diff + check + imports + deps > 1) {
		cli_usage_error("%s and %s do not go together",
				diff ? "--diff" : check ? "--check" : "--imports",
				deps ? "--deps" : imports ? "--imports" : "--check");
		return -1;
	}
	if (imports && o->format == LISTING_DEF) {
		cli_usage_error("--imports lists as a table, json or tsv; a .def is for exports");
		return -1;
	}
	if (imports && o->view) {
		cli_usage_error("--view picks an ARM64X DLL's export view; --imports reads its import directories, which the two views share");
		return -1;
	}
	if (!deps && (o->deps.paths || o->deps.ndirs || o->deps.nsystem)) {
		cli_usage_error("%s is for --deps", o->deps.paths ? "--format paths"
						    : o->deps.ndirs ? "-L" : "--system");
		return -1;
	}
	if (deps && o->view) {
		cli_usage_error("--view picks an ARM64X DLL's export view; --deps follows a program's imports");
		return -1;
	}
	if (deps && (o->format == LISTING_DEF || o->nfiles != 1)) {
		if (o->format == LISTING_DEF)
			cli_usage_error("--deps shows table, json, tsv or paths, not def");
		else
			cli_usage_error("--deps takes one program (an EXE or DLL)");
		return -1;
	}
	if ((o->mode == M_DIFF || o->mode == M_CHECK) && o->nfiles != 2) {
		cli_usage_error("%s takes two files", diff ? "--diff" : "--check");
		return -1;
	}
	if (o->nfiles < 1) {
		cli_usage_error("no input files");
		return -1;
	}
	/* A listing shows no export's origin: an image's exports need not
	 * each keep a copy of its path. */
	o->in.read.no_origins = o->mode == M_LIST;
	return 1;
}

/* List each input in the format asked for: 0, or 2 when any input could
 * not be read or shown.  `cap` keeps each input's first error. */
static int list(const opts *o, capture *cap, dk_sink *s)
{
	bool any_error = false;

	if (o->format == LISTING_JSON)
		listing_json_begin();
	if (o->format == LISTING_TSV)
		listing_tsv_header();
	for (int i = 0; i < o->nfiles; i++) {
		listing_input in;
		cap->first[0] = '\0';
		bool ok = input_read(&in, o->files[i], o, s) == DK_OK;
		if (!ok)
			any_error = true;
		switch (o->format) {
		case LISTING_TABLE:
			if (!ok)
				break;
			if (i > 0)
				putchar('\n');
			listing_table(&in, o->demangle);
			break;
		case LISTING_JSON:
			listing_json_input(&in, ok ? NULL : cap->first[0] ? cap->first : "could not be read",
					   o->demangle, i == 0);
			break;
		case LISTING_TSV:
			if (ok)
				listing_tsv(&in, o->demangle);
			break;
		case LISTING_DEF:
			if (ok && listing_def(&in, o->dll, s) != DK_OK)
				any_error = true;
			break;
		}
		input_free(&in);
	}
	if (o->format == LISTING_JSON)
		listing_json_end();
	return any_error ? 2 : 0;
}

/* --imports: each input's import directories in the format asked for: 0,
 * or 2 when any input could not be read. */
static int list_imports(const opts *o, capture *cap, dk_sink *s)
{
	bool any_error = false;

	if (o->format == LISTING_JSON)
		listing_json_begin();
	if (o->format == LISTING_TSV)
		imports_tsv_header();
	for (int i = 0; i < o->nfiles; i++) {
		const char *path = o->files[i];
		dk_input bytes;
		dk_imports im;
		bool ok = false;

		cap->first[0] = '\0';
		cli_flush_stdout(); /* what was listed comes before this file's errors */
		cli_subject(path);
		dk_input_kind kind = cli_input_read(&bytes, path, s);
		memset(&im, 0, sizeof im);
		if (kind == DK_INPUT_IMAGE) {
			ok = dk_read_imports_mem(&im, bytes.data, bytes.len, path, s) == DK_OK;
		} else if (kind != DK_INPUT_UNREAD) {
			/* dk_read_imports_mem says what the file is instead. */
			dk_read_imports_mem(&im, bytes.data, bytes.len, path, s);
		}
		if (!ok)
			any_error = true;
		switch (o->format) {
		case LISTING_JSON:
			imports_json(path, &im,
				     ok ? NULL : cap->first[0] ? cap->first : "could not be read",
				     o->demangle, i == 0);
			break;
		case LISTING_TSV:
			if (ok)
				imports_tsv(path, &im, o->demangle);
			break;
		default:
			if (!ok)
				break;
			if (i > 0)
				putchar('\n');
			imports_table(path, &im, o->demangle);
			break;
		}
		dk_imports_free(&im);
		dk_input_free(&bytes);
	}
	if (o->format == LISTING_JSON)
		listing_json_end();
	return any_error ? 2 : 0;
}

static int run(const opts *o, capture *cap, dk_sink *s)
{
	if (o->mode == M_LIST)
		return list(o, cap, s);
	if (o->mode == M_IMPORTS)
		return list_imports(o, cap, s);
	if (o->mode == M_DEPS)
		return deps_run(o->files[0], &o->deps, o->format, s);
	return compare(o->files[0], o->files[1], o->mode == M_CHECK, o, s);
}

int main(int argc, char **argv)
{
	opts o;
	capture cap;
	dk_sink sink = cli_sink();
	char **args = NULL;
	cli_deps files = { NULL, 0, 0 };
	int nargs = 0, status = 2;

	cli_start("dumpexports");
#ifdef __GLIBC__
	/* Hundreds of files, one after the other, each allocating and
	 * freeing the same few MB: without this glibc gives the heap back to
	 * the kernel after each file and takes it again (and faults it in
	 * again) for the next, a tenth of the time of listing every Wine
	 * DLL.  The peak is the same either way. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
#endif
	memset(&o, 0, sizeof o);
	memset(&cap, 0, sizeof cap);
	/* A big buffer when writing to a file or pipe; a terminal keeps its
	 * line buffering, so errors and listings come out in order. */
	static char outbuf[1 << 16];
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	sink.fn = capture_diag;
	sink.ctx = &cap;
	if (cli_expand_argv(argc, argv, &nargs, &args, &files)) {
		int r = parse_options(nargs, args, &o);
		status = r > 0 ? run(&o, &cap, &sink) : r == 0 ? 0 : 2;
	}
	cli_read_free(&o.in);
	deps_opts_free(&o.deps);
	cli_deps_free(&files);
	cli_free_argv(nargs, args);
	/* A listing or a difference lost on the way out is trouble (2), not
	 * "different" (1). */
	return cli_exit_status(status, 2);
}
