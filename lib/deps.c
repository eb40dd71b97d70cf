/* deps.c - the DLLs a program needs, found the way the Windows loader finds
 * them, and whether every function it imports is there (dumpexports --deps).
 *
 * A graph walk over PE images.  Each DLL is a node, found once (by name,
 * ASCII case ignored, as Windows matches DLL names) in the program's folder
 * or one of the caller's folders, read (exports with dk_read_image_mem,
 * imports with dk_read_imports_mem) and expanded breadth first.  Each
 * importer -> DLL link is an edge; checking an edge looks every imported
 * function up in the DLL's exports, and an export that forwards
 * ("dll.func") adds an edge to the DLL it forwards to, with that one
 * function to check: the loader loads that DLL too.  Only when the graph is
 * complete is it known which DLLs load-time imports reach (a DLL reached by
 * a delay-load and by a load-time import is loaded at start), so whether a
 * problem stops the program is decided last.
 *
 * Nothing here prints; damage in a DLL is the reader's error on the sink.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "dllkit_private.h"
#include "system_dlls_private.h"

/* A chain of forwarders longer than this is taken as a loop. */
#define MAX_FORWARD_DEPTH 16

typedef struct node {
	dk_module m;     /* FOUND: its exports */
	dk_imports im;   /* FOUND: its imports */
	dk_export **by_name; /* FOUND: the named exports of each view, sorted by name */
	size_t nby_name;
	dk_export **nat_by_name; /* ARM64X: the native view's */
	size_t nnat_by_name;
	bool expanded;
} node;

typedef struct edge {
	size_t from, to;            /* importer (DK_DEP_PROGRAM or a dep), DLL */
	dk_imports_kind kind;       /* an import edge's kind */
	const dk_import_dll *idll;  /* an import edge: what `from` imports from `to` */
	/* A forwarder edge: `from` forwards to `to`, for the import edge `parent`. */
	bool forward;
	size_t parent;
	char *fn;                   /* the function wanted in `to` (NULL: by ordinal) */
	uint16_t ord;
	unsigned depth;
	/* The import this edge serves: who imports what, through which DLL. */
	size_t importer, via;
	char *via_fn;
	uint16_t via_ord;
} edge;

typedef struct prob {
	dk_problem p;
	size_t edge;                /* whose kind decides `delay` */
} prob;

typedef struct ctx {
	dk_deps *d;
	const dk_deps_opts *o;
	dk_sink *s;
	char *prog_dir;
	dk_imports prog;            /* the program's imports */
	node *nodes;                /* parallel to d->dlls */
	size_t capdeps;
	edge *edges;
	size_t nedges, capedges;
	prob *probs;
	size_t nprobs, capprobs;
	bool oom;
} ctx;

/* ------------------------------------------------------------------ */
/* Names                                                                */
/* ------------------------------------------------------------------ */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* ASCII case ignored, as Windows compares DLL names (and NTFS file names
 * for the letters a DLL name uses). */
static int name_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = lower((unsigned char)*a), y = lower((unsigned char)*b);
		if (x != y || !x)
			return x - y;
	}
}

/* A DLL name as the loader takes it: ".dll" added when the name has no
 * extension, a trailing '.' (which says "no extension") dropped. */
