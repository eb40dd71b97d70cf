/* test_output.c - atomic, write-if-changed output; reading files; depfiles. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include "unit.h"

/* The umask is shared by every thread of a process, and the only way to
 * read it is to set it: a library that does so for a moment hands another
 * thread's new files the wrong mode.  This umask() (linked before libc's)
 * counts the calls the library makes. */
static unsigned umask_calls;

mode_t umask(mode_t mask)
{
	umask_calls++;
	return (mode_t)syscall(SYS_umask, mask);
}

/* Each test gets a fresh folder under $TMPDIR, removed afterwards. */
static char dir[256];

static void make_dir(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/dk-output-XXXXXX", t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (unlink(p) != 0) {
			/* a sub-folder made by a test */
			chmod(p, 0700);
			rmdir(p);
		}
	}
	closedir(d);
	rmdir(dir);
}

static char *path_in(const char *sub, const char *name)
{
	static char p[3][512];
	static int i;
	char *r = p[i++ % 3];
	if (sub)
		snprintf(r, sizeof p[0], "%s/%s/%s", dir, sub, name);
	else
		snprintf(r, sizeof p[0], "%s/%s", dir, name);
	return r;
}

/* Number of entries (other than . and ..) in a folder. */
static int entries(const char *folder)
{
	DIR *d = opendir(folder);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static void assert_contents(const char *path, const char *want, size_t wantlen)
{
	char *data;
	size_t len;
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);

	ck_assert_int_eq(dk_read_file(path, &data, &len, &s), DK_OK);
	ck_assert_uint_eq(len, wantlen);
	ck_assert(memcmp(data, want, len) == 0);
	ck_assert_int_eq(data[len], '\0');
	free(data);
}

/* Put a file's mtime in the past, so that a rewrite would show. */
static void age(const char *path)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* ------------------------------------------------------------------ */
/* dk_write_file                                                        */
/* ------------------------------------------------------------------ */

START_TEST(write_creates_the_file)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "out.def");
	bool changed = false;

	ck_assert_int_eq(dk_write_file(p, "EXPORTS\n  f\n", 12, true, &changed, &s), DK_OK);
	ck_assert(changed);
	ck_assert_uint_eq(u.count, 0);
	assert_contents(p, "EXPORTS\n  f\n", 12);
	ck_assert_int_eq(entries(dir), 1); /* no temporary file left behind */
}
END_TEST

START_TEST(write_binary_and_empty_data)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "bin");
	static const char bin[] = { 'a', '\0', 'b', '\n', '\xff' };

	ck_assert_int_eq(dk_write_file(p, bin, sizeof bin, false, NULL, &s), DK_OK);
	assert_contents(p, bin, sizeof bin);
	ck_assert_int_eq(dk_write_file(p, "", 0, false, NULL, &s), DK_OK);
	assert_contents(p, "", 0);
	ck_assert_int_eq(entries(dir), 1);
}
END_TEST

START_TEST(write_large_data)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "big");
	size_t n = 3 * 65536 + 17;
	char *big = malloc(n);
	bool changed;

	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i * 7);
	ck_assert_int_eq(dk_write_file(p, big, n, true, &changed, &s), DK_OK);
	ck_assert(changed);
	assert_contents(p, big, n);
	/* Same bytes: compared across several read chunks, and unchanged. */
	ck_assert_int_eq(dk_write_file(p, big, n, true, &changed, &s), DK_OK);
	ck_assert(!changed);
	/* One byte different at the very end: rewritten. */
	big[n - 1] ^= 1;
	ck_assert_int_eq(dk_write_file(p, big, n, true, &changed, &s), DK_OK);
	ck_assert(changed);
	assert_contents(p, big, n);
	free(big);
}
END_TEST

