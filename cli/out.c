/*
 * cli/out.c - the output buffer of the commands (cli/out.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void cli_out_init(struct cli_out *o)
{
	memset(o, 0, sizeof(*o));
}

void cli_out_free(struct cli_out *o)
{
	free(o->buf);
	cli_out_init(o);
}

void cli_out_reset(struct cli_out *o)
{
	o->len = 0;
	if (o->buf)
		o->buf[0] = '\0';
}

/* format(printf, 2, 0): clang's -Wformat-nonliteral (in -Wformat=2) then checks the callers. */
static __attribute__((format(printf, 2, 0))) void out_vprintf(struct cli_out *o, const char *fmt,
                                                              va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || o->oom)
		return;
	if (o->len + (size_t)n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 1024;
		while (cap < o->len + (size_t)n + 1)
			cap *= 2;
		char *b = realloc(o->buf, cap);
		if (!b) {
			o->oom = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
	o->len += (size_t)n;
}

void cli_printf(struct cli_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

int cli_err(struct cli_out *out, const char *fmt, ...)
{
	va_list ap;
	cli_printf(out, "%% ");
	va_start(ap, fmt);
	out_vprintf(out, fmt, ap);
	va_end(ap);
	cli_printf(out, "\n");
	return CLI_R_ERROR;
}
