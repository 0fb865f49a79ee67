/*
 * fuzz_cli.h - what the two configuration targets (fuzz_config, fuzz_config_model) share:
 * the loader's error counting, rendering, and an interactive session against a host whose
 * running-config is `running`. Each target defines env_commit(), what a commit does: the
 * model's checks alone, or those and an apply to an in-memory gateway.
 *
 * Included once per target, after fuzz_check.h; everything here is static.
 */
#ifndef FUZZ_CLI_H
#define FUZZ_CLI_H

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gw/config/config.h"

static void count_report(void *arg, unsigned line, const char *msg)
{
	(void)line;
	CHECK(msg && msg[0], "empty error message at line %u", line);
	(*(int *)arg)++;
}

static char *render(const struct gw_cfg *c)
{
	struct cli_out o;
	cli_out_init(&o);
	cli_render_config(c, &o);
	CHECK(!o.oom && o.buf, "render");
	return o.buf;
}

/* The session's host: its running-config, and a commit the target defines. */
static struct gw_cfg *running;

static int env_commit(void *ctx, struct gw_cfg *cand, char *err);

static const struct gw_cfg *env_running(void *ctx)
{
	(void)ctx;
	return running;
}

static int env_save(void *ctx, char *err)
{
	(void)ctx;
	(void)err;
	free(render(running));
	return GW_CFG_OK;
}

static uint64_t env_now(void *ctx)
{
	(void)ctx;
	return 123456789;
}

static struct cli_env ENV = {
    .running = env_running, .commit = env_commit, .save = env_save, .now_ms = env_now};

static struct cli_sess *new_session(struct cli_out *o)
{
	struct cli_sess *s = cli_sess_new(&ENV, true);
	CHECK(s, "cli_sess_new");
	cli_out_reset(o);
	CHECK(cli_exec(s, "configure terminal", o) == CLI_R_OK, "configure terminal: %s", o->buf);
	return s;
}

/*
 * Types one line into session s: an error must say why and change nothing; a session
 * that quits is replaced. Returns the session to go on with.
 */
static struct cli_sess *type_line(struct cli_sess *s, const char *line, struct cli_out *o)
{
	const struct gw_cfg *before = running;
	cli_out_reset(o);
	int r = cli_exec(s, line, o);
	CHECK(r == CLI_R_OK || r == CLI_R_ERROR || r == CLI_R_QUIT, "result %d", r);
	CHECK(r != CLI_R_ERROR || (o->buf && strstr(o->buf, "% ")), "an error without a message");
	CHECK(r != CLI_R_ERROR || running == before, "a failed command changed the config");
	CHECK(!o->oom, "output");
	char prompt[128];
	cli_prompt(s, prompt, sizeof(prompt));
	if (r == CLI_R_QUIT) {
		cli_sess_free(s);
		s = new_session(o);
	}
	return s;
}

#endif
