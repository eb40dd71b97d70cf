/* imports.c - dumpexports --imports: what a PE image imports, as a table,
 * JSON or TSV (file, dll, kind, ordinal, hint, name: one row a function).
 * Text from files is escaped by common.c's helpers. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "imports.h"

static const char *kind_word(const dk_import_dll *e)
{
	return e->kind == DK_IMPORTS_DELAY ? "delay" : "import";
}

static void put_name(FILE *f, const char *name, bool demangle, void (*put)(FILE *, const char *))
{
	char *shown = listing_shown_name(name, demangle);
	put(f, shown ? shown : name);
	free(shown);
}

/* ---- table ---- */

static void table_dll(const dk_import_dll *e, bool demangle)
{
	printf("\n  ");
	cli_put_escaped(stdout, e->dll);
	printf("  %zu function%s", e->nitems, e->nitems == 1 ? "" : "s");
	if (e->kind == DK_IMPORTS_DELAY)
		printf(", delay-loaded%s", e->found == DK_FOUND_THUNKS
			       ? " (no directory lists it: a delay-load import library's descriptor)"
			       : "");
	putchar('\n');
	/* What binding did: the loader checks these stamps against the DLL
	 * it loads and redoes the binding when they differ. */
	if (e->bound)
		printf("    bound to the DLL of timestamp 0x%08" PRIx32 "\n", e->bound_timestamp);
	else if (e->kind == DK_IMPORTS_LOAD && e->timestamp && e->timestamp != UINT32_MAX)
		printf("    bound (old style) to the DLL of timestamp 0x%08" PRIx32 "\n", e->timestamp);
	if (e->kind == DK_IMPORTS_LOAD && e->forwarder_chain && e->forwarder_chain != UINT32_MAX)
		printf("    forwarder chain starts at entry %" PRIu32 "\n", e->forwarder_chain);
	printf("    ordinal   hint  name\n");
	for (size_t k = 0; k < e->nitems; k++) {
		const dk_imported *it = &e->items[k];
		if (it->by_ordinal) {
			printf("    %7u\n", it->ordinal);
			continue;
		}
		printf("    %7s  %5u  ", "", it->hint);
		put_name(stdout, it->name, demangle, cli_put_escaped);
		putchar('\n');
	}
}

void imports_table(const char *path, const dk_imports *im, bool demangle)
{
	size_t nload = 0, ndelay = 0, fload = 0, fdelay = 0;
	const char *mach = dk_machine_name(im->machine);

	for (size_t i = 0; i < im->ndlls; i++) {
		bool delay = im->dlls[i].kind == DK_IMPORTS_DELAY;
		*(delay ? &ndelay : &nload) += 1;
		*(delay ? &fdelay : &fload) += im->dlls[i].nitems;
	}
	cli_put_escaped(stdout, path);
	if (im->arm64x)
		printf(": PE image, ARM64X (PE32+)%s\n", im->is_dll ? ", DLL" : ", program");
	else if (mach)
		printf(": PE image, %s (%s), %s\n", mach, im->pe32plus ? "PE32+" : "PE32",
		       im->is_dll ? "DLL" : "program");
	else
		printf(": PE image, machine 0x%04x (%s), %s\n", im->raw_machine,
		       im->pe32plus ? "PE32+" : "PE32", im->is_dll ? "DLL" : "program");
	printf("  imports       %zu function%s from %zu DLL%s at load", fload, fload == 1 ? "" : "s",
	       nload, nload == 1 ? "" : "s");
	if (ndelay)
		printf(", %zu from %zu delay-loaded DLL%s", fdelay, ndelay, ndelay == 1 ? "" : "s");
	putchar('\n');
	for (size_t i = 0; i < im->nbound; i++) {
		const dk_bound_dll *b = &im->bound[i];
		printf("  bound to      ");
		cli_put_escaped(stdout, b->dll);
		printf(" (timestamp 0x%08" PRIx32 ")", b->timestamp);
		for (size_t k = 0; k < b->nforwarders; k++) {
			printf("%s", k ? ", " : "; through forwarders: ");
			cli_put_escaped(stdout, b->forwarders[k]);
			printf(" (0x%08" PRIx32 ")", b->forwarder_timestamps[k]);
		}
		putchar('\n');
	}
	for (size_t i = 0; i < im->ndlls; i++)
		table_dll(&im->dlls[i], demangle);
}

