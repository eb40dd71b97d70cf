/* test_diag.c - diagnostics into a sink (lib/diag.c): counted by severity,
 * formatted, their location copied, a missing sink or function tolerated,
 * a message longer than the buffer cut rather than overrun. */
#include <stdarg.h>
#include "unit.h"

/* Keeps a copy of everything the sink is handed. */
typedef struct seen {
	unsigned n;
	dk_severity sev;
	dk_loc loc;
	char file[64], member[64];
	char msg[2048];
	size_t msglen;
} seen;

static void keep(void *ctx, const dk_diag *d)
{
	seen *k = ctx;
	k->n++;
	k->sev = d->severity;
	k->loc = d->loc;
	snprintf(k->file, sizeof k->file, "%s", d->loc.file ? d->loc.file : "(null)");
	snprintf(k->member, sizeof k->member, "%s", d->loc.member ? d->loc.member : "(null)");
	k->msglen = strlen(d->message);
	snprintf(k->msg, sizeof k->msg, "%s", d->message);
}

START_TEST(loc_file_has_no_position)
{
	dk_loc l = dk_loc_file("a.def");
	ck_assert_str_eq(l.file, "a.def");
	ck_assert_ptr_null(l.member);
	ck_assert_uint_eq(l.line, 0);
	ck_assert_uint_eq(l.column, 0);
	ck_assert(l.offset == -1);
}
END_TEST

START_TEST(counts_by_severity_and_formats)
{
	seen k = { 0 };
	dk_sink s = { keep, &k, 0, 0 };
	dk_loc l = { "lib.a", "x.o", 3, 7, 0x1234 };

	dk_report(&s, DK_ERROR, &l, "export \"%s\" has %d problems", "f", 2);
	ck_assert_uint_eq(k.n, 1);
	ck_assert_int_eq(k.sev, DK_ERROR);
	ck_assert_str_eq(k.msg, "export \"f\" has 2 problems");
	ck_assert_str_eq(k.file, "lib.a");
	ck_assert_str_eq(k.member, "x.o");
	ck_assert_uint_eq(k.loc.line, 3);
	ck_assert_uint_eq(k.loc.column, 7);
	ck_assert(k.loc.offset == 0x1234);

	dk_report(&s, DK_WARNING, NULL, "w");
	dk_report(&s, DK_WARNING, NULL, "w");
	dk_report(&s, DK_NOTE, NULL, "n");
	ck_assert_uint_eq(k.n, 4);
	ck_assert_int_eq(k.sev, DK_NOTE);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_uint_eq(s.warnings, 2); /* notes are not counted */
	/* no location: no file, no position */
	ck_assert_str_eq(k.file, "(null)");
	ck_assert_uint_eq(k.loc.line, 0);
	ck_assert(k.loc.offset == -1);
}
END_TEST

/* A sink with no function still counts; no sink at all is allowed. */
START_TEST(null_function_counts_null_sink_ignored)
{
	dk_sink s = { NULL, NULL, 0, 0 };
	dk_report(&s, DK_ERROR, NULL, "e %s", "x");
	dk_report(&s, DK_WARNING, NULL, "w");
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_uint_eq(s.warnings, 1);
	dk_report(NULL, DK_ERROR, NULL, "nobody hears %d", 1);
}
END_TEST

static void vreport_via(dk_sink *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dk_vreport(s, DK_ERROR, NULL, fmt, ap);
	va_end(ap);
}

/* A message past the 1,024-byte buffer is cut to 1,023 bytes, whole up to
 * there; dk_vreport takes a va_list as dk_report does. */
START_TEST(long_message_cut_not_overrun)
{
	seen k = { 0 };
	dk_sink s = { keep, &k, 0, 0 };
	char big[1500];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[1000] = 'Z';
	vreport_via(&s, "%s", big);
	ck_assert_uint_eq(k.n, 1);
	ck_assert_uint_eq(s.errors, 1);
	ck_assert_uint_eq(k.msglen, 1023);
	ck_assert_int_eq(k.msg[1000], 'Z');
	ck_assert(memcmp(k.msg, big, 1023) == 0);
}
END_TEST

static Suite *diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *t = tcase_create("diag");
	tcase_add_test(t, loc_file_has_no_position);
	tcase_add_test(t, counts_by_severity_and_formats);
	tcase_add_test(t, null_function_counts_null_sink_ignored);
	tcase_add_test(t, long_message_cut_not_overrun);
	suite_add_tcase(s, t);
	return s;
}

DK_UNIT_MAIN(diag_suite)
