/*
 * fuzz_config.c - libFuzzer target for the configuration language: the config-file loader,
 * the rendering of the running-config, the apply-as-a-diff of gw/config/config.h, and the
 * interactive command engine (cli_exec, `?` help, TAB completion), under ASan + UBSan.
 *
 * Input: configuration text.
 *
 * (a) cli_load_config(). It must report exactly as many errors as it returns. When the
 *     text loads without error: its rendering loads again without error to an equal
 *     configuration, which renders to the same text (round trip). Then, on an in-memory
 *     gateway, the new one is applied as a diff from and to a rich base configuration
 *     (base_rich) and from and to the empty one: each apply must succeed, and the state of
 *     the gateway (interfaces, routes, static ARP, bridge domains, MACs, peers; compared
 *     as a canonical text, interface indexes left out) must be what applying the same
 *     configuration to an empty gateway gives, and after going back, what the base gave.
 * (b) The same lines typed into a privileged interactive session (after `configure
 *     terminal`; a session that quits is replaced), with `?` help and TAB completion
 *     asked for prefixes of each line. Every commit is applied to the in-memory gateway as
 *     a diff; one that fails must leave its state unchanged. At the end the running
 *     configuration built by the session must round-trip, and the gateway's state must
 *     be what applying that configuration to an empty gateway gives.
 * Any violation abort()s, which libFuzzer reports.
 *
 * Every input gets all of the above: the gateway's tables (an 18-bit DXR per VRF, rebuilt
 * whole for a /0../3 route such as the base's default) make that 25-50 ms an input under
 * ASan, 20-40 inputs/s. The language alone - the grammar, the model's checks, the round
 * trip, `?` and TAB - is fuzzed without a gateway, ~1000 inputs/s, by fuzz_config_model.c;
 * run.sh gives the two targets half of one time slot each.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/net.h"
#include "gw/config/config.h"
#include "gw/gw.h"
#include "vxlan/vtep.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES        400
#define MAX_QUERY_PER_LN 8

#include "fuzz_check.h"
#include "fuzz_cli.h"

/* A rich base configuration: every kind of statement, as a gateway in service has. */
static const char base_rich[] = "hostname base\n"
                                "vxlan source 192.0.2.1\n"
                                "vxlan udp-port 4790\n"
                                "bridge-domain 10\n"
                                " vni 5000\n"
                                " flood-peer 192.0.2.11\n"
                                " flood-peer 192.0.2.12\n"
                                " mac-aging 60\n"
                                "bridge-domain 20\n"
                                " vni 6000\n"
                                " flood-peer 192.0.2.12\n"
                                " mac-limit 100\n"
                                "bridge-domain 30\n"
                                " vni 7000\n"
                                " flood-group 239.1.1.70\n"
                                "interface bdif 10\n"
                                " ip address 10.1.10.1/24\n"
                                " ip address 10.1.11.1/24 secondary\n"
                                " mac-address 02:00:5e:10:00:01\n"
                                " mtu 1450\n"
                                "interface bdif 20\n"
                                " ip address 10.1.20.1/24\n"
                                " shutdown\n"
                                "interface bdif 30\n"
                                " ip address 10.1.30.1/24\n"
                                "interface ethernet up0\n"
                                " ip address 203.0.113.2/30\n"
                                "interface ethernet up1\n"
                                " ip address 198.51.100.1/24\n"
                                " mac-address 02:00:00:00:98:01\n"
                                "ip access-list WEB\n"
                                " 10 permit tcp 10.1.10.0/24 any eq 80\n"
                                " 20 deny udp any range 5000 6000 host 10.1.20.9 log\n"
                                "ip access-list MGMT\n"
                                " permit tcp 10.9.0.0/16 any eq telnet\n"
                                "ipv6 access-list WEB6\n"
                                " permit icmpv6 any any echo-request\n"
                                "interface bdif 10\n"
                                " ip access-group WEB in\n"
                                " ipv6 traffic-filter WEB6 out\n"
                                "interface ethernet up0\n"
                                " ip access-group WEB out\n"
                                "ip route 0.0.0.0/0 203.0.113.1\n"
                                "ip route 10.8.0.0/16 10.1.10.20\n"
                                "ip route 10.8.0.0/16 10.1.30.20\n"
                                "ip route 10.9.0.0/16 10.1.20.10\n"
                                "ip route 10.99.0.0/16 10.9.0.1\n"
                                "ip route 198.18.0.0/15 null0\n"
                                "ip route 172.16.0.0/12 192.0.2.200\n"
                                "arp 10.1.10.50 02:11:22:33:44:55 bdif10\n"
                                "arp 203.0.113.1 02:00:00:00:99:02 up0\n"
                                "mac-address-table static 02:11:22:33:44:55 bridge-domain 10 "
                                "peer 192.0.2.11\n"
                                "mac-address-table static 02:11:22:33:44:66 bridge-domain 30 "
                                "peer 192.0.2.13\n"
                                "username admin secret "
                                "$6$vxgwsalt$cwb90zrvDmjTVsfSXHK9M58QTdSLRjGa2m4kxByVxeJI/"
                                "KVohFM/QxBQZMynqUMUa6srSenAflNqRU1Vl47vj0\n"
                                "enable secret "
                                "$6$vxgwsalt$cwb90zrvDmjTVsfSXHK9M58QTdSLRjGa2m4kxByVxeJI/"
                                "KVohFM/QxBQZMynqUMUa6srSenAflNqRU1Vl47vj0\n"
                                "line vty\n"
                                " telnet listen 127.0.0.1 2323\n"
                                " exec-timeout 5 30\n"
                                " access-class MGMT in\n";

