/* test_output.c - atomic, write-if-changed output that destroys nothing (devices,
 * FIFOs, symlinks, several outputs committed together); reading files; depfiles. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
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
	size_t n = (9 << 20) + 3 * 65536 + 17; /* past several 1 MiB windows of the comparison */
	char *big = malloc(n);
	bool changed;

	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i * 7);
	ck_assert_int_eq(dk_write_file(p, big, n, true, &changed, &s), DK_OK);
	ck_assert(changed);
	assert_contents(p, big, n);
	/* Same bytes: compared across several windows, and unchanged. */
	ck_assert_int_eq(dk_write_file(p, big, n, true, &changed, &s), DK_OK);
	ck_assert(!changed);
	/* One byte different in the second window, then the first: rewritten. */
	big[(5 << 20) + 3] ^= 1;
	ck_assert_int_eq(dk_write_file(p, big, n, true, &changed, &s), DK_OK);
	ck_assert(changed);
	assert_contents(p, big, n);
	big[0] ^= 1;
	ck_assert_int_eq(dk_write_file(p, big, n, true, &changed, &s), DK_OK);
	ck_assert(changed);
	assert_contents(p, big, n);
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
	/* The library left the process's umask as the test set it last. */
	ck_assert_int_eq(umask(old), 027);
	ck_assert_uint_eq(umask_calls, 1); /* that call, the test's */
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
	char sub[512];
	const char *p = path_in("ro", "out.def");
	const char *old = path_in("ro", "old.def");
	pid_t pid;
	int st;

	snprintf(sub, sizeof sub, "%s/ro", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	put(old, "old", 0644);
	ck_assert_int_eq(chmod(sub, 0555), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	/* Root writes anywhere (as CI runs): the writer is a child that has
	 * become nobody, so that the folder's mode applies to it. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unit_diags u = { "", { 0 }, 0 };
		UNIT_SINK(s, u);
		int bad = 0;
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(100);
		if (dk_write_file(p, "x", 1, true, NULL, &s) != DK_FAIL)
			bad |= 1;
		/* An existing file is not changed either. */
		if (dk_write_file(old, "new", 3, true, NULL, &s) != DK_FAIL)
			bad |= 2;
		if (s.errors != 2)
			bad |= 4;
		if (!strstr(u.last, old) || !strstr(u.last, strerror(EACCES)))
			bad |= 8;
		_exit(bad);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "the writer: status 0x%x (exit 100: could not become nobody; bits 1, 2: a "
		      "write succeeded; 4: not two errors; 8: the message)", st);
	ck_assert_int_eq(access(p, F_OK), -1);
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

/* Any ".dllkit-" temporary file in `folder`? */
static bool temp_in(const char *folder)
{
	DIR *d = opendir(folder);
	struct dirent *e;
	bool found = false;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".dllkit-", 8) == 0)
			found = true;
	closedir(d);
	return found;
}

START_TEST(device_is_written_in_place)
{
	/* /dev/null is opened and written like a file, never replaced. */
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	struct stat before, after;
	bool changed = false;

	ck_assert_int_eq(stat("/dev/null", &before), 0);
	ck_assert(S_ISCHR(before.st_mode));
	ck_assert_int_eq(dk_write_file("/dev/null", "EXPORTS\n", 8, true, &changed, &s), DK_OK);
	ck_assert(changed);
	ck_assert_uint_eq(u.count, 0);
	ck_assert_int_eq(stat("/dev/null", &after), 0);
	ck_assert(S_ISCHR(after.st_mode));
	ck_assert_int_eq(after.st_ino, before.st_ino);
	ck_assert(!temp_in("/dev"));
}
END_TEST

