/* sample.h - the interface of sample.dll.
 *
 * Build the DLL with -DSAMPLE_BUILD: the functions are then marked
 * __declspec(dllexport), which makes the compiler write an export directive
 * for each into the object's .drectve section.  mkdef reads those directives
 * to write sample.def.  Clients include this header without SAMPLE_BUILD and
 * get __declspec(dllimport), which data exports need.
 */
#ifndef SAMPLE_H
#define SAMPLE_H

#ifdef SAMPLE_BUILD
#define SAMPLE_API __declspec(dllexport)
#else
#define SAMPLE_API __declspec(dllimport)
#endif

/* An ordinary (cdecl) function: exported as "sample_add". */
SAMPLE_API int sample_add(int a, int b);

/* A stdcall function: on i686 its symbol is _sample_sub@8, which MinGW ld
 * exports as "sample_sub@8" (or "sample_sub" with mkdef --kill-at).  On
 * x86-64 there is one calling convention and the name is just "sample_sub". */
SAMPLE_API int __stdcall sample_sub(int a, int b);

/* Data: exported with the DATA attribute (no call thunk in the import library). */
SAMPLE_API extern int sample_counter;

/* A function from a second object file. */
SAMPLE_API const char *sample_version(void);

#endif
