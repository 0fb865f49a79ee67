/*
 * test_stats.c - counters per interface, bridge domain and peer moving with traffic in the
 * in-memory gateway, their 10-second rates, clear counters, the bound of the peer table,
 * the show commands over them, and the Prometheus text format (escaping, HELP/TYPE, the
 * same numbers as the show commands).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/metrics.h"
#include "cu_main.h"
#include "gw/stats.h"
#include "gw/stats_int.h"
#include "pktlab.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* 10.1.10.50 via .11 */
static const uint8_t H2[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x60}; /* 10.1.20.60 via .12 */
#define IP_H1 0x0a010a32u
#define IP_H2 0x0a01143cu
#define N     50

static struct lab L;
static unsigned FRAME_LEN; /* of each ping h1 -> h2 as it enters bridge domain 10 */

/* Both hosts known (ARP, MACs), counters cleared, then N pings h1 -> h2. */
static void pings(void)
{
	uint8_t mac10[6], f[256];
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_host_arp(&L, LAB_VTEP12, 6000, IP_H2, H2, LAB_GW20);
	lab_advance(&L, 100);
	gw_clear_counters(L.gw);
	lab_reset_capture(&L);
	gw_bdif_default_mac(10, mac10);
	FRAME_LEN = lab_ping_frame(f, mac10, H1, IP_H1, IP_H2, 64, 56, true);
	uint64_t sent = L.n_tx;
	for (int i = 0; i < N; i++)
		lab_from_vtep(&L, LAB_VTEP11, 5000, f, FRAME_LEN);
	CU_ASSERT_EQUAL(L.n_tx - sent, N);
}

struct found {
	uint32_t key;
	bool seen;
	struct gw_if_counters cnt;
	struct gw_rate rate;
};

static int find_bd(const struct gw_bd_stats *s, void *arg)
{
	struct found *f = arg;
	if (s->bd_id == f->key) {
		f->seen = true;
		f->cnt = s->cnt;
		f->rate = s->rate;
	}
	return 0;
}

static int find_peer(const struct gw_peer_stats *s, void *arg)
{
	struct found *f = arg;
	if (s->vtep == f->key) {
		f->seen = true;
		f->cnt = s->cnt;
		f->rate = s->rate;
	}
	return 0;
}

static struct found bd(uint32_t id)
{
	struct found f = {.key = id};
	gw_bd_stats_walk(L.gw, find_bd, &f);
	return f;
}

static struct found peer(uint32_t vtep)
{
	struct found f = {.key = vtep};
	gw_peer_stats_walk(L.gw, find_peer, &f);
	return f;
}

static int count_peers(const struct gw_peer_stats *s, void *arg)
{
	(void)s;
	(*(unsigned *)arg)++;
	return 0;
}

static void test_counters_move(void)
{
	pings();
	struct gw_if_info i10, i20;
	CU_ASSERT_FATAL(gw_if_get(L.gw, L.bdif10, &i10) && gw_if_get(L.gw, L.bdif20, &i20));
	CU_ASSERT_EQUAL(i10.cnt.rx_pkts, N);
	CU_ASSERT_EQUAL(i20.cnt.tx_pkts, N);
	/* bridge domain 10 got the frames, 20 sent them (one hop less TTL, same length) */
	struct found b10 = bd(10), b20 = bd(20);
	CU_ASSERT(b10.seen && b20.seen);
	CU_ASSERT_EQUAL(b10.cnt.rx_pkts, N);
	CU_ASSERT_EQUAL(b10.cnt.rx_bytes, (uint64_t)N * FRAME_LEN);
	CU_ASSERT_EQUAL(b10.cnt.tx_pkts, 0);
	CU_ASSERT_EQUAL(b20.cnt.tx_pkts, N);
	CU_ASSERT_EQUAL(b20.cnt.tx_bytes, (uint64_t)N * FRAME_LEN);
	CU_ASSERT_EQUAL(b20.cnt.rx_pkts, 0);
	/* from VTEP .11, to VTEP .12 (where h2's MAC was learned) */
	struct found p11 = peer(LAB_VTEP11), p12 = peer(LAB_VTEP12), p13 = peer(LAB_VTEP13);
	CU_ASSERT(p11.seen && p12.seen);
	CU_ASSERT_EQUAL(p11.cnt.rx_pkts, N);
	CU_ASSERT_EQUAL(p11.cnt.tx_pkts, 0);
	CU_ASSERT_EQUAL(p12.cnt.tx_pkts, N);
	CU_ASSERT_EQUAL(p12.cnt.tx_bytes, (uint64_t)N * FRAME_LEN);
	CU_ASSERT(!p13.seen); /* never talked to since the clear */
	/* no rate before an interval has passed */
	CU_ASSERT_EQUAL(b10.rate.rx_pps, 0);
	lab_fini(&L);
}

