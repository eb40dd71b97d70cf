/* test_read_file.c - inputs read once (dk_input_read, dk_read_file).
 * Archives cut short: test_read_ar.c; objects checked against their bytes
 * before libbfd reads them: test_read_objects.c. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"

/* ------------------------------------------------------------------ */
/* Reading files once                                                   */
/* ------------------------------------------------------------------ */

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/dk-input-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(regular_empty_missing_directory)
{
	char path[128];
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_input in;

	snprintf(path, sizeof path, "%s/a.def", dir);
	write_file(path, "EXPORTS\n f\n", 11);
	ck_assert_int_eq(dk_input_read(&in, path, &s), DK_OK);
	ck_assert_uint_eq(in.len, 11);
	ck_assert_int_eq(memcmp(in.data, "EXPORTS\n f\n", 11), 0);
	ck_assert_str_eq(in.name, path);
	dk_input_free(&in);

	snprintf(path, sizeof path, "%s/empty", dir);
	write_file(path, "", 0);
	ck_assert_int_eq(dk_input_read(&in, path, &s), DK_OK);
	ck_assert_uint_eq(in.len, 0);
	dk_input_free(&in);
	ck_assert_uint_eq(s.errors, 0);

	ck_assert_int_eq(dk_input_read(&in, dir, &s), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(u.last, ": is a directory"));
	ck_assert_ptr_null(in.data);
	dk_input_free(&in);

	snprintf(path, sizeof path, "%s/missing", dir);
	ck_assert_int_eq(dk_input_read(&in, path, &s), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(u.last, ": cannot open: No such file or directory"));
	ck_assert_uint_eq(s.errors, 2);

	char *data;
	size_t len;
	ck_assert_int_eq(dk_read_file(dir, &data, &len, &s), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(u.last, ": is a directory"));
	ck_assert_ptr_null(data);
}
END_TEST

/* A pipe of 300 KB (more than the first buffer, not a multiple of it),
 * read once through its /dev/fd name, as a shell's <(...) gives it. */
START_TEST(pipe_read_once)
{
	enum { N = 300001 };
	int fd[2];
	pid_t pid;
	char path[32];
	dk_input in;
	dk_sink s = { NULL, NULL, 0, 0 };

	ck_assert_int_eq(pipe(fd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fd[0]);
		for (size_t i = 0; i < N; i++) {
			unsigned char c = (unsigned char)(i * 7);
			if (write(fd[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(fd[1]);
	snprintf(path, sizeof path, "/dev/fd/%d", fd[0]);
	ck_assert_int_eq(dk_input_read(&in, path, &s), DK_OK);
	close(fd[0]);
	waitpid(pid, NULL, 0);
	ck_assert_uint_eq(in.len, N);
	for (size_t i = 0; i < N; i++)
		if (in.data[i] != (unsigned char)(i * 7))
			ck_abort_msg("byte %zu differs", i);
	dk_input_free(&in);

	/* A character device that ends at once. */
	ck_assert_int_eq(dk_input_read(&in, "/dev/null", &s), DK_OK);
	ck_assert_uint_eq(in.len, 0);
	dk_input_free(&in);
	ck_assert_uint_eq(s.errors, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("input");
	TCase *t = tcase_create("files");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, regular_empty_missing_directory);
	tcase_add_test(t, pipe_read_once);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
