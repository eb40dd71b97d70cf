/* recover-stdcall.c - print what dk_image_recover_stdcall makes of i386 DLLs
 * (a test driver).
 *
 *   recover-stdcall FILE...
 *
 * One tab-separated line per export it looked at (named code exports whose
 * names are not decorated):
 *   NAME <TAB> DECORATED <TAB> -        decided: `f@12`, `@g@8` (GNU naming)
 *   NAME <TAB> ?         <TAB> WHY      undecided, and why
 * With several files each line starts with FILE <TAB>.  Errors go to
 * stderr; the exit status is 1 when any file could not be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dllkit.h"

static void print_diag(void *ctx, const dk_diag *d)
{
	(void)ctx;
	fprintf(stderr, "%s: %s: %s\n", d->loc.file ? d->loc.file : "recover-stdcall",
		d->severity == DK_ERROR ? "error" : "warning", d->message);
}

typedef struct seen {
	const dk_module *m;
	char **why; /* per export, or NULL */
	int oom;
} seen;

static void on_undecided(void *ctx, const dk_export *e, bool plain_ret, const char *why)
{
	seen *s = ctx;
	size_t i = (size_t)(e - s->m->exports);
	(void)plain_ret; /* the reason says it too */
	if (i < s->m->nexports && !s->why[i]) {
		size_t n = strlen(why) + 1;
		s->why[i] = malloc(n); /* strdup is not C11 */
		if (s->why[i])
			memcpy(s->why[i], why, n);
		else
			s->oom = 1;
	}
}

int main(int argc, char **argv)
{
	int status = 0;
	dk_sink sink = { print_diag, NULL, 0, 0 };

	if (argc < 2) {
		fprintf(stderr, "usage: recover-stdcall FILE...\n");
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		const char *path = argv[a];
		FILE *fp = fopen(path, "rb");
		char *data = NULL;
		size_t len = 0, cap = 0, n;
		dk_module m;
		dk_image info;
		seen s;
		long got;

		if (!fp) {
			perror(path);
			status = 1;
			continue;
		}
		for (;;) {
			if (len == cap) {
				cap = cap ? cap * 2 : 1 << 16;
				char *nd = realloc(data, cap);
				if (!nd) {
					fprintf(stderr, "%s: out of memory\n", path);
					return 1;
				}
				data = nd;
			}
			n = fread(data + len, 1, cap - len, fp);
			if (n == 0)
				break;
			len += n;
		}
		fclose(fp);
		dk_module_init(&m);
		memset(&info, 0, sizeof info);
		if (dk_read_image_mem(&m, &info, data, len, path, &sink) != DK_OK) {
			status = 1;
			goto next;
		}
		s.m = &m;
		s.oom = 0;
		s.why = calloc(m.nexports + 1, sizeof *s.why);
		if (!s.why)
			return 1;
		got = dk_image_recover_stdcall(&m, data, len, path, 0, on_undecided, &s, &sink);
		if (got < 0 || s.oom) {
			status = 1;
		} else {
			for (size_t i = 0; i < m.nexports; i++) {
				const dk_export *e = &m.exports[i];
				if (!e->internal && !s.why[i])
					continue;
				if (argc > 2)
					printf("%s\t", path);
				/* GNU naming always: a DLL whose own names
				 * are link.exe's gets `_f@12` for `f@12`. */
				if (e->internal)
					printf("%s\t%s\t-\n", e->name,
					       m.dialect == DK_DIALECT_MSVC && e->internal[0] == '_'
						       ? e->internal + 1
						       : e->internal);
				else
					printf("%s\t?\t%s\n", e->name, s.why[i]);
			}
		}
		for (size_t i = 0; i < m.nexports; i++)
			free(s.why[i]);
		free(s.why);
	next:
		dk_image_free(&info);
		dk_module_free(&m);
		free(data);
	}
	return status;
}
