/*
 * test_ping.c - the gateway's own ping (gw/ping.h) in the in-memory lab: the request on
 * the wire byte by byte, replies matched by identifier and sequence, timeouts, ICMP
 * errors and a failed ARP as 'U', cancellation, the limits; and the CLI command's
 * Cisco-style text through a session sink.
 */
#include <string.h>

#include "cli/cli.h"
#include "arp/arp.h"
#include "cu_main.h"
#include "gw/ping.h"
#include "pktlab.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* 10.1.10.50 via .11 */
#define IP_H1    0x0a010a32u
#define IP_NONE  0x0a011463u /* 10.1.20.99: on bdif20's subnet, nobody there */
#define IP_NORTE 0xc6336401u /* 198.51.100.1: no route in the lab */

static struct lab L;
static uint8_t BDIF10_MAC[6];

/* What the callbacks saw. */
struct rec {
	char marks[128];
	unsigned n;
	uint32_t rtt[128];
	bool done;
	struct gw_ping_result r;
};
static struct rec R;

static void rec_probe(void *arg, char mark, uint32_t rtt)
{
	struct rec *r = arg;
	if (r->n < sizeof(r->marks) - 1) {
		r->rtt[r->n] = rtt;
		r->marks[r->n++] = mark;
	}
}

static void rec_done(void *arg, const struct gw_ping_result *res)
{
	struct rec *r = arg;
	CU_ASSERT_FALSE(r->done); /* once */
	r->done = true;
	r->r = *res;
}

static const struct gw_ping_ops OPS = {.probe = rec_probe, .done = rec_done};

static void setup(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	gw_bdif_default_mac(10, BDIF10_MAC);
	memset(&R, 0, sizeof(R));
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_reset_capture(&L);
}

static void teardown(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

static int start(uint32_t dst, uint32_t count, uint32_t size, uint32_t timeout_ms, uint32_t *id)
{
	struct gw_ping_req req = {
	    .dst = dst, .count = count, .size = size, .timeout_ms = timeout_ms};
	return gw_ping_start(L.gw, &req, &OPS, &R, id);
}

/* The inner Ethernet frame of captured frame i, which must be VXLAN to VTEP .11, VNI 5000. */
static const uint8_t *inner(unsigned i)
{
	CU_ASSERT_FATAL(i < L.n_cap);
	CU_ASSERT_EQUAL(L.cap[i].outer_dst, LAB_VTEP11);
	CU_ASSERT_EQUAL(lab_rd32(L.cap[i].bytes + 32) >> 8, 5000);
	return L.cap[i].bytes + 36;
}

/* H1's answer to the request in captured frame i: the echo reply, built field by field. */
static unsigned reply_to(unsigned i, uint8_t *f)
{
	const uint8_t *req = inner(i);
	unsigned len = L.cap[i].len - 36;
	memcpy(f, req, len);
	memcpy(f, BDIF10_MAC, 6);
	memcpy(f + 6, H1, 6);
	uint8_t *ip = f + 14;
	wr32(ip + 12, IP_H1);
	memcpy(ip + 16, req + 14 + 12, 4); /* to the request's source */
	wr16(ip + 10, 0);
	uint16_t s = net_csum(ip, 20);
	memcpy(ip + 10, &s, 2);
	uint8_t *icmp = ip + 20;
	icmp[0] = 0;
	wr16(icmp + 2, 0);
	s = net_csum(icmp, len - 34);
	memcpy(icmp + 2, &s, 2);
	return len;
}

/* Recomputes the ICMP checksum of an Ethernet + IPv4 (no options) + ICMP frame. */
static void icmp_resum(uint8_t *f, unsigned len)
{
	uint8_t *icmp = f + 14 + 20;
	wr16(icmp + 2, 0);
	uint16_t s = net_csum(icmp, len - 34);
	memcpy(icmp + 2, &s, 2);
}

/* An ICMP error from H1 about the request in captured frame i. */
static unsigned error_to(unsigned i, uint8_t type, uint8_t code, uint8_t *f)
{
	const uint8_t *req = inner(i);
	unsigned n = lab_eth(f, BDIF10_MAC, H1, NET_ETHERTYPE_IP);
	n += lab_ip(f + n, IP_H1, LAB_GW10, NET_IPPROTO_ICMP, 64, 8 + 28, false);
	uint8_t *icmp = f + n;
	memset(icmp, 0, 8);
	icmp[0] = type;
	icmp[1] = code;
	memcpy(icmp + 8, req + 14, 28); /* the request's IPv4 header and 8 bytes */
	uint16_t s = net_csum(icmp, 36);
	memcpy(icmp + 2, &s, 2);
	return n + 36;
}

static void at(uint64_t ms_later)
{
	L.now += ms_later;
	gw_set_time(L.gw, L.now);
}

static void test_request_bytes(void)
{
	uint32_t id;
	CU_ASSERT_EQUAL_FATAL(start(IP_H1, 2, 100, 2000, &id), GW_OK);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].len, 36 + 14 + 100);
	const uint8_t *e = inner(0);
	CU_ASSERT_EQUAL(memcmp(e, H1, 6), 0);
	CU_ASSERT_EQUAL(memcmp(e + 6, BDIF10_MAC, 6), 0);
	CU_ASSERT_EQUAL(lab_rd16(e + 12), 0x0800);
	const uint8_t *ip = e + 14;
	CU_ASSERT_EQUAL(ip[0], 0x45);
	CU_ASSERT_EQUAL(lab_rd16(ip + 2), 100);
	CU_ASSERT_EQUAL(lab_rd16(ip + 6), 0); /* no DF, as Cisco */
	CU_ASSERT_EQUAL(ip[8], 64);
	CU_ASSERT_EQUAL(ip[9], 1);
	CU_ASSERT_EQUAL(net_csum(ip, 20), 0);
	CU_ASSERT_EQUAL(lab_rd32(ip + 12), LAB_GW10); /* the egress interface's address */
	CU_ASSERT_EQUAL(lab_rd32(ip + 16), IP_H1);
	const uint8_t *icmp = ip + 20;
	CU_ASSERT_EQUAL(icmp[0], 8);
	CU_ASSERT_EQUAL(icmp[1], 0);
	CU_ASSERT_EQUAL(net_csum(icmp, 80), 0);
	CU_ASSERT_NOT_EQUAL(lab_rd16(icmp + 4), 0);
	CU_ASSERT_EQUAL(lab_rd16(icmp + 6), 0); /* first probe: sequence 0 */
	CU_ASSERT_EQUAL(icmp[8], 0xab);
	CU_ASSERT_EQUAL(icmp[9], 0xcd);
	CU_ASSERT_EQUAL(icmp[79], 0xcd);
	CU_ASSERT_EQUAL(R.n, 0);
	gw_ping_cancel(L.gw, id);
}