static char *norm_name(const char *name)
{
	size_t n = strlen(name);
	const char *slash = strrchr(name, '\\');
	const char *base = slash ? slash + 1 : name;

	if (n && name[n - 1] == '.')
		return dk_strndup(name, n - 1);
	if (!strchr(base, '.')) {
		char *r = malloc(n + 5);
		if (r)
			snprintf(r, n + 5, "%s.dll", name);
		return r;
	}
	return dk_strdup(name);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool dk_system_dll(const char *name)
{
	char buf[256];
	size_t n = 0;
	const char *key = buf;

	if (!name)
		return false;
	for (; name[n] && n < sizeof buf - 5; n++)
		buf[n] = (char)lower((unsigned char)name[n]);
	if (name[n])
		return false; /* longer than any Windows DLL name */
	buf[n] = '\0';
	if (dk_starts_with(buf, "api-ms-win-") || dk_starts_with(buf, "ext-ms-"))
		return true;
	if (n && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	else if (!strchr(buf, '.'))
		memcpy(buf + n, ".dll", 5);
	return bsearch(&key, dk_system_dll_names, dk_system_dll_count, sizeof *dk_system_dll_names,
		       cmp_str) != NULL;
}

const char *dk_dep_status_name(dk_dep_status st)
{
	switch (st) {
	case DK_DEP_FOUND: return "found";
	case DK_DEP_SYSTEM: return "system";
	case DK_DEP_MISSING: return "missing";
	case DK_DEP_WRONG_MACHINE: return "wrong machine";
	case DK_DEP_NOT_DLL: return "not a DLL";
	case DK_DEP_UNREADABLE: return "unreadable";
	}
	return "?";
}

bool dk_machine_loads(dk_machine importer, uint16_t importer_raw, dk_machine dll,
		      uint16_t dll_raw, bool dll_arm64x)
{
	if (importer == DK_MACHINE_UNKNOWN || dll == DK_MACHINE_UNKNOWN)
		return importer == DK_MACHINE_UNKNOWN && dll == DK_MACHINE_UNKNOWN &&
		       importer_raw == dll_raw;
	switch (importer) {
	case DK_MACHINE_ARM64EC:
		return dll == DK_MACHINE_ARM64EC || dll == DK_MACHINE_AMD64;
	case DK_MACHINE_ARM64:
		return dll == DK_MACHINE_ARM64 || (dll == DK_MACHINE_ARM64EC && dll_arm64x);
	default:
		return dll == importer && !dll_arm64x;
	}
}

/* ------------------------------------------------------------------ */
/* Finding a DLL                                                        */
/* ------------------------------------------------------------------ */

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *r = malloc(n);
	if (r)
		snprintf(r, n, "%s/%s", dir, name);
	return r;
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The file in `dir` that Windows would take for `name`: the exact name
 * first, else the first (by strcmp, so that the answer does not depend
 * on the order readdir returns) whose name matches with case ignored.
 * NULL when none (or out of memory: c->oom). */
static char *find_in_dir(ctx *c, const char *dir, const char *name)
{
	char *path = join(dir, name), *best = NULL;
	DIR *dh;
	struct dirent *de;

	if (!path) {
		c->oom = true;
		return NULL;
	}
	if (is_file(path))
		return path;
	free(path);
	if (!(dh = opendir(dir)))
		return NULL;
	while ((de = readdir(dh)) != NULL) {
		if (name_cmp(de->d_name, name) != 0 || (best && strcmp(de->d_name, best) >= 0))
			continue;
		char *p = join(dir, de->d_name);
		if (!p) {
			c->oom = true;
			break;
		}
		if (is_file(p)) {
			free(best);
			best = dk_strdup(de->d_name);
		}
		free(p); /* a directory of that name is passed over */
	}
	closedir(dh);
	if (!best)
		return NULL;
	path = join(dir, best);
	free(best);
	if (!path)
		c->oom = true;
	return path;
}

static int cmp_export_name(const void *a, const void *b)
{
	const dk_export *x = *(dk_export *const *)a, *y = *(dk_export *const *)b;
	return strcmp(x->name, y->name);
}

/* The exports of `m` that have a name, sorted for bsearch. */
static bool index_names(const dk_module *m, dk_export ***out, size_t *nout)
{
	size_t n = 0;
	dk_export **v = malloc((m->nexports ? m->nexports : 1) * sizeof *v);

	if (!v)
		return false;
	for (size_t i = 0; i < m->nexports; i++)
		if (!(m->exports[i].flags & DK_EXPORT_NONAME) && m->exports[i].name)
			v[n++] = &m->exports[i];
	qsort(v, n, sizeof *v, cmp_export_name);
	*out = v;
	*nout = n;
	return true;
}

static dk_machine machine_of(const ctx *c, size_t who)
{
	return who == DK_DEP_PROGRAM ? c->d->machine : c->d->dlls[who].machine;
}

static uint16_t raw_machine_of(const ctx *c, size_t who)
{
	return who == DK_DEP_PROGRAM ? c->d->raw_machine : c->d->dlls[who].raw_machine;
}

/* Read the file `dep->path` into `nd`; the status says what it is. */
static void read_dll(ctx *c, dk_dep *dep, node *nd, size_t importer)
{
	dk_input in;
	dk_image img;
	dk_input_kind kind;

	memset(&img, 0, sizeof img);
	if (dk_input_read(&in, dep->path, c->s) != DK_OK) {
		dep->status = DK_DEP_UNREADABLE;
		return;
	}
	kind = dk_input_classify(dep->path, in.data, in.len);
	if (kind != DK_INPUT_IMAGE) {
		dep->status = DK_DEP_NOT_DLL;
		goto out;
	}
	if (dk_read_image_mem(&nd->m, &img, in.data, in.len, dep->path, c->s) != DK_OK) {
		dep->status = DK_DEP_UNREADABLE;
		goto out;
	}
	dep->machine = img.machine;
	dep->raw_machine = img.raw_machine;
	dep->arm64x = img.arm64x;
	if (!img.is_dll) {
		dep->status = DK_DEP_NOT_DLL;
		goto out;
	}
	if (!dk_machine_loads(machine_of(c, importer), raw_machine_of(c, importer), img.machine,
			      img.raw_machine, img.arm64x)) {
		dep->status = DK_DEP_WRONG_MACHINE;
		goto out;
	}
	if (dk_read_imports_mem(&nd->im, in.data, in.len, dep->path, c->s) != DK_OK) {
		dep->status = DK_DEP_UNREADABLE;
		goto out;
	}
	if (!index_names(&nd->m, &nd->by_name, &nd->nby_name) ||
	    (nd->m.native && !index_names(nd->m.native, &nd->nat_by_name, &nd->nnat_by_name))) {
		c->oom = true;
		goto out;
	}
	dep->status = DK_DEP_FOUND;
out:
	dk_image_free(&img);
	dk_input_free(&in);
}

/* The dep named `name` (found, or made, looked for and read), or
 * DK_DEP_PROGRAM when out of memory (c->oom). */
static size_t add_dep(ctx *c, const char *raw, size_t importer, bool forwarded)
{
	dk_deps *d = c->d;
	char *name = norm_name(raw);
	size_t i;

	if (!name) {
		c->oom = true;
		return DK_DEP_PROGRAM;
	}
	for (i = 0; i < d->ndlls; i++)
		if (name_cmp(d->dlls[i].name, name) == 0) {
			free(name);
			return i;
		}
	size_t cap = c->capdeps;
	dk_dep *v = dk_reserve(d->dlls, &cap, d->ndlls + 1, sizeof *v);
	if (v)
		d->dlls = v;
	node *nv = v ? dk_reserve(c->nodes, &c->capdeps, d->ndlls + 1, sizeof *nv) : NULL;
	if (!nv) {
		free(name);
		c->oom = true;
		return DK_DEP_PROGRAM;
	}
	c->nodes = nv;
	i = d->ndlls++;
	dk_dep *dep = &d->dlls[i];
	node *nd = &c->nodes[i];
	memset(dep, 0, sizeof *dep);
	memset(nd, 0, sizeof *nd);
	dk_module_init(&nd->m);
	dep->name = name;
	dep->needed_by = importer;
	dep->forwarded = forwarded;
	dep->kind = DK_IMPORTS_DELAY; /* decided at the end */

	bool system = dk_system_dll(name);
	for (size_t k = 0; !system && c->o && k < c->o->nsystem; k++) {
		char *x = norm_name(c->o->system[k]);
		if (!x) {
			c->oom = true;
			return i;
		}
		system = name_cmp(x, name) == 0;
		free(x);
	}
	if (system) {
		dep->status = DK_DEP_SYSTEM;
		return i;
	}
	dep->status = DK_DEP_MISSING;
	/* A name with a folder in it (an import table is untrusted) is not
	 * looked for: it names no file in the folders searched. */
	if (!name[0] || strpbrk(name, "/\\:"))
		return i;
	size_t ndirs = c->o ? c->o->ndirs : 0;
	for (size_t k = 0; k <= ndirs && !dep->path && !c->oom; k++)
		dep->path = find_in_dir(c, k == 0 ? c->prog_dir : c->o->dirs[k - 1], name);
	if (dep->path)
		read_dll(c, dep, nd, importer);
	return i;
}

/* ------------------------------------------------------------------ */
/* The walk                                                             */
/* ------------------------------------------------------------------ */

static edge *new_edge(ctx *c)
{
	edge *v = dk_reserve(c->edges, &c->capedges, c->nedges + 1, sizeof *v);
	if (!v) {
		c->oom = true;
		return NULL;
	}
	c->edges = v;
	edge *e = &v[c->nedges++];
	memset(e, 0, sizeof *e);
	e->via = DK_DEP_PROGRAM;
	return e;
}

/* An edge from `from` to each DLL its imports name. */
static void expand(ctx *c, size_t from)
{
	/* The array, not the node: add_dep may move c->nodes. */
	const dk_imports *im = from == DK_DEP_PROGRAM ? &c->prog : &c->nodes[from].im;
	const dk_import_dll *dlls = im->dlls;
	size_t n = im->ndlls;

	for (size_t k = 0; k < n && !c->oom; k++) {
		const dk_import_dll *idll = &dlls[k];
		size_t to = add_dep(c, idll->dll, from, false);
		if (c->oom)
			return;
		edge *e = new_edge(c);
		if (!e)
			return;
		e->from = from;
		e->to = to;
		e->kind = idll->kind;
		e->idll = idll;
		e->importer = from;
	}
}

static void add_prob(ctx *c, size_t ei, dk_problem_kind what, const char *fn, uint16_t ord)
{
	const edge *e = &c->edges[ei];
	prob *v = dk_reserve(c->probs, &c->capprobs, c->nprobs + 1, sizeof *v);

	if (!v) {
		c->oom = true;
		return;
	}
	c->probs = v;
	prob *p = &v[c->nprobs];
	memset(p, 0, sizeof *p);
	p->edge = ei;
	p->p.what = what;
	p->p.importer = e->importer;
	p->p.dll = e->to;
	p->p.ordinal = ord;
	p->p.via = e->via;
	p->p.via_ordinal = e->via_ord;
	p->p.function = dk_strdup(fn);
	p->p.via_function = dk_strdup(e->via_fn);
	if ((fn && !p->p.function) || (e->via_fn && !p->p.via_function)) {
		free(p->p.function);
		free(p->p.via_function);
		c->oom = true;
		return;
	}
	c->nprobs++;
}

/* The export of `mod` named `fn` (`names`: its named exports, sorted), or
 * with ordinal `ord` when fn is NULL; NULL when none. */
static const dk_export *find_export(const dk_module *mod, dk_export *const *names, size_t nnames,
				    const char *fn, uint16_t ord)
{
	if (fn) {
		size_t lo = 0, hi = nnames;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int r = strcmp(fn, names[mid]->name);
			if (r == 0)
				return names[mid];
			if (r < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
		return NULL;
	}
	for (size_t i = 0; i < mod->nexports; i++)
		if (mod->exports[i].ordinal == ord)
			return &mod->exports[i];
	return NULL;
}

/* The export of dep `t` that importer `who` finds.  An ARM64X DLL has two
 * export tables: an ARM64 importer looks in the native one, any other in
 * the EC one; an ARM64X importer (whose one import table serves both its
 * views, and says which import is whose nowhere dllkit reads) in either. */
static const dk_export *lookup(const ctx *c, size_t t, size_t who, const char *fn, uint16_t ord)
{
	const node *nd = &c->nodes[t];
	bool who_arm64x = who == DK_DEP_PROGRAM ? c->prog.arm64x : c->d->dlls[who].arm64x;

	if (nd->m.native && machine_of(c, who) == DK_MACHINE_ARM64)
		return find_export(nd->m.native, nd->nat_by_name, nd->nnat_by_name, fn, ord);
	const dk_export *x = find_export(&nd->m, nd->by_name, nd->nby_name, fn, ord);
	if (!x && nd->m.native && who_arm64x)
		x = find_export(nd->m.native, nd->nat_by_name, nd->nnat_by_name, fn, ord);
	return x;
}

/* `x` (of edge `ei`'s DLL) forwards: an edge to the DLL it names. */
static void follow_forward(ctx *c, size_t ei, const dk_export *x, const char *fn, uint16_t ord)
{
	const char *dot = strrchr(x->forward, '.');
	const edge *e = &c->edges[ei];
	unsigned depth = e->forward ? e->depth + 1 : 1;

	if (depth > MAX_FORWARD_DEPTH) {
		add_prob(c, ei, DK_PROBLEM_FORWARD_LOOP, fn, ord);
		return;
	}
	if (!dot || dot == x->forward || !dot[1])
		return; /* the export reader does not make these */
	size_t n = (size_t)(dot - x->forward);
	char *dll = malloc(n + 5);
	if (!dll) {
		c->oom = true;
		return;
	}
	/* A forwarder names the DLL without its extension: the loader adds ".dll". */
	memcpy(dll, x->forward, n);
	memcpy(dll + n, ".dll", 5);
	size_t from = e->to;
	size_t to = add_dep(c, dll, from, true);
	free(dll);
	if (c->oom)
		return;
	edge *f = new_edge(c);
	if (!f)
		return;
	e = &c->edges[ei]; /* new_edge may have moved it */
	f->from = from;
	f->to = to;
	f->kind = e->kind;
	f->forward = true;
	f->parent = ei;
	f->depth = depth;
	f->importer = e->importer;
	if (e->forward) {
		f->via = e->via;
		f->via_ord = e->via_ord;
		f->via_fn = dk_strdup(e->via_fn);
	} else {
		f->via = e->to;
		f->via_ord = ord;
		f->via_fn = dk_strdup(fn);
	}
	const char *target = dot + 1;
	if (target[0] == '#') {
		unsigned long v = strtoul(target + 1, NULL, 10);
		f->ord = (uint16_t)(v <= 0xffff ? v : 0);
	} else {
		f->fn = dk_strdup(target);
	}
	if ((e->forward ? e->via_fn : fn) && !f->via_fn)
		c->oom = true;
	if (target[0] != '#' && !f->fn)
		c->oom = true;
}

static void check_one(ctx *c, size_t ei, const char *fn, uint16_t ord)
{
	const edge *e = &c->edges[ei];
	const dk_export *x;

	x = lookup(c, e->to, e->from, fn, ord);
	if (!x) {
		add_prob(c, ei, fn ? DK_PROBLEM_NAME : DK_PROBLEM_ORDINAL, fn, ord);
		return;
	}
	if (x->forward)
		follow_forward(c, ei, x, fn, ord);
}

static void check_edge(ctx *c, size_t ei)
{
	edge *e = &c->edges[ei];

	if (c->d->dlls[e->to].status != DK_DEP_FOUND)
		return; /* the DLL is the problem (or Windows' own) */
	if (e->forward) {
		char *fn = e->fn; /* the edge array may move under check_one */
		check_one(c, ei, fn, e->ord);
		return;
	}
	const dk_import_dll *idll = e->idll;
	for (size_t k = 0; k < idll->nitems && !c->oom; k++) {
		const dk_imported *it = &idll->items[k];
		check_one(c, ei, it->by_ordinal ? NULL : it->name, it->by_ordinal ? it->ordinal : 0);
	}
}

/* Which DLLs load-time imports reach, and so which problems stop the
 * program: a fixpoint over the edges (a later edge can make an earlier
 * importer load-time). */
static bool decide_kinds(ctx *c, bool **edge_load_out)
{
	dk_deps *d = c->d;
	bool *dep_load = calloc(d->ndlls + 1, sizeof *dep_load);
	bool *edge_load = calloc(c->nedges + 1, sizeof *edge_load);
	bool changed = true;

	if (!dep_load || !edge_load) {
		free(dep_load);
		free(edge_load);
		return false;
	}
	while (changed) {
		changed = false;
		for (size_t i = 0; i < c->nedges; i++) {
			const edge *e = &c->edges[i];
			bool l = e->forward ? edge_load[e->parent]
					    : e->kind == DK_IMPORTS_LOAD &&
						      (e->from == DK_DEP_PROGRAM || dep_load[e->from]);
			if (l && !edge_load[i]) {
				edge_load[i] = true;
				dep_load[e->to] = true;
				changed = true;
			}
		}
	}
	for (size_t i = 0; i < d->ndlls; i++)
		d->dlls[i].kind = dep_load[i] ? DK_IMPORTS_LOAD : DK_IMPORTS_DELAY;
	free(dep_load);
	*edge_load_out = edge_load;
	return true;
}

/* The problems into d: the DLLs that are not usable first, in list order,
 * then the functions not found, in the order met. */
static bool gather_problems(ctx *c, const bool *edge_load)
{
	dk_deps *d = c->d;
	size_t nbad = 0;

	for (size_t i = 0; i < d->ndlls; i++)
		nbad += d->dlls[i].status != DK_DEP_FOUND && d->dlls[i].status != DK_DEP_SYSTEM;
	d->problems = calloc(nbad + c->nprobs + 1, sizeof *d->problems);
	if (!d->problems)
		return false;
	for (size_t i = 0; i < d->ndlls; i++) {
		const dk_dep *x = &d->dlls[i];
		if (x->status == DK_DEP_FOUND || x->status == DK_DEP_SYSTEM)
			continue;
		dk_problem *p = &d->problems[d->nproblems++];
		p->what = DK_PROBLEM_DLL;
		p->importer = x->needed_by;
		p->dll = i;
		p->via = DK_DEP_PROGRAM;
		p->delay = x->kind == DK_IMPORTS_DELAY;
		d->load_problems += !p->delay;
	}
	for (size_t i = 0; i < c->nprobs; i++) {
		dk_problem *p = &d->problems[d->nproblems++];
		*p = c->probs[i].p;
		p->delay = !edge_load[c->probs[i].edge];
		d->load_problems += !p->delay;
	}
	c->nprobs = 0; /* their strings now belong to d */
	return true;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return dk_strdup(".");
	if (slash == path)
		return dk_strdup("/");
	return dk_strndup(path, (size_t)(slash - path));
}

static void ctx_free(ctx *c)
{
	for (size_t i = 0; i < c->d->ndlls && c->nodes; i++) {
		node *nd = &c->nodes[i];
		dk_module_free(&nd->m);
		dk_imports_free(&nd->im);
		free(nd->by_name);
		free(nd->nat_by_name);
	}
	free(c->nodes);
	for (size_t i = 0; i < c->nedges; i++) {
		free(c->edges[i].fn);
		free(c->edges[i].via_fn);
	}
	free(c->edges);
	for (size_t i = 0; i < c->nprobs; i++) {
		free(c->probs[i].p.function);
		free(c->probs[i].p.via_function);
	}
	free(c->probs);
	dk_imports_free(&c->prog);
	free(c->prog_dir);
}

int dk_deps_resolve(dk_deps *d, const char *path, const dk_deps_opts *o, dk_sink *s)
{
	ctx c;
	dk_input in;
	dk_loc loc = dk_loc_file(path);
	bool *edge_load = NULL;
	int rc = DK_FAIL;

	memset(d, 0, sizeof *d);
	memset(&c, 0, sizeof c);
	c.d = d;
	c.o = o;
	c.s = s;
	if (dk_input_read(&in, path, s) != DK_OK)
		return DK_FAIL;
	dk_input_kind kind = dk_input_classify(path, in.data, in.len);
	if (kind != DK_INPUT_IMAGE) {
		if (kind == DK_INPUT_OTHER)
			dk_report(s, DK_ERROR, &loc, "not a PE image (%s)",
				  dk_input_other_reason(in.data, in.len));
		else
			dk_report(s, DK_ERROR, &loc, "not a PE image (a %s)", dk_input_kind_name(kind));
		dk_input_free(&in);
		return DK_FAIL;
	}
	int r = dk_read_imports_mem(&c.prog, in.data, in.len, path, s);
	dk_input_free(&in);
	if (r != DK_OK)
		goto out;
	d->machine = c.prog.machine;
	d->raw_machine = c.prog.raw_machine;
	d->is_dll = c.prog.is_dll;
	if (!(c.prog_dir = dir_of(path))) {
		c.oom = true;
		goto out;
	}

	size_t nexpanded = 0, nchecked = 0;
	expand(&c, DK_DEP_PROGRAM);
	while (!c.oom && (nexpanded < d->ndlls || nchecked < c.nedges)) {
		/* Breadth first: every DLL met is expanded before any forwarder
		 * the checks find adds more. */
		while (!c.oom && nexpanded < d->ndlls) {
			size_t i = nexpanded++;
			if (d->dlls[i].status == DK_DEP_FOUND && !c.nodes[i].expanded) {
				c.nodes[i].expanded = true;
				expand(&c, i);
			}
		}
		while (!c.oom && nchecked < c.nedges)
			check_edge(&c, nchecked++);
	}
	if (c.oom || !decide_kinds(&c, &edge_load) || !gather_problems(&c, edge_load)) {
		c.oom = true;
		goto out;
	}
	rc = DK_OK;
out:
	if (c.oom)
		dk_report(s, DK_ERROR, &loc, "out of memory following its imports");
	free(edge_load);
	ctx_free(&c);
	if (rc != DK_OK)
		dk_deps_free(d);
	return rc;
}

void dk_deps_free(dk_deps *d)
{
	for (size_t i = 0; i < d->ndlls; i++) {
		free(d->dlls[i].name);
		free(d->dlls[i].path);
	}
	free(d->dlls);
	for (size_t i = 0; i < d->nproblems; i++) {
		free(d->problems[i].function);
		free(d->problems[i].via_function);
	}
	free(d->problems);
	memset(d, 0, sizeof *d);
}
