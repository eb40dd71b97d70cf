/* output.c - files in and out: atomic, write-if-changed output; depfiles. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

/* True when `path` holds exactly `data`. */
static bool same_contents(const char *path, const void *data, size_t len)
{
	struct stat st;
	char buf[65536];
	size_t off = 0;
	bool same = true;
	FILE *f;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	while (same && off < len) {
		size_t want = len - off < sizeof buf ? len - off : sizeof buf;
		if (fread(buf, 1, want, f) != want || memcmp(buf, (const char *)data + off, want))
			same = false;
		off += want;
	}
	fclose(f);
	return same;
}

/* A well-mixed 64-bit value (splitmix64's finaliser), for temporary names. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/*
 * Create a new file beside the target (tmp holds its folder, dirlen bytes)
 * with `mode`, which the kernel narrows by the umask.  Not mkstemp: its
 * 0600 file would need the umask to widen it, and reading the umask means
 * setting it, for a moment, for every thread of the process.  Names differ
 * by time, process and thread (a local's address); O_EXCL makes a clash a
 * retry, never a clobber.
 */
static int create_beside(char *tmp, size_t dirlen, mode_t mode)
{
	struct timespec ts;
	uint64_t seed = mix((uint64_t)getpid() ^ (uint64_t)(uintptr_t)&ts);

	for (unsigned attempt = 0; attempt < 100; attempt++) {
		int fd;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = mix(seed ^ (uint64_t)ts.tv_sec ^ ((uint64_t)ts.tv_nsec << 32) ^ attempt);
		snprintf(tmp + dirlen, 32, ".dllkit-%012llx",
			 (unsigned long long)(seed & 0xffffffffffffu));
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

int dk_write_file(const char *path, const void *data, size_t len, bool only_if_changed,
		  bool *changed, dk_sink *s)
{
	dk_loc loc = dk_loc_file(path);
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	char *tmp;
	int fd, err;
	size_t off = 0;
	struct stat st;
	bool keep_mode;

	if (changed)
		*changed = false;
	if (only_if_changed && same_contents(path, data, len))
		return DK_OK;
	tmp = malloc(dirlen + 32);
	if (!tmp) {
		dk_report(s, DK_ERROR, &loc, "out of memory");
		return DK_FAIL;
	}
	memcpy(tmp, path, dirlen);
	/* Keep the mode an existing file had (the temporary file is private
	 * until then); a new one gets 0666 & ~umask, like any file a compiler
	 * writes. */
	keep_mode = stat(path, &st) == 0 && S_ISREG(st.st_mode);
	fd = create_beside(tmp, dirlen, keep_mode ? 0600 : 0666);
	if (fd < 0) {
		dk_report(s, DK_ERROR, &loc, "cannot create a file beside it: %s", strerror(errno));
		free(tmp);
		return DK_FAIL;
	}
	while (off < len) {
		ssize_t w = write(fd, (const char *)data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (keep_mode && fchmod(fd, st.st_mode & 07777) != 0)
		goto fail;
	/* close() reports write errors some file systems only find late. */
	err = close(fd);
	fd = -1;
	if (err != 0 || rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	if (changed)
		*changed = true;
	return DK_OK;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	dk_report(s, DK_ERROR, &loc, "cannot write: %s", strerror(err));
	return DK_FAIL;
}

/* Escape a path for a make rule the way gcc -MD does: blanks and '#' get a
 * backslash, '$' is doubled. */
static void add_make_path(dk_buf *b, const char *p)
{
	for (; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '#')
			dk_buf_addc(b, '\\');
		if (*p == '$')
			dk_buf_addc(b, '$');
		dk_buf_addc(b, *p);
	}
}

int dk_depfile_text(const char *target, const char *const *deps, size_t ndeps, char **out,
		    size_t *outlen)
{
	dk_buf b;

	dk_buf_init(&b);
	add_make_path(&b, target);
	dk_buf_addc(&b, ':');
	for (size_t i = 0; i < ndeps; i++) {
		dk_buf_adds(&b, " \\\n  ");
		add_make_path(&b, deps[i]);
	}
	dk_buf_addc(&b, '\n');
	for (size_t i = 0; i < ndeps; i++) {
		dk_buf_addc(&b, '\n');
		add_make_path(&b, deps[i]);
		dk_buf_adds(&b, ":\n");
	}
	*out = dk_buf_take(&b, outlen);
	return *out ? DK_OK : DK_FAIL;
}
