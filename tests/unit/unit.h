/* unit.h - shared scaffolding for the check-based unit tests.
 * Each tests/unit/test_*.c is its own program: it defines a suite builder
 * and ends with DK_UNIT_MAIN(builder). */
#ifndef DK_UNIT_H
#define DK_UNIT_H
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dllkit.h"

/* A sink that remembers the last diagnostic, for asserting on messages. */
typedef struct unit_diags {
	char last[1024];
	dk_loc loc;
	unsigned count;
} unit_diags;

static inline void unit_diag_fn(void *ctx, const dk_diag *d)
{
	unit_diags *u = ctx;
	u->count++;
	snprintf(u->last, sizeof u->last, "%s:%u:%u: %s", d->loc.file ? d->loc.file : "",
		 d->loc.line, d->loc.column, d->message);
	u->loc = d->loc;
	u->loc.file = NULL;
	u->loc.member = NULL;
}

#define UNIT_SINK(name, store) dk_sink name = { unit_diag_fn, &(store), 0, 0 }

#define DK_UNIT_MAIN(builder)                                                  \
	int main(void)                                                         \
	{                                                                      \
		SRunner *sr = srunner_create(builder());                       \
		srunner_run_all(sr, CK_NORMAL);                                \
		int failed = srunner_ntests_failed(sr);                        \
		srunner_free(sr);                                              \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                   \
	}
#endif
