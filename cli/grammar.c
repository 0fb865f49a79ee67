/*
 * cli/grammar.c - the command tree as one list: the sections of the files that hold the
 * handlers, in the order `?`, TAB and the "expected ..." errors list them.
 */
#include <pthread.h>
#include <stdlib.h>

#include "cli/cli_int.h"

static const struct cli_cmd *const *const sections[] = {
    cli_mode_cmds,  cli_show_cmds,   cli_acl_show_cmds, cli_ping_cmds,
    cli_trace_cmds, cli_config_cmds, cli_acl_cmds,
};
#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static const struct cli_cmd **grammar;
static size_t grammar_n;

static void grammar_build(void)
{
	size_t total = 0;
	for (size_t i = 0; i < N_SECTIONS; i++)
		for (const struct cli_cmd *const *c = sections[i]; *c; c++)
			total++;
	grammar = calloc(total, sizeof(*grammar));
	if (!grammar)
		abort(); /* at start-up only: nothing works without the tree */
	for (size_t i = 0; i < N_SECTIONS; i++)
		for (const struct cli_cmd *const *c = sections[i]; *c; c++)
			grammar[grammar_n++] = *c;
}

const struct cli_cmd *const *cli_grammar(size_t *n)
{
	/* the telnet threads register the tree into libcli too */
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, grammar_build);
	*n = grammar_n;
	return grammar;
}
