/* read_file.c - files in: every input is opened once and its bytes kept, so
 * that telling what it is and reading it see the same bytes (a pipe or a
 * FIFO can be read only once).
 *
 * A regular file is mapped (only the pages a reader touches are read: a
 * DLL's headers and export tables, not its code), or, by dk_input_open,
 * read a piece at a time when it is an image: its first DK_INPUT_HEAD
 * bytes here, the rest by read_pe.c with pread (for dumpexports over
 * hundreds of DLLs, mapping and unmapping each file cost more than the
 * few reads of its headers and export data); anything else (a pipe,
 * a FIFO, a device, /proc) is read into memory, at most DK_READ_MAX bytes,
 * and reading stops at the first allocation that fails.  A directory is
 * refused by name rather than read as an empty file. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dllkit_private.h"

/* A pipe or device that gives more than an input can be. */
static void too_large(const dk_loc *loc, dk_sink *s)
{
	dk_report(s, DK_ERROR, loc,
		  "more than %zu MiB: dllkit reads at most that much from a pipe or device",
		  (size_t)(DK_READ_MAX >> 20));
}

/* Read what `fd` holds into a malloc'd buffer, NUL-terminated.  `hint`:
 * the size fstat gave (0 when unknown). */
static int read_fd(int fd, size_t hint, const dk_loc *loc, unsigned char **out, size_t *outlen,
		   dk_sink *s)
{
	size_t cap = hint && hint < DK_READ_MAX ? hint + 1 : 65536, len = 0;
	unsigned char *buf = malloc(cap);

	*out = NULL;
	*outlen = 0;
	if (!buf) {
		dk_report(s, DK_ERROR, loc, "out of memory");
		return DK_FAIL;
	}
	for (;;) {
		unsigned char extra;
		bool full = len + 1 >= cap;
		/* When the buffer is full, one byte more tells whether it
		 * must grow: a regular file's size fills it exactly. */
		ssize_t n = full ? read(fd, &extra, 1) : read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			dk_report(s, DK_ERROR, loc, "cannot read: %s", strerror(errno));
			free(buf);
			return DK_FAIL;
		}
		if (n == 0)
			break;
		if (!full) {
			len += (size_t)n;
			continue;
		}
		if (len >= DK_READ_MAX) {
			too_large(loc, s);
			free(buf);
			return DK_FAIL;
		}
		size_t ncap = cap < DK_READ_MAX / 2 ? cap * 2 : DK_READ_MAX + 1;
		unsigned char *p = realloc(buf, ncap);
		if (!p) {
			/* Stop here: reading on would only fail again. */
			dk_report(s, DK_ERROR, loc, "out of memory after reading %zu bytes", len);
			free(buf);
			return DK_FAIL;
		}
		buf = p;
		cap = ncap;
		buf[len++] = extra;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return DK_OK;
}

/* Open `path` for reading and refuse what is no file to read. */
static int open_input(const char *path, const dk_loc *loc, struct stat *st, dk_sink *s)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		dk_report(s, DK_ERROR, loc, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0) {
		dk_report(s, DK_ERROR, loc, "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st->st_mode)) {
		dk_report(s, DK_ERROR, loc, "is a directory");
		close(fd);
		return -1;
	}
	return fd;
}

ssize_t dk_pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t got = pread(fd, (unsigned char *)buf + done, n - done, (off_t)(off + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return (ssize_t)done;
}

/* The head of a regular file, when it is an image: `in` keeps the file
 * open.  1: done; 0: not an image, read it as dk_input_read does;
 * DK_FAIL: reported. */
static int read_head(dk_input *in, int fd, size_t size, const dk_loc *loc, dk_sink *s)
{
	unsigned char *buf = malloc(DK_INPUT_HEAD + 1);
	ssize_t got;
	size_t len;

	if (!buf) {
		dk_report(s, DK_ERROR, loc, "out of memory");
		return DK_FAIL;
	}
	got = dk_pread_full(fd, buf, size < DK_INPUT_HEAD ? size : DK_INPUT_HEAD, 0);
	if (got < 0) {
		dk_report(s, DK_ERROR, loc, "cannot read: %s", strerror(errno));
		free(buf);
		return DK_FAIL;
	}
	len = (size_t)got;
	if (len < 2 || buf[0] != 'M' || buf[1] != 'Z') {
		free(buf);
		return 0;
	}
	buf[len] = '\0';
	in->data = buf;
	in->len = len;
	in->owned_ = buf;
	if (len < size) {
		in->head_ = true;
		in->fd_ = fd;
		in->size_ = size;
	} else {
		close(fd); /* all of it is read */
	}
	return 1;
}

static int input_read(dk_input *in, const char *path, bool head, dk_sink *s)
{
	dk_loc loc = dk_loc_file(path);
	struct stat st;
	unsigned char *buf;
	size_t len;
	int fd, rc;

	memset(in, 0, sizeof *in);
	in->name = path;
	fd = open_input(path, &loc, &st, s);
	if (fd < 0)
		return DK_FAIL;
	if (head && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX) {
		rc = read_head(in, fd, (size_t)st.st_size, &loc, s);
		if (rc != 0) {
			if (rc != 1)
				close(fd);
			return rc == 1 ? DK_OK : DK_FAIL;
		}
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			close(fd);
			in->data = map;
			in->len = (size_t)st.st_size;
			in->mapped_ = in->len;
			return DK_OK;
		}
	}
	rc = read_fd(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, &loc, &buf, &len, s);
	close(fd);
	if (rc != DK_OK)
		return DK_FAIL;
	in->data = buf;
	in->len = len;
	in->owned_ = buf;
	return DK_OK;
}

int dk_input_read(dk_input *in, const char *path, dk_sink *s)
{
	return input_read(in, path, false, s);
}

int dk_input_open(dk_input *in, const char *path, dk_sink *s)
{
	return input_read(in, path, true, s);
}

void dk_input_free(dk_input *in)
{
	if (!in)
		return;
	if (in->head_)
		close(in->fd_);
	if (in->mapped_)
		munmap((void *)in->data, in->mapped_);
	free(in->owned_);
	memset(in, 0, sizeof *in);
}

int dk_read_file(const char *path, char **data, size_t *len, dk_sink *s)
{
	dk_loc loc = dk_loc_file(path);
	struct stat st;
	unsigned char *buf;
	int fd, rc;

	*data = NULL;
	*len = 0;
	fd = open_input(path, &loc, &st, s);
	if (fd < 0)
		return DK_FAIL;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > DK_READ_MAX) {
		dk_report(s, DK_ERROR, &loc, "%llu bytes: larger than dllkit reads into memory (%zu MiB)",
			  (unsigned long long)st.st_size, (size_t)(DK_READ_MAX >> 20));
		close(fd);
		return DK_FAIL;
	}
	rc = read_fd(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, &loc, &buf, len, s);
	close(fd);
	*data = (char *)buf;
	return rc;
}