static void test_replies_matched(void)
{
	uint32_t id;
	uint8_t f[256], g[256];
	CU_ASSERT_EQUAL_FATAL(start(IP_H1, 2, 100, 2000, &id), GW_OK);
	unsigned n = reply_to(0, f);
	at(3);
	/* another identifier, or the right one with another sequence: not ours */
	memcpy(g, f, n);
	g[14 + 20 + 5] ^= 1;
	icmp_resum(g, n);
	uint64_t unhandled = lab_drops(&L, GW_DROP_LOCAL_PROTO);
	lab_from_vtep(&L, LAB_VTEP11, 5000, g, n);
	CU_ASSERT_EQUAL(R.n, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_LOCAL_PROTO), unhandled + 1);
	memcpy(g, f, n);
	g[14 + 20 + 7] ^= 1;
	icmp_resum(g, n);
	lab_from_vtep(&L, LAB_VTEP11, 5000, g, n);
	CU_ASSERT_EQUAL(R.n, 0);
	/* the reply: '!' after 3 ms, and the next probe leaves at once with sequence 1 */
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(R.n, 1);
	CU_ASSERT_EQUAL(R.marks[0], '!');
	CU_ASSERT_EQUAL(R.rtt[0], 3);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(lab_rd16(inner(1) + 14 + 20 + 6), 1);
	CU_ASSERT_EQUAL(lab_rd16(inner(1) + 14 + 20 + 4), lab_rd16(inner(0) + 14 + 20 + 4));
	/* a duplicate of the first reply changes nothing */
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(R.n, 1);
	at(7);
	n = reply_to(1, f);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_STRING_EQUAL(R.marks, "!!");
	CU_ASSERT_FATAL(R.done);
	CU_ASSERT_EQUAL(R.r.sent, 2);
	CU_ASSERT_EQUAL(R.r.received, 2);
	CU_ASSERT_EQUAL(R.r.rtt_min, 3);
	CU_ASSERT_EQUAL(R.r.rtt_max, 7);
	CU_ASSERT_EQUAL(R.r.rtt_sum, 10);
	CU_ASSERT_EQUAL(L.n_cap, 2); /* no third probe */
}

static void test_timeouts(void)
{
	uint32_t id;
	CU_ASSERT_EQUAL_FATAL(start(IP_H1, 2, 36, 2000, &id), GW_OK);
	CU_ASSERT_EQUAL(L.cap[0].len, 36 + 14 + 36);
	lab_advance(&L, 1900);
	CU_ASSERT_EQUAL(R.n, 0);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	lab_advance(&L, 100);
	CU_ASSERT_STRING_EQUAL(R.marks, ".");
	CU_ASSERT_EQUAL(L.n_cap, 2);
	/* the reply to the first probe, too late, is ignored */
	uint8_t f[256];
	unsigned n = reply_to(0, f);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(R.n, 1);
	lab_advance(&L, 2000);
	CU_ASSERT_STRING_EQUAL(R.marks, "..");
	CU_ASSERT_FATAL(R.done);
	CU_ASSERT_EQUAL(R.r.sent, 2);
	CU_ASSERT_EQUAL(R.r.received, 0);
}

static void test_icmp_errors(void)
{
	uint32_t id;
	uint8_t f[256];
	CU_ASSERT_EQUAL_FATAL(start(IP_H1, 3, 100, 2000, &id), GW_OK);
	unsigned n = error_to(0, 3, 1, f);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_STRING_EQUAL(R.marks, "U");
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 2);
	n = error_to(1, 11, 0, f);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_STRING_EQUAL(R.marks, "U&");
	n = error_to(2, 3, 4, f);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_STRING_EQUAL(R.marks, "U&M");
	CU_ASSERT(R.done);
	CU_ASSERT_EQUAL(R.r.received, 0);
}

/* Nobody answers ARP for the destination: the gateway's own "host unreachable" is a 'U'. */
static void test_arp_failure(void)
{
	uint32_t id;
	CU_ASSERT_EQUAL_FATAL(start(IP_NONE, 1, 100, 10000, &id), GW_OK);
	CU_ASSERT(L.n_cap >= 1); /* ARP requests, replicated to bdif20's flood peers */
	CU_ASSERT_EQUAL(lab_rd16(L.cap[0].bytes + 36 + 12), 0x0806);
	lab_advance(&L, 2500);
	CU_ASSERT_EQUAL(R.n, 0);
	lab_advance(&L, 2000);
	CU_ASSERT_STRING_EQUAL(R.marks, "U");
	CU_ASSERT(R.done);
}

static void test_self(void)
{
	uint32_t id;
	CU_ASSERT_EQUAL_FATAL(start(LAB_GW20, 2, 100, 2000, &id), GW_OK);
	lab_advance(&L, 300);
	CU_ASSERT_STRING_EQUAL(R.marks, "!!");
	CU_ASSERT(R.done);
	CU_ASSERT_EQUAL(R.r.received, 2);
	CU_ASSERT_EQUAL(L.n_cap, 0);
}

static void test_cancel(void)
{
	uint32_t id;
	uint8_t f[256];
	CU_ASSERT_EQUAL_FATAL(start(IP_H1, 5, 100, 2000, &id), GW_OK);
	gw_ping_cancel(L.gw, id);
	gw_ping_cancel(L.gw, id); /* twice: harmless */
	unsigned n = reply_to(0, f);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	lab_advance(&L, 5000);
	CU_ASSERT_EQUAL(R.n, 0);
	CU_ASSERT_FALSE(R.done);
	CU_ASSERT_EQUAL(L.n_cap, 1);
}

