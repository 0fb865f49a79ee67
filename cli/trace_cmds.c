/*
 * cli/trace_cmds.c - the operator's view into the data plane: `trace add N`, `show trace`,
 * `clear trace` (gw/trace.h) and the `debug` toggles (gw/debug.h). Both are runtime
 * state of the gateway, not configuration: nothing here touches the candidate config or
 * appears in the running-config.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "gw/debug.h"
#include "gw/trace.h"

#define TRACE_LINE 512

static struct gw *need_gw(struct cli_sess *s, const char *what, struct cli_out *out)
{
	if (!s->env->gw)
		cli_err(out, "\"%s\" needs a running gateway", what);
	return s->env->gw;
}

/* ---------------------------------------------------------------- trace */

static int cmd_trace_add(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct gw *gw = need_gw(s, "trace", out);
	if (!gw)
		return CLI_R_ERROR;
	enum gw_trace_input in = GW_TRACE_IN_ANY;
	if (a->nval > 1)
		in = !strcmp(a->val[1], "underlay") ? GW_TRACE_IN_UNDERLAY : GW_TRACE_IN_ETHERNET;
	uint32_t want = cli_u32(a->val[0]);
	int got = gw_trace_add(gw, want, in);
	if (got == -2)
		return cli_err(out, "out of memory");
	if (got < 0)
		return cli_err(out, "Invalid count \"%s\": 1..%d", a->val[0], GW_TRACE_MAX_PKTS);
	if (got == 0)
		return cli_err(out, "trace buffer full (%d packets): clear trace first",
		               GW_TRACE_MAX_PKTS);
	if ((uint32_t)got < want)
		cli_printf(out, "%% only %d more packets fit in the trace buffer\n", got);
	return CLI_R_OK;
}

static const struct cli_cmd trace_add_cmd = {
    .syntax = "trace add <%u-%u> [(underlay|ethernet)]",
    .help = "Packet trace|Trace the next packets|How many|Only those arriving from that input",
    .range = {{1, GW_TRACE_MAX_PKTS}},
    .modes = CLI_M(CLI_MODE_EXEC),
    .flags = CLI_F_ENABLE,
    .fn = cmd_trace_add,
};

static int cmd_trace_clear(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	struct gw *gw = need_gw(s, "clear trace", out);
	if (!gw)
		return CLI_R_ERROR;
	gw_trace_clear(gw);
	return CLI_R_OK;
}

static const struct cli_cmd trace_clear_cmd = {
    .syntax = "clear trace",
    .help = "Reset|Traced packets and the rest of the trace budget",
    .modes = CLI_MODES_ALL,
    .flags = CLI_F_ENABLE,
    .fn = cmd_trace_clear,
};

static void trace_pkt_text(struct gw *gw, const struct gw_trace_pkt *e, uint32_t k,
                           struct cli_out *out)
{
	char line[TRACE_LINE], when[16];
	cli_printf(out, "\nPacket %u (id %u), %s, arrived at %llu.%03llu s\n", k + 1, e->id,
	           gw_trace_input_name(e->input), (unsigned long long)(e->t_ms / 1000),
	           (unsigned long long)(e->t_ms % 1000));
	for (unsigned i = 0; i < e->n_recs; i++) {
		const struct gw_trace_rec *r = &e->rec[i];
		snprintf(when, sizeof(when), "+%ums", r->ms);
		cli_printf(out, "  %-7s %-14s %s\n", when, gw_trace_stage_name(r->stage),
		           gw_trace_format(gw, r, line, sizeof(line)));
	}
	if (e->n_lost)
		cli_printf(out, "  ... %u more records not kept (at most %d a packet)\n", e->n_lost,
		           GW_TRACE_RECS);
}

static void trace_pkt_json(struct gw *gw, const struct gw_trace_pkt *e, uint32_t k,
                           struct cli_out *out)
{
	char line[TRACE_LINE];
	cli_printf(out,
	           "%s{\"packet\":%u,\"id\":%u,\"input\":\"%s\",\"time_ms\":%llu,"
	           "\"records_lost\":%u,\"records\":[",
	           k ? "," : "", k + 1, e->id, gw_trace_input_name(e->input),
	           (unsigned long long)e->t_ms, e->n_lost);
	for (unsigned i = 0; i < e->n_recs; i++) {
		const struct gw_trace_rec *r = &e->rec[i];
		const char *fields = gw_trace_format_json(gw, r, line, sizeof(line));
		cli_printf(out, "%s{\"stage\":\"%s\",\"ms\":%u%s%s}", i ? "," : "",
		           gw_trace_stage_name(r->stage), r->ms, *fields ? "," : "", fields);
	}
	cli_printf(out, "]}");
}