static void test_rates_and_clear(void)
{
	pings();
	lab_advance(&L, GW_STATS_INTERVAL_MS);
	CU_ASSERT_EQUAL(gw_stats_interval_ms(L.gw), GW_STATS_INTERVAL_MS);
	struct found b10 = bd(10), p12 = peer(LAB_VTEP12);
	uint64_t pps = N * 1000 / GW_STATS_INTERVAL_MS;
	uint64_t bps = (uint64_t)N * FRAME_LEN * 8 * 1000 / GW_STATS_INTERVAL_MS;
	CU_ASSERT_EQUAL(b10.rate.rx_pps, pps);
	CU_ASSERT_EQUAL(b10.rate.rx_bps, bps);
	CU_ASSERT_EQUAL(b10.rate.tx_pps, 0);
	CU_ASSERT_EQUAL(p12.rate.tx_pps, pps);
	struct gw_rate r;
	CU_ASSERT(gw_if_rate(L.gw, L.bdif10, &r));
	CU_ASSERT_EQUAL(r.rx_pps, pps);
	CU_ASSERT(gw_if_rate(L.gw, L.bdif20, &r));
	CU_ASSERT_EQUAL(r.tx_pps, pps);
	/* a quiet interval: the rates fall to zero, the counters stay */
	lab_advance(&L, GW_STATS_INTERVAL_MS);
	b10 = bd(10);
	CU_ASSERT_EQUAL(b10.rate.rx_pps, 0);
	CU_ASSERT_EQUAL(b10.cnt.rx_pkts, N);
	/* clear: counters and rates at zero, peers forgotten */
	lab_advance(&L, GW_STATS_INTERVAL_MS / 2);
	uint8_t mac10[6], f[256];
	gw_bdif_default_mac(10, mac10);
	unsigned len = lab_ping_frame(f, mac10, H1, IP_H1, IP_H2, 64, 56, true);
	for (int i = 0; i < N; i++)
		lab_from_vtep(&L, LAB_VTEP11, 5000, f, len);
	lab_advance(&L, GW_STATS_INTERVAL_MS / 2);
	CU_ASSERT_NOT_EQUAL(bd(10).rate.rx_pps, 0);
	gw_clear_counters(L.gw);
	b10 = bd(10);
	CU_ASSERT_EQUAL(b10.cnt.rx_pkts, 0);
	CU_ASSERT_EQUAL(b10.rate.rx_pps, 0);
	CU_ASSERT(gw_if_rate(L.gw, L.bdif10, &r));
	CU_ASSERT_EQUAL(r.rx_pps, 0);
	unsigned n = 0;
	gw_peer_stats_walk(L.gw, count_peers, &n);
	CU_ASSERT_EQUAL(n, 0);
	lab_fini(&L);
}

/* A bridge domain that takes the index of a deleted one starts from zero. */
static void test_bd_reuse(void)
{
	pings();
	struct bd_table *t = gw_bd(L.gw);
	uint32_t bdx = bd_index(t, 10);
	CU_ASSERT_EQUAL(bd_del(t, 10), BD_OK);
	CU_ASSERT_EQUAL(bd_add(t, 40), BD_OK);
	CU_ASSERT_EQUAL_FATAL(bd_index(t, 40), bdx);
	struct found b40 = bd(40);
	CU_ASSERT(b40.seen);
	CU_ASSERT_EQUAL(b40.cnt.rx_pkts, 0);
	lab_advance(&L, GW_STATS_INTERVAL_MS);
	CU_ASSERT_EQUAL(bd(40).rate.rx_pps, 0);
	lab_fini(&L);
}

