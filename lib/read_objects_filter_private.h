/* read_objects_filter_private.h - what --export-all leaves out, and why (see mkdef(1), FILTERS). */
#ifndef DK_FILTER_H
#define DK_FILTER_H
#include "dllkit.h"

/* Classify one external symbol; `raw` is the object's name, `name` the .def name. */
dk_skip_reason dk_filter_symbol(const char *raw, const char *name);
/* Archive basenames of compiler and C runtime libraries (libgcc.a, libstdc++.a, ...). */
bool dk_filter_runtime_lib(const char *base);
/* Object basenames of start-up code (crt2.o, dllcrt2.o, crtbegin.o, ...). */
bool dk_filter_runtime_object(const char *base);
/* --exclude patterns (fnmatch) against either name. */
bool dk_filter_user(const dk_read_opts *o, const char *raw, const char *name);
/* --exclude-libs against an archive basename ("ALL" matches every archive). */
bool dk_filter_user_lib(const dk_read_opts *o, const char *base);
#endif