static void test_limits(void)
{
	uint32_t id[GW_PING_SESSIONS_MAX + 1];
	CU_ASSERT_EQUAL(start(IP_H1, 0, 100, 2000, id), GW_E_INVAL);
	CU_ASSERT_EQUAL(start(IP_H1, GW_PING_COUNT_MAX + 1, 100, 2000, id), GW_E_INVAL);
	CU_ASSERT_EQUAL(start(IP_H1, 1, 35, 2000, id), GW_E_INVAL);
	CU_ASSERT_EQUAL(start(IP_H1, 1, 9001, 2000, id), GW_E_INVAL);
	CU_ASSERT_EQUAL(start(IP_NORTE, 1, 100, 2000, id), GW_E_NOENT);
	struct gw_ping_req req = {.vrf = 1, .dst = IP_H1, .count = 1, .size = 100};
	CU_ASSERT_EQUAL(gw_ping_start(L.gw, &req, &OPS, &R, id), GW_E_INVAL);
	req = (struct gw_ping_req){.dst = IP_H1, .src = IP_H1, .count = 1, .size = 100};
	CU_ASSERT_EQUAL(gw_ping_start(L.gw, &req, &OPS, &R, id), GW_E_INVAL);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	/* from another of our addresses, as asked */
	req = (struct gw_ping_req){.dst = IP_H1, .src = LAB_UP, .count = 1, .size = 100};
	CU_ASSERT_EQUAL_FATAL(gw_ping_start(L.gw, &req, &OPS, &R, &id[0]), GW_OK);
	CU_ASSERT_EQUAL(lab_rd32(inner(0) + 14 + 12), LAB_UP);
	for (unsigned i = 1; i < GW_PING_SESSIONS_MAX; i++)
		CU_ASSERT_EQUAL(start(IP_H1, 1, 100, 2000, &id[i]), GW_OK);
	CU_ASSERT_EQUAL(start(IP_H1, 1, 100, 2000, &id[GW_PING_SESSIONS_MAX]), GW_E_FULL);
	/* each its own identifier */
	for (unsigned i = 1; i < GW_PING_SESSIONS_MAX; i++)
		CU_ASSERT_NOT_EQUAL(lab_rd16(inner(i) + 34 + 4), lab_rd16(inner(0) + 34 + 4));
	for (unsigned i = 0; i < GW_PING_SESSIONS_MAX; i++)
		gw_ping_cancel(L.gw, id[i]);
	CU_ASSERT_EQUAL(start(IP_H1, 1, 100, 2000, &id[0]), GW_OK);
	gw_ping_cancel(L.gw, id[0]);
}

/* ---------------------------------------------------------------- the CLI command */

static struct gw_cfg *RUNNING;
static struct cli_out SINK_OUT;
static int SINK_RC, SINK_DONES;

static const struct gw_cfg *env_running(void *ctx)
{
	(void)ctx;
	return RUNNING;
}

static uint64_t env_now(void *ctx)
{
	(void)ctx;
	return L.now;
}

static void sink_write(void *arg, const char *text, size_t len)
{
	(void)arg;
	cli_printf(&SINK_OUT, "%.*s", (int)len, text);
}

static void sink_done(void *arg, int rc)
{
	(void)arg;
	SINK_RC = rc;
	SINK_DONES++;
}

static struct cli_sess *cli_setup(struct cli_env *env, bool with_sink)
{
	*env = (struct cli_env){.gw = L.gw, .running = env_running, .now_ms = env_now};
	RUNNING = gw_cfg_new();
	cli_out_init(&SINK_OUT);
	SINK_DONES = 0;
	struct cli_sess *s = cli_sess_new(env, true);
	CU_ASSERT_FATAL(s != NULL);
	if (with_sink)
		cli_sess_set_sink(s, &(struct cli_sink){sink_write, sink_done, NULL});
	return s;
}

static void cli_teardown(struct cli_sess *s)
{
	cli_sess_free(s);
	gw_cfg_free(RUNNING);
	cli_out_free(&SINK_OUT);
}

static void test_cli_ping_text(void)
{
	struct cli_env env;
	struct cli_sess *s = cli_setup(&env, true);
	struct cli_out o;
	cli_out_init(&o);
	CU_ASSERT_EQUAL_FATAL(cli_exec(s, "ping 10.1.10.50 count 2", &o), CLI_R_PENDING);
	CU_ASSERT_STRING_EQUAL(o.buf, "Type escape sequence to abort.\n"
	                              "Sending 2, 100-byte ICMP Echos to 10.1.10.50, timeout is 2 "
	                              "seconds:\n");
	uint8_t f[256];
	at(1);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply_to(0, f));
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, "!");
	at(2);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply_to(1, f));
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, "!!\nSuccess rate is 100 percent (2/2), round-trip "
	                                     "min/avg/max = 1/1/2 ms\n");
	CU_ASSERT_EQUAL(SINK_DONES, 1);
	CU_ASSERT_EQUAL(SINK_RC, CLI_R_OK);
	/* half answered, from an interface, 1-second timeout */
	cli_out_reset(&o);
	cli_out_reset(&SINK_OUT);
	CU_ASSERT_EQUAL_FATAL(cli_exec(s, "ping vrf default 10.1.10.50 so up0 c 2 ti 1", &o),
	                      CLI_R_PENDING);
	CU_ASSERT_STRING_EQUAL(o.buf, "Type escape sequence to abort.\n"
	                              "Sending 2, 100-byte ICMP Echos to 10.1.10.50, timeout is 1 "
	                              "seconds:\n"
	                              "Packet sent with a source address of 203.0.113.2\n");
	lab_advance(&L, 1000);
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, ".");
	CU_ASSERT_EQUAL(lab_rd32(inner(3) + 14 + 12), LAB_UP);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply_to(3, f));
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, ".!\nSuccess rate is 50 percent (1/2), round-trip "
	                                     "min/avg/max = 0/0/0 ms\n");
	/* nothing answers: 0 percent, and the command fails */
	cli_out_reset(&o);
	cli_out_reset(&SINK_OUT);
	CU_ASSERT_EQUAL_FATAL(cli_exec(s, "ping 10.1.10.50 count 1 timeout 0", &o), CLI_R_PENDING);
	lab_advance(&L, 100);
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, ".\nSuccess rate is 0 percent (0/1)\n");
	CU_ASSERT_EQUAL(SINK_RC, CLI_R_ERROR);
	cli_out_free(&o);
	cli_teardown(s);
}

