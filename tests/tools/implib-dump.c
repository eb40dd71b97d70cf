/* implib-dump.c - print what dk_read_implib reads, for tests/cli/implib_read.sh.
 *
 *   implib-dump [-m] [-M DLL] LIBRARY...
 *
 * One line per import, tab-separated:
 *   LIBRARY  DLL  SYMBOL  NAME|#ORDINAL  code|data|const  HINT  NAMETYPE  short|long  MEMBER
 * or, for a library that imports nothing, "LIBRARY\t(no imports)\tMACHINE".
 * -m: the machine first ("LIBRARY\tmachine\tNAME").  -M DLL: the .def
 * dk_implib_to_module makes for DLL ("-" for the only one) instead.
 * -i: whether dk_is_implib says yes ("LIBRARY\tis-implib\t0|1").
 * Exit status 1 when any library could not be read (diagnostics on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dllkit.h"

static void diag(void *ctx, const dk_diag *d)
{
	(void)ctx;
	fprintf(stderr, "%s", d->loc.file ? d->loc.file : "");
	if (d->loc.member)
		fprintf(stderr, "(%s)", d->loc.member);
	if (d->loc.offset >= 0)
		fprintf(stderr, ":0x%llx", (unsigned long long)d->loc.offset);
	fprintf(stderr, ": %s: %s\n", d->severity == DK_ERROR ? "error" : "warning", d->message);
}

static const char *types[] = { "code", "data", "const" };

int main(int argc, char **argv)
{
	dk_sink s = { diag, NULL, 0, 0 };
	const char *module = NULL;
	bool machine = false, is = false;
	int rc = 0, i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-m") == 0)
			machine = true;
		else if (strcmp(argv[i], "-i") == 0)
			is = true;
		else if (strcmp(argv[i], "-M") == 0 && i + 1 < argc)
			module = argv[++i];
		else {
			fprintf(stderr, "usage: implib-dump [-m] [-i] [-M DLL|-] LIBRARY...\n");
			return 2;
		}
	}
	for (; i < argc; i++) {
		const char *path = argv[i];
		dk_implib lib;

		if (is) {
			printf("%s\tis-implib\t%d\n", path, dk_is_implib(path));
			continue;
		}
		if (dk_read_implib(&lib, path, &s) != DK_OK) {
			rc = 1;
			continue;
		}
		if (machine)
			printf("%s\tmachine\t%s\n", path,
			       dk_machine_name(lib.machine) ? dk_machine_name(lib.machine) : "unknown");
		if (module) {
			dk_module m;
			char *text;
			size_t len;
			dk_module_init(&m);
			if (dk_implib_to_module(&lib, strcmp(module, "-") ? module : NULL, &m, &s) != DK_OK ||
			    dk_def_write(&m, &text, &len, &s) != DK_OK) {
				rc = 1;
			} else {
				fwrite(text, 1, len, stdout);
				free(text);
			}
			dk_module_free(&m);
		} else if (lib.n == 0) {
			printf("%s\t(no imports)\t%s\n", path,
			       dk_machine_name(lib.machine) ? dk_machine_name(lib.machine) : "unknown");
		}
		for (size_t k = 0; !module && k < lib.n; k++) {
			const dk_implib_entry *x = &lib.v[k];
			printf("%s\t%s\t%s\t", path, x->dll, x->symbol);
			if (x->by_ordinal)
				printf("#%u", x->ordinal);
			else
				printf("%s", x->name);
			printf("\t%s\t%u\t%u\t%s\t%s\n", x->type < 3 ? types[x->type] : "?",
			       x->by_ordinal ? 0 : x->ordinal, x->name_type,
			       x->short_format ? "short" : "long", x->member);
		}
		dk_implib_free(&lib);
	}
	return rc;
}
