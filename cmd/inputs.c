/* inputs.c - the tools' side of inputs of any kind: each read once and
 * its kind told (dk_input_classify), every bad one named in one run, and
 * the note --recover-stdcall prints.  Reading them is the library's
 * (lib/read_any.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common.h"

dk_input_kind cli_input_read(dk_input *in, const char *path, dk_sink *s)
{
	if (dk_input_read(in, path, s) != DK_OK)
		return DK_INPUT_UNREAD;
	return dk_input_classify(path, in->data, in->len);
}

dk_input_kind cli_input_open(dk_input *in, const char *path, dk_sink *s)
{
	if (dk_input_open(in, path, s) != DK_OK)
		return DK_INPUT_UNREAD;
	return dk_input_classify(path, in->data, in->len);
}

bool cli_inputs_read(cli_inputs *ins, char *const *paths, size_t n, dk_sink *s)
{
	bool ok = true;

	memset(ins, 0, sizeof *ins);
	ins->v = calloc(n ? n : 1, sizeof *ins->v);
	ins->kind = calloc(n ? n : 1, sizeof *ins->kind);
	if (!ins->v || !ins->kind) {
		dk_report(s, DK_ERROR, NULL, "out of memory");
		return false;
	}
	ins->n = n;
	for (size_t i = 0; i < n; i++) {
		ins->kind[i] = cli_input_read(&ins->v[i], paths[i], s);
		ins->v[i].name = paths[i];
		if (ins->kind[i] == DK_INPUT_UNREAD) {
			ok = false;
		} else if (ins->kind[i] == DK_INPUT_OTHER) {
			dk_loc loc = dk_loc_file(paths[i]);
			dk_report(s, DK_ERROR, &loc, "%s",
				  dk_input_other_reason(ins->v[i].data, ins->v[i].len));
			ok = false;
		}
	}
	return ok;
}

void cli_inputs_free(cli_inputs *ins)
{
	for (size_t i = 0; i < ins->n; i++)
		dk_input_free(&ins->v[i]);
	free(ins->v);
	free(ins->kind);
	memset(ins, 0, sizeof *ins);
}

void cli_name_inputs(char *buf, size_t size, const cli_inputs *ins)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ins->n && at < size; i++) {
		if (i == 3 && ins->n > 4) {
			snprintf(buf + at, size - at, " and %zu more", ins->n - 3);
			return;
		}
		at += (size_t)snprintf(buf + at, size - at, "%s%s", i ? ", " : "", ins->v[i].name);
	}
}

/* The exports --recover-stdcall left as they are, for the note: [0]
 * those with a plain ret (cdecl, or stdcall without arguments), [1] the
 * others. */
typedef struct undecided {
	bool explain;
	const char *path;
	size_t n[2];
	char *first[2][5];
} undecided;

static void on_undecided(void *ctx, const dk_export *e, bool plain_ret, const char *why)
{
	undecided *u = ctx;
	int k = plain_ret ? 0 : 1;
	if (u->explain)
		cli_message(u->path, "note", "\"%s\" kept its name: %s", e->name, why);
	else if (u->n[k] < sizeof u->first[k] / sizeof u->first[k][0])
		u->first[k][u->n[k]] = strdup(e->name); /* NULL (out of memory) only shortens the note */
	u->n[k]++;
}

/* "a, b, c, ..." of the first names kept. */
static void name_list(char *buf, size_t size, char *const *first, size_t n)
{
	size_t at = 0, shown = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 5; i++) {
		if (!first[i] || at >= size)
			continue;
		at += (size_t)snprintf(buf + at, size - at, "%s%s", shown++ ? ", " : "", first[i]);
	}
	if (n > shown && at < size)
		snprintf(buf + at, size - at, "%s...", shown ? ", " : "");
}