static void expect_error(struct cli_sess *s, const char *line, const char *word)
{
	struct cli_out o;
	cli_out_init(&o);
	CU_ASSERT_EQUAL(cli_exec(s, line, &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(o.buf && strstr(o.buf, word) ? o.buf : NULL);
	if (!o.buf || !strstr(o.buf, word))
		fprintf(stderr, "\n  %s: %s", line, o.buf ? o.buf : "(nothing)");
	cli_out_free(&o);
}

static void test_cli_ping_errors(void)
{
	struct cli_env env;
	struct cli_sess *s = cli_setup(&env, true);
	expect_error(s, "ping vrf blue 10.1.10.50", "\"blue\"");
	expect_error(s, "ping 10.1.10", "\"10.1.10\"");
	expect_error(s, "ping 10.1.10.50 count 0", "\"0\"");
	expect_error(s, "ping 10.1.10.50 count 100001", "\"100001\"");
	expect_error(s, "ping 10.1.10.50 size 35", "\"35\"");
	expect_error(s, "ping 10.1.10.50 size", "size");
	expect_error(s, "ping 10.1.10.50 s 100", "\"s\"");
	expect_error(s, "ping 10.1.10.50 colour 1", "\"colour\"");
	expect_error(s, "ping 10.1.10.50 source bdif99", "\"bdif99\"");
	expect_error(s, "ping 10.1.10.50 source 10.1.10.77", "\"10.1.10.77\"");
	expect_error(s, "ping 198.51.100.1", "No route to host 198.51.100.1");
	expect_error(s, "ping 10.1.10.50 count 3 timeout 1 | include !", "filters");
	CU_ASSERT_EQUAL(L.n_cap, 1);
	lab_reset_capture(&L);
	lab_advance(&L, 3000); /* that ping was cancelled: no second probe */
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(SINK_DONES, 0);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	cli_teardown(s);
	s = cli_setup(&env, false);
	expect_error(s, "ping 10.1.10.50", "not available");
	cli_teardown(s);
}

/* The operator's abort: the summary of what settled, the probe in flight not counted. */
static void test_cli_ping_abort(void)
{
	struct cli_env env;
	struct cli_sess *s = cli_setup(&env, true);
	struct cli_out o;
	cli_out_init(&o);
	CU_ASSERT_EQUAL_FATAL(cli_exec(s, "ping 10.1.10.50 count 100", &o), CLI_R_PENDING);
	uint8_t f[256];
	at(4);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply_to(0, f));
	CU_ASSERT_EQUAL(L.n_cap, 2);
	cli_abort(s);
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, "!\nSuccess rate is 100 percent (1/1), round-trip "
	                                     "min/avg/max = 4/4/4 ms\n");
	CU_ASSERT_EQUAL(SINK_DONES, 1);
	CU_ASSERT_EQUAL(SINK_RC, CLI_R_OK);
	cli_abort(s); /* nothing pending any more */
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply_to(1, f));
	lab_advance(&L, 3000);
	CU_ASSERT_EQUAL(SINK_DONES, 1);
	CU_ASSERT_EQUAL(L.n_cap, 2);
	/* aborted before anything settled */
	cli_out_reset(&SINK_OUT);
	CU_ASSERT_EQUAL_FATAL(cli_exec(s, "ping 10.1.10.50", &o), CLI_R_PENDING);
	cli_abort(s);
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, "Success rate is 0 percent (0/0)\n");
	CU_ASSERT_EQUAL(SINK_DONES, 2);
	cli_out_free(&o);
	cli_teardown(s);
}

/* A session that goes away mid-ping takes its ping with it. */
static void test_cli_ping_session_freed(void)
{
	struct cli_env env;
	struct cli_sess *s = cli_setup(&env, true);
	struct cli_out o;
	cli_out_init(&o);
	CU_ASSERT_EQUAL_FATAL(cli_exec(s, "ping 10.1.10.50", &o), CLI_R_PENDING);
	cli_sess_free(s);
	uint8_t f[256];
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply_to(0, f));
	lab_advance(&L, 3000);
	CU_ASSERT_EQUAL(SINK_OUT.len, 0);
	CU_ASSERT_EQUAL(SINK_DONES, 0);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	cli_out_free(&o);
	gw_cfg_free(RUNNING);
	cli_out_free(&SINK_OUT);
}

/* ---------------------------------------------------------------- IPv6 */

/*
 * The lab with IPv6 (as test_ip6.c), router advertisements off so that only the pings
 * are on the wire: bdif10 2001:db8:10::1/64, bdif20 2001:db8:20::1/64, up0
 * 2001:db8:f0::2/64 (MTU 1280); H1 (the IPv4 suite's host, its MAC known behind VTEP
 * .11) is also 2001:db8:10::51 and fe80::51, as static neighbours.
 */
#define V6_G10 "2001:db8:10::1"
#define V6_H1  "2001:db8:10::51"
#define V6_LL1 "fe80::51"

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;
	CU_ASSERT_FATAL(net_ip6_parse(s, &a));
	return a;
}

static void addr6(uint16_t ifx, const char *s)
{
	struct in6_addr a = a6(s);
	CU_ASSERT_EQUAL_FATAL(gw_if_addr6_add(L.gw, ifx, &a, 64), GW_OK);
}

