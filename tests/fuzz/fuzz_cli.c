/* fuzz_cli.c - libFuzzer target: the command lines of mkdef, mkimplib and
 * dumpexports, run in this process.
 *
 * The tools never call exit(): each main() returns its status, so the
 * build compiles cmd/mkdef.c, cmd/mkimplib.c and cmd/dumpexports.c with
 * main renamed (-Dmain=mkdef_main, ...) and this target calls them.
 *
 * Input: the tool's name on the first line (dllkit-dlltool: mkimplib with
 * dlltool's command line), then one argument per line;
 * after a NUL byte, the rest is the content of the file "in".  The run
 * takes place in a private folder holding "in" and the files of
 * $DK_FUZZ_FILES (the seed script puts a .def, objects, an archive, a DLL
 * and import libraries there), all put back before each run; files the
 * run makes are removed after it.  An argument holding '/' ends the run
 * unexamined (the tools must touch nothing outside the folder).  Standard
 * input is /dev/null, standard output is discarded, standard error is
 * kept for the checks below.
 *
 * Promises checked:
 *   - the exit status is 0, 1 or 2;
 *   - a non-zero status comes with a message on standard error (except
 *     dumpexports' 1, "different", whose report is on standard output);
 *   - a failed mkdef or mkimplib creates no file and changes none. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sanitizer/common_interface_defs.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz.h"

int mkdef_main(int argc, char **argv);
int mkimplib_main(int argc, char **argv);
int dumpexports_main(int argc, char **argv);
int LLVMFuzzerInitialize(int *argc, char ***argv);

typedef struct file {
	char *name;
	unsigned char *data;
	size_t len;
} file;

static file *files;
static size_t nfiles;
static char folder[64];
static int real_stderr = -1, err_fd = -1;

__attribute__((noreturn)) static void die(const char *what)
{
	dprintf(real_stderr >= 0 ? real_stderr : 2, "fuzz_cli: %s: %s\n", what, strerror(errno));
	abort();
}

static void add_file(const char *name, const unsigned char *data, size_t len)
{
	file *f;
	files = realloc(files, (nfiles + 1) * sizeof *files);
	if (!files)
		die("realloc");
	f = &files[nfiles++];
	f->name = strdup(name);
	f->data = malloc(len ? len : 1);
	if (!f->name || !f->data)
		die("malloc");
	memcpy(f->data, data, len);
	f->len = len;
}

static void load_fixtures(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		int fd;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (1 << 20))
			continue;
		unsigned char *buf = malloc((size_t)st.st_size + 1);
		if (!buf || (fd = open(path, O_RDONLY)) < 0)
			die(path);
		if (read(fd, buf, (size_t)st.st_size) != st.st_size)
			die(path);
		close(fd);
		add_file(de->d_name, buf, (size_t)st.st_size);
		free(buf);
	}
	closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *fix = getenv("DK_FUZZ_FILES");
	int null;
	(void)argc;
	(void)argv;

	if (fix)
		load_fixtures(fix);
	add_file("in", (const unsigned char *)"", 0); /* the input's file, always last */
	snprintf(folder, sizeof folder, "/tmp/dllkit-fuzz-cli-XXXXXX");
	if (!mkdtemp(folder) || chdir(folder) != 0)
		die("private folder");
	/* Sanitizer reports go to the real standard error; the tools' own
	 * messages to a file of their own, looked at after each run. */
	real_stderr = dup(2);
	err_fd = memfd_create("stderr", 0);
	null = open("/dev/null", O_RDWR);
	if (real_stderr < 0 || err_fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0)
		die("descriptors");
	close(null);
	__sanitizer_set_report_fd((void *)(intptr_t)real_stderr);
	return 0;
}

static void put_back(void)
{
	for (size_t i = 0; i < nfiles; i++) {
		int fd = open(files[i].name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			/* a tool may have left a folder, a FIFO... under that name */
			if (unlink(files[i].name) != 0 && rmdir(files[i].name) != 0)
				die(files[i].name);
			fd = open(files[i].name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0)
				die(files[i].name);
		}
		if (write(fd, files[i].data, files[i].len) != (ssize_t)files[i].len)
			die(files[i].name);
		close(fd);
	}
}

static bool is_fixture(const char *name)
{
	for (size_t i = 0; i < nfiles; i++)
		if (strcmp(files[i].name, name) == 0)
			return true;
	return false;
}