int cli_load_image_recover(const dk_input *in, bool explain, bool aliases, dk_module *m,
			   dk_sink *s)
{
	const char *path = in->name;
	dk_loc loc = dk_loc_file(path);
	undecided u;
	long got;
	int rc = DK_FAIL;
	size_t before;

	memset(&u, 0, sizeof u);
	u.explain = explain;
	u.path = path;
	if (dk_load_any(m, in, DK_INPUT_IMAGE, NULL, NULL, NULL, s) != DK_OK)
		goto out;
	if (m->machine != DK_MACHINE_I386) {
		dk_report(s, DK_ERROR, &loc,
			  "--recover-stdcall reads i386 code; this image is for %s, whose names "
			  "carry no @N",
			  dk_machine_name(m->machine));
		goto out;
	}
	before = m->nexports;
	got = dk_image_recover_stdcall(m, in->data, in->len, path,
				       aliases ? DK_RECOVER_ALIASES : 0, on_undecided, &u, s);
	if (got < 0)
		goto out;
	if (!u.n[0] && !u.n[1] && !got) {
		dk_report(s, DK_NOTE, &loc,
			  "no export needed its @N back: none is an undecorated i386 function");
	} else if (u.n[0] || u.n[1]) {
		char plain[400], other[400];
		name_list(plain, sizeof plain, u.first[0], u.n[0]);
		name_list(other, sizeof other, u.first[1], u.n[1]);
		if (explain)
			plain[0] = other[0] = '\0';
		/* One note, in parts: what was decided, the plain rets (most
		 * likely cdecl), and what the code did not decide. */
		char msg[1200];
		int at = snprintf(msg, sizeof msg, "%ld export%s given @N from the code", got,
				  got == 1 ? "" : "s");
		if (u.n[0] && at >= 0 && (size_t)at < sizeof msg)
			at += snprintf(msg + at, sizeof msg - (size_t)at,
				       "; %zu return%s with a plain ret (cdecl, or stdcall without "
				       "arguments) and %s%s%s",
				       u.n[0], u.n[0] == 1 ? "s" : "",
				       aliases ? (u.n[0] == 1 ? "is imported as both f and f@0"
								       : "are imported as both f and f@0")
				       : u.n[0] == 1	  ? "keeps its name"
							  : "keep their names",
				       *plain ? ": " : "", plain);
		if (u.n[1] && at >= 0 && (size_t)at < sizeof msg)
			at += snprintf(msg + at, sizeof msg - (size_t)at,
				       "; %zu kept %s name%s, the code does not show %s decoration%s%s%s",
				       u.n[1], u.n[1] == 1 ? "its" : "their", u.n[1] == 1 ? "" : "s",
				       u.n[1] == 1 ? "its" : "their", *other ? ": " : "", other,
				       m->nexports - before > u.n[0]
					       ? " (where it leaves two open, imported under both)"
					       : "");
		if (!explain && at >= 0 && (size_t)at < sizeof msg)
			snprintf(msg + at, sizeof msg - (size_t)at, " (%s says why for each)",
				 strcmp(progname, "mkdef") == 0 ? "--explain"
								: "mkdef --recover-stdcall --explain");
		dk_report(s, DK_NOTE, &loc, "%s", msg);
	}
	rc = DK_OK;
out:
	for (size_t i = 0; i < 5; i++) {
		free(u.first[0][i]);
		free(u.first[1][i]);
	}
	return rc;
}

bool cli_read_native_def(dk_module *m, const char *path, const char *output, cli_deps *deps,
			 dk_sink *sink)
{
	dk_loc loc = dk_loc_file(path);
	dk_module *nat = dk_module_native(m);

	if (!nat || !cli_deps_add(deps, path, output)) {
		cli_error("out of memory");
		return false;
	}
	cli_subject(path);
	if (dk_def_parse_file(nat, path, sink) != DK_OK || dk_module_check(nat, sink, &loc) != DK_OK)
		return false;
	nat->machine = DK_MACHINE_ARM64;
	return true;
}
