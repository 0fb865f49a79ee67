/*
 * cli/ping.c - `ping [vrf NAME] A.B.C.D [source INTERFACE|A.B.C.D] [count N] [size N]
 * [timeout SECONDS]`: echo requests sent by the gateway itself (gw/ping.h), reported the
 * way Cisco IOS does. The command returns CLI_R_PENDING; the marks and the summary go to
 * the session's sink as the probes settle.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "common/net.h"
#include "gw/ping.h"

#define PING_MARKS_PER_LINE  70
#define PING_TIMEOUT_DEFAULT 2

/* The options after the address; keywords match by unique prefix. */
enum { OPT_SOURCE, OPT_COUNT, OPT_SIZE, OPT_TIMEOUT, OPT_N };
static const char *const opt_names[OPT_N] = {"source", "count", "size", "timeout"};

static int opt_lookup(const char *w)
{
	int hit = -1;
	size_t l = strlen(w);
	for (int i = 0; i < OPT_N; i++)
		if (l && !strncmp(opt_names[i], w, l))
			hit = hit == -1 ? i : -2;
	return hit;
}

/* A decimal in lo..hi, or an error naming the word. */
static int parse_num(const char *w, const char *what, uint32_t lo, uint32_t hi, uint32_t *v,
                     struct cli_out *out)
{
	size_t l = strlen(w);
	bool digits = l > 0 && l <= 10 && strspn(w, "0123456789") == l;
	unsigned long n = digits ? strtoul(w, NULL, 10) : 0;
	if (!digits || n < lo || n > hi)
		return cli_err(out, "Invalid %s \"%s\": expected %u-%u", what, w, lo, hi);
	*v = (uint32_t)n;
	return CLI_R_OK;
}

/* `source`: an interface name (its address toward dst) or one of the gateway's addresses. */
static int parse_source(struct cli_sess *s, const char *w, struct gw_ping_req *r,
                        struct cli_out *out)
{
	struct gw *gw = s->env->gw;
	if (net_ip_parse(w, &r->src)) {
		if (!gw_ping_source(gw, r))
			return cli_err(out,
			               "Invalid source address \"%s\": not an address of this "
			               "gateway",
			               w);
		return CLI_R_OK;
	}
	r->src = 0;
	r->src_ifx = strlen(w) < GW_IF_NAMELEN ? gw_if_by_name(gw, w) : 0;
	if (!r->src_ifx)
		return cli_err(out, "Invalid source \"%s\": no such interface", w);
	if (!gw_ping_source(gw, r))
		return cli_err(out, "Invalid source \"%s\": the interface has no IP address", w);
	return CLI_R_OK;
}

static int parse_options(struct cli_sess *s, const struct cli_args *a, int i, struct gw_ping_req *r,
                         uint32_t *timeout_s, struct cli_out *out)
{
	for (; i < a->argc; i += 2) {
		const char *w = a->argv[i];
		int opt = opt_lookup(w);
		if (opt == -2)
			return cli_err(
			    out, "Ambiguous option \"%s\": source, count, size or timeout", w);
		if (opt < 0)
			return cli_err(out, "Invalid option \"%s\": source, count, size or timeout",
			               w);
		if (i + 1 >= a->argc)
			return cli_err(out, "Incomplete command: %s needs a value", opt_names[opt]);
		const char *v = a->argv[i + 1];
		int rc;
		switch (opt) {
		case OPT_SOURCE:
			rc = parse_source(s, v, r, out);
			break;
		case OPT_COUNT:
			rc = parse_num(v, "count", 1, GW_PING_COUNT_MAX, &r->count, out);
			break;
		case OPT_SIZE:
			rc =
			    parse_num(v, "size", GW_PING_SIZE_MIN, GW_PING_SIZE_MAX, &r->size, out);
			break;
		default:
			rc = parse_num(v, "timeout", 0, GW_PING_TIMEOUT_MAX, timeout_s, out);
			break;
		}
		if (rc != CLI_R_OK)
			return rc;
	}
	return CLI_R_OK;
}

/* [vrf NAME] A.B.C.D [options] */
static int parse_ping(struct cli_sess *s, const struct cli_args *a, struct gw_ping_req *r,
                      uint32_t *timeout_s, struct cli_out *out)
{
	int i = 1;
	if (i < a->argc && !strcmp(a->argv[i], "vrf")) {
		if (i + 1 >= a->argc)
			return cli_err(out, "Incomplete command: vrf needs a name");
		uint16_t vrfx;
		if (!gw_vrf_find(s->env->gw, a->argv[i + 1], &vrfx))
			return cli_err(out, "Invalid VRF \"%s\": no such VRF", a->argv[i + 1]);
		r->vrf = vrfx;
		i += 2;
	}
	if (i >= a->argc)
		return cli_err(out, "Incomplete command: expected A.B.C.D");
	const char *w = a->argv[i];
	if (!net_ip_parse(w, &r->dst) || r->dst == 0 || r->dst == 0xffffffffu ||
	    net_ip_is_mcast(r->dst))
		return cli_err(out, "Invalid address \"%s\": expected a unicast A.B.C.D", w);
	return parse_options(s, a, i + 1, r, timeout_s, out);
}

