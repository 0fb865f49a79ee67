/*
 * cli/ping.c - `ping [ipv6] [vrf NAME] (A.B.C.D|X:X::X) [vrf NAME] [source
 * (INTERFACE|A.B.C.D|X:X::X)] [repeat|count N] [size N] [timeout SECONDS]`: echo requests
 * sent by the gateway itself, either family (gw/ping.h), reported the way Cisco IOS does. The
 * command returns CLI_R_PENDING; the marks and the summary go to the session's sink as the probes
 * settle.
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

/* The options after the address; keywords match by unique prefix. `repeat` is IOS's
 * word for count. */
enum { OPT_SOURCE, OPT_COUNT, OPT_REPEAT, OPT_SIZE, OPT_TIMEOUT, OPT_VRF, OPT_N };
static const char *const opt_names[OPT_N] = {"source", "count", "repeat", "size", "timeout", "vrf"};
#define OPT_LIST "source, count, repeat, size, timeout or vrf"

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

/* Can the request's source be used (the family's own check)? */
static bool source_usable(struct gw *gw, const struct gw_ping_req *r)
{
	struct in6_addr a;
	return r->family == GW_PING_IPV6 ? gw_ping_source6(gw, r, &a) : gw_ping_source(gw, r) != 0;
}

/* An address of the request's family. */
static bool parse_addr(const char *w, uint8_t family, uint32_t *ip, struct in6_addr *ip6)
{
	return family == GW_PING_IPV6 ? net_ip6_parse(w, ip6) : net_ip_parse(w, ip);
}

/*
 * `source`: an interface name (its address toward dst) or one of the gateway's addresses,
 * checked once the VRF is known (it may come after).
 */
static int parse_source(struct cli_sess *s, const char *w, struct gw_ping_req *r,
                        struct cli_out *out)
{
	struct gw *gw = s->env->gw;
	if (parse_addr(w, r->family, &r->src, &r->src6)) {
		if (!source_usable(gw, r))
			return cli_err(out,
			               "Invalid source address \"%s\": not an address of this "
			               "gateway",
			               w);
		return CLI_R_OK;
	}
	r->src_ifx = strlen(w) < GW_IF_NAMELEN ? gw_if_by_name(gw, w) : 0;
	if (!r->src_ifx)
		return cli_err(out, "Invalid source \"%s\": no such interface", w);
	if (!source_usable(gw, r))
		return cli_err(out, "Invalid source \"%s\": the interface has no %s address", w,
		               r->family == GW_PING_IPV6 ? "IPv6" : "IP");
	return CLI_R_OK;
}

static int parse_vrf(struct cli_sess *s, const char *w, struct gw_ping_req *r, struct cli_out *out)
{
	uint16_t vrfx;
	if (!gw_vrf_find(s->env->gw, w, &vrfx))
		return cli_err(out, "Invalid VRF \"%s\": no such VRF", w);
	r->vrf = vrfx;
	return CLI_R_OK;
}

/* One option's value. */
static int parse_option(struct cli_sess *s, int opt, const char *v, struct gw_ping_req *r,
                        uint32_t *timeout_s, struct cli_out *out)
{
	switch (opt) {
	case OPT_COUNT:
	case OPT_REPEAT:
		return parse_num(v, opt_names[opt], 1, GW_PING_COUNT_MAX, &r->count, out);
	case OPT_SIZE:
		return parse_num(v, "size",
		                 r->family == GW_PING_IPV6 ? GW_PING6_SIZE_MIN : GW_PING_SIZE_MIN,
		                 GW_PING_SIZE_MAX, &r->size, out);
	case OPT_TIMEOUT:
		return parse_num(v, "timeout", 0, GW_PING_TIMEOUT_MAX, timeout_s, out);
	default:
		return parse_vrf(s, v, r, out);
	}
}

/* The options, any order; the source is checked last, in the VRF chosen. */
static int parse_options(struct cli_sess *s, const struct cli_args *a, int first,
                         struct gw_ping_req *r, uint32_t *timeout_s, struct cli_out *out)
{
	const char *source = NULL;
	for (int i = first; i < a->argc; i += 2) {
		const char *w = a->argv[i];
		int opt = opt_lookup(w);
		if (opt == -2)
			return cli_err(out, "Ambiguous option \"%s\": " OPT_LIST, w);
		if (opt < 0)
			return cli_err(out, "Invalid option \"%s\": " OPT_LIST, w);
		if (i + 1 >= a->argc)
			return cli_err(out, "Incomplete command: %s needs a value", opt_names[opt]);
		if (opt == OPT_SOURCE) {
			source = a->argv[i + 1];
			continue;
		}
		int rc = parse_option(s, opt, a->argv[i + 1], r, timeout_s, out);
		if (rc != CLI_R_OK)
			return rc;
	}
	/* a link-local destination is on a link the operator must name */
	if (r->family == GW_PING_IPV6 && net_ip6_is_linklocal(&r->dst6) &&
	    (!source || parse_addr(source, r->family, &r->src, &r->src6)))
		return cli_err(out,
		               "Invalid address \"%s\": a link-local destination needs source "
		               "INTERFACE",
		               a->argv[first - 1]);
	return source ? parse_source(s, source, r, out) : CLI_R_OK;
}

