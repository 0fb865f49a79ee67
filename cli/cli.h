/*
 * cli/cli.h - the command language of vxgw: one command tree for the config file, the
 * control socket (vxgw-cli) and telnet.
 *
 * A session (struct cli_sess) has a mode (exec, config, bridge-domain, interface), a
 * privilege and, while a configuration command runs, a candidate configuration. Config
 * commands edit the candidate through the gw_cfg_* setters; after each interactive
 * command the candidate is committed through env->commit (validate, apply as a diff,
 * adopt), so a bad line changes nothing. Loading a file edits one candidate line by line
 * and the caller applies it once at the end.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/out.h"
#include "gw/config/config.h"
#include "gw/io/xdp.h"

/* ---- what the command tree needs from its host (the daemon, or a test) ---- */
struct gw_workers;
struct cli_env {
	struct gw *gw; /* for show and clear commands; NULL when only parsing */
	const struct gw_cfg *(*running)(void *ctx);
	/* Apply cand and make it the running config; takes ownership of cand on success. */
	int (*commit)(void *ctx, struct gw_cfg *cand, char *err);
	/* write memory: save the running config to the startup file. */
	int (*save)(void *ctx, char *err);
	uint64_t (*now_ms)(void *ctx);
	/* Before a show command or a scrape: bring the gateway's counters up to date (the
	 * workers' are added to them periodically). NULL: nothing to do. */
	void (*sync)(void *ctx);
	/* The data-plane workers, for show dataplane; NULL or returning NULL: none. */
	const struct gw_workers *(*workers)(void *ctx);
	/* What the underlay's I/O is (dataplane io), for show dataplane; NULL: sockets. */
	void (*io_info)(void *ctx, struct gw_xdp_info *out);
	void *ctx;
};

enum cli_mode {
	CLI_MODE_EXEC = 0,
	CLI_MODE_CONFIG,
	CLI_MODE_BD,
	CLI_MODE_IF,
	CLI_MODE_VTY,
	CLI_MODE_ACL, /* ip access-list NAME, ipv6 access-list NAME */
	CLI_MODE_MAX
};

struct cli_sess;

/* enabled: start privileged (the control socket: socket access is the authentication). */
struct cli_sess *cli_sess_new(const struct cli_env *env, bool enabled);
void cli_sess_free(struct cli_sess *s);

enum cli_result {
	CLI_R_OK = 0,
	CLI_R_ERROR = -1,
	CLI_R_QUIT = 1,    /* the session asked to end (exit from exec mode, quit) */
	CLI_R_PENDING = 2, /* still running (ping): the rest comes through the session's sink */
};

/*
 * Where a command that completes later (CLI_R_PENDING) sends the rest of its output:
 * write() any number of times, then done() once with the command's result (CLI_R_OK or
 * CLI_R_ERROR). Both are called from the thread that owns the gateway, possibly from the
 * packet path: they must only record and schedule, never free the session.
 */
struct cli_sink {
	void (*write)(void *arg, const char *text, size_t len);
	void (*done)(void *arg, int result);
	void *arg;
};
/* A session without a sink refuses the commands that would complete later. */
void cli_sess_set_sink(struct cli_sess *s, const struct cli_sink *sink);
/* Stops the pending command, if any, without calling the sink (cli_sess_free does too). */
void cli_cancel(struct cli_sess *s);
/* The operator's abort: the pending command ends early, through the sink as usual (its
 * done() may come before this returns). */
void cli_abort(struct cli_sess *s);

/* Runs one command line (with `| include ...` style filters); output and errors to out. */
int cli_exec(struct cli_sess *s, const char *line, struct cli_out *out);
/* The prompt for the session's current mode: "gw1#", "gw1(config-bd-10)#". */
const char *cli_prompt(struct cli_sess *s, char *buf, size_t len);
/* `?`: the possible next words for a partial line, with their help, one per line. */
void cli_query_help(struct cli_sess *s, const char *partial, struct cli_out *out);
/* TAB: completions of the last (partial) word, one per line. */
void cli_query_complete(struct cli_sess *s, const char *partial, struct cli_out *out);
int cli_mode(const struct cli_sess *s);

/*
 * Loads a configuration text (the file's contents) into a new gw_cfg. Each bad line is
 * reported through report(arg, line, message) and skipped; the result is checked as a
 * whole at the end (line 0 for those messages). Returns the number of errors; *out gets
 * the configuration (also when there were errors, for -n to report them all).
 */
int cli_load_config(const char *text, struct gw_cfg **out,
                    void (*report)(void *arg, unsigned line, const char *msg), void *arg);

/* Renders cfg as configuration text (the running-config), defaults left out. */
void cli_render_config(const struct gw_cfg *cfg, struct cli_out *out);

#endif
