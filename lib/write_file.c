/* write_file.c - files in and out: atomic, write-if-changed output; depfiles. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "dllkit_private.h"

/* True when `path` holds exactly `data`.  Compared in place through a
 * mapping, 1 MiB at a time (reading copied every byte of a 40 MB
 * library once more, a tenth of the run; mapping it whole counted 40 MB
 * more in the peak memory); read in pieces where it cannot be mapped. */
static bool same_contents(const char *path, const void *data, size_t len)
{
	enum { WINDOW = 1 << 20 }; /* a multiple of any page size */
	struct stat st;
	char buf[65536];
	size_t off = 0;
	bool same = true;
	FILE *f;
	int fd;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		return false;
	if (len > 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		struct stat fst;
		bool mapped = true;
		/* The file opened must be the one measured. */
		if (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) || (size_t)fst.st_size != len)
			mapped = false;
		while (mapped && same && off < len) {
			size_t n = len - off < WINDOW ? len - off : WINDOW;
			void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, (off_t)off);
			if (p == MAP_FAILED) {
				mapped = false;
				break;
			}
			same = memcmp(p, (const char *)data + off, n) == 0;
			munmap(p, n);
			off += n;
		}
		close(fd);
		if (mapped)
			return same;
		off = 0; /* (a first window may have mapped: start again by reading) */
		same = true;
	}
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
 * Give a new name beside the target (buf holds its folder, dirlen bytes):
 * `make` creates it (O_EXCL or link(2)), so that a clash is a retry, never
 * a clobber.  Names differ by time, process and thread (a local's
 * address).  *live is set before the name can exist and cleared when the
 * attempt failed, so that a signal handler (dk_output_cleanup) never
 * misses the file; in the instant before make() it unlinks a name that
 * does not exist yet (or, after a clash of 48 random bits, someone's).
 */
static int name_beside(char *buf, size_t dirlen, volatile sig_atomic_t *live,
		       int (*make)(const char *name, const void *arg), const void *arg)
{
	struct timespec ts;
	uint64_t seed = mix((uint64_t)getpid() ^ (uint64_t)(uintptr_t)&ts);

	for (unsigned attempt = 0; attempt < 100; attempt++) {
		int r;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = mix(seed ^ (uint64_t)ts.tv_sec ^ ((uint64_t)ts.tv_nsec << 32) ^ attempt);
		snprintf(buf + dirlen, 32, ".dllkit-%012llx",
			 (unsigned long long)(seed & 0xffffffffffffu));
		atomic_signal_fence(memory_order_seq_cst);
		*live = 1;
		atomic_signal_fence(memory_order_seq_cst);
		r = make(buf, arg);
		if (r >= 0)
			return r;
		*live = 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/*
 * The temporary file, created with `mode`, which the kernel narrows by the
 * umask.  Not mkstemp: its 0600 file would need the umask to widen it, and
 * reading the umask means setting it, for a moment, for every thread of
 * the process.
 */
static int make_file(const char *name, const void *arg)
{
	return open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, *(const mode_t *)arg);
}

/* A second name for the file being replaced, to put it back. */
static int make_link(const char *name, const void *arg)
{
	return link((const char *)arg, name);
}

/*
 * `path` with the symbolic links of its last part followed, as the kernel
 * follows them (a relative link from the link's folder); for a dangling
 * link, the path it names, which will be created.  malloc'd, or NULL with
 * errno set (ELOOP after 40 links, as Linux).
 */
static char *follow_links(const char *path)
{
	char *cur = strdup(path);

	for (int hops = 0; cur; hops++) {
		struct stat st;
		size_t cap;
		ssize_t n;
		char *link, *next;
		const char *slash;

		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;
		if (hops == 40) {
			free(cur);
			errno = ELOOP;
			return NULL;
		}
		cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 256;
		for (;;) {
			link = malloc(cap);
			n = link ? readlink(cur, link, cap) : -1;
			if (n < 0) {
				int e = link ? errno : ENOMEM;
				free(link);
				free(cur);
				errno = e;
				return NULL;
			}
			if ((size_t)n < cap)
				break;
			free(link);
			cap *= 2;
		}
		link[n] = '\0';
		slash = strrchr(cur, '/');
		if (link[0] == '/' || !slash) {
			next = link;
		} else {
			size_t dirlen = (size_t)(slash - cur) + 1;
			next = malloc(dirlen + (size_t)n + 1);
			if (next) {
				memcpy(next, cur, dirlen);
				memcpy(next + dirlen, link, (size_t)n + 1);
			}
			free(link);
		}
		free(cur);
		cur = next;
	}
	errno = ENOMEM;
	return NULL;
}

/* The length of the folder part of `path`, with its '/'. */
static size_t folder_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) + 1 : 0;
}