static struct gw *G; /* moved between configurations by diffs */
static struct gw_cfg *empty, *base;
static char *empty_state, *base_state;

/* ---------------------------------------------------------------- helpers */

static void no_tx_underlay(void *ctx, struct gw_pkt **pkts, unsigned n)
{
	struct gw *gw = *(struct gw **)ctx;
	for (unsigned i = 0; i < n; i++)
		gw_pkt_free(gw_pool(gw), pkts[i]);
}

static void no_tx_eth(void *ctx, uint16_t ifx, struct gw_pkt **pkts, unsigned n)
{
	(void)ifx;
	no_tx_underlay(ctx, pkts, n);
}

static const struct gw_io_ops io = {.tx_underlay = no_tx_underlay, .tx_eth = no_tx_eth};

/* ---------------------------------------------------------------- the gateway's state */

struct lines {
	char **v;
	size_t n, cap;
};

static __attribute__((format(printf, 2, 3))) void addf(struct lines *l, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		CHECK(l->v, "out of memory");
	}
	l->v[l->n] = strdup(buf);
	CHECK(l->v[l->n], "out of memory");
	l->n++;
}

static const char *ifname(struct gw *gw, uint16_t ifx, char buf[GW_IF_NAMELEN])
{
	struct gw_if_info info;
	snprintf(buf, GW_IF_NAMELEN, "%s", gw_if_get(gw, ifx, &info) ? info.name : "?");
	return buf;
}

struct walk {
	struct gw *gw;
	struct lines *l;
	const char *vrf; /* of the routes walked */
};

