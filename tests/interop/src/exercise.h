/* exercise.h: every export of interop.dll, called and checked.  Shared by
 * client.c (MinGW CRT, printf) and nocrt.c (no CRT, WriteFile).
 *
 *   AUTO_IMPORT  declare the imports without __declspec(dllimport):
 *                functions go through the import library's thunks and data
 *                through MinGW auto-import (pseudo-relocations).  Only this
 *                client notices a .def that forgot DATA.
 *   NEG_MISSING  also call no_such_fn, which the import library lists and
 *                the DLL does not export (a negative test).
 *
 * The includer defines say(const char *) before including this file. */
#ifndef EXERCISE_H
#define EXERCISE_H

#ifdef AUTO_IMPORT
#define IMP
#else
#define IMP __declspec(dllimport)
#endif

IMP int add(int, int);
IMP int mul(int, int);
IMP int __stdcall sfunc(int, int);
IMP int by_ordinal(int);                  /* NONAME @42: imported by ordinal */
IMP int bump(void);
IMP int get_counter(void);
IMP extern int counter;                   /* DATA */
IMP extern const int table[4];            /* DATA */
IMP int fwd_twice(int);                   /* forwarder to interop2.twice */
IMP unsigned long __stdcall fwd_tick(void); /* forwarder to kernel32.GetTickCount */
#ifdef NEG_MISSING
IMP int no_such_fn(int);
#endif

__declspec(dllimport) unsigned long __stdcall GetTickCount(void);

static void say(const char *line);

/* "interop-FAIL: what (got N)" without printf */
static void bad(const char *what, long got)
{
	char buf[160], num[24];
	char *p = buf, *q = num + sizeof num;
	unsigned long u = got < 0 ? 0UL - (unsigned long)got : (unsigned long)got;
	const char *s;
	for (s = "interop-FAIL: "; *s; s++) *p++ = *s;
	for (s = what; *s && p < buf + 100; s++) *p++ = *s;
	for (s = " (got "; *s; s++) *p++ = *s;
	*--q = 0;
	do *--q = (char)('0' + u % 10); while (u /= 10);
	if (got < 0) *--q = '-';
	while (*q) *p++ = *q++;
	*p++ = ')';
	*p = 0;
	say(buf);
}

#define CHECK(expr, val) do { long v_ = (long)(val); if (!(expr)) { bad(#expr, v_); fails++; } } while (0)

/* Returns the number of failed checks. */
static int exercise(void)
{
	int fails = 0;
	volatile int seven = 7;       /* keep the compiler from folding */
	unsigned long t0, t1, t2;

	say("interop-start");
	CHECK(add(2, 3) == 5, add(2, 3));
	CHECK(mul(6, seven) == 42, mul(6, seven));
	CHECK(sfunc(10, 3) == 7, sfunc(10, 3));
	CHECK(by_ordinal(6) == 43, by_ordinal(6));

	/* data, both directions */
	CHECK(counter == 41, counter);
	CHECK(bump() == 42, counter);
	CHECK(counter == 42, counter);
	counter = 1000 + seven;
	CHECK(get_counter() == 1007, get_counter());
	CHECK(table[0] + table[1] + table[2] + table[3] == 17, table[3]);

	/* forwarders */
	CHECK(fwd_twice(21) == 42, fwd_twice(21));
	t0 = GetTickCount();
	t1 = fwd_tick();
	t2 = GetTickCount();
	CHECK(t1 - t0 <= t2 - t0, (long)(t1 - t0));

#ifdef NEG_MISSING
	say("calling no_such_fn");
	CHECK(no_such_fn(1) == 1, 0);
#endif
	if (fails == 0)
		say("interop-ok");
	return fails;
}

#endif