static void setup6(void)
{
	setup();
	const struct gw_nd_cfg quiet = {.ra = GW_ND_RA_SUPPRESS};
	CU_ASSERT_EQUAL_FATAL(gw_if_set_nd(L.gw, L.bdif10, &quiet), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_nd(L.gw, L.bdif20, &quiet), GW_OK);
	addr6(L.bdif10, V6_G10 "");
	addr6(L.bdif20, "2001:db8:20::1");
	addr6(L.up0, "2001:db8:f0::2");
	CU_ASSERT_EQUAL_FATAL(gw_if_set_mtu(L.gw, L.up0, 1280), GW_OK);
	struct in6_addr h1 = a6(V6_H1), ll1 = a6(V6_LL1);
	CU_ASSERT_EQUAL_FATAL(arp6_static_add(gw_nd(L.gw), L.bdif10, &h1, H1), ARP_OK);
	CU_ASSERT_EQUAL_FATAL(arp6_static_add(gw_nd(L.gw), L.bdif10, &ll1, H1), ARP_OK);
	lab_advance(&L, 1);
	lab_reset_capture(&L);
}

static int start6(const char *dst, uint32_t count, uint32_t size, uint32_t timeout_ms, uint32_t *id)
{
	struct gw_ping_req req = {.family = GW_PING_IPV6,
	                          .dst6 = a6(dst),
	                          .count = count,
	                          .size = size,
	                          .timeout_ms = timeout_ms};
	return gw_ping_start(L.gw, &req, &OPS, &R, id);
}

/* The ICMPv6 checksum of the packet at ip6 (its payload length bytes after the header). */
static uint16_t icmp6_sum(const uint8_t *ip6)
{
	struct in6_addr src, dst;
	memcpy(&src, ip6 + 8, 16);
	memcpy(&dst, ip6 + 24, 16);
	uint32_t len = lab_rd16(ip6 + 4);
	uint32_t sum = net_ip6_pseudo_sum(&src, &dst, len, NET_IPPROTO_ICMP6);
	return net_csum_fold(net_csum_partial(ip6 + NET_IP6_HLEN, len, sum));
}

/* Sets the ICMPv6 checksum of the Ethernet + IPv6 + ICMPv6 frame f. */
static void icmp6_resum(uint8_t *f)
{
	uint8_t *ip6 = f + NET_ETH_HLEN;
	wr16(ip6 + NET_IP6_HLEN + 2, 0);
	uint16_t s = icmp6_sum(ip6);
	memcpy(ip6 + NET_IP6_HLEN + 2, &s, 2);
}

/* H1's echo reply to the IPv6 request in captured frame i. */
static unsigned reply6_to(unsigned i, uint8_t *f)
{
	const uint8_t *req = inner(i);
	unsigned len = L.cap[i].len - 36;
	memcpy(f, req, len);
	memcpy(f, BDIF10_MAC, 6);
	memcpy(f + 6, H1, 6);
	uint8_t *ip6 = f + NET_ETH_HLEN;
	memcpy(ip6 + 8, req + NET_ETH_HLEN + 24, 16); /* from the request's destination */
	memcpy(ip6 + 24, req + NET_ETH_HLEN + 8, 16); /* to its source */
	ip6[NET_IP6_HLEN] = NET_ICMP6_ECHO_REPLY;
	icmp6_resum(f);
	return len;
}

/* An ICMPv6 error of `type` from H1 about the request in captured frame i (quoting 64
 * bytes of it, as a router may quote less than all). */
static unsigned error6_to(unsigned i, uint8_t type, uint8_t *f)
{
	const uint8_t *req = inner(i);
	unsigned quote = 64;
	unsigned n = lab_eth(f, BDIF10_MAC, H1, NET_ETHERTYPE_IP6);
	uint8_t *ip6 = f + n;
	memset(ip6, 0, NET_IP6_HLEN + 8);
	ip6[0] = 0x60;
	wr16(ip6 + 4, (uint16_t)(8 + quote));
	ip6[6] = NET_IPPROTO_ICMP6;
	ip6[7] = 64;
	memcpy(ip6 + 8, req + NET_ETH_HLEN + 24, 16); /* H1 */
	memcpy(ip6 + 24, req + NET_ETH_HLEN + 8, 16); /* to the prober */
	ip6[NET_IP6_HLEN] = type;
	if (type == NET_ICMP6_PKT_TOO_BIG)
		wr32(ip6 + NET_IP6_HLEN + 4, 1280);
	memcpy(ip6 + NET_IP6_HLEN + 8, req + NET_ETH_HLEN, quote);
	icmp6_resum(f);
	return n + NET_IP6_HLEN + 8 + quote;
}

static void test6_request_bytes(void)
{
	uint32_t id;
	CU_ASSERT_EQUAL_FATAL(start6(V6_H1, 2, 100, 2000, &id), GW_OK);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].len, 36 + 14 + 100);
	const uint8_t *e = inner(0);
	CU_ASSERT_EQUAL(memcmp(e, H1, 6), 0);
	CU_ASSERT_EQUAL(memcmp(e + 6, BDIF10_MAC, 6), 0);
	CU_ASSERT_EQUAL(lab_rd16(e + 12), NET_ETHERTYPE_IP6);
	const uint8_t *ip6 = e + 14;
	CU_ASSERT_EQUAL(lab_rd32(ip6), 6u << 28);
	CU_ASSERT_EQUAL(lab_rd16(ip6 + 4), 100 - 40);
	CU_ASSERT_EQUAL(ip6[6], NET_IPPROTO_ICMP6);
	CU_ASSERT_EQUAL(ip6[7], 64);
	struct in6_addr g10 = a6(V6_G10), h1 = a6(V6_H1);
	CU_ASSERT_EQUAL(memcmp(ip6 + 8, &g10, 16), 0); /* the egress interface's address */
	CU_ASSERT_EQUAL(memcmp(ip6 + 24, &h1, 16), 0);
	const uint8_t *icmp = ip6 + 40;
	CU_ASSERT_EQUAL(icmp[0], 128);
	CU_ASSERT_EQUAL(icmp[1], 0);
	CU_ASSERT_EQUAL(icmp6_sum(ip6), 0); /* over the pseudo-header */
	CU_ASSERT_NOT_EQUAL(lab_rd16(icmp + 4), 0);
	CU_ASSERT_EQUAL(lab_rd16(icmp + 6), 0);
	CU_ASSERT_EQUAL(icmp[8], 0xab);
	CU_ASSERT_EQUAL(icmp[59], 0xcd);
	gw_ping_cancel(L.gw, id);
	/* the smallest: 48 bytes, 8 of data */
	CU_ASSERT_EQUAL_FATAL(start6(V6_H1, 1, 48, 2000, &id), GW_OK);
	CU_ASSERT_EQUAL(L.cap[1].len, 36 + 14 + 48);
	CU_ASSERT_EQUAL(icmp6_sum(inner(1) + 14), 0);
	gw_ping_cancel(L.gw, id);
}

