/*
 * cli/out.h - the output buffer every command writes into: a growing string that turns
 * out-of-memory into a flag, so that a command never has to check each print.
 */
#ifndef CLI_OUT_H
#define CLI_OUT_H

#include <stdbool.h>
#include <stddef.h>

struct cli_out {
	char *buf;
	size_t len, cap;
	bool oom;
};
void cli_out_init(struct cli_out *o);
void cli_out_free(struct cli_out *o);
void cli_out_reset(struct cli_out *o);
void cli_printf(struct cli_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "% message\n"; returns CLI_R_ERROR (cli/cli.h), for `return cli_err(out, ...)`. */
int cli_err(struct cli_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
