/* inputs.c - inputs of any kind (.def, objects, import libraries, PE
 * images) for the tools that take them all. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "common.h"

cli_kind cli_classify(const char *path)
{
	unsigned char h[8];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return CLI_UNREADABLE;
	n = fread(h, 1, sizeof h, f);
	fclose(f);
	if (n >= 8 && memcmp(h, "!<arch>\n", 8) == 0)
		return dk_is_implib(path) ? CLI_IMPLIB : CLI_OBJECT;
	if (n >= 2 && h[0] == 'M' && h[1] == 'Z')
		return CLI_IMAGE;
	if (n >= 4) {
		unsigned mach = h[0] | h[1] << 8;
		if (mach == DK_MACHINE_I386 || mach == DK_MACHINE_AMD64 || mach == DK_MACHINE_ARM64 ||
		    mach == DK_MACHINE_ARM64EC || mach == DK_MACHINE_ARMNT ||
		    (mach == 0 && h[2] == 0xff && h[3] == 0xff))
			return CLI_OBJECT;
	}
	return CLI_DEF;
}

const char *cli_kind_name(cli_kind k)
{
	switch (k) {
	case CLI_DEF: return "module-definition file";
	case CLI_OBJECT: return "objects";
	case CLI_IMPLIB: return "import library";
	case CLI_IMAGE: return "PE image";
	default: return "unreadable";
	}
}

int cli_load_module(const char *path, cli_kind kind, const char *dll, const dk_read_opts *ro,
		    dk_module *m, dk_image *img, dk_sink *s)
{
	dk_loc loc = dk_loc_file(path);
	int rc = DK_FAIL;

	switch (kind) {
	case CLI_UNREADABLE:
		dk_report(s, DK_ERROR, &loc, "cannot open: %s", strerror(errno));
		return DK_FAIL;
	case CLI_DEF:
		return dk_def_parse_file(m, path, s);
	case CLI_OBJECT:
		if (dk_read_inputs(m, &path, 1, ro, s) != DK_OK)
			return DK_FAIL;
		return dk_module_dedupe(m, s, NULL);
	case CLI_IMAGE: {
		dk_image tmp;
		rc = dk_read_image(m, img ? img : &tmp, path, s);
		if (!img)
			dk_image_free(&tmp);
		return rc;
	}
	case CLI_IMPLIB: {
		dk_implib lib;
		memset(&lib, 0, sizeof lib);
		if (dk_read_implib(&lib, path, s) == DK_OK)
			rc = dk_implib_to_module(&lib, dll, m, s);
		dk_implib_free(&lib);
		return rc;
	}
	}
	return DK_FAIL;
}
