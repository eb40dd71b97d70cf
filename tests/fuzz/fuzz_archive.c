/* fuzz_archive.c - libFuzzer target: dllkit's own static-archive reader
 * (arread.c) on any bytes.
 *
 * Promises checked: every member returned lies inside the bytes, after its
 * 60-byte header and after the member before it; indexes count up from 0;
 * a walk that fails says where, inside the bytes; a walk ends. */
#include "fuzz.h"
#include "read_ar_private.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dk_ar_reader r;
	dk_ar_entry e;
	dk_ar_error err;
	size_t expect = 0, last_end = 0;
	int rc;

	memset(&err, 0, sizeof err);

	if (dk_ar_is_archive(data, size) != (size >= 8 && memcmp(data, "!<arch>\n", 8) == 0))
		fuzz_fail("dk_ar_is_archive disagrees with the magic");
	if (!dk_ar_open(&r, data, size, &err)) {
		if (!err.message)
			fuzz_fail("dk_ar_open refused without a reason");
		return 0;
	}
	while ((rc = dk_ar_next(&r, &e, &err)) == 1) {
		if (e.index != expect++)
			fuzz_fail("member index %zu, expected %zu", e.index, expect - 1);
		if (e.header < last_end || e.header + 60 > e.offset)
			fuzz_fail("member %zu: header at %zu, data at %zu, previous end %zu", e.index,
				  e.header, e.offset, last_end);
		if (e.offset > size || e.size > size - e.offset)
			fuzz_fail("member %zu: %zu bytes at %zu, past the %zu of the archive", e.index,
				  e.size, e.offset, size);
		if (e.data != data + e.offset)
			fuzz_fail("member %zu: data pointer is not at its offset", e.index);
		if (e.namelen && !e.name)
			fuzz_fail("member %zu: a name length without a name", e.index);
		last_end = e.offset + e.size;
		char *name = dk_ar_name(&e);
		if (!name)
			fuzz_fail("member %zu: no name (out of memory?)", e.index);
		if (strlen(name) > e.namelen)
			fuzz_fail("member %zu: name longer than its length", e.index);
		free(name);
		if (expect > size)
			fuzz_fail("more members than bytes");
	}
	if (rc == -1 && (!err.message || err.offset > size))
		fuzz_fail("damage reported without a reason or outside the bytes (offset %zu)",
			  err.offset);
	if (rc != 0 && rc != -1)
		fuzz_fail("dk_ar_next returned %d", rc);
	return 0;
}