/* Remove what the run made; the names of new files into `made` (may be NULL). */
static size_t clean_up(char *made, size_t size)
{
	DIR *d = opendir(".");
	struct dirent *de;
	size_t n = 0;
	if (!d)
		die("opendir");
	if (made && size)
		made[0] = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    is_fixture(de->d_name))
			continue;
		if (made && n == 0)
			snprintf(made, size, "%s", de->d_name);
		n++;
		if (unlink(de->d_name) != 0 && rmdir(de->d_name) != 0)
			die(de->d_name);
	}
	closedir(d);
	return n;
}

/* A fixture the run changed, or NULL. */
static const char *changed_fixture(void)
{
	for (size_t i = 0; i < nfiles; i++) {
		int fd = open(files[i].name, O_RDONLY);
		struct stat st;
		bool same = false;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (size_t)st.st_size == files[i].len) {
			unsigned char *buf = malloc(files[i].len + 1);
			same = buf && read(fd, buf, files[i].len) == (ssize_t)files[i].len &&
			       memcmp(buf, files[i].data, files[i].len) == 0;
			free(buf);
		}
		if (fd >= 0)
			close(fd);
		if (!same)
			return files[i].name;
	}
	return NULL;
}

__attribute__((noreturn, format(printf, 1, 2))) static void cli_fail(const char *fmt, ...)
{
	va_list ap;
	dup2(real_stderr, 2);
	fputs("dllkit fuzz: broken promise: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const unsigned char *nul = memchr(data, 0, size);
	size_t textlen = nul ? (size_t)(nul - data) : size;
	char *text = malloc(textlen + 1), *p, *line;
	char **argv = NULL, made[256];
	int argc = 0, status;
	int (*tool)(int, char **);
	const char *name;
	bool diff_tool;
	off_t errlen;

	if (!text)
		abort();
	memcpy(text, data, textlen);
	text[textlen] = 0;
	if (memchr(text, '/', textlen)) {
		free(text);
		return 0;
	}
	/* The content of "in" (always the last fixture). */
	free(files[nfiles - 1].data);
	files[nfiles - 1].len = nul ? size - textlen - 1 : 0;
	files[nfiles - 1].data = malloc(files[nfiles - 1].len + 1);
	if (!files[nfiles - 1].data)
		abort();
	if (files[nfiles - 1].len)
		memcpy(files[nfiles - 1].data, nul + 1, files[nfiles - 1].len);

	argv = calloc(textlen + 2, sizeof *argv);
	if (!argv)
		abort();
	for (p = text; (line = strsep(&p, "\n")) != NULL;)
		argv[argc++] = line;
	argv[argc] = NULL;
	name = argv[0];
	tool = strcmp(name, "mkdef") == 0	 ? mkdef_main
	       : strcmp(name, "mkimplib") == 0	 ? mkimplib_main
	       : strcmp(name, "dllkit-dlltool") == 0 ? mkimplib_main /* reads its name */
	       : strcmp(name, "dumpexports") == 0 ? dumpexports_main
						 : NULL;
	diff_tool = tool == dumpexports_main;
	if (!tool) {
		free(argv);
		free(text);
		return 0;
	}

	put_back();
	if (ftruncate(err_fd, 0) != 0 || lseek(err_fd, 0, SEEK_SET) != 0 || dup2(err_fd, 2) < 0)
		die("stderr");
	optind = 0; /* getopt starts afresh */
	opterr = 1;
	status = tool(argc, argv);
	fflush(stdout);
	fflush(stderr);
	errlen = lseek(err_fd, 0, SEEK_CUR);
	dup2(real_stderr, 2);

	if (status < 0 || status > 2)
		cli_fail("%s exited %d", name, status);
	if (status != 0 && errlen == 0 && !(diff_tool && status == 1))
		cli_fail("%s exited %d without a word on standard error", name, status);
	if (status != 0 && !diff_tool) {
		const char *c = changed_fixture();
		if (c)
			cli_fail("%s exited %d but changed %s", name, status, c);
		if (clean_up(made, sizeof made))
			cli_fail("%s exited %d but wrote %s", name, status, made);
	}
	clean_up(NULL, 0);
	free(argv);
	free(text);
	return 0;
}