/* ---- JSON ---- */

static void json_str(const char *s)
{
	cli_put_json(stdout, s);
}


void imports_json(const char *path, const dk_imports *im, const char *error, bool demangle,
		  bool first)
{
	printf("%s\n    {\"path\": ", first ? "" : ",");
	json_str(path);
	if (error) {
		fputs(", \"error\": ", stdout);
		json_str(error);
		fputs("}", stdout);
		return;
	}
	fputs(", \"kind\": \"image\", \"machine\": ", stdout);
	json_str(im->arm64x ? "arm64x" : dk_machine_name(im->machine));
	printf(", \"is_dll\": %s, \"imports\": [", im->is_dll ? "true" : "false");
	for (size_t i = 0; i < im->ndlls; i++) {
		const dk_import_dll *e = &im->dlls[i];
		bool load = e->kind == DK_IMPORTS_LOAD;
		printf("%s\n      {\"dll\": ", i ? "," : "");
		json_str(e->dll);
		printf(", \"kind\": \"%s\", \"found\": \"%s\", \"descriptors\": %zu", kind_word(e),
		       e->found == DK_FOUND_THUNKS ? "thunks" : "directory", e->ndescriptors);
		listing_json_uint("descriptor_rva", true, e->descriptor_rva);
		listing_json_uint("timestamp", true, e->timestamp);
		listing_json_uint("forwarder_chain", load && e->forwarder_chain != UINT32_MAX && e->forwarder_chain,
		       e->forwarder_chain);
		listing_json_uint("bound_timestamp", e->bound, e->bound_timestamp);
		fputs(", \"functions\": [", stdout);
		for (size_t k = 0; k < e->nitems; k++) {
			const dk_imported *it = &e->items[k];
			printf("%s\n        {\"name\": ", k ? "," : "");
			json_str(it->name);
			listing_json_uint("hint", !it->by_ordinal, it->hint);
			listing_json_uint("ordinal", it->by_ordinal, it->ordinal);
			fputs(", \"demangled\": ", stdout);
			char *d = demangle && it->name ? listing_demangled(it->name) : NULL;
			json_str(d);
			free(d);
			listing_json_uint("slot_rva", true, it->slot_rva);
			listing_json_uint("bound_address", it->bound != 0, it->bound);
			fputs("}", stdout);
		}
		fputs(e->nitems ? "\n      ]}" : "]}", stdout);
	}
	fputs(im->ndlls ? "\n    ], \"bound_imports\": [" : "], \"bound_imports\": [", stdout);
	for (size_t i = 0; i < im->nbound; i++) {
		const dk_bound_dll *b = &im->bound[i];
		fputs(i ? ", {\"dll\": " : "{\"dll\": ", stdout);
		json_str(b->dll);
		listing_json_uint("timestamp", true, b->timestamp);
		fputs(", \"forwarders\": [", stdout);
		for (size_t k = 0; k < b->nforwarders; k++) {
			fputs(k ? ", {\"dll\": " : "{\"dll\": ", stdout);
			json_str(b->forwarders[k]);
			listing_json_uint("timestamp", true, b->forwarder_timestamps[k]);
			fputs("}", stdout);
		}
		fputs("]}", stdout);
	}
	fputs("]}", stdout);
}

/* ---- TSV ---- */

void imports_tsv_header(void)
{
	puts("file\tdll\tkind\tordinal\thint\tname");
}

void imports_tsv(const char *path, const dk_imports *im, bool demangle)
{
	for (size_t i = 0; i < im->ndlls; i++) {
		const dk_import_dll *e = &im->dlls[i];
		for (size_t k = 0; k < e->nitems; k++) {
			const dk_imported *it = &e->items[k];
			cli_put_tsv(stdout, path);
			putchar('\t');
			cli_put_tsv(stdout, e->dll);
			printf("\t%s\t", kind_word(e));
			if (it->by_ordinal) {
				printf("%u\t\t\n", it->ordinal);
				continue;
			}
			printf("\t%u\t", it->hint);
			put_name(stdout, it->name, demangle, cli_put_tsv);
			putchar('\n');
		}
	}
}
