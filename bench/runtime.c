/*
 * bench/runtime.c - run one command and write "SECONDS PEAK_KB STATUS CPU_SECONDS"
 * to a file.
 *
 *     runtime OUT COMMAND [ARG...]
 *
 * What /usr/bin/time -f '%e %M' does, with a finer clock: GNU time prints
 * the wall time in hundredths of a second, too coarse for runs of 10 to
 * 50 ms, and timing /usr/bin/time from the shell adds its own start-up to
 * every figure.  Here the clock is read just before fork and just after
 * wait4, and the peak resident set is the kernel's ru_maxrss for the
 * child (and the children it waited for, such as the assembler GNU dlltool
 * runs), the very number /usr/bin/time prints as %M.  CPU_SECONDS is the
 * user and system time of the same (%U + %S): on a machine shared with
 * other work it moves much less than the wall time.  The command's
 * stdin, stdout and stderr are the caller's.  Exit status: the command's,
 * 128+N when signal N killed it, 127 when it could not be started.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: runtime OUT COMMAND [ARG...]\n");
		return 2;
	}
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "runtime: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "runtime: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runtime: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	int st;
	struct rusage ru;
	while (wait4(pid, &st, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "runtime: wait4: %s\n", strerror(errno));
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	fprintf(out, "%.6f %ld %d %.6f\n", s, ru.ru_maxrss, rc, cpu);
	if (fclose(out) != 0) {
		fprintf(stderr, "runtime: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	return rc;
}