enum {
	HOW_NOTHING,    /* not prepared, or it failed */
	HOW_UNCHANGED,  /* the target already holds the data */
	HOW_RENAME,     /* a temporary file to rename over the target */
	HOW_IN_PLACE,   /* a device or FIFO, opened and written at the commit */
	HOW_TRUNCATE,   /* a regular file reached only through a magic link
			 * (/proc/self/fd/N), truncated and written in place */
};

static bool write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		off += (size_t)w;
	}
	return true;
}

static void out_of_memory(const char *path, dk_sink *s)
{
	dk_loc loc = dk_loc_file(path);
	dk_report(s, DK_ERROR, &loc, "out of memory");
}

int dk_output_prepare(dk_output *o, const char *path, const void *data, size_t len,
		      bool only_if_changed, dk_sink *s)
{
	dk_loc loc = dk_loc_file(path);
	struct stat st, lst;
	size_t dirlen;
	mode_t mode;
	bool exists;
	int fd, err;

	o->path = path;
	o->target = o->tmp = o->bak = NULL;
	o->data = data;
	o->len = len;
	o->how = HOW_NOTHING;
	o->existed = o->changed = false;
	o->tmp_live = o->bak_live = o->renaming = 0;

	exists = stat(path, &st) == 0;
	if (exists && S_ISDIR(st.st_mode)) {
		dk_report(s, DK_ERROR, &loc, "cannot write: %s", strerror(EISDIR));
		return DK_FAIL;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		/* /dev/null, a terminal, a FIFO: replacing it would destroy it. */
		o->target = strdup(path);
		if (!o->target) {
			out_of_memory(path, s);
			return DK_FAIL;
		}
		o->how = HOW_IN_PLACE;
		o->existed = true;
		return DK_OK;
	}
	o->target = follow_links(path);
	if (!o->target) {
		dk_report(s, DK_ERROR, &loc, "cannot write: %s", strerror(errno));
		return DK_FAIL;
	}
	if (exists && (lstat(o->target, &lst) != 0 || lst.st_dev != st.st_dev ||
		       lst.st_ino != st.st_ino)) {
		/* The links' text leads elsewhere than the kernel does (a
		 * /proc/self/fd link to a file deleted or out of reach). */
		free(o->target);
		o->target = strdup(path);
		if (!o->target) {
			out_of_memory(path, s);
			return DK_FAIL;
		}
		o->how = HOW_TRUNCATE;
		o->existed = true;
		return DK_OK;
	}
	o->existed = exists;
	if (only_if_changed && exists && same_contents(o->target, data, len)) {
		o->how = HOW_UNCHANGED;
		return DK_OK;
	}

	dirlen = folder_len(o->target);
	o->tmp = malloc(dirlen + 32);
	o->bak = malloc(dirlen + 32);
	if (!o->tmp || !o->bak) {
		out_of_memory(path, s);
		return DK_FAIL;
	}
	memcpy(o->tmp, o->target, dirlen);
	memcpy(o->bak, o->target, dirlen);
	/* Keep the mode (and, for root, the owner) an existing file had: the
	 * temporary file is private until then.  A new one gets 0666 less the
	 * umask, like any file a compiler writes. */
	mode = exists ? 0600 : 0666;
	fd = name_beside(o->tmp, dirlen, &o->tmp_live, make_file, &mode);
	if (fd < 0) {
		dk_report(s, DK_ERROR, &loc, "cannot create a file beside it: %s", strerror(errno));
		return DK_FAIL;
	}
	if (!write_all(fd, data, len))
		goto fail;
	if (exists && (st.st_uid != geteuid() || st.st_gid != getegid()) &&
	    fchown(fd, st.st_uid, st.st_gid) != 0) {
		/* Not ours to give away: the new file is the writer's, as any. */
	}
	if (exists && fchmod(fd, st.st_mode & 07777) != 0)
		goto fail;
	/* close() reports write errors some file systems only find late. */
	err = close(fd);
	fd = -1;
	if (err != 0)
		goto fail;
	o->how = HOW_RENAME;
	return DK_OK;
fail:
	err = errno;
	if (fd >= 0)
		close(fd);
	unlink(o->tmp);
	o->tmp_live = 0;
	dk_report(s, DK_ERROR, &loc, "cannot write: %s", strerror(err));
	return DK_FAIL;
}

