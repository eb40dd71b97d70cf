/* pe-dump.c - print what dk_read_image makes of PE images (a test driver).
 *
 *   pe-dump FILE...      header facts, then one line per export:
 *                        @ORDINAL rva=0xRVA hint=N NAME [NONAME] [DATA] [-> TARGET]
 *   pe-dump -l FILE...   one tab-separated line per export, to compare with
 *                        llvm-readobj --coff-exports:
 *                        FILE ORDINAL NAME (empty for NONAME) 0xRVA | -> TARGET
 *
 * Errors go to stderr as "FILE:0xOFFSET: error: MESSAGE"; the exit status is 1
 * when any file could not be read.
 */
#include <stdio.h>
#include <string.h>
#include "dllkit.h"

static void print_diag(void *ctx, const dk_diag *d)
{
	(void)ctx;
	fprintf(stderr, "%s", d->loc.file ? d->loc.file : "pe-dump");
	if (d->loc.offset >= 0)
		fprintf(stderr, ":0x%llx", (unsigned long long)d->loc.offset);
	fprintf(stderr, ": %s: %s\n", d->severity == DK_ERROR ? "error" : "warning", d->message);
}

static void dump(const char *path, const dk_module *m, const dk_image *im)
{
	printf("file %s\n", path);
	printf("machine %s raw 0x%04x pe32plus %d dll %d exports %d\n",
	       dk_machine_name(im->machine) ? dk_machine_name(im->machine) : "unknown",
	       im->raw_machine, im->pe32plus, im->is_dll, im->has_exports);
	printf("name %s base %u functions %u names %u timestamp %u version %u.%u image %u.%u\n",
	       im->export_name ? im->export_name : "-", im->ordinal_base, im->nfunctions,
	       im->nnames, im->timestamp, im->export_major, im->export_minor, im->image_major,
	       im->image_minor);
	printf("module %s%s\n", m->name ? m->name : "-", m->is_exe ? " exe" : "");
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		printf("@%u rva=0x%x hint=%d %s%s%s", e->ordinal, e->rva, e->hint, e->name,
		       e->flags & DK_EXPORT_NONAME ? " NONAME" : "",
		       e->flags & DK_EXPORT_DATA ? " DATA" : "");
		if (e->forward)
			printf(" -> %s", e->forward);
		putchar('\n');
	}
}

static void list(const char *path, const dk_module *m)
{
	for (size_t i = 0; i < m->nexports; i++) {
		const dk_export *e = &m->exports[i];
		printf("%s\t%u\t%s\t", path, e->ordinal,
		       e->flags & DK_EXPORT_NONAME ? "" : e->name);
		if (e->forward)
			printf("-> %s\n", e->forward);
		else
			printf("0x%X\n", e->rva);
	}
}

int main(int argc, char **argv)
{
	dk_sink s = { print_diag, NULL, 0, 0 };
	int rc = 0, i = 1;
	int listing = 0;

	if (argc > 1 && strcmp(argv[1], "-l") == 0) {
		listing = 1;
		i++;
	}
	for (; i < argc; i++) {
		dk_module m;
		dk_image im;
		dk_module_init(&m);
		if (dk_read_image(&m, &im, argv[i], &s) != DK_OK) {
			rc = 1;
		} else if (listing) {
			list(argv[i], &m);
		} else {
			dump(argv[i], &m, &im);
		}
		dk_image_free(&im);
		dk_module_free(&m);
	}
	return rc;
}
