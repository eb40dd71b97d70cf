/* test_read_file.c - inputs read once (dk_input_read, dk_input_open,
 * dk_read_file).
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

typedef int (*input_fn)(dk_input *, const char *, dk_sink *);
static const input_fn readers[] = { dk_input_read, dk_input_open };

/* _i: 0 dk_input_read, 1 dk_input_open (the same for what is no image). */
START_TEST(regular_empty_missing_directory)
{
	char path[128];
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_input in;
	input_fn rd = readers[_i];

	snprintf(path, sizeof path, "%s/a.def", dir);
	write_file(path, "EXPORTS\n f\n", 11);
	ck_assert_int_eq(rd(&in, path, &s), DK_OK);
	ck_assert_uint_eq(in.len, 11);
	ck_assert_int_eq(memcmp(in.data, "EXPORTS\n f\n", 11), 0);
	ck_assert_str_eq(in.name, path);
	dk_input_free(&in);

	snprintf(path, sizeof path, "%s/empty", dir);
	write_file(path, "", 0);
	ck_assert_int_eq(rd(&in, path, &s), DK_OK);
	ck_assert_uint_eq(in.len, 0);
	dk_input_free(&in);
	ck_assert_uint_eq(s.errors, 0);

	ck_assert_int_eq(rd(&in, dir, &s), DK_FAIL);
	ck_assert_ptr_nonnull(strstr(u.last, ": is a directory"));
	ck_assert_ptr_null(in.data);
	dk_input_free(&in);

	snprintf(path, sizeof path, "%s/missing", dir);
	ck_assert_int_eq(rd(&in, path, &s), DK_FAIL);
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
	input_fn rd = readers[_i];

	ck_assert_int_eq(pipe(fd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fd[0]);
		for (size_t i = 0; i < N; i++) {
			unsigned char c = i == 0 ? 'M' : i == 1 ? 'Z' : (unsigned char)(i * 7);
			if (write(fd[1], &c, 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(fd[1]);
	snprintf(path, sizeof path, "/dev/fd/%d", fd[0]);
	ck_assert_int_eq(rd(&in, path, &s), DK_OK);
	close(fd[0]);
	waitpid(pid, NULL, 0);
	ck_assert_uint_eq(in.len, N); /* an image on a pipe too: all of it */
	ck_assert(!in.head_);
	for (size_t i = 2; i < N; i++)
		if (in.data[i] != (unsigned char)(i * 7))
			ck_abort_msg("byte %zu differs", i);
	dk_input_free(&in);

	/* A character device that ends at once. */
	ck_assert_int_eq(rd(&in, "/dev/null", &s), DK_OK);
	ck_assert_uint_eq(in.len, 0);
	dk_input_free(&in);
	ck_assert_uint_eq(s.errors, 0);
}
END_TEST

/* dk_input_open: of a regular file that starts with "MZ", only the head
 * is read and the file stays open until dk_input_free; a smaller one, or
 * any other file, is read whole, as dk_input_read reads it. */
START_TEST(open_reads_the_head_of_an_image)
{
	enum { BIG = 3 * 4096 + 5 };
	unsigned char *b = malloc(BIG);
	char path[128];
	dk_input in;
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);

	ck_assert_ptr_nonnull(b);
	for (size_t i = 0; i < BIG; i++)
		b[i] = (unsigned char)(i * 13 + 1);
	b[0] = 'M';
	b[1] = 'Z';
	snprintf(path, sizeof path, "%s/big.dll", dir);
	write_file(path, b, BIG);
	ck_assert_int_eq(dk_input_open(&in, path, &s), DK_OK);
	ck_assert(in.head_);
	ck_assert_uint_eq(in.len, DK_INPUT_HEAD);
	ck_assert_uint_eq(in.size_, BIG);
	ck_assert_int_eq(memcmp(in.data, b, DK_INPUT_HEAD), 0);
	int fd = in.fd_;
	ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	dk_input_free(&in);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1); /* closed */

	/* dk_input_read of the same file: all of it. */
	ck_assert_int_eq(dk_input_read(&in, path, &s), DK_OK);
	ck_assert(!in.head_);
	ck_assert_uint_eq(in.len, BIG);
	dk_input_free(&in);

	/* An image no longer than the head: read whole, no file kept. */
	for (size_t n = 1; n <= DK_INPUT_HEAD + 1; n += n < 70 ? 1 : 997) {
		write_file(path, b, n);
		ck_assert_int_eq(dk_input_open(&in, path, &s), DK_OK);
		ck_assert_uint_eq(in.len, n);
		ck_assert(in.head_ == (n > DK_INPUT_HEAD));
		ck_assert_int_eq(memcmp(in.data, b, in.len), 0);
		dk_input_free(&in);
	}

	/* Not an image: whole, however big. */
	b[0] = 'X';
	write_file(path, b, BIG);
	ck_assert_int_eq(dk_input_open(&in, path, &s), DK_OK);
	ck_assert(!in.head_);
	ck_assert_uint_eq(in.len, BIG);
	ck_assert_int_eq(memcmp(in.data, b, BIG), 0);
	dk_input_free(&in);
	ck_assert_uint_eq(s.errors, 0);

	/* Only the readers of images take a head: any other is refused,
	 * never handed 4 KB as if they were the file. */
	b[0] = 'M';
	write_file(path, b, BIG);
	ck_assert_int_eq(dk_input_open(&in, path, &s), DK_OK);
	dk_module m;
	dk_module_init(&m);
	ck_assert_int_eq(dk_load_any(&m, &in, DK_INPUT_OBJECTS, NULL, NULL, NULL, &s), DK_FAIL);
	ck_assert_msg(strstr(u.last, "big.dll:0:0: is a PE image read only in part (dk_input_open), not objects") != NULL,
		      "%s", u.last);
	ck_assert_uint_eq(m.nexports, 0);
	dk_module_free(&m);
	dk_input_free(&in);
	free(b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("input");
	TCase *t = tcase_create("files");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, regular_empty_missing_directory, 0, 2);
	tcase_add_loop_test(t, pipe_read_once, 0, 2);
	tcase_add_test(t, open_reads_the_head_of_an_image);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