START_TEST(full_device_fails_cleanly)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	struct stat st;

	if (access("/dev/full", W_OK) != 0)
		return; /* no /dev/full here */
	ck_assert_int_eq(dk_write_file("/dev/full", "x", 1, true, NULL, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_str_eq(u.last, "/dev/full:0:0: cannot write: No space left on device");
	ck_assert_int_eq(stat("/dev/full", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert(!temp_in("/dev"));
}
END_TEST

START_TEST(fifo_is_written_in_place)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *fifo = path_in(NULL, "out.fifo");
	const char *got = path_in(NULL, "got");
	struct stat st;
	pid_t pid;
	int status;

	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* The reader: copies what comes through the FIFO into `got`. */
		char buf[4096];
		ssize_t n;
		int in = open(fifo, O_RDONLY), out = open(got, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (in < 0 || out < 0)
			_exit(1);
		while ((n = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, (size_t)n) != n)
				_exit(1);
		_exit(n == 0 && close(out) == 0 ? 0 : 1);
	}
	ck_assert_int_eq(dk_write_file(fifo, "EXPORTS\n  f\n", 12, true, NULL, &s), DK_OK);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_contents(got, "EXPORTS\n  f\n", 12);
	ck_assert_int_eq(lstat(fifo, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(entries(dir), 2);
}
END_TEST

START_TEST(symlink_is_written_through)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *real = path_in(NULL, "real.def");
	const char *link = path_in(NULL, "link.def");
	char text[64];
	ssize_t n;
	bool changed;

	put(real, "old", 0640);
	ck_assert_int_eq(symlink("real.def", link), 0);
	ck_assert_int_eq(dk_write_file(link, "new", 3, true, &changed, &s), DK_OK);
	ck_assert(changed);
	n = readlink(link, text, sizeof text - 1);
	ck_assert_int_eq(n, 8);
	text[n] = '\0';
	ck_assert_str_eq(text, "real.def");
	assert_contents(real, "new", 3);
	/* The file's mode is kept, as for a file named directly. */
	struct stat st;
	ck_assert_int_eq(stat(real, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	/* Unchanged through the link: left alone. */
	ck_assert_int_eq(dk_write_file(link, "new", 3, true, &changed, &s), DK_OK);
	ck_assert(!changed);
	ck_assert_int_eq(entries(dir), 2);
}
END_TEST

START_TEST(symlink_chain_and_dangling_symlink)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	char sub[512];
	struct stat st;

	snprintf(sub, sizeof sub, "%s/sub", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	/* top -> sub/mid -> ../target (relative to the folder of each link) */
	ck_assert_int_eq(symlink("../target", path_in("sub", "mid")), 0);
	ck_assert_int_eq(symlink("sub/mid", path_in(NULL, "top")), 0);
	ck_assert_int_eq(dk_write_file(path_in(NULL, "top"), "abc", 3, true, NULL, &s), DK_OK);
	assert_contents(path_in(NULL, "target"), "abc", 3);
	ck_assert_int_eq(lstat(path_in(NULL, "top"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(lstat(path_in("sub", "mid"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert(!temp_in(dir) && !temp_in(sub));
	unlink(path_in("sub", "mid"));
}
END_TEST

START_TEST(symlink_loop_fails_cleanly)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *a = path_in(NULL, "a"), *b = path_in(NULL, "b");
	struct stat st;

	ck_assert_int_eq(symlink("b", a), 0);
	ck_assert_int_eq(symlink("a", b), 0);
	ck_assert_int_eq(dk_write_file(a, "x", 1, true, NULL, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_nonnull(strstr(u.last, strerror(ELOOP)));
	ck_assert_int_eq(lstat(a, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(entries(dir), 2);
}
END_TEST

START_TEST(magic_link_to_a_deleted_file)
{
	/* /proc/self/fd/N of a file deleted since: its link text names no
	 * file; the kernel's way through it is taken (written in place). */
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "gone");
	char fdpath[64], buf[16] = { 0 };
	int fd;

	put(p, "old contents", 0644);
	fd = open(p, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(unlink(p), 0);
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
	if (access(fdpath, F_OK) != 0) {
		close(fd);
		return; /* no /proc */
	}
	ck_assert_int_eq(dk_write_file(fdpath, "new", 3, true, NULL, &s), DK_OK);
	ck_assert_int_eq(pread(fd, buf, sizeof buf - 1, 0), 3);
	ck_assert_str_eq(buf, "new");
	close(fd);
	ck_assert_int_eq(entries(dir), 0);
}
END_TEST

START_TEST(owner_is_kept)
{
	/* Root rewriting another user's file gives it back to that user. */
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *p = path_in(NULL, "theirs.def");
	struct stat st;

	if (geteuid() != 0)
		return; /* only root can give a file away */
	put(p, "old", 0644);
	ck_assert_int_eq(chown(p, 65534, 65534), 0);
	ck_assert_int_eq(dk_write_file(p, "new", 3, true, NULL, &s), DK_OK);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_uid, 65534);
	ck_assert_int_eq(st.st_gid, 65534);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
}
END_TEST

/* ------------------------------------------------------------------ */
/* dk_output_prepare / commit / cleanup                                 */
/* ------------------------------------------------------------------ */

START_TEST(commit_writes_all)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_output o[3];
	struct stat before, after;

	put(path_in(NULL, "same"), "same", 0644);
	age(path_in(NULL, "same"));
	ck_assert_int_eq(stat(path_in(NULL, "same"), &before), 0);
	put(path_in(NULL, "old"), "old", 0644);
	ck_assert_int_eq(dk_output_prepare(&o[0], path_in(NULL, "new"), "n", 1, true, &s), DK_OK);
	ck_assert_int_eq(dk_output_prepare(&o[1], path_in(NULL, "same"), "same", 4, true, &s), DK_OK);
	ck_assert_int_eq(dk_output_prepare(&o[2], path_in(NULL, "old"), "changed", 7, true, &s),
			 DK_OK);
	ck_assert_int_eq(entries(dir), 4); /* same, old, and two temporary files */
	ck_assert_int_eq(dk_output_commit(o, 3, &s), DK_OK);
	ck_assert(o[0].changed && !o[1].changed && o[2].changed);
	dk_output_free(o, 3);
	assert_contents(path_in(NULL, "new"), "n", 1);
	assert_contents(path_in(NULL, "old"), "changed", 7);
	ck_assert_int_eq(stat(path_in(NULL, "same"), &after), 0);
	ck_assert_int_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	ck_assert_int_eq(entries(dir), 3);
	ck_assert_uint_eq(u.count, 0);
}
END_TEST

START_TEST(failed_commit_puts_everything_back)
{
	/* The second rename fails (its target became a folder): the first
	 * file is back, the very file it was (same inode), and a first file
	 * that did not exist before is gone again. */
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	const char *a = path_in(NULL, "a.lib"), *fresh = path_in(NULL, "fresh.lib");
	const char *b = path_in(NULL, "b.d");
	dk_output o[3];
	struct stat before, after;

	put(a, "old library", 0644);
	ck_assert_int_eq(stat(a, &before), 0);
	put(b, "old depfile", 0644);
	ck_assert_int_eq(dk_output_prepare(&o[0], a, "new library", 11, true, &s), DK_OK);
	ck_assert_int_eq(dk_output_prepare(&o[1], fresh, "fresh", 5, true, &s), DK_OK);
	ck_assert_int_eq(dk_output_prepare(&o[2], b, "new depfile", 11, true, &s), DK_OK);
	ck_assert_int_eq(unlink(b), 0);
	ck_assert_int_eq(mkdir(b, 0700), 0);
	ck_assert_int_eq(dk_output_commit(o, 3, &s), DK_FAIL);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_ptr_nonnull(strstr(u.last, b));
	dk_output_free(o, 3);
	assert_contents(a, "old library", 11);
	ck_assert_int_eq(stat(a, &after), 0);
	ck_assert_int_eq(after.st_ino, before.st_ino);
	ck_assert_int_eq(access(fresh, F_OK), -1);
	ck_assert_int_eq(entries(dir), 2); /* a.lib and the folder b.d: nothing else */
	rmdir(b);
}
END_TEST

START_TEST(failed_prepare_leaves_nothing)
{
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_output o[2];

	put(path_in(NULL, "out"), "old", 0644);
	ck_assert_int_eq(dk_output_prepare(&o[0], path_in(NULL, "out"), "new", 3, true, &s), DK_OK);
	ck_assert_int_eq(dk_output_prepare(&o[1], path_in("nodir", "out.d"), "d", 1, true, &s),
			 DK_FAIL);
	dk_output_free(o, 2);
	assert_contents(path_in(NULL, "out"), "old", 3);
	ck_assert_int_eq(entries(dir), 1);
}
END_TEST

START_TEST(cleanup_removes_the_temporary_files)
{
	/* What a signal handler calls: the temporary files go, the targets
	 * stay as they were; dk_output_free afterwards is harmless. */
	unit_diags u = { "", { 0 }, 0 };
	UNIT_SINK(s, u);
	dk_output o[2];

	memset(o, 0, sizeof o);
	dk_output_cleanup(o, 2); /* zeroed, not prepared yet: nothing to do */
	put(path_in(NULL, "out"), "old", 0644);
	ck_assert_int_eq(dk_output_prepare(&o[0], path_in(NULL, "out"), "new", 3, true, &s), DK_OK);
	ck_assert_int_eq(dk_output_prepare(&o[1], path_in(NULL, "out.d"), "d", 1, true, &s), DK_OK);
	ck_assert_int_eq(entries(dir), 3);
	dk_output_cleanup(o, 2);
	ck_assert_int_eq(entries(dir), 1);
	assert_contents(path_in(NULL, "out"), "old", 3);
	dk_output_free(o, 2);
	ck_assert_int_eq(entries(dir), 1);
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
	/* Not the jobserver of a `make -j check` around us: the inner make
	 * would warn that it is unavailable, in the middle of its output. */
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -f t.mk 2>&1", dir);
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
	tcase_add_test(t, device_is_written_in_place);
	tcase_add_test(t, full_device_fails_cleanly);
	tcase_add_test(t, fifo_is_written_in_place);
	tcase_add_test(t, symlink_is_written_through);
	tcase_add_test(t, symlink_chain_and_dangling_symlink);
	tcase_add_test(t, symlink_loop_fails_cleanly);
	tcase_add_test(t, magic_link_to_a_deleted_file);
	tcase_add_test(t, owner_is_kept);
	suite_add_tcase(s, t);

	t = tcase_create("commit");
	tcase_add_checked_fixture(t, make_dir, remove_dir);
	tcase_add_test(t, commit_writes_all);
	tcase_add_test(t, failed_commit_puts_everything_back);
	tcase_add_test(t, failed_prepare_leaves_nothing);
	tcase_add_test(t, cleanup_removes_the_temporary_files);
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