/* More VTEPs than the table holds: the rest is counted as "other", nothing is lost. */
static void test_peer_bound(void)
{
	static struct gw_peer_table t;
	memset(&t, 0, sizeof(t));
	for (uint32_t i = 1; i <= GW_PEER_STATS_MAX + 100; i++)
		gw_peer_cnt(&t, 0xc6120000u + i)->tx_pkts++;
	CU_ASSERT_EQUAL(t.n, GW_PEER_STATS_MAX);
	CU_ASSERT_EQUAL(t.other.tx_pkts, 100);
	/* a known peer is still found, and counted on its own */
	gw_peer_cnt(&t, 0xc6120001u)->tx_pkts++;
	CU_ASSERT_EQUAL(gw_peer_cnt(&t, 0xc6120001u)->tx_pkts, 2);
	CU_ASSERT_EQUAL(t.other.tx_pkts, 100);
	/* addresses chosen to share a slot cost at most GW_PEER_PROBES probes each: the
	 * ones past that are "other" (the underlay picks flood-group sources) */
	memset(&t, 0, sizeof(t));
	for (uint32_t j = 1; j <= GW_PEER_PROBES + 4; j++)
		gw_peer_cnt(&t, j << GW_PEER_SLOTS_LOG2 | j)->rx_pkts++;
	CU_ASSERT_EQUAL(t.n, GW_PEER_PROBES);
	CU_ASSERT_EQUAL(t.other.rx_pkts, 4);
	CU_ASSERT_EQUAL(gw_peer_cnt(&t, 1u << GW_PEER_SLOTS_LOG2 | 1)->rx_pkts, 1);
}

/* ---------------------------------------------------------------- show commands */

static const struct gw_cfg *env_running(void *ctx)
{
	(void)ctx;
	return NULL;
}

static uint64_t env_now(void *ctx)
{
	(void)ctx;
	return L.now;
}

static char *run(const char *line, int *rc)
{
	struct cli_env env = {.gw = L.gw, .running = env_running, .now_ms = env_now};
	struct cli_sess *s = cli_sess_new(&env, true);
	struct cli_out o;
	cli_out_init(&o);
	*rc = cli_exec(s, line, &o);
	cli_sess_free(s);
	return o.buf ? o.buf : strdup("");
}

static bool has(const char *out, const char *want)
{
	if (strstr(out, want))
		return true;
	fprintf(stderr, "\n  missing \"%s\" in:\n%s", want, out);
	return false;
}

