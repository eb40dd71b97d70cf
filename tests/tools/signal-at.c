/*
 * signal-at [-k] SIGNAL write:SUBSTRING COMMAND [ARG...]
 * signal-at [-k] SIGNAL rename:N COMMAND [ARG...]
 *
 * Run COMMAND and send it SIGNAL at the one moment a test of "a signal
 * leaves no temporary file and no half-done commit" needs, however loaded
 * the machine is:
 *   write:SUBSTRING  right after its first write(2) into a file whose name
 *                    contains SUBSTRING (the data is in the temporary file,
 *                    not yet renamed);
 *   rename:N         right after its Nth rename(2) (of several outputs, the
 *                    first N are replaced, the others not yet).
 * COMMAND runs under ptrace(2); at the exit of that system call it is held
 * (no time passes for it), "caught PATH SIZE" is printed on standard output
 * (for a write: the file and the size it has then), the signal is queued
 * and COMMAND is let go; it meets the signal before its next instruction.
 * SIGINT, SIGTERM and SIGHUP reach COMMAND with their default action (a
 * shell that runs a test in the background ignores SIGINT), or with -k as
 * this program got them (to test that an ignored signal stays ignored).
 *
 * Exit status: COMMAND's, or 128 + the signal that ended it; 125 when
 * COMMAND ended before that moment; 126 when it could not be traced.  A
 * test tool only: tests/cli/outputs.sh builds it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int status_of(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 126;
}

int main(int argc, char **argv)
{
	int sig, st;
	pid_t pid;
	const char *want;
	char held[PATH_MAX] = "";
	bool by_rename, keep = false;
	long renames; /* rename:N: how many more to let through */

	if (argc > 1 && strcmp(argv[1], "-k") == 0) {
		keep = true;
		argc--;
		argv++;
	}
	if (argc < 4 || (sig = atoi(argv[1])) <= 0 ||
	    (strncmp(argv[2], "write:", 6) != 0 && strncmp(argv[2], "rename:", 7) != 0)) {
		fprintf(stderr, "usage: signal-at [-k] SIGNAL write:SUBSTRING|rename:N COMMAND [ARG...]\n");
		return 126;
	}
	want = strchr(argv[2], ':') + 1;
	by_rename = argv[2][0] == 'r';
	renames = by_rename ? atol(want) : 0;
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 126;
	}
	if (pid == 0) {
		if (!keep) {
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
		}
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) {
			perror("ptrace(TRACEME)");
			_exit(126);
		}
		raise(SIGSTOP);
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(126);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		fprintf(stderr, "signal-at: the child did not stop\n");
		return 126;
	}
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) !=
	    0) {
		perror("ptrace(SETOPTIONS)");
		return 126;
	}
	int pass = 0; /* a signal to hand on to the child */
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)pass) != 0) {
			perror("ptrace(SYSCALL)");
			return 126;
		}
		pass = 0;
		if (waitpid(pid, &st, 0) != pid) {
			perror("waitpid");
			return 126;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			fprintf(stderr, "signal-at: the command ended (status %d) before %s\n",
				status_of(st), argv[2]);
			return 125;
		}
		if (!WIFSTOPPED(st))
			continue;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			/* An event stop (exec) passes nothing; a real signal is handed on. */
			if (st >> 16 == 0 && WSTOPSIG(st) != SIGTRAP)
				pass = WSTOPSIG(st);
			continue;
		}
		struct __ptrace_syscall_info info;
		memset(&info, 0, sizeof info);
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof info, &info) <= 0) {
			perror("ptrace(GET_SYSCALL_INFO)");
			return 126;
		}
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY && by_rename) {
			long nr = (long)info.entry.nr;
			bool is_rename = nr == SYS_renameat || nr == SYS_renameat2;
#ifdef SYS_rename
			is_rename = is_rename || nr == SYS_rename;
#endif
			if (is_rename && renames > 0 && --renames == 0)
				snprintf(held, sizeof held, "rename");
		} else if (info.op == PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr == SYS_write) {
			char link[64];
			ssize_t n;
			snprintf(link, sizeof link, "/proc/%d/fd/%llu", (int)pid,
				 (unsigned long long)info.entry.args[0]);
			n = readlink(link, held, sizeof held - 1);
			held[n > 0 ? n : 0] = '\0';
			if (!strstr(held, want))
				held[0] = '\0';
		} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && held[0]) {
			struct stat sb;
			if (by_rename)
				printf("caught %s\n", argv[2]);
			else
				printf("caught %s %lld\n", held,
				       stat(held, &sb) == 0 ? (long long)sb.st_size : -1LL);
			fflush(stdout);
			kill(pid, sig);
			if (ptrace(PTRACE_DETACH, pid, NULL, NULL) != 0) {
				perror("ptrace(DETACH)");
				return 126;
			}
			if (waitpid(pid, &st, 0) != pid) {
				perror("waitpid");
				return 126;
			}
			return status_of(st);
		}
	}
}