/* ---------------------------------------------------------------- progress */

static void sink_printf(struct cli_sess *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sink_printf(struct cli_sess *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		s->sink.write(s->sink.arg, buf,
		              (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void on_probe(void *arg, char mark, uint32_t rtt_ms)
{
	struct cli_sess *s = arg;
	(void)rtt_ms;
	s->ping_marks++;
	sink_printf(s, "%c%s", mark, s->ping_marks % PING_MARKS_PER_LINE ? "" : "\n");
}

static void on_done(void *arg, const struct gw_ping_result *r)
{
	struct cli_sess *s = arg;
	s->ping_id = 0;
	if (s->ping_marks % PING_MARKS_PER_LINE)
		sink_printf(s, "\n");
	unsigned pct = r->sent ? (unsigned)((uint64_t)r->received * 100 / r->sent) : 0;
	if (r->received)
		sink_printf(s,
		            "Success rate is %u percent (%u/%u), round-trip min/avg/max = "
		            "%u/%u/%u ms\n",
		            pct, r->received, r->sent, r->rtt_min,
		            (unsigned)(r->rtt_sum / r->received), r->rtt_max);
	else
		sink_printf(s, "Success rate is %u percent (%u/%u)\n", pct, r->received, r->sent);
	/* like ping(8): no answer at all is a failure, for scripts */
	s->sink.done(s->sink.arg, r->received ? CLI_R_OK : CLI_R_ERROR);
}

static const struct gw_ping_ops ping_ops = {.probe = on_probe, .done = on_done};

/* ---------------------------------------------------------------- the command */

static void ping_abort(struct cli_sess *s)
{
	if (s->ping_id && s->env->gw)
		gw_ping_stop(s->env->gw, s->ping_id);
}

static void ping_cancel(struct cli_sess *s)
{
	if (s->ping_id && s->env->gw)
		gw_ping_cancel(s->env->gw, s->ping_id);
	s->ping_id = 0;
}

static const struct cli_pending ping_pending = {.cancel = ping_cancel, .abort = ping_abort};

static int cmd_ping(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct gw *gw = s->env->gw;
	if (!gw || !s->sink.write || !s->sink.done)
		return cli_err(out, "ping is not available in this session");
	struct gw_ping_req r = {.count = GW_PING_COUNT_DEFAULT, .size = GW_PING_SIZE_DEFAULT};
	uint32_t timeout_s = PING_TIMEOUT_DEFAULT;
	if (parse_ping(s, a, &r, &timeout_s, out) != CLI_R_OK)
		return CLI_R_ERROR;
	r.timeout_ms = timeout_s * 1000;
	char dst[NET_IP_STRLEN], src[NET_IP_STRLEN];
	net_ip_fmt(r.dst, dst);
	if (s->env->now_ms) /* the send time stamps of the probes */
		gw_set_time(gw, s->env->now_ms(s->env->ctx));
	uint32_t id;
	switch (gw_ping_start(gw, &r, &ping_ops, s, &id)) {
	case GW_OK:
		break;
	case GW_E_NOENT:
		return cli_err(out, "No route to host %s", dst);
	case GW_E_FULL:
		return cli_err(out, "Too many pings running (at most %d): try again later",
		               GW_PING_SESSIONS_MAX);
	default:
		return cli_err(out, "Cannot ping %s from %s", dst,
		               net_ip_fmt(gw_ping_source(gw, &r), src));
	}
	s->ping_id = id;
	s->ping_marks = 0;
	s->pending = &ping_pending;
	cli_printf(out, "Type escape sequence to abort.\n");
	cli_printf(out, "Sending %u, %u-byte ICMP Echos to %s, timeout is %u seconds:\n", r.count,
	           r.size, dst, timeout_s);
	if (r.src || r.src_ifx)
		cli_printf(out, "Packet sent with a source address of %s\n",
		           net_ip_fmt(gw_ping_source(gw, &r), src));
	return CLI_R_PENDING;
}

/* LINE: the words after `ping` are parsed here, their options in any order */
static const struct cli_cmd ping_cmd = {
    .syntax = "ping LINE",
    .help = "Send ICMP echo requests from the gateway|[vrf NAME] A.B.C.D [source INTERFACE or "
            "A.B.C.D] [count N] [size N] [timeout SECONDS]",
    .modes = CLI_M(CLI_MODE_EXEC),
    .fn = cmd_ping,
};

/* in the order `?` lists them (cli/grammar.c puts the sections in order) */
const struct cli_cmd *const cli_ping_cmds[] = {&ping_cmd, NULL};
