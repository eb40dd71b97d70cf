/* realloc-count.c - an LD_PRELOAD library for tests/cli/limits.sh: counts
 * the reallocs of an existing block made by the program itself (the tools
 * link libdllkit statically; libbfd and libc, shared, are not counted) and
 * writes the count to the file $REALLOC_COUNT at exit.  An array that
 * grows by one element per realloc shows up as one count per element; one
 * that doubles, as a few dozen in all. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>

static unsigned long count;
static void *exe_base;

void *realloc(void *p, size_t n)
{
	static void *(*next)(void *, size_t);
	Dl_info in;

	if (!next)
		next = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	if (!exe_base && dladdr((void *)getauxval(AT_PHDR), &in))
		exe_base = in.dli_fbase;
	if (p && exe_base && dladdr(__builtin_return_address(0), &in) && in.dli_fbase == exe_base)
		count++;
	return next(p, n);
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("REALLOC_COUNT");
	FILE *f = path ? fopen(path, "w") : NULL;

	if (f) {
		fprintf(f, "%lu\n", count);
		fclose(f);
	}
}