START_TEST(unchanged_file_is_left_untouched)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "same.def");
	struct stat before, after;
	bool changed = true;

	put(p, "EXPORTS\n", 0644);
	age(p);
	ck_assert_int_eq(stat(p, &before), 0);
	ck_assert_int_eq(dk_write_file(p, "EXPORTS\n", 8, true, &changed, &s), DK_OK);
	ck_assert(!changed);
	ck_assert_int_eq(stat(p, &after), 0);
	ck_assert_int_eq(after.st_ino, before.st_ino);
	ck_assert_int_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	ck_assert_int_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	ck_assert_int_eq(entries(dir), 1);
}
END_TEST

START_TEST(unchanged_file_is_rewritten_when_not_asked_to_keep_it)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "same.def");
	struct stat before, after;
	bool changed = false;

	put(p, "EXPORTS\n", 0644);
	age(p);
	ck_assert_int_eq(stat(p, &before), 0);
	ck_assert_int_eq(dk_write_file(p, "EXPORTS\n", 8, false, &changed, &s), DK_OK);
	ck_assert(changed);
	ck_assert_int_eq(stat(p, &after), 0);
	ck_assert_int_ne(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
}
END_TEST

START_TEST(same_size_different_bytes_is_rewritten)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "x");
	bool changed = false;

	put(p, "abcd", 0644);
	ck_assert_int_eq(dk_write_file(p, "abce", 4, true, &changed, &s), DK_OK);
	ck_assert(changed);
	assert_contents(p, "abce", 4);
	/* A longer old file that starts with the new bytes is not "the same". */
	put(p, "abcdef", 0644);
	ck_assert_int_eq(dk_write_file(p, "abc", 3, true, &changed, &s), DK_OK);
	ck_assert(changed);
	assert_contents(p, "abc", 3);
}
END_TEST

START_TEST(replace_is_atomic_rename)
{
	/* A reader holding the old file keeps seeing the old contents: the
	 * new file is a new inode renamed over the name, never a truncation. */
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "lib.def");
	struct stat before, after;
	char buf[16] = { 0 };
	int fd;

	put(p, "old contents", 0644);
	ck_assert_int_eq(stat(p, &before), 0);
	fd = open(p, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dk_write_file(p, "new", 3, true, NULL, &s), DK_OK);
	ck_assert_int_eq(stat(p, &after), 0);
	ck_assert_int_ne(after.st_ino, before.st_ino);
	ck_assert_int_eq(read(fd, buf, sizeof buf - 1), 12);
	ck_assert_str_eq(buf, "old contents");
	close(fd);
	assert_contents(p, "new", 3);
	ck_assert_int_eq(entries(dir), 1);
}
END_TEST

START_TEST(existing_mode_is_kept)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "script");
	struct stat st;

	put(p, "old", 0751);
	ck_assert_int_eq(dk_write_file(p, "new", 3, true, NULL, &s), DK_OK);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0751);
	put(p, "old", 0600);
	ck_assert_int_eq(dk_write_file(p, "new", 3, true, NULL, &s), DK_OK);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
}
END_TEST