static void test6_replies_matched(void)
{
	uint32_t id;
	uint8_t f[256], g[256];
	CU_ASSERT_EQUAL_FATAL(start6(V6_H1, 2, 100, 2000, &id), GW_OK);
	unsigned n = reply6_to(0, f);
	at(3);
	/* another identifier, then another sequence: not ours, dropped as before */
	uint64_t unhandled = lab_drops(&L, GW_DROP_LOCAL_PROTO);
	for (unsigned k = 4; k <= 7; k += 3) {
		memcpy(g, f, n);
		g[14 + 40 + k] ^= 1;
		icmp6_resum(g);
		lab_from_vtep(&L, LAB_VTEP11, 5000, g, n);
	}
	CU_ASSERT_EQUAL(R.n, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_LOCAL_PROTO), unhandled + 2);
	/* nor is a reply of another size */
	memcpy(g, f, n);
	wr16(g + 14 + 4, (uint16_t)(lab_rd16(g + 14 + 4) - 8));
	icmp6_resum(g);
	lab_from_vtep(&L, LAB_VTEP11, 5000, g, n - 8);
	CU_ASSERT_EQUAL(R.n, 0);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_STRING_EQUAL(R.marks, "!");
	CU_ASSERT_EQUAL(R.rtt[0], 3);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(lab_rd16(inner(1) + 14 + 40 + 6), 1);
	CU_ASSERT_EQUAL(lab_rd16(inner(1) + 14 + 40 + 4), lab_rd16(inner(0) + 14 + 40 + 4));
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n); /* a duplicate changes nothing */
	CU_ASSERT_EQUAL(R.n, 1);
	at(7);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply6_to(1, f));
	CU_ASSERT_STRING_EQUAL(R.marks, "!!");
	CU_ASSERT_FATAL(R.done);
	CU_ASSERT_EQUAL(R.r.sent, 2);
	CU_ASSERT_EQUAL(R.r.received, 2);
	CU_ASSERT_EQUAL(R.r.rtt_min, 3);
	CU_ASSERT_EQUAL(R.r.rtt_max, 7);
	CU_ASSERT_EQUAL(L.n_cap, 2);
}

static void test6_timeouts(void)
{
	uint32_t id;
	CU_ASSERT_EQUAL_FATAL(start6(V6_H1, 2, 48, 2000, &id), GW_OK);
	lab_advance(&L, 1999);
	CU_ASSERT_EQUAL(R.n, 0);
	lab_advance(&L, 1);
	CU_ASSERT_STRING_EQUAL(R.marks, ".");
	CU_ASSERT_EQUAL(L.n_cap, 2);
	uint8_t f[256];
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply6_to(0, f)); /* too late */
	CU_ASSERT_EQUAL(R.n, 1);
	lab_advance(&L, 2000);
	CU_ASSERT_STRING_EQUAL(R.marks, "..");
	CU_ASSERT_FATAL(R.done);
	CU_ASSERT_EQUAL(R.r.sent, 2);
	CU_ASSERT_EQUAL(R.r.received, 0);
}

/* Errors from the network: unreachable 'U', too big 'M', hop limit '&', other '?'. */
static void test6_icmp_errors(void)
{
	uint32_t id;
	uint8_t f[256];
	static const uint8_t types[] = {NET_ICMP6_DST_UNREACH, NET_ICMP6_PKT_TOO_BIG,
	                                NET_ICMP6_TIME_EXCEEDED, NET_ICMP6_PARAM_PROB};
	CU_ASSERT_EQUAL_FATAL(start6(V6_H1, 4, 100, 2000, &id), GW_OK);
	for (unsigned i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL_FATAL(L.n_cap, i + 1);
		lab_from_vtep(&L, LAB_VTEP11, 5000, f, error6_to(i, types[i], f));
	}
	CU_ASSERT_STRING_EQUAL(R.marks, "UM&?");
	CU_ASSERT(R.done);
	CU_ASSERT_EQUAL(R.r.received, 0);
	/* an error quoting another probe is not ours */
	CU_ASSERT_EQUAL_FATAL(start6(V6_H1, 1, 100, 2000, &id), GW_OK);
	unsigned n = error6_to(4, NET_ICMP6_DST_UNREACH, f);
	f[14 + 48 + 40 + 7] ^= 1; /* the quoted sequence */
	icmp6_resum(f);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(R.n, 4);
	gw_ping_cancel(L.gw, id);
}

/* What the gateway hits itself: ND fails 'U', the egress MTU 'M', the route gone 'U'. */
static void test6_local_errors(void)
{
	uint32_t id;
	CU_ASSERT_EQUAL_FATAL(start6("2001:db8:20::99", 1, 100, 10000, &id), GW_OK);
	CU_ASSERT_FATAL(L.n_cap >= 1); /* neighbour solicitations, flooded to bdif20's peers */
	CU_ASSERT_EQUAL(L.cap[0].bytes[36 + 14 + 40], NET_ICMP6_NS);
	for (unsigned t = 0; t < 9000 && !R.done; t += 100)
		lab_advance(&L, 100);
	CU_ASSERT_STRING_EQUAL(R.marks, "U");
	CU_ASSERT(R.done);
	/* 1400 bytes toward up0 (MTU 1280): packet too big, nothing leaves */
	memset(&R, 0, sizeof(R));
	lab_reset_capture(&L);
	CU_ASSERT_EQUAL_FATAL(start6("2001:db8:f0::1", 1, 1400, 2000, &id), GW_OK);
	lab_advance(&L, 100);
	CU_ASSERT_STRING_EQUAL(R.marks, "M");
	CU_ASSERT_EQUAL(L.n_cap, 0);
	/* the route goes away between two probes */
	memset(&R, 0, sizeof(R));
	CU_ASSERT_EQUAL_FATAL(start6(V6_H1, 2, 100, 1000, &id), GW_OK);
	struct in6_addr g10 = a6(V6_G10);
	CU_ASSERT_EQUAL(gw_if_addr6_del(L.gw, L.bdif10, &g10, 64), GW_OK);
	lab_advance(&L, 1000);
	lab_advance(&L, 100);
	CU_ASSERT_STRING_EQUAL(R.marks, ".U");
	CU_ASSERT(R.done);
	CU_ASSERT_EQUAL(L.n_cap, 1);
}