static void test_show(void)
{
	char want[256];
	int rc;
	pings();
	lab_advance(&L, GW_STATS_INTERVAL_MS);
	char *o = run("show counters json", &rc);
	CU_ASSERT_EQUAL(rc, CLI_R_OK);
	snprintf(want, sizeof(want),
	         "{\"bridge_domain\":10,\"vni\":5000,\"rx_packets\":%d,\"rx_bytes\":%u,"
	         "\"tx_packets\":0,\"tx_bytes\":0,\"rx_pps\":%d,",
	         N, N * FRAME_LEN, N * 1000 / GW_STATS_INTERVAL_MS);
	CU_ASSERT(has(o, want));
	snprintf(want, sizeof(want),
	         "{\"peer\":\"192.0.2.12\",\"rx_packets\":0,\"rx_bytes\":0,"
	         "\"tx_packets\":%d,",
	         N);
	CU_ASSERT(has(o, want));
	CU_ASSERT(has(o, "\"rate_interval_ms\":10000,"));
	CU_ASSERT(has(o, "\"gateway\":{\"rx_underlay\":"));
	free(o);
	o = run("show counters", &rc);
	CU_ASSERT(has(o, "10 second rates"));
	snprintf(want, sizeof(want), "10       5000     %14d %16u %14d %16d\n", N, N * FRAME_LEN, 0,
	         0);
	CU_ASSERT(has(o, want));
	free(o);
	o = run("show counters interface bdif10", &rc);
	CU_ASSERT_EQUAL(rc, CLI_R_OK);
	snprintf(want, sizeof(want), "  10 second input rate %u bits/sec, %d packets/sec\n",
	         N * FRAME_LEN * 8 / 10, N / 10);
	CU_ASSERT(has(o, want));
	free(o);
	o = run("show counters bridge-domain 010", &rc);
	CU_ASSERT_EQUAL(rc, CLI_R_OK);
	snprintf(want, sizeof(want), "  %d packets input, %u bytes\n", N, N * FRAME_LEN);
	CU_ASSERT(has(o, "bridge-domain 10, VNI 5000\n") && has(o, want));
	free(o);
	o = run("show counters peer 192.0.2.12 json", &rc);
	CU_ASSERT(has(o, "{\"peers\":[{\"peer\":\"192.0.2.12\","));
	free(o);
	o = run("show counters peer 192.0.2.99", &rc);
	CU_ASSERT_EQUAL(rc, CLI_R_ERROR);
	CU_ASSERT(has(o, "192.0.2.99"));
	free(o);
	o = run("show interfaces", &rc);
	CU_ASSERT(has(o, "  10 second output rate "));
	free(o);
	/* errors: nonzero reasons only, or all of them */
	o = run("show errors", &rc);
	CU_ASSERT_PTR_NULL(strstr(o, "ttl_expired"));
	free(o);
	o = run("show errors all", &rc);
	CU_ASSERT(has(o, "ttl_expired ") && has(o, "no_such_peer "));
	free(o);
	lab_fini(&L);
}

/* ---------------------------------------------------------------- Prometheus */

static void test_prom_label(void)
{
	struct cli_out o;
	cli_out_init(&o);
	cli_prom_label(&o, "a\"b\\c\nd");
	CU_ASSERT_STRING_EQUAL(o.buf, "\"a\\\"b\\\\c\\nd\"");
	cli_out_free(&o);
}

/*
 * The text format 0.0.4 as Prometheus parses it: each family's HELP then TYPE, then its
 * samples (name{label="value",...} value), no family twice, counters ending in _total.
 */
static bool prom_valid(char *text)
{
	char family[128] = "", type[16] = "", seen[256][128];
	unsigned n_seen = 0, samples = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[128], t[16];
		if (sscanf(line, "# HELP %127s", name) == 1) {
			for (unsigned i = 0; i < n_seen; i++)
				if (!strcmp(seen[i], name))
					return fprintf(stderr, "\n  family twice: %s", name), false;
			if (n_seen < 256)
				snprintf(seen[n_seen++], sizeof(seen[0]), "%s", name);
			snprintf(family, sizeof(family), "%s", name);
			type[0] = '\0';
			continue;
		}
		if (sscanf(line, "# TYPE %127s %15s", name, t) == 2) {
			if (strcmp(name, family) || (strcmp(t, "counter") && strcmp(t, "gauge")))
				return fprintf(stderr, "\n  bad TYPE line: %s", line), false;
			size_t l = strlen(name);
			if (!strcmp(t, "counter") && (l < 6 || strcmp(name + l - 6, "_total")))
				return fprintf(stderr, "\n  counter without _total: %s", line),
				       false;
			snprintf(type, sizeof(type), "%s", t);
			continue;
		}
		size_t nl = strcspn(line, "{ ");
		if (!type[0] || nl != strlen(family) || strncmp(line, family, nl))
			return fprintf(stderr, "\n  sample outside its family: %s", line), false;
		const char *v = line + nl;
		if (*v == '{') {
			v = strstr(v, "} ");
			if (!v)
				return fprintf(stderr, "\n  bad labels: %s", line), false;
			v++;
		}
		char *end;
		strtoull(v + 1, &end, 10);
		if (*v != ' ' || end == v + 1 || *end)
			return fprintf(stderr, "\n  bad value: %s", line), false;
		samples++;
	}
	return samples > 0;
}