START_TEST(new_file_mode_follows_umask)
{
	/* Like any file a compiler writes: 0666 less the umask (the
	 * temporary file's private 0600 must not leak through). */
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	struct stat st;
	mode_t old = umask(022);

	umask_calls = 0;
	ck_assert_int_eq(dk_write_file(path_in(NULL, "a"), "x", 1, true, NULL, &s), DK_OK);
	ck_assert_msg(umask_calls == 0, "the library changed the process's umask");
	ck_assert_int_eq(stat(path_in(NULL, "a"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	umask(027);
	ck_assert_int_eq(dk_write_file(path_in(NULL, "b"), "x", 1, true, NULL, &s), DK_OK);
	ck_assert_int_eq(stat(path_in(NULL, "b"), &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	/* Replacing a file does not need it either. */
	umask_calls = 0;
	ck_assert_int_eq(dk_write_file(path_in(NULL, "b"), "y", 1, true, NULL, &s), DK_OK);
	ck_assert_uint_eq(umask_calls, 0);
	umask(old);
	/* The library leaves the process's umask as it found it. */
	ck_assert_int_eq(umask(old), old);
}
END_TEST

START_TEST(path_without_folder_writes_in_current_folder)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	char cwd[512];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(dk_write_file("plain.def", "x", 1, true, NULL, &s), DK_OK);
	ck_assert_int_eq(chdir(cwd), 0);
	assert_contents(path_in(NULL, "plain.def"), "x", 1);
	ck_assert_int_eq(entries(dir), 1);
}
END_TEST

START_TEST(missing_folder_fails_cleanly)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in("nonexistent", "out.def");
	bool changed = true;

	ck_assert_int_eq(dk_write_file(p, "x", 1, true, &changed, &s), DK_FAIL);
	ck_assert(!changed);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_nonnull(strstr(u.last, p)); /* names the file */
	ck_assert_int_eq(access(p, F_OK), -1);
	ck_assert_int_eq(entries(dir), 0);
}
END_TEST

START_TEST(unwritable_folder_fails_cleanly)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	char sub[512];
	const char *p = path_in("ro", "out.def");
	const char *old = path_in("ro", "old.def");

	if (geteuid() == 0)
		return; /* root writes anywhere: nothing to test */
	snprintf(sub, sizeof sub, "%s/ro", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	put(old, "old", 0644);
	ck_assert_int_eq(chmod(sub, 0500), 0);
	ck_assert_int_eq(dk_write_file(p, "x", 1, true, NULL, &s), DK_FAIL);
	ck_assert_int_eq(access(p, F_OK), -1);
	/* An existing file is not changed either. */
	ck_assert_int_eq(dk_write_file(old, "new", 3, true, NULL, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 2);
	ck_assert_int_eq(entries(sub), 1);
	assert_contents(old, "old", 3);
	ck_assert_int_eq(chmod(sub, 0700), 0);
	unlink(old);
}
END_TEST

START_TEST(target_that_is_a_folder_fails_cleanly)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "adir");

	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(dk_write_file(p, "x", 1, true, NULL, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_int_eq(entries(dir), 1); /* the folder, and no temporary file */
	rmdir(p);
}
END_TEST

START_TEST(no_sink_is_fine)
{
	const char *p = path_in("nonexistent", "out.def");
	ck_assert_int_eq(dk_write_file(p, "x", 1, true, NULL, NULL), DK_FAIL);
	ck_assert_int_eq(dk_write_file(path_in(NULL, "ok"), "x", 1, true, NULL, NULL), DK_OK);
}
END_TEST

/* ------------------------------------------------------------------ */
/* dk_read_file                                                         */
/* ------------------------------------------------------------------ */

START_TEST(read_missing_file_is_error_naming_it)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "missing.def");
	char *data = (char *)1;
	size_t len = 99;

	ck_assert_int_eq(dk_read_file(p, &data, &len, &s), DK_FAIL);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(len, 0);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_nonnull(strstr(u.last, p));
	ck_assert_ptr_nonnull(strstr(u.last, strerror(ENOENT)));
}
END_TEST

START_TEST(read_empty_file_gives_a_buffer)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "empty");
	char *data = NULL;
	size_t len = 99;

	put(p, "", 0644);
	ck_assert_int_eq(dk_read_file(p, &data, &len, &s), DK_OK);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(data[0], '\0');
	free(data);
}
END_TEST