static int write_in_place(dk_output *o, dk_sink *s)
{
	dk_loc loc = dk_loc_file(o->path);
	int fd = open(o->target,
		      O_WRONLY | O_CLOEXEC | O_NOCTTY | (o->how == HOW_TRUNCATE ? O_TRUNC : 0));

	if (fd < 0 || !write_all(fd, o->data, o->len) || close(fd) != 0) {
		int err = errno;
		if (fd >= 0)
			close(fd); /* EBADF when close() was the one that failed */
		dk_report(s, DK_ERROR, &loc, "cannot write: %s", strerror(err));
		return DK_FAIL;
	}
	return DK_OK;
}

int dk_output_commit(dk_output *v, size_t n, dk_sink *s)
{
	size_t last = n;

	for (size_t i = 0; i < n; i++) {
		if (v[i].how == HOW_NOTHING) {
			dk_loc loc = dk_loc_file(v[i].path);
			dk_report(s, DK_ERROR, &loc, "cannot write: not prepared");
			goto undo;
		}
		if (v[i].how == HOW_RENAME)
			last = i;
	}
	/* Devices first: they cannot be put back, and once written a failing
	 * rename is unlikely (the temporary files are complete). */
	for (size_t i = 0; i < n; i++)
		if ((v[i].how == HOW_IN_PLACE || v[i].how == HOW_TRUNCATE) &&
		    write_in_place(&v[i], s) != DK_OK)
			goto undo;
	for (size_t i = 0; i < n; i++) {
		dk_output *o = &v[i];
		if (o->how != HOW_RENAME)
			continue;
		/* Until the last rename, each file replaced keeps a second name
		 * (where the file system allows links) to be put back with. */
		if (o->existed && i != last)
			(void)name_beside(o->bak, folder_len(o->target), &o->bak_live, make_link,
					  o->target);
		o->renaming = 1;
		atomic_signal_fence(memory_order_seq_cst);
		if (rename(o->tmp, o->target) != 0) {
			int err = errno;
			dk_loc loc = dk_loc_file(o->path);
			o->renaming = 0;
			dk_report(s, DK_ERROR, &loc, "cannot write: %s", strerror(err));
			goto undo;
		}
		o->tmp_live = 0;
	}
	/* Done (a signal from here on finds the last rename done, and keeps
	 * everything): the second names go. */
	for (size_t i = 0; i < n; i++) {
		if (v[i].bak_live) {
			unlink(v[i].bak);
			v[i].bak_live = 0;
		}
		v[i].changed = v[i].how != HOW_UNCHANGED;
	}
	return DK_OK;
undo:
	dk_output_cleanup(v, n);
	return DK_FAIL;
}

void dk_output_cleanup(dk_output *v, size_t n)
{
	bool committed = false;

	/* The commit is done when the last rename is. */
	for (size_t i = n; i-- > 0;) {
		if (v[i].how == HOW_RENAME) {
			committed = v[i].renaming && !(v[i].tmp_live && access(v[i].tmp, F_OK) == 0);
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		dk_output *o = &v[i];
		/* Renamed: asked for, and the temporary name is gone. */
		bool landed = o->renaming;
		if (o->tmp_live) {
			if (unlink(o->tmp) == 0)
				landed = false;
			o->tmp_live = 0;
		}
		if (landed && !committed) {
			if (o->bak_live)
				rename(o->bak, o->target);
			else if (!o->existed)
				unlink(o->target);
		}
		if (!committed)
			o->renaming = 0;
		if (o->bak_live) {
			unlink(o->bak); /* when the rename back was not needed or failed */
			o->bak_live = 0;
		}
	}
}

void dk_output_free(dk_output *v, size_t n)
{
	dk_output_cleanup(v, n);
	/* Nothing left for a signal handler to do, before anything is freed. */
	for (size_t i = 0; i < n; i++)
		v[i].renaming = 0;
	atomic_signal_fence(memory_order_seq_cst);
	for (size_t i = 0; i < n; i++) {
		free(v[i].target);
		free(v[i].tmp);
		free(v[i].bak);
		v[i].target = v[i].tmp = v[i].bak = NULL;
		v[i].how = HOW_NOTHING;
	}
}

int dk_write_file(const char *path, const void *data, size_t len, bool only_if_changed,
		  bool *changed, dk_sink *s)
{
	dk_output o;
	int rc;

	if (changed)
		*changed = false;
	rc = dk_output_prepare(&o, path, data, len, only_if_changed, s);
	if (rc == DK_OK)
		rc = dk_output_commit(&o, 1, s);
	if (rc == DK_OK && changed)
		*changed = o.changed;
	dk_output_free(&o, 1);
	return rc;
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
