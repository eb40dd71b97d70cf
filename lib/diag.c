/* diag.c - diagnostics go to a sink, never to a stream: the library does not print. */
#include <stdio.h>
#include "dllkit.h"

dk_loc dk_loc_file(const char *file)
{
	dk_loc l = { file, NULL, 0, 0, -1 };
	return l;
}

void dk_vreport(dk_sink *s, dk_severity sev, const dk_loc *loc, const char *fmt, va_list ap)
{
	char msg[1024];
	dk_diag d;

	if (!s)
		return;
	if (sev == DK_ERROR)
		s->errors++;
	else if (sev == DK_WARNING)
		s->warnings++;
	if (!s->fn)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	d.severity = sev;
	if (loc) {
		d.loc = *loc;
	} else {
		d.loc = dk_loc_file(NULL);
	}
	d.message = msg;
	s->fn(s->ctx, &d);
}

void dk_report(dk_sink *s, dk_severity sev, const dk_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dk_vreport(s, sev, loc, fmt, ap);
	va_end(ap);
}