static int cmd_show_trace(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct gw *gw = need_gw(s, "show trace", out);
	if (!gw)
		return CLI_R_ERROR;
	uint32_t n = gw_trace_count(gw), budget = gw_trace_budget(gw);
	if (cli_json(a)) {
		cli_printf(out, "{\"pending\":%u,\"packets\":[", budget);
		for (uint32_t k = 0; k < n; k++)
			trace_pkt_json(gw, gw_trace_get(gw, k), k, out);
		cli_printf(out, "]}\n");
		return CLI_R_OK;
	}
	cli_printf(out, "Packet trace: %u traced, %u more to trace\n", n, budget);
	if (!n && !budget)
		cli_printf(out, "No packets traced: 'trace add N' traces the next N packets.\n");
	for (uint32_t k = 0; k < n; k++)
		trace_pkt_text(gw, gw_trace_get(gw, k), k, out);
	return CLI_R_OK;
}

static const struct cli_cmd show_trace_cmd = {
    .syntax = "show trace [json]",
    .help =
        "Show running system information|Traced packets, stage by stage|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_trace,
};

/* ---------------------------------------------------------------- debug */

/* The flags a `debug ...` line names: its last word. */
static uint32_t debug_flags_of(const struct cli_args *a)
{
	const char *w = a->argv[a->argc - 1];
	if (!strcmp(w, "arp"))
		return GW_DEBUG_ARP;
	if (!strcmp(w, "vxlan"))
		return GW_DEBUG_VXLAN;
	if (!strcmp(w, "packet"))
		return GW_DEBUG_IP;
	return GW_DEBUG_ALL;
}

static int cmd_debug(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct gw *gw = need_gw(s, "debug", out);
	if (!gw)
		return CLI_R_ERROR;
	bool off = a->neg || !strcmp(a->argv[0], "undebug");
	gw_debug_set(gw, debug_flags_of(a), !off);
	return CLI_R_OK;
}

static const struct cli_cmd debug_cmd = {
    .syntax = "debug (arp|vxlan|all)",
    .help = "Debug logging|ARP, VXLAN and bridging, or everything",
    .modes = CLI_M(CLI_MODE_EXEC),
    .flags = CLI_F_ENABLE | CLI_F_NO,
    .fn = cmd_debug,
};

static const struct cli_cmd debug_ip_cmd = {
    .syntax = "debug ip packet",
    .help = "Debug logging|IP|Drops, ICMP sent",
    .modes = CLI_M(CLI_MODE_EXEC),
    .flags = CLI_F_ENABLE | CLI_F_NO,
    .fn = cmd_debug,
};

static const struct cli_cmd undebug_cmd = {
    .syntax = "undebug (arp|vxlan|all)",
    .help = "Turn off debug logging|ARP, VXLAN and bridging, or everything",
    .modes = CLI_M(CLI_MODE_EXEC),
    .flags = CLI_F_ENABLE,
    .fn = cmd_debug,
};

static const struct cli_cmd undebug_ip_cmd = {
    .syntax = "undebug ip packet",
    .help = "Turn off debug logging|IP|Drops, ICMP sent",
    .modes = CLI_M(CLI_MODE_EXEC),
    .flags = CLI_F_ENABLE,
    .fn = cmd_debug,
};

static const enum gw_debug_flag debug_all[] = {GW_DEBUG_ARP, GW_DEBUG_VXLAN, GW_DEBUG_IP};

static int cmd_show_debugging(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct gw *gw = need_gw(s, "show debugging", out);
	if (!gw)
		return CLI_R_ERROR;
	uint32_t on = gw_debug_flags(gw);
	unsigned long long lost = gw_debug_suppressed(gw);
	size_t n = sizeof(debug_all) / sizeof(debug_all[0]);
	if (cli_json(a)) {
		cli_printf(out, "{\"debugging\":{");
		static const char *const keys[] = {"arp", "vxlan", "ip_packet"};
		for (size_t i = 0; i < n; i++)
			cli_printf(out, "%s\"%s\":%s", i ? "," : "", keys[i],
			           on & debug_all[i] ? "true" : "false");
		cli_printf(out, "},\"rate_per_second\":%d,\"suppressed\":%llu}\n", GW_DEBUG_RATE,
		           lost);
		return CLI_R_OK;
	}
	cli_printf(out, "Debugging (log level debug, at most %d lines a second):\n", GW_DEBUG_RATE);
	for (size_t i = 0; i < n; i++)
		if (on & debug_all[i])
			cli_printf(out, "  %s debugging is on\n", gw_debug_name(debug_all[i]));
	if (!on)
		cli_printf(out, "  all debugging is off\n");
	if (lost)
		cli_printf(out, "  %llu lines suppressed by the rate limit\n", lost);
	return CLI_R_OK;
}

static const struct cli_cmd show_debugging_cmd = {
    .syntax = "show debugging [json]",
    .help = "Show running system information|Debug toggles that are on|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_debugging,
};

/* ---------------------------------------------------------------- the section */

/* in the order `?` lists them (cli/grammar.c puts the sections in order) */
const struct cli_cmd *const cli_trace_cmds[] = {
    &trace_add_cmd, &show_trace_cmd, &trace_clear_cmd,    &debug_cmd, &debug_ip_cmd,
    &undebug_cmd,   &undebug_ip_cmd, &show_debugging_cmd, NULL,
};
