/*
 * fuzz_config_model.c - libFuzzer target for the configuration language on its own: the
 * grammar (the command engine of cli/), the model (gw/config.h) and its checks, and the
 * rendering of the running-config, under ASan + UBSan, without a gateway.
 *
 * fuzz_config builds an in-memory gateway and applies every configuration to it as a diff;
 * its forwarding tables (an 18-bit DXR per VRF, rebuilt whole on a /0../3 change) make
 * that 25-50 ms an input under ASan, and nearly all of its time went there. The grammar
 * and the model need none of it: here an input of up to 1 KiB (run.sh's -max_len) costs
 * ~1 ms, ~1000 inputs/s against 22 (60 s each, same build flags), so the fuzzer searches
 * the language ~45 times deeper in the same time. The checks that need the gateway stay
 * in fuzz_config, on every input; run.sh gives each of the two targets half of one slot.
 *
 * Input: configuration text.
 *
 * (a) cli_load_config(), which ends with gw_cfg_check(). It must report exactly as many
 *     errors as it returns, each with a message. When the text loads without error: a
 *     clone of the model is equal to it and passes gw_cfg_check; its rendering loads again
 *     without error to an equal model, which renders to the same text (round trip).
 * (b) The same lines typed into a privileged interactive session (after `configure
 *     terminal`; a session that quits is replaced), with `?` help or TAB completion
 *     asked for one prefix of each line (fuzz_config asks for both, up to eight). A
 *     commit is what the daemon checks before it touches the gateway: gw_cfg_check. One
 *     that fails must say why and leaves the running-config as it was; an error result
 *     must print a message. At the end the running-config the session built must pass
 *     gw_cfg_check and round-trip as in (a).
 * Any violation abort()s, which libFuzzer reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "gw/config/config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES        400
#define MAX_QUERY_PER_LN 8

#include "fuzz_check.h"
#include "fuzz_cli.h"

/* ---------------------------------------------------------------- helpers */

static void model_ok(const struct gw_cfg *c, const char *what)
{
	char err[GW_CFG_ERRLEN] = "";
	if (gw_cfg_check(c, err) != GW_CFG_OK) {
		char *t = render(c);
		fprintf(stderr, "fuzz_config_model: %s fails its check: %s\n%s", what, err, t);
		abort();
	}
	struct gw_cfg *copy = gw_cfg_clone(c);
	CHECK(copy, "gw_cfg_clone");
	CHECK(gw_cfg_equal(c, copy) && gw_cfg_equal(copy, c), "%s: a clone is not equal", what);
	gw_cfg_free(copy);
}

/* A good model renders to text that loads to an equal model and renders the same. */
static void round_trip(const struct gw_cfg *c, const char *what)
{
	char *r1 = render(c);
	struct gw_cfg *again = NULL;
	int reported = 0;
	int e = cli_load_config(r1, &again, count_report, &reported);
	if (e || !again || !gw_cfg_equal(c, again)) {
		fprintf(stderr, "fuzz_config_model: the rendering of %s %s:\n%s", what,
		        e ? "does not load" : "loads to another configuration", r1);
		abort();
	}
	char *r2 = render(again);
	if (strcmp(r1, r2)) {
		fprintf(stderr, "fuzz_config_model: rendering of %s not stable:\n%s---\n%s", what,
		        r1, r2);
		abort();
	}
	free(r2);
	free(r1);
	gw_cfg_free(again);
}

/* ---------------------------------------------------------------- (a) the file loader */

static void fuzz_load(const char *text)
{
	struct gw_cfg *cfg = NULL;
	int reported = 0;
	int errors = cli_load_config(text, &cfg, count_report, &reported);
	CHECK(cfg != NULL, "no configuration returned");
	CHECK(errors == reported, "%d errors returned, %d reported", errors, reported);
	if (!errors) {
		model_ok(cfg, "a good config");
		round_trip(cfg, "a good config");
	}
	gw_cfg_free(cfg);
}

/* ---------------------------------------------------------------- (b) a session */

/* What the daemon does before it changes anything (gwd_commit): the model's checks. */
static int env_commit(void *ctx, struct gw_cfg *cand, char *err)
{
	(void)ctx;
	CHECK(cand && cand != running, "a commit of the running-config itself");
	if (gw_cfg_check(cand, err) != GW_CFG_OK) {
		CHECK(err[0], "a failed commit without a message");
		return GW_CFG_ERR;
	}
	gw_cfg_free(running);
	running = cand;
	return GW_CFG_OK;
}

/*
 * `?` on even lines, TAB on odd ones, after a prefix of the line: after one of its first
 * words, in the middle, or the whole line, the stop turning with the line number. Both
 * at every stop of every line (as fuzz_config does) was 16 matcher runs a line against 4
 * for loading and typing it: three quarters of the time of an input. Any stop of a line,
 * and the other query, is reached with the line one or two further down, which the
 * fuzzer finds as easily.
 */
static void query_one_prefix(struct cli_sess *s, const char *line, unsigned lineno,
                             struct cli_out *o)
{
	size_t len = strlen(line), stops[MAX_QUERY_PER_LN];
	unsigned n = 0;
	char buf[2048];
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	for (size_t i = 0; i < len && n < MAX_QUERY_PER_LN - 2; i++)
		if (line[i] == ' ' && (i + 1 == len || line[i + 1] != ' '))
			stops[n++] = i + 1;
	stops[n++] = len / 2;
	stops[n++] = len;
	size_t stop = stops[(lineno / 2) % n];
	memcpy(buf, line, stop);
	buf[stop] = '\0';
	cli_out_reset(o);
	if (lineno % 2)
		cli_query_complete(s, buf, o);
	else
		cli_query_help(s, buf, o);
	CHECK(!o->oom, "help or completion output");
}

static void fuzz_session(char *text)
{
	struct cli_out o;
	cli_out_init(&o);
	running = gw_cfg_new();
	CHECK(running, "gw_cfg_new");
	struct cli_sess *s = new_session(&o);
	unsigned lines = 0;
	for (char *line = text, *next; line && lines < MAX_LINES; line = next, lines++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		query_one_prefix(s, line, lines, &o);
		s = type_line(s, line, &o);
	}
	cli_sess_free(s);
	cli_out_free(&o);

	model_ok(running, "the running-config of a session");
	round_trip(running, "the running-config of a session");
	gw_cfg_free(running);
	running = NULL;
}

/*
 * ASan keeps 256 MiB of freed memory in quarantine by default: at hundreds of inputs a
 * second, every allocation then lands on a fresh page (a third of the time went to page
 * faults). An input here frees well under 1 MiB, so a use after free within it is still
 * caught with 16. ASAN_OPTIONS, when set, is read after this and wins.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}

/* Nothing to set up: no gateway (replay_main.c calls it all the same). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	CHECK(text, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_load(text);
	fuzz_session(text);
	free(text);
	return 0;
}