static void test_prom_render(void)
{
	char want[256];
	pings();
	struct cli_out o;
	cli_out_init(&o);
	cli_prom_render(L.gw, &o);
	CU_ASSERT_FATAL(o.buf != NULL);
	snprintf(want, sizeof(want),
	         "\nvxgw_interface_rx_packets_total{interface=\"bdif10\",vrf=\"default\"} %d\n", N);
	CU_ASSERT(has(o.buf, want));
	snprintf(want, sizeof(want),
	         "\nvxgw_bridge_domain_rx_bytes_total{bd=\"10\",vni=\"5000\"} %u\n", N * FRAME_LEN);
	CU_ASSERT(has(o.buf, want));
	snprintf(want, sizeof(want), "\nvxgw_peer_tx_packets_total{peer=\"192.0.2.12\"} %d\n", N);
	CU_ASSERT(has(o.buf, want));
	CU_ASSERT(has(o.buf, "\nvxgw_drops_total{reason=\"no_such_peer\"} 0\n"));
	CU_ASSERT(has(o.buf, "# TYPE vxgw_arp_entries gauge\nvxgw_arp_entries 2\n"));
	CU_ASSERT(has(o.buf, "# TYPE vxgw_interface_rx_packets_total counter\n"));
	struct fib_stats fs;
	fib_get_stats(gw_vrf_fib(L.gw, GW_VRF_DEFAULT), &fs);
	CU_ASSERT(fs.routes > 0);
	snprintf(want, sizeof(want), "# TYPE vxgw_routes gauge\nvxgw_routes{vrf=\"default\"} %zu\n",
	         fs.routes);
	CU_ASSERT(has(o.buf, want));
	snprintf(want, sizeof(want), "\nvxgw_routes_active{vrf=\"default\"} %zu\n", fs.active);
	CU_ASSERT(has(o.buf, want));
	CU_ASSERT(prom_valid(o.buf));
	cli_out_free(&o);
	lab_fini(&L);
}

/* ---------------------------------------------------------------- configuration */

static void no_report(void *arg, unsigned line, const char *msg)
{
	char *last = arg;
	(void)line;
	snprintf(last, 256, "%s", msg);
}

static void test_metrics_config(void)
{
	char last[256] = "";
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(cli_load_config("metrics listen 0.0.0.0 9100\n", &c, no_report, last), 0);
	CU_ASSERT_EQUAL(c->metrics_port, 9100);
	CU_ASSERT_EQUAL(c->metrics_addr, 0);
	gw_cfg_free(c);
	CU_ASSERT_EQUAL(cli_load_config("metrics listen 127.0.0.1 9100\nno metrics listen\n", &c,
	                                no_report, last),
	                0);
	CU_ASSERT_EQUAL(c->metrics_port, 0);
	gw_cfg_free(c);
	CU_ASSERT_EQUAL(cli_load_config("metrics listen 224.0.0.1 9100\n", &c, no_report, last), 1);
	CU_ASSERT(has(last, "224.0.0.1"));
	CU_ASSERT_EQUAL(c->metrics_port, 0);
	gw_cfg_free(c);
	CU_ASSERT_EQUAL(cli_load_config("metrics listen 127.0.0.1 0\n", &c, no_report, last), 1);
	CU_ASSERT_EQUAL(c->metrics_port, 0);
	gw_cfg_free(c);
}

static CU_TestInfo tests[] = {
    {"counters per interface, bridge domain and peer move with traffic", test_counters_move},
    {"10-second rates; clear counters zeroes counters and rates", test_rates_and_clear},
    {"a reused bridge-domain index starts from zero", test_bd_reuse},
    {"the peer table is bounded in size and probes; the rest is counted as other", test_peer_bound},
    {"show counters [interface|bridge-domain|peer] [json], show errors [all]", test_show},
    {"Prometheus label escaping", test_prom_label},
    {"Prometheus text format: families, samples, the same numbers", test_prom_render},
    {"metrics listen ADDR PORT / no metrics listen; bad addresses named", test_metrics_config},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"stats", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