static void test6_self_and_link_local(void)
{
	uint32_t id;
	CU_ASSERT_EQUAL_FATAL(start6("2001:db8:20::1", 2, 100, 2000, &id), GW_OK);
	lab_advance(&L, 300);
	CU_ASSERT_STRING_EQUAL(R.marks, "!!");
	CU_ASSERT_EQUAL(L.n_cap, 0);
	/* a link-local destination: only with the interface it is on */
	CU_ASSERT_EQUAL(start6(V6_LL1, 1, 100, 2000, &id), GW_E_INVAL);
	memset(&R, 0, sizeof(R));
	struct gw_ping_req req = {.family = GW_PING_IPV6,
	                          .dst6 = a6(V6_LL1),
	                          .src_ifx = L.bdif10,
	                          .count = 1,
	                          .size = 100,
	                          .timeout_ms = 2000};
	CU_ASSERT_EQUAL_FATAL(gw_ping_start(L.gw, &req, &OPS, &R, &id), GW_OK);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const uint8_t *ip6 = inner(0) + 14;
	struct in6_addr ll10;
	CU_ASSERT_FATAL(gw_ping_source6(L.gw, &req, &ll10));
	CU_ASSERT(net_ip6_is_linklocal(&ll10));
	CU_ASSERT_EQUAL(memcmp(ip6 + 8, &ll10, 16), 0);
	CU_ASSERT_EQUAL(icmp6_sum(ip6), 0);
	uint8_t f[256];
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply6_to(0, f));
	CU_ASSERT_STRING_EQUAL(R.marks, "!");
}

static void test6_limits_and_sources(void)
{
	uint32_t id;
	CU_ASSERT_EQUAL(start6(V6_H1, 1, 47, 2000, &id), GW_E_INVAL);
	CU_ASSERT_EQUAL(start6(V6_H1, 1, 9001, 2000, &id), GW_E_INVAL);
	CU_ASSERT_EQUAL(start6("2001:db8:99::1", 1, 100, 2000, &id), GW_E_NOENT);
	struct gw_ping_req req = {
	    .family = GW_PING_IPV6, .dst6 = a6(V6_H1), .src6 = a6(V6_H1), .count = 1, .size = 100};
	CU_ASSERT_EQUAL(gw_ping_start(L.gw, &req, &OPS, &R, &id), GW_E_INVAL);
	req.family = 2;
	req.src6 = a6(V6_G10);
	CU_ASSERT_EQUAL(gw_ping_start(L.gw, &req, &OPS, &R, &id), GW_E_INVAL);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	/* from another of our addresses, as asked, or an interface's */
	req.family = GW_PING_IPV6;
	req.src6 = a6("2001:db8:f0::2");
	CU_ASSERT_EQUAL_FATAL(gw_ping_start(L.gw, &req, &OPS, &R, &id), GW_OK);
	CU_ASSERT_EQUAL(memcmp(inner(0) + 14 + 8, &req.src6, 16), 0);
	gw_ping_cancel(L.gw, id);
	req.src6 = (struct in6_addr){0};
	req.src_ifx = L.bdif20;
	CU_ASSERT_EQUAL_FATAL(gw_ping_start(L.gw, &req, &OPS, &R, &id), GW_OK);
	struct in6_addr g20 = a6("2001:db8:20::1");
	CU_ASSERT_EQUAL(memcmp(inner(1) + 14 + 8, &g20, 16), 0);
	gw_ping_cancel(L.gw, id);
	/* an IPv4 ping and an IPv6 one at once: their own identifiers */
	uint32_t id4;
	CU_ASSERT_EQUAL_FATAL(start(IP_H1, 1, 100, 2000, &id4), GW_OK);
	CU_ASSERT_EQUAL_FATAL(start6(V6_H1, 1, 100, 2000, &id), GW_OK);
	CU_ASSERT_NOT_EQUAL(lab_rd16(inner(2) + 34 + 4), lab_rd16(inner(3) + 54 + 4));
	gw_ping_cancel(L.gw, id4);
	gw_ping_cancel(L.gw, id);
}

/*
 * VRF blue holds bdif20 with bdif10's very subnet: a ping in one VRF never takes the
 * other's replies, and a ping in blue leaves by blue's interface only.
 */
static void test6_vrf_isolation(void)
{
	uint16_t blue;
	CU_ASSERT_EQUAL_FATAL(gw_vrf_add(L.gw, "blue", &blue), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_vrf(L.gw, L.bdif20, blue), GW_OK);
	addr6(L.bdif20, V6_G10);
	uint8_t bdif20_mac[6];
	gw_bdif_default_mac(20, bdif20_mac);
	uint32_t id;
	CU_ASSERT_EQUAL_FATAL(start6(V6_H1, 1, 100, 2000, &id), GW_OK);
	/* the same reply, but from bridge domain 20 (VRF blue): not this ping's */
	uint8_t f[256];
	unsigned n = reply6_to(0, f);
	memcpy(f, bdif20_mac, 6);
	lab_from_vtep(&L, LAB_VTEP13, 6000, f, n);
	CU_ASSERT_EQUAL(R.n, 0);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply6_to(0, f));
	CU_ASSERT_STRING_EQUAL(R.marks, "!");
	/* in blue: ND for H1's address on bdif20, bdif10's peer .11 never asked */
	memset(&R, 0, sizeof(R));
	lab_reset_capture(&L);
	struct gw_ping_req req = {.vrf = blue,
	                          .family = GW_PING_IPV6,
	                          .dst6 = a6(V6_H1),
	                          .count = 1,
	                          .size = 100,
	                          .timeout_ms = 2000};
	CU_ASSERT_EQUAL_FATAL(gw_ping_start(L.gw, &req, &OPS, &R, &id), GW_OK);
	CU_ASSERT_FATAL(L.n_cap >= 1);
	for (unsigned i = 0; i < L.n_cap; i++) {
		CU_ASSERT_NOT_EQUAL(L.cap[i].outer_dst, LAB_VTEP11);
		CU_ASSERT_EQUAL(lab_rd32(L.cap[i].bytes + 32) >> 8, 6000);
	}
	gw_ping_cancel(L.gw, id);
	lab_advance(&L, 5000); /* ND gives the held probe up */
	CU_ASSERT_EQUAL(R.n, 0);
}