/* The destination, either family (`ipv6` before it: IPv6 only). */
static int parse_dst(const char *w, bool v6_only, struct gw_ping_req *r, struct cli_out *out)
{
	if (!v6_only && net_ip_parse(w, &r->dst)) {
		if (r->dst == 0 || r->dst == 0xffffffffu || net_ip_is_mcast(r->dst))
			return cli_err(out, "Invalid address \"%s\": expected a unicast A.B.C.D",
			               w);
		return CLI_R_OK;
	}
	if (!net_ip6_parse(w, &r->dst6) || net_ip6_is_zero(&r->dst6) || net_ip6_is_mcast(&r->dst6))
		return cli_err(out, "Invalid address \"%s\": expected a unicast %s", w,
		               v6_only ? "X:X::X" : "A.B.C.D or X:X::X");
	r->family = GW_PING_IPV6;
	return CLI_R_OK;
}

/* [ipv6] [vrf NAME] ADDRESS [options] */
static int parse_ping(struct cli_sess *s, const struct cli_args *a, struct gw_ping_req *r,
                      uint32_t *timeout_s, struct cli_out *out)
{
	int i = 1;
	bool v6_only = i < a->argc && !strcmp(a->argv[i], "ipv6");
	i += v6_only;
	if (i < a->argc && !strcmp(a->argv[i], "vrf")) {
		if (i + 1 >= a->argc)
			return cli_err(out, "Incomplete command: vrf needs a name");
		if (parse_vrf(s, a->argv[i + 1], r, out) != CLI_R_OK)
			return CLI_R_ERROR;
		i += 2;
	}
	if (i >= a->argc)
		return cli_err(out, "Incomplete command: expected %s",
		               v6_only ? "X:X::X" : "A.B.C.D or X:X::X");
	if (parse_dst(a->argv[i], v6_only, r, out) != CLI_R_OK)
		return CLI_R_ERROR;
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

static const char *ping_dst_fmt(const struct gw_ping_req *r, char buf[NET_IP6_STRLEN])
{
	return r->family == GW_PING_IPV6 ? net_ip6_fmt(&r->dst6, buf) : net_ip_fmt(r->dst, buf);
}

/* The source the ping uses ("none" when it has none). */
static const char *ping_src_fmt(struct gw *gw, const struct gw_ping_req *r,
                                char buf[NET_IP6_STRLEN])
{
	struct in6_addr a6;
	if (r->family != GW_PING_IPV6)
		return net_ip_fmt(gw_ping_source(gw, r), buf);
	return gw_ping_source6(gw, r, &a6) ? net_ip6_fmt(&a6, buf) : strcpy(buf, "none");
}

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
	char dst[NET_IP6_STRLEN], src[NET_IP6_STRLEN];
	ping_dst_fmt(&r, dst);
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
		return cli_err(out, "Cannot ping %s from %s", dst, ping_src_fmt(gw, &r, src));
	}
	s->ping_id = id;
	s->ping_marks = 0;
	s->pending = &ping_pending;
	cli_printf(out, "Type escape sequence to abort.\n");
	cli_printf(out, "Sending %u, %u-byte ICMP Echos to %s, timeout is %u seconds:\n", r.count,
	           r.size, dst, timeout_s);
	if (r.src || r.src_ifx)
		cli_printf(out, "Packet sent with a source address of %s\n",
		           ping_src_fmt(gw, &r, src));
	return CLI_R_PENDING;
}

/* LINE: the words after `ping` are parsed here, their options in any order */
static const struct cli_cmd ping_cmd = {
    .syntax = "ping LINE",
    .help = "Send ICMP or ICMPv6 echo requests from the gateway|[ipv6] [vrf NAME] A.B.C.D or "
            "X:X::X [source IF or ADDRESS] [repeat N] [size N] [timeout S]",
    .modes = CLI_M(CLI_MODE_EXEC),
    .fn = cmd_ping,
};

/* in the order `?` lists them (cli/grammar.c puts the sections in order) */
const struct cli_cmd *const cli_ping_cmds[] = {&ping_cmd, NULL};
