/* fuzz_bfd.c - libFuzzer target: COFF objects and static archives read
 * through libbfd (read_objects.c), then as mkdef goes on: dedupe, sort, check,
 * the .def written and parsed back.
 *
 * Input: one byte of options, then the file's bytes.  Options:
 *   bit 0    --export-all            bits 1-2  dialect: auto, gnu, msvc
 *   bit 3    --keep-runtime-libs     bit 4     --exclude '*a*'
 *   bit 5    the file is named libstdc++.a (a runtime archive) not in.o
 *
 * The library reads paths, so the bytes are written to a file first; a
 * file on tmpfs was measured against a memfd (/proc/self/fd/N): the same
 * speed within noise, and the file can carry the name bit 5 asks for.
 *
 * Promises checked: a refusal says why; what is read writes a .def that
 * parses back to the same module.  With DK_FUZZ_PENDING=1 in the
 * environment, two more that issue 8 asks of the readers: nothing printed
 * on standard error by libbfd, and an archive dllkit's own reader
 * (arread.c) finds damaged is refused.  (Without it, what libbfd prints is
 * kept out of the log: libbfd 2.40 prints thousands of lines a minute.) */
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz.h"
#include "read_ar_private.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

static char folder[64];
static int pending = -1, err_fd = -1, real_stderr = -1;
static char path_obj[96], path_lib[96];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(folder, sizeof folder, "%s/dllkit-fuzz-bfd-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(folder)) {
		perror("fuzz_bfd: mkdtemp");
		abort();
	}
	pending = getenv("DK_FUZZ_PENDING") && strcmp(getenv("DK_FUZZ_PENDING"), "1") == 0;
	/* What the library's calls print goes to a file of its own; sanitizer
	 * reports to the real standard error. */
	err_fd = memfd_create("stderr", 0);
	real_stderr = dup(2);
	if (err_fd < 0 || real_stderr < 0)
		abort();
	__sanitizer_set_report_fd((void *)(intptr_t)real_stderr);
	snprintf(path_obj, sizeof path_obj, "%s/in.o", folder);
	snprintf(path_lib, sizeof path_lib, "%s/libstdc++.a", folder);
	return 0;
}

#ifdef FUZZ_BFD_MEMFD
/* (The measurement's other side: the bytes in a memfd.) */
static void put(const char *path, const unsigned char *data, size_t size)
{
	static int fd = -1;
	static char proc[64];
	(void)path;
	if (fd < 0) {
		fd = memfd_create("in.o", 0);
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path_obj, sizeof path_obj, "%s", proc);
	snprintf(path_lib, sizeof path_lib, "%s", proc);
}
#else
static void put(const char *path, const unsigned char *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) != 0) {
		perror(path);
		abort();
	}
}
#endif

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	fuzz_diags g;
	dk_sink s = fuzz_keeping(&g);
	dk_read_opts o;
	dk_module m;
	static const char *const exclude[] = { "*a*" };
	const char *path;
	unsigned opt;

	if (size < 1)
		return 0;
	opt = data[0];
	put(opt & 32 ? path_lib : path_obj, data + 1, size - 1);
	path = opt & 32 ? path_lib : path_obj;

	memset(&o, 0, sizeof o);
	o.export_all = opt & 1;
	o.dialect = (dk_dialect)((opt >> 1 & 3) % 3);
	o.keep_runtime_libs = opt & 8;
	if (opt & 16) {
		o.exclude = exclude;
		o.nexclude = 1;
	}
	if (ftruncate(err_fd, 0) != 0 || lseek(err_fd, 0, SEEK_SET) != 0 || dup2(err_fd, 2) < 0)
		abort();
	(void)dk_input_dialect(path);
	dk_module_init(&m);
	int rc = dk_read_input(&m, path, &o, &s);
	fflush(stderr);
	dup2(real_stderr, 2);
	if (pending) {
		char said[200] = "";
		ssize_t n = pread(err_fd, said, sizeof said - 1, 0);
		if (n > 0) {
			said[strcspn(said, "\n")] = 0;
			fuzz_fail("libbfd printed on standard error: %s", said);
		}
		if (rc == DK_OK && dk_ar_is_archive(data + 1, size - 1)) {
			dk_ar_reader ar;
			dk_ar_entry e;
			dk_ar_error err;
			memset(&err, 0, sizeof err);
			int k = 0;
			if (dk_ar_open(&ar, data + 1, size - 1, &err))
				while ((k = dk_ar_next(&ar, &e, &err)) == 1)
					;
			if (k == -1)
				fuzz_fail("an archive read through libbfd, which arread.c refuses: %s at %zu",
					  err.message, err.offset);
		}
	}
	if (rc != DK_OK) {
		if (!s.errors)
			fuzz_fail("input refused without a word");
	} else if (dk_module_dedupe(&m, &s, NULL) == DK_OK) {
		dk_module_sort(&m);
		if (m.dialect == DK_DIALECT_AUTO)
			m.dialect = DK_DIALECT_GNU;
		if (dk_module_check(&m, &s, NULL) == DK_OK) {
			char *text = NULL;
			size_t len, at;
			if (dk_def_write(&m, &text, &len, &s) == DK_OK) {
				dk_module back;
				const char *field;
				dk_module_init(&back);
				if (dk_def_parse(&back, text, len, "written.def", &s) != DK_OK)
					fuzz_fail("the .def written from the input does not parse: %s",
						  g.first);
				back.machine = m.machine;
				if ((field = fuzz_module_diff(&m, &back, &at)) != NULL)
					fuzz_fail("the .def written from the input parses back with "
						  "%s different (at %zu)", field, at);
				dk_module_free(&back);
			} else if (!s.errors) {
				fuzz_fail(".def writer failed without a word");
			}
			free(text);
		}
	}
	dk_module_free(&m);
	return 0;
}