static int snap_if(const struct gw_if_info *i, void *arg)
{
	struct walk *w = arg;
	char mac[NET_MAC_STRLEN], ip[NET_IP_STRLEN], addrs[GW_IF_ADDRS_MAX * 24] = "";
	for (unsigned k = 0; k < i->n_addrs; k++) {
		size_t n = strlen(addrs);
		snprintf(addrs + n, sizeof(addrs) - n, " %s/%u", net_ip_fmt(i->addr[k], ip),
		         i->plen[k]);
	}
	addf(w->l, "if %s kind %u bd %u l2 %u vrf %s mac %s mtu %u up %d addrs%s", i->name, i->kind,
	     i->bd_id, i->l2_bd, gw_vrf_name(w->gw, i->vrfx), net_mac_fmt(i->mac, mac), i->mtu,
	     i->up, addrs);
	for (int fam = ACL_IP4; fam <= ACL_IP6; fam += ACL_IP6 - ACL_IP4)
		for (int dir = ACL_IN; dir <= ACL_OUT; dir++) {
			const char *acl = gw_if_acl(w->gw, i->ifx, fam, dir);
			if (acl)
				addf(w->l, "if %s acl%d dir %d %s", i->name, fam, dir, acl);
		}
	return 0;
}

/* Each access list with its entries, as acl/acl.h renders them. */
static void snap_acls(struct gw *gw, struct lines *l)
{
	static const char *names[GW_ACL_MAX];
	char line[ACL_LINELEN];
	for (int fam = ACL_IP4; fam <= ACL_IP6; fam += ACL_IP6 - ACL_IP4) {
		unsigned n = gw_acl_names(gw, fam, names, GW_ACL_MAX);
		CHECK(n <= GW_ACL_MAX, "gw_acl_names");
		for (unsigned i = 0; i < n; i++) {
			const struct acl_cls *k = gw_acl_cls(gw, fam, names[i]);
			CHECK(k, "a list named without a classifier");
			addf(l, "acl%d %s", fam, names[i]);
			for (uint32_t e = 0; e < acl_cls_size(k); e++) {
				acl_rule_format(fam, acl_cls_rule(k, e), line, sizeof(line));
				addf(l, "acl%d %s %s", fam, names[i], line);
			}
		}
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int snap_route(const struct fib_route_info *ri, void *arg)
{
	struct walk *w = arg;
	char ip[NET_IP_STRLEN], ifn[GW_IF_NAMELEN], parts[FIB_ECMP_MAX][48], *pv[FIB_ECMP_MAX];
	char paths[FIB_ECMP_MAX * 48] = "", nhs[FIB_ECMP_MAX * 20] = "";
	/* ECMP members in a canonical order: the order they were added in does not matter */
	for (unsigned k = 0; k < ri->n_paths; k++) {
		const struct fib_path *p = &ri->paths[k];
		snprintf(parts[k], sizeof(parts[k]), " %u:%s:%s", p->type,
		         p->type == FIB_PATH_DROP ? "-" : ifname(w->gw, p->ifx, ifn),
		         p->type == FIB_PATH_GATEWAY ? net_ip_fmt(p->nh, ip) : "-");
		pv[k] = parts[k];
	}
	qsort(pv, ri->n_paths, sizeof(pv[0]), cmp_str);
	for (unsigned k = 0; k < ri->n_paths; k++)
		strcat(paths, pv[k]);
	for (unsigned k = 0; k < ri->n_nh; k++) {
		snprintf(parts[k], sizeof(parts[k]), " %u:%s", ri->nh[k].kind,
		         net_ip_fmt(ri->nh[k].ip, ip));
		pv[k] = parts[k];
	}
	qsort(pv, ri->n_nh, sizeof(pv[0]), cmp_str);
	for (unsigned k = 0; k < ri->n_nh; k++)
		strcat(nhs, pv[k]);
	addf(w->l, "route %s %s/%u source %u active %d paths%s nh%s", w->vrf,
	     net_ip_fmt(ri->pfx, ip), ri->len, ri->source, ri->active, paths, nhs);
	return 0;
}

static int snap_arp(const struct arp_entry_info *e, void *arg)
{
	struct walk *w = arg;
	char ip[NET_IP_STRLEN], ifn[GW_IF_NAMELEN], mac[NET_MAC_STRLEN];
	addf(w->l, "arp %s %s %s state %u", ifname(w->gw, e->ifx, ifn), net_ip_fmt(e->ip, ip),
	     net_mac_fmt(e->mac, mac), e->state);
	return 0;
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Peers and groups by their addresses: the names of IPv6 ones depend on the order the
 * gateway met them in (vxlan/vtep.h), so peer lists are sorted as text. */
static int snap_bd(const struct bd_info *b, void *arg)
{
	struct walk *w = arg;
	static char text[BD_PEERS_MAX][VX_VTEP_STRLEN];
	char ip[VX_VTEP_STRLEN], peers[BD_PEERS_MAX * (VX_VTEP_STRLEN + 1) + 1] = "";
	for (uint32_t k = 0; k < b->n_flood_peers; k++)
		vx_vtep_fmt(gw_vteps(w->gw), b->flood_peers[k], text[k]);
	qsort(text, b->n_flood_peers, sizeof(text[0]), cmp_text);
	for (uint32_t k = 0; k < b->n_flood_peers; k++) {
		size_t n = strlen(peers);
		snprintf(peers + n, sizeof(peers) - n, " %s", text[k]);
	}
	addf(w->l, "bd %u vni %u group %s aging %u limit %u macs %u static %u learned %u peers%s",
	     b->id, b->vni, vx_vtep_fmt(gw_vteps(w->gw), b->flood_group, ip), b->mac_aging,
	     b->mac_limit, b->n_macs, b->n_static_macs, b->n_learned_peers, peers);
	return 0;
}

/* A MAC on a port by the port's name: interface indexes depend on the history of the
 * configuration (a session's commits), names do not. */
static int snap_mac(const struct bd_mac_info *m, void *arg)
{
	struct walk *w = arg;
	char ip[VX_VTEP_STRLEN], mac[NET_MAC_STRLEN], ifn[GW_IF_NAMELEN];
	const char *dest = bd_dest_is_port(m->vtep) ? ifname(w->gw, (uint16_t)m->vtep, ifn)
	                                            : vx_vtep_fmt(gw_vteps(w->gw), m->vtep, ip);
	addf(w->l, "mac %u %s %s static %d", m->bd_id, net_mac_fmt(m->mac, mac), dest,
	     m->is_static);
	return 0;
}

static int snap_peer(const struct bd_peer_info *p, void *arg)
{
	struct walk *w = arg;
	char ip[VX_VTEP_STRLEN];
	addf(w->l, "peer %u %s learned %d", p->bd_id, vx_vtep_fmt(gw_vteps(w->gw), p->vtep, ip),
	     p->learned);
	return 0;
}

/* The gateway's configured state as canonical text (sorted lines); malloc'ed. */
static char *snapshot(struct gw *gw)
{
	struct lines l = {0};
	struct walk w = {.gw = gw, .l = &l};
	char ip[NET_IP_STRLEN], ip6[NET_IP6_STRLEN];
	addf(&l, "vtep %s port %u", net_ip_fmt(gw_vtep(gw), ip), gw_udp_port(gw));
	addf(&l, "vtep6 %s dscp %d udp6-zero-checksum rx %d tx %d",
	     gw_vtep6(gw) ? net_ip6_fmt(gw_vtep6(gw), ip6) : "none", gw_vx_dscp(gw),
	     gw_udp6_zero_csum_rx(gw), gw_udp6_zero_csum_tx(gw));
	gw_if_walk(gw, snap_if, &w);
	for (uint16_t v = 0; v < GW_VRF_MAX; v++) {
		if (!(w.vrf = gw_vrf_name(gw, v)))
			continue;
		addf(&l, "vrf %s", w.vrf);
		CHECK(fib_walk(gw_vrf_fib(gw, v), snap_route, &w) == 0, "fib_walk");
	}
	CHECK(arp_walk(gw_arp(gw), 0, snap_arp, &w) == 0, "arp_walk");
	CHECK(bd_walk(gw_bd(gw), snap_bd, &w) == 0, "bd_walk");
	CHECK(bd_mac_walk(gw_bd(gw), 0, 0, snap_mac, &w) == 0, "bd_mac_walk");
	CHECK(bd_peer_walk(gw_bd(gw), 0, snap_peer, &w) == 0, "bd_peer_walk");
	snap_acls(gw, &l);
	qsort(l.v, l.n, sizeof(l.v[0]), cmp_str);
	size_t len = 1;
	for (size_t i = 0; i < l.n; i++)
		len += strlen(l.v[i]) + 1;
	char *s = malloc(len), *p = s;
	CHECK(s, "out of memory");
	for (size_t i = 0; i < l.n; i++) {
		size_t n = strlen(l.v[i]);
		memcpy(p, l.v[i], n);
		p[n] = '\n';
		p += n + 1;
		free(l.v[i]);
	}
	*p = '\0';
	free(l.v);
	return s;
}

static void same_state(const char *got, const char *want, const char *what)
{
	if (strcmp(got, want)) {
		fprintf(stderr, "fuzz_config: %s\n--- gateway state:\n%s--- expected:\n%s", what,
		        got, want);
		abort();
	}
}

static void apply_ok(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_,
                     const char *what)
{
	char err[GW_CFG_ERRLEN] = "";
	int r = gw_cfg_apply(gw, old, new_, NULL, err);
	if (r != GW_CFG_OK) {
		char *t = render(new_);
		fprintf(stderr, "fuzz_config: apply %s failed: %s\n--- configuration:\n%s", what,
		        err, t);
		free(t);
		abort();
	}
}

static void check_pools(void)
{
	CHECK(gw_pool_avail(gw_pool(G)) == gw_pool_size(gw_pool(G)), "buffers held");
}

/* ---------------------------------------------------------------- set-up */

static struct gw *new_gw(void)
{
	static struct gw *self;
	struct gw_params p;
	gw_params_default(&p);
	p.pool_bufs = 16;
	p.mac_capacity = 4096;
	self = gw_create(&p, &io, &self);
	CHECK(self, "gw_create");
	return self;
}

static void report_setup(void *arg, unsigned line, const char *msg)
{
	(void)arg;
	fprintf(stderr, "fuzz_config: base configuration, line %u: %s\n", line, msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	G = new_gw();
	empty_state = snapshot(G);
	empty = gw_cfg_new(); /* gw_cfg_apply's old may be NULL, its new may not */
	CHECK(empty, "gw_cfg_new");
	CHECK(cli_load_config(base_rich, &base, report_setup, NULL) == 0, "base");
	apply_ok(G, empty, base, "of the base");
	base_state = snapshot(G);
	apply_ok(G, base, empty, "back from the base");
	char *e = snapshot(G);
	same_state(e, empty_state, "not empty after leaving the base");
	free(e);
	return 0;
}

/* ---------------------------------------------------------------- (a) the file loader */

static void fuzz_load(const char *text)
{
	struct gw_cfg *cfg = NULL, *again = NULL;
	int reported = 0;
	int errors = cli_load_config(text, &cfg, count_report, &reported);
	CHECK(cfg != NULL, "no configuration returned");
	CHECK(errors == reported, "%d errors returned, %d reported", errors, reported);
	if (errors) {
		gw_cfg_free(cfg);
		return;
	}
	char *r1 = render(cfg);
	reported = 0;
	int e2 = cli_load_config(r1, &again, count_report, &reported);
	if (e2 || !gw_cfg_equal(cfg, again)) {
		fprintf(stderr, "fuzz_config: the rendering of a good config %s:\n%s",
		        e2 ? "does not load" : "loads to another configuration", r1);
		abort();
	}
	char *r2 = render(again);
	if (strcmp(r1, r2)) {
		fprintf(stderr, "fuzz_config: rendering not stable:\n%s---\n%s", r1, r2);
		abort();
	}
	free(r2);
	gw_cfg_free(again);

	/* Apply as a diff, both ways, with the base. G is empty here: empty -> new gives the
	 * reference state of new; new -> base must give the base's state, base -> new the
	 * reference again, and new -> empty nothing. */
	apply_ok(G, empty, cfg, "empty -> new");
	char *want = snapshot(G);
	apply_ok(G, cfg, base, "new -> base");
	char *got = snapshot(G);
	same_state(got, base_state, "new -> base is not the base");
	free(got);
	apply_ok(G, base, cfg, "base -> new");
	got = snapshot(G);
	if (strcmp(got, want)) {
		fprintf(stderr,
		        "fuzz_config: base -> new differs from new applied to an empty gateway\n"
		        "--- new config:\n%s",
		        r1);
		same_state(got, want, "base -> new");
	}
	free(got);
	apply_ok(G, cfg, empty, "new -> empty");
	got = snapshot(G);
	same_state(got, empty_state, "not empty at the end");
	free(got);
	free(want);
	free(r1);
	gw_cfg_free(cfg);
	check_pools();
}

/* ---------------------------------------------------------------- (b) a session */

static int env_commit(void *ctx, struct gw_cfg *cand, char *err)
{
	(void)ctx;
	char *before = snapshot(G);
	if (gw_cfg_apply(G, running, cand, NULL, err) != GW_CFG_OK) {
		CHECK(err[0], "a failed commit without a message");
		char *after = snapshot(G);
		same_state(after, before, "a failed commit changed the gateway");
		free(after);
		free(before);
		return GW_CFG_ERR;
	}
	free(before);
	gw_cfg_free(running);
	running = cand;
	return GW_CFG_OK;
}

static void queries(struct cli_sess *s, const char *line, struct cli_out *o)
{
	size_t len = strlen(line), stops[MAX_QUERY_PER_LN];
	unsigned n = 0;
	char buf[2048];
	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	/* after each of the first words, in the middle, and the whole line */
	for (size_t i = 0; i < len && n < MAX_QUERY_PER_LN - 2; i++)
		if (line[i] == ' ' && (i + 1 == len || line[i + 1] != ' '))
			stops[n++] = i + 1;
	stops[n++] = len / 2;
	stops[n++] = len;
	for (unsigned k = 0; k < n; k++) {
		memcpy(buf, line, stops[k]);
		buf[stops[k]] = '\0';
		cli_out_reset(o);
		cli_query_help(s, buf, o);
		cli_out_reset(o);
		cli_query_complete(s, buf, o);
		CHECK(!o->oom, "help output");
	}
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
		queries(s, line, &o);
		s = type_line(s, line, &o);
	}
	cli_sess_free(s);
	cli_out_free(&o);

	/* what the session built round-trips, and the diffs it committed add up */
	char *r1 = render(running);
	struct gw_cfg *again = NULL;
	int reported = 0;
	int e = cli_load_config(r1, &again, count_report, &reported);
	if (e || !gw_cfg_equal(running, again)) {
		fprintf(stderr, "fuzz_config: the running-config of a session %s:\n%s",
		        e ? "does not load" : "loads to another configuration", r1);
		abort();
	}
	gw_cfg_free(again);
	/* the state the session's commits built is what its running-config gives at once */
	char *got = snapshot(G);
	apply_ok(G, running, empty, "session -> empty");
	char *after = snapshot(G);
	same_state(after, empty_state, "not empty after the session");
	free(after);
	apply_ok(G, empty, running, "empty -> the session's running-config");
	char *want = snapshot(G);
	if (strcmp(got, want)) {
		fprintf(stderr,
		        "fuzz_config: the session's commits differ from its running-config "
		        "applied at once\n--- running-config:\n%s",
		        r1);
		same_state(got, want, "session");
	}
	free(got);
	free(want);
	free(r1);
	apply_ok(G, running, empty, "running-config -> empty");
	gw_cfg_free(running);
	running = NULL;
	check_pools();
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