START_TEST(read_folder_is_error)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	char *data = NULL;
	size_t len;

	ck_assert_int_eq(dk_read_file(dir, &data, &len, &s), DK_FAIL);
	ck_assert_ptr_null(data);
	ck_assert_uint_eq(s.errors, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* dk_depfile_text                                                      */
/* ------------------------------------------------------------------ */

static void depfile(const char *target, const char *const *deps, size_t n, const char *want)
{
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(dk_depfile_text(target, deps, n, &out, &len), DK_OK);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(len, strlen(out));
	ck_assert_msg(strcmp(out, want) == 0, "got:\n%s\nwant:\n%s", out, want);
	free(out);
}

START_TEST(depfile_rule_and_empty_rules)
{
	const char *deps[] = { "a.o", "lib/b.a" };
	depfile("out.def", deps, 2,
		"out.def: \\\n  a.o \\\n  lib/b.a\n"
		"\na.o:\n"
		"\nlib/b.a:\n");
}
END_TEST

START_TEST(depfile_without_dependencies)
{
	depfile("out.def", NULL, 0, "out.def:\n");
}
END_TEST

START_TEST(depfile_escapes_make_specials)
{
	/* As gcc -MD writes them: blanks and '#' get a backslash, '$' doubles. */
	const char *deps[] = { "my dir/a.o", "x#1.o", "$HOME.o", "tab\there.o" };
	depfile("out put.def", deps, 4,
		"out\\ put.def: \\\n  my\\ dir/a.o \\\n  x\\#1.o \\\n  $$HOME.o \\\n  tab\\\there.o\n"
		"\nmy\\ dir/a.o:\n"
		"\nx\\#1.o:\n"
		"\n$$HOME.o:\n"
		"\ntab\\\there.o:\n");
}
END_TEST

START_TEST(depfile_is_readable_by_make)
{
	/* The proof of the escaping: make itself reads the rule back.  None of
	 * the inputs exists, so make only gets through thanks to the empty
	 * per-dependency rules (what they are there for: a deleted input). */
	const char *deps[] = { "my dir/a.o", "x#1.o", "$HOME.o" };
	char *out;
	size_t len;
	char mk[512], cmd[1024];
	FILE *f;
	char line[512] = "";

	if (system("make --version >/dev/null 2>&1") != 0)
		return;
	ck_assert_int_eq(dk_depfile_text("out put.def", deps, 3, &out, &len), DK_OK);
	snprintf(mk, sizeof mk, "%s/t.mk", dir);
	f = fopen(mk, "w");
	ck_assert_ptr_nonnull(f);
	fputs(out, f);
	fputs("out\\ put.def:\n\t@printf '%s' '$^'\n", f);
	fclose(f);
	free(out);
	snprintf(cmd, sizeof cmd, "cd '%s' && make -s -f t.mk 2>&1", dir);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	if (!fgets(line, sizeof line, f))
		line[0] = '\0';
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_str_eq(line, "my dir/a.o x#1.o $HOME.o");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("output");
	TCase *t = tcase_create("write");
	tcase_add_checked_fixture(t, make_dir, remove_dir);
	tcase_add_test(t, write_creates_the_file);
	tcase_add_test(t, write_binary_and_empty_data);
	tcase_add_test(t, write_large_data);
	tcase_add_test(t, unchanged_file_is_left_untouched);
	tcase_add_test(t, unchanged_file_is_rewritten_when_not_asked_to_keep_it);
	tcase_add_test(t, same_size_different_bytes_is_rewritten);
	tcase_add_test(t, replace_is_atomic_rename);
	tcase_add_test(t, existing_mode_is_kept);
	tcase_add_test(t, new_file_mode_follows_umask);
	tcase_add_test(t, path_without_folder_writes_in_current_folder);
	tcase_add_test(t, missing_folder_fails_cleanly);
	tcase_add_test(t, unwritable_folder_fails_cleanly);
	tcase_add_test(t, target_that_is_a_folder_fails_cleanly);
	tcase_add_test(t, no_sink_is_fine);
	suite_add_tcase(s, t);

	t = tcase_create("read");
	tcase_add_checked_fixture(t, make_dir, remove_dir);
	tcase_add_test(t, read_missing_file_is_error_naming_it);
	tcase_add_test(t, read_empty_file_gives_a_buffer);
	tcase_add_test(t, read_folder_is_error);
	suite_add_tcase(s, t);

	t = tcase_create("depfile");
	tcase_add_checked_fixture(t, make_dir, remove_dir);
	tcase_add_test(t, depfile_rule_and_empty_rules);
	tcase_add_test(t, depfile_without_dependencies);
	tcase_add_test(t, depfile_escapes_make_specials);
	tcase_add_test(t, depfile_is_readable_by_make);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(suite)