static void test6_cli(void)
{
	struct cli_env env;
	struct cli_sess *s = cli_setup(&env, true);
	struct cli_out o;
	cli_out_init(&o);
	CU_ASSERT_EQUAL_FATAL(cli_exec(s, "ping 2001:db8:10::51 repeat 2", &o), CLI_R_PENDING);
	CU_ASSERT_STRING_EQUAL(o.buf, "Type escape sequence to abort.\n"
	                              "Sending 2, 100-byte ICMP Echos to 2001:db8:10::51, timeout "
	                              "is 2 seconds:\n");
	uint8_t f[256];
	at(1);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply6_to(0, f));
	at(2);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply6_to(1, f));
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, "!!\nSuccess rate is 100 percent (2/2), round-trip "
	                                     "min/avg/max = 1/1/2 ms\n");
	CU_ASSERT_EQUAL(SINK_RC, CLI_R_OK);
	/* `ping ipv6`, the VRF after the address, a source interface, the smallest size */
	cli_out_reset(&o);
	cli_out_reset(&SINK_OUT);
	CU_ASSERT_EQUAL_FATAL(
	    cli_exec(s, "ping ipv6 2001:db8:10::51 so up0 vrf default si 48 ti 1 r 1", &o),
	    CLI_R_PENDING);
	CU_ASSERT_STRING_EQUAL(o.buf, "Type escape sequence to abort.\n"
	                              "Sending 1, 48-byte ICMP Echos to 2001:db8:10::51, timeout "
	                              "is 1 seconds:\n"
	                              "Packet sent with a source address of 2001:db8:f0::2\n");
	lab_advance(&L, 1000);
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, ".\nSuccess rate is 0 percent (0/1)\n");
	CU_ASSERT_EQUAL(SINK_RC, CLI_R_ERROR);
	/* a link-local destination with its interface */
	cli_out_reset(&o);
	cli_out_reset(&SINK_OUT);
	CU_ASSERT_EQUAL_FATAL(cli_exec(s, "ping fe80::51 source bdif10 count 1", &o),
	                      CLI_R_PENDING);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, reply6_to(3, f));
	CU_ASSERT_STRING_EQUAL(SINK_OUT.buf, "!\nSuccess rate is 100 percent (1/1), round-trip "
	                                     "min/avg/max = 0/0/0 ms\n");
	cli_out_free(&o);
	cli_teardown(s);
}

static void test6_cli_errors(void)
{
	struct cli_env env;
	struct cli_sess *s = cli_setup(&env, true);
	expect_error(s, "ping ipv6 10.1.10.50", "\"10.1.10.50\"");
	expect_error(s, "ping ipv6", "X:X::X");
	expect_error(s, "ping 2001:db8::zz", "\"2001:db8::zz\"");
	expect_error(s, "ping ff02::1", "\"ff02::1\"");
	expect_error(s, "ping :: ", "\"::\"");
	expect_error(s, "ping 2001:db8:10::51 size 47", "\"47\"");
	expect_error(s, "ping 2001:db8:10::51 vrf blue", "\"blue\"");
	expect_error(s, "ping 2001:db8:10::51 repeat 0", "\"0\"");
	expect_error(s, "ping 2001:db8:10::51 source 2001:db8:10::77", "\"2001:db8:10::77\"");
	expect_error(s, "ping 2001:db8:10::51 source 10.1.10.1", "\"10.1.10.1\"");
	expect_error(s, "ping 2001:db8:10::51 source bdif99", "\"bdif99\"");
	expect_error(s, "ping fe80::51", "\"fe80::51\"");
	expect_error(s, "ping fe80::51 source 2001:db8:10::1", "\"fe80::51\"");
	expect_error(s, "ping 2001:db8:99::1", "No route to host 2001:db8:99::1");
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(SINK_DONES, 0);
	cli_teardown(s);
}

static CU_TestInfo tests6[] = {
    {"echo request bytes: IPv6, ICMPv6 checksum, hop limit", test6_request_bytes},
    {"replies matched by identifier and sequence", test6_replies_matched},
    {"timeouts", test6_timeouts},
    {"ICMPv6 errors: U, M, &, ?", test6_icmp_errors},
    {"local errors: ND failed, too big, no route", test6_local_errors},
    {"own address, link-local destination", test6_self_and_link_local},
    {"limits and sources", test6_limits_and_sources},
    {"VRF isolation", test6_vrf_isolation},
    {"CLI: Cisco text", test6_cli},
    {"CLI: errors name the word", test6_cli_errors},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo tests[] = {
    {"echo request bytes", test_request_bytes},
    {"replies matched by identifier and sequence", test_replies_matched},
    {"timeouts", test_timeouts},
    {"ICMP errors: U, &, M", test_icmp_errors},
    {"ARP failure is U", test_arp_failure},
    {"ping to an own address", test_self},
    {"cancel", test_cancel},
    {"limits and sources", test_limits},
    {"CLI: Cisco text", test_cli_ping_text},
    {"CLI: errors name the word", test_cli_ping_errors},
    {"CLI: abort", test_cli_ping_abort},
    {"CLI: session freed mid-ping", test_cli_ping_session_freed},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"ping", NULL, NULL, setup, teardown, tests},
    {"ping6", NULL, NULL, setup6, teardown, tests6},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
