/*
 * bench_pipeline.c - packets/s of the whole in-memory pipeline on one core:
 * VXLAN decap -> bridge domain -> IPv4 checks -> FIB (1,000,000 routes) -> ARP
 * (10,000 neighbours) -> rewrite -> MAC table -> VXLAN encap, 64-byte inner frames.
 *
 * Each round refills 256 buffers from a set of prebuilt frames (what a NIC's DMA would
 * have done), hands them to gw_input_underlay() as one vector, and the transmit callback
 * returns them to the pool. Cycles are TSC cycles (rdtsc), the fair unit across machines
 * whose clocks differ.
 *
 * With a thread count T >= 1 it measures the workers' fast path instead (gw/workers/fast.h): T
 * threads, each with its own pool and counters as a worker has, forward from one shared
 * forwarding snapshot (gw/workers/fwd.h) with no lock and no write to shared memory, so the figure
 * for T = 1 -> 2 shows how the data plane scales with cores (up to the machine's).
 *
 * With family 6 the same over IPv6: FIB6 of that many prefixes (most /32-/48, many /64,
 * some /128: issue 14's mix), IPv6 neighbours (static ND entries), 64-byte IPv6/UDP frames.
 *
 * With family l2 or l2port it measures L2 switching in bridge domain 10 (VNI 5000) with
 * BENCH_PORTS L2 ports, 802.1Q sub-interfaces of up0, instead (no routes, no neighbours):
 * l2: known unicast from VTEP1 to `neighbours` MACs learned on the ports (decap, switch,
 * tag, out of the port); l2port: frames from the ports (tagged, from BENCH_SRCS hosts
 * learned on them) to `neighbours` MACs behind BENCH_VTEPS VTEPs (untag, switch, encap),
 * through gw_input_eth() or the fast path's gw_fast_eth(). 64-byte frames untagged.
 *
 * With acl N >= 1 (IPv4 and IPv6) an access list of N entries is applied in on bdif10 and out
 * on every other interface: N - 1 random entries that the traffic never matches (sources in
 * 172.16.0.0/12 or 2001:db8:ff00::/40, TCP or UDP, a port or a range: the worst case of a
 * first-match list) and a final `permit ip any any` that every packet meets (issue 16's
 * benchmark: 0, 10, 100, 1000 entries).
 *
 * With underlay 6 the remote VTEPs the traffic leaves for are IPv6 ones (issue 17): the
 * outer IPv6 header with its flow label and its UDP checksum over the whole datagram.
 *
 * usage: bench_pipeline [routes] [neighbours] [seconds] [threads] [family 4|6|l2|l2port]
 *        [acl entries] [underlay 4|6]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "gw/workers/fast.h"
#include "gw/workers/fwd.h"
#include "pktlab.h"
#include "vxlan/vxlan.h"

#define N_TEMPLATES 8192
#define FRAME_LEN   64 /* inner Ethernet frame without FCS */
#define BENCH_VTEPS 64
#define BENCH_PORTS 4   /* L2 modes: up0.300 .. up0.303 in bridge domain 10 */
#define BENCH_SRCS  256 /* l2port: hosts sending on the ports, BENCH_SRCS / BENCH_PORTS each */
#define L2_BD       10
#define L2_VLAN     300 /* the first port's */

enum bench_mode { MODE_IP4, MODE_IP6, MODE_L2, MODE_L2PORT };

/* What a round hands to the input: frames of len bytes from the underlay, or (eth) from
 * netdev up0, whose index in the forwarding snapshot's ports is port. */
struct bench_in {
	uint8_t (*tpl)[VX_HDR_LEN + FRAME_LEN];
	uint32_t len;
	bool eth;
	uint16_t port, any_ifx;
};

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

/* The remote VTEPs' family (the 7th argument): IPv4 198.18.0.0/26 or IPv6 2001:db8:1::/122,
 * whose outer header carries a UDP checksum over the whole packet. */
static bool underlay6;

/* VTEP i of the BENCH_VTEPS the MACs are behind. */
static uint32_t bench_vtep(struct lab *lab, uint32_t i)
{
	i %= BENCH_VTEPS;
	if (!underlay6)
		return 0xc6120000u + i;
	struct in6_addr a = lab_a6("2001:db8:1::");
	a.s6_addr[15] = (uint8_t)(i + 1);
	return gw_vtep_name(lab->gw, AF_INET6, &a);
}

/* BD 30 / VNI 7000 with bdif30 10.128.0.1/16: n neighbours, each a static ARP entry and a
 * static MAC behind one of BENCH_VTEPS VTEPs. */
static int add_neighbours(struct lab *lab, uint32_t n, uint16_t *ifx)
{
	struct gw *gw = lab->gw;
	struct bd_table *bd = gw_bd(gw);
	if (bd_add(bd, 30) || bd_set_vni(bd, 30, 7000) || bd_flood_peer_add(bd, 30, LAB_VTEP13) ||
	    gw_bdif_add(gw, 30, ifx) || gw_if_addr_add(gw, *ifx, 0x0a800001u, 16))
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t mac[6] = {0x02, 0xbe, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		uint32_t ip = 0x0a800002u + i;
		if (arp_static_add(gw_arp(gw), *ifx, ip, mac) ||
		    bd_mac_static_add(bd, 30, mac, bench_vtep(lab, i)))
			return -1;
	}
	return 0;
}

/* The benchmark's access list of n entries (above), applied in on bdif10 and out on the
 * rest. */
static int add_acl(struct lab *lab, uint32_t n, bool v6)
{
	struct acl_rule *r = calloc(n, sizeof(*r));
	if (!r)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		struct acl_rule *e = &r[i];
		e->seq = (i + 1) * ACL_SEQ_STEP;
		e->proto = ACL_PROTO_ANY;
		e->icmp_type = e->icmp_code = ACL_ICMP_ANY;
		if (i == n - 1)
			break; /* permit ip any any */
		e->action = rnd() % 2 ? ACL_DENY : ACL_PERMIT;
		e->proto = rnd() % 2 ? NET_IPPROTO_TCP : NET_IPPROTO_UDP;
		e->src.len = (uint8_t)(v6 ? 40 + rnd() % 89 : 12 + rnd() % 21);
		if (v6) {
			uint64_t a = 0x20010db8ff000000ull | (uint64_t)rnd() << 8;
			uint64_t b = (uint64_t)rnd() << 32 | rnd();
			e->src.hi = e->src.len >= 64 ? a : a & ~0ull << (64 - e->src.len);
			e->src.lo = e->src.len <= 64    ? 0
			            : e->src.len == 128 ? b
			                                : b & ~0ull << (128 - e->src.len);
		} else {
			e->src.lo = (0xac100000u | (rnd() & 0xfffff)) & net_mask(e->src.len);
		}
		if (rnd() % 3) {
			e->dst.len = v6 ? 48 : 16;
			e->dst.hi =
			    v6 ? 0x20010db800000000ull | (uint64_t)(rnd() & 0xffff) << 16 : 0;
			e->dst.lo = v6 ? 0 : (rnd() & 0xffff0000u);
		}
		e->dport.op = rnd() % 2 ? ACL_PORT_EQ : ACL_PORT_RANGE;
		e->dport.lo = (uint16_t)(rnd() % 60000);
		e->dport.hi = (uint16_t)(e->dport.lo + rnd() % 1000);
	}
	int fam = v6 ? ACL_IP6 : ACL_IP4;
	int rc = gw_acl_set(lab->gw, fam, "BENCH", r, n);
	free(r);
	if (!rc)
		rc = gw_if_set_acl(lab->gw, lab->bdif10, fam, ACL_IN, "BENCH");
	for (uint16_t ifx = 1; !rc && ifx <= GW_IF_MAX; ifx++)
		if (ifx != lab->bdif10) /* GW_E_NOENT: no such interface */
			(void)gw_if_set_acl(lab->gw, ifx, fam, ACL_OUT, "BENCH");
	return rc;
}

/* n random prefixes (/8../32, mostly /24) each via a random neighbour. */
static int add_routes(struct lab *lab, uint32_t n, uint32_t n_nbr, uint32_t *dsts)
{
	struct fib *fib = gw_fib(lab->gw);
	uint32_t added = 0;
	while (added < n) {
		uint32_t r = rnd() % 100;
		uint8_t len = r < 60   ? 24
		              : r < 90 ? (uint8_t)(16 + rnd() % 8)
		              : r < 95 ? (uint8_t)(8 + rnd() % 8)
		                       : (uint8_t)(25 + rnd() % 8);
		uint32_t pfx = rnd() & net_mask(len);
		if ((pfx >> 24) == 10 || (pfx >> 24) == 0 || (pfx >> 28) >= 14)
			continue; /* keep clear of the lab's own and special addresses */
		struct fib_route_info ri;
		if (fib_route_get(fib, pfx, len, &ri))
			continue; /* one next hop per prefix: no accidental ECMP */
		struct fib_nh nh = {.kind = FIB_NH_IP, .ip = 0x0a800002u + rnd() % n_nbr};
		int e = fib_route_add(fib, pfx, len, &nh);
		if (e) {
			fprintf(stderr, "route %u: %s\n", added, fib_strerror(e));
			return -1;
		}
		if (added < N_TEMPLATES)
			dsts[added] = pfx | (rnd() & ~net_mask(len));
		added++;
	}
	return 0;
}

/* The IPv6 neighbour i of bdif30 (2001:db8:80::/64) and the bench's IPv6 source host. */
static struct in6_addr nbr6(uint32_t i)
{
	struct in6_addr a = {{{0x20, 0x01, 0x0d, 0xb8, 0, 0x80}}};
	uint32_t host = htonl(2 + i);
	memcpy(a.s6_addr + 12, &host, 4);
	return a;
}
static const struct in6_addr H1_IP6 = {
    {{0x20, 0x01, 0x0d, 0xb8, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50}}};

/* IPv6 on bdif10 and bdif30, and the neighbours as static ND entries. */
static int add_neighbours6(struct lab *lab, uint32_t n, uint16_t bdif30)
{
	struct gw *gw = lab->gw;
	struct in6_addr g10 = {{{0x20, 0x01, 0x0d, 0xb8, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}};
	struct in6_addr g30 = nbr6(0);
	g30.s6_addr[15] = 1;
	if (gw_if_addr6_add(gw, lab->bdif10, &g10, 64) || gw_if_addr6_add(gw, bdif30, &g30, 64))
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t mac[6] = {0x02, 0xbe, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		struct in6_addr a = nbr6(i);
		if (arp6_static_add(gw_nd(gw), bdif30, &a, mac))
			return -1;
	}
	return 0;
}

/* n random prefixes (most /32-/48, many /64, some /128) each via a random neighbour. */
static int add_routes6(struct lab *lab, uint32_t n, uint32_t n_nbr, struct in6_addr *dsts)
{
	struct fib6 *fib = gw_vrf_fib6(lab->gw, 0);
	uint32_t added = 0;
	while (added < n) {
		uint32_t r = rnd() % 100;
		uint8_t len = r < 60   ? (uint8_t)(32 + rnd() % 17)
		              : r < 90 ? 64
		              : r < 95 ? 128
		                       : (uint8_t)(20 + rnd() % 12);
		struct in6_addr a;
		for (int i = 0; i < 16; i += 4) {
			uint32_t w = rnd();
			memcpy(a.s6_addr + i, &w, 4);
		}
		a.s6_addr[0] = 0x20 | (a.s6_addr[0] & 0x1f); /* 2000::/3 */
		if (a.s6_addr[0] == 0x20 && a.s6_addr[1] == 0x01 && a.s6_addr[2] == 0x0d)
			continue; /* keep clear of the lab's 2001:db8::/32 */
		struct in6_addr pfx = net_ip6_prefix(&a, len);
		struct fib6_route_info ri;
		if (fib6_route_get(fib, &pfx, len, &ri))
			continue;
		struct fib6_nh nh = {.kind = FIB_NH_IP, .ip = nbr6(rnd() % n_nbr)};
		int e = fib6_route_add(fib, &pfx, len, &nh);
		if (e) {
			fprintf(stderr, "route6 %u: %s\n", added, fib_strerror(e));
			return -1;
		}
		if (added < N_TEMPLATES)
			dsts[added] = a;
		added++;
	}
	return 0;
}

static void build_templates6(uint8_t (*tpl)[VX_HDR_LEN + FRAME_LEN], const struct in6_addr *dsts,
                             uint32_t n_dst)
{
	uint8_t mac[6];
	gw_bdif_default_mac(10, mac);
	for (uint32_t i = 0; i < N_TEMPLATES; i++) {
		uint8_t *t = tpl[i];
		vx_hdr_build(t, 5000);
		unsigned n = lab_eth(t + VX_HDR_LEN, mac, H1, NET_ETHERTYPE_IP6);
		struct net_ip6 ip = {.vtcfl = htonl(6u << 28),
		                     .plen = htons(FRAME_LEN - 14 - 40),
		                     .nxt = NET_IPPROTO_UDP,
		                     .hlim = 64,
		                     .src = H1_IP6,
		                     .dst = dsts[i % n_dst]};
		memcpy(t + VX_HDR_LEN + n, &ip, sizeof(ip));
		n += NET_IP6_HLEN;
		memset(t + VX_HDR_LEN + n, 0, FRAME_LEN - n); /* UDP header + payload */
		t[VX_HDR_LEN + n + 1] = (uint8_t)i;           /* vary the source port: flow hash */
	}
}

/* A FRAME_LEN-byte Ethernet + IPv4/UDP frame at f from H1's address to dst, the UDP
 * source port varied by i (the flow hash). */
static void udp_frame(uint8_t *f, const uint8_t *dst_mac, const uint8_t *src_mac, uint32_t dst,
                      uint32_t i)
{
	unsigned n = lab_eth(f, dst_mac, src_mac, NET_ETHERTYPE_IP);
	n += lab_ip(f + n, 0x0a010a32u, dst, 17, 64, FRAME_LEN - 14 - 20, false);
	memset(f + n, 0, FRAME_LEN - n); /* UDP header + payload */
	f[n + 1] = (uint8_t)i;
}

static void build_templates(uint8_t (*tpl)[VX_HDR_LEN + FRAME_LEN], const uint32_t *dsts,
                            uint32_t n_dst)
{
	uint8_t mac[6];
	gw_bdif_default_mac(10, mac);
	for (uint32_t i = 0; i < N_TEMPLATES; i++) {
		vx_hdr_build(tpl[i], 5000);
		udp_frame(tpl[i] + VX_HDR_LEN, mac, H1, dsts[i % n_dst], i);
	}
}

/* ---------------------------------------------------------------- L2 modes */

/* The L2 modes' hosts: i-th of a kind (0xbe: destinations, 0x5c: senders on the ports). */
static void l2_mac(uint8_t kind, uint32_t i, uint8_t *mac)
{
	const uint8_t m[6] = {0x02, kind, 0, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
	memcpy(mac, m, 6);
}

/* BENCH_PORTS L2 ports of bridge domain L2_BD: up0.300 and on, 802.1Q sub-interfaces. */
static int add_l2_ports(struct lab *lab, uint16_t *ports)
{
	struct gw *gw = lab->gw;
	for (unsigned i = 0; i < BENCH_PORTS; i++) {
		char name[16];
		snprintf(name, sizeof(name), "up0.%u", L2_VLAN + i);
		if (gw_eth_add(gw, name, lab_up0_mac, &ports[i]) ||
		    gw_if_set_dot1q(gw, ports[i], (uint16_t)(L2_VLAN + i)) ||
		    gw_if_set_l2_bd(gw, ports[i], L2_BD))
			return -1;
	}
	return 0;
}

/* The MACs to switch to: l2, n learned on the ports (as the pipeline learns a port's hosts);
 * l2port, n static behind BENCH_VTEPS VTEPs and the BENCH_SRCS senders learned on the ports. */
static int add_l2(struct lab *lab, enum bench_mode mode, uint32_t n)
{
	struct bd_table *bd = gw_bd(lab->gw);
	uint32_t bdx = bd_index(bd, L2_BD);
	uint16_t ports[BENCH_PORTS];
	uint8_t mac[6];
	if (add_l2_ports(lab, ports) || bd_set_mac_limit(bd, L2_BD, n + BENCH_SRCS))
		return -1; /* the limit: the default (8192) is below the bench's 10,000 hosts */
	for (uint32_t i = 0; i < n; i++) {
		l2_mac(0xbe, i, mac);
		int r = mode == MODE_L2
		            ? bd_mac_learn(bd, bdx, mac, ports[i % BENCH_PORTS], lab->now)
		            : bd_mac_static_add(bd, L2_BD, mac, bench_vtep(lab, i));
		if (r != 0)
			return -1;
	}
	for (uint32_t i = 0; mode == MODE_L2PORT && i < BENCH_SRCS; i++) {
		l2_mac(0x5c, i, mac);
		if (bd_mac_learn(bd, bdx, mac, ports[i % BENCH_PORTS], lab->now) != BD_MAC_NEW)
			return -1;
	}
	return 0;
}

/* Inserts an 802.1Q tag of vlan after the MACs of the len-byte frame f. */
static void vlan_tag(uint8_t *f, uint32_t len, uint16_t vlan)
{
	const uint8_t tag[4] = {0x81, 0x00, (uint8_t)(vlan >> 8), (uint8_t)vlan};
	memmove(f + 2 * NET_ETH_ALEN + NET_VLAN_HLEN, f + 2 * NET_ETH_ALEN, len - 2 * NET_ETH_ALEN);
	memcpy(f + 2 * NET_ETH_ALEN, tag, NET_VLAN_HLEN);
}

/*
 * l2: VXLAN from H1 behind VTEP1 to the n MACs on the ports; l2port: tagged frames from the
 * senders, each on its port's VLAN, to the n MACs behind VTEPs. The templates spread over
 * all n MACs. Returns their length.
 */
static uint32_t build_templates_l2(uint8_t (*tpl)[VX_HDR_LEN + FRAME_LEN], enum bench_mode mode,
                                   uint32_t n)
{
	uint8_t dst[6], src[6];
	for (uint32_t i = 0; i < N_TEMPLATES; i++) {
		uint8_t *t = tpl[i];
		l2_mac(0xbe, n > N_TEMPLATES ? (uint32_t)((uint64_t)i * n / N_TEMPLATES) : i % n,
		       dst);
		if (mode == MODE_L2) {
			vx_hdr_build(t, 5000);
			udp_frame(t + VX_HDR_LEN, dst, H1, 0x0a010a04u, i);
			continue;
		}
		uint32_t s = i % BENCH_SRCS;
		l2_mac(0x5c, s, src);
		udp_frame(t, dst, src, 0x0a010a04u, i);
		vlan_tag(t, FRAME_LEN, (uint16_t)(L2_VLAN + s % BENCH_PORTS));
	}
	return mode == MODE_L2 ? VX_HDR_LEN + FRAME_LEN : FRAME_LEN + NET_VLAN_HLEN;
}

/* A vector of buffers from pool filled with the next templates, as VTEP1 sends them (what
 * a NIC's DMA would have done). */
static void refill(struct gw_pool *pool, const struct bench_in *in, uint32_t *next,
                   struct gw_pkt **vec)
{
	for (unsigned i = 0; i < GW_VEC_MAX; i++) {
		struct gw_pkt *p = gw_pkt_alloc(pool);
		gw_pkt_set(p, in->tpl[(*next)++ % N_TEMPLATES], in->len);
		p->outer_src = LAB_VTEP11;
		p->outer_dst = LAB_VTEP;
		if (in->eth)
			p->rx_ifx = in->any_ifx; /* as the worker sets it */
		vec[i] = p;
	}
}

/*
 * Vectors by their cycles per packet: on a shared machine the mean takes in every vector
 * during which the thread was preempted or interrupted (TSC cycles are wall time); the
 * median vector leaves those out.
 */
#define HIST_MAX 4096
struct vec_hist {
	uint64_t n[HIST_MAX]; /* vectors of i cycles/packet; the last: that many or more */
};

static void hist_add(struct vec_hist *h, uint64_t cycles)
{
	uint64_t per_pkt = cycles / GW_VEC_MAX;
	h->n[per_pkt < HIST_MAX ? per_pkt : HIST_MAX - 1]++;
}

static unsigned hist_median(const struct vec_hist *h)
{
	uint64_t total = 0, seen = 0;
	for (unsigned i = 0; i < HIST_MAX; i++)
		total += h->n[i];
	for (unsigned i = 0; i < HIST_MAX; i++)
		if ((seen += h->n[i]) * 2 >= total)
			return i;
	return HIST_MAX - 1;
}

/* One fast-path thread: what a worker does per vector, minus the sockets. */
struct fast_thread {
	pthread_t th;
	unsigned id;
	const struct gw_fwd *fwd;
	struct bench_in in;
	uint64_t now_ms;
	double secs;
	uint64_t pkts, cycles, forwarded;
	struct vec_hist hist;
};

static void *fast_thread_main(void *arg)
{
	struct fast_thread *t = arg;
	struct gw_pool *pool = gw_pool_create(2 * GW_VEC_MAX);
	struct gw_fast *w = calloc(1, sizeof(*w));
	struct gw_fast_cnt *cnt = calloc(1, sizeof(*cnt));
	struct gw_pkt *vec[GW_VEC_MAX];
	if (!pool || !w || !cnt)
		return NULL;
	w->cnt = cnt;
	w->now_ms = t->now_ms;
	if (t->in.port)
		w->port_tx[t->in.port] = w; /* a socket on up0: the fast path only asks */
	uint32_t next = t->id * (N_TEMPLATES / 2);
	double end = now_s() + t->secs;
	while (now_s() < end) {
		for (int round = 0; round < 64; round++) {
			refill(pool, &t->in, &next, vec);
			uint64_t c0 = __rdtsc();
			if (t->in.eth)
				gw_fast_eth(w, t->fwd, t->in.port, vec, GW_VEC_MAX);
			else
				gw_fast_underlay(w, t->fwd, vec, GW_VEC_MAX);
			uint64_t c = __rdtsc() - c0;
			t->cycles += c;
			hist_add(&t->hist, c);
			t->pkts += GW_VEC_MAX;
			t->forwarded += w->n_tx + w->n_tx_eth;
			for (unsigned i = 0; i < w->n_tx; i++)
				gw_pkt_free(pool, w->tx[i]);
			for (unsigned i = 0; i < w->n_tx_eth; i++)
				gw_pkt_free(pool, w->tx_eth[i]);
			for (unsigned i = 0; i < w->n_punt; i++)
				gw_pkt_free(pool, w->punt[i]);
			w->n_tx = w->n_tx_eth = w->n_punt = 0;
		}
	}
	free(cnt);
	free(w);
	gw_pool_destroy(pool);
	return NULL;
}

/* T threads over one snapshot; returns non-zero when a packet was not forwarded. */
static int bench_fast(struct lab *lab, struct bench_in in, bool l2, unsigned n, double secs)
{
	struct gw_fwd *fwd = gw_fwd_build(lab->gw, NULL, true, lab->now);
	struct fast_thread *t = calloc(n, sizeof(*t));
	struct vec_hist *hist = calloc(1, sizeof(*hist));
	if (!fwd || !t || !hist)
		return 1;
	if (l2) {
		in.port = fwd->cfg->ifs[lab->up0].port; /* up0's netdev, the ports' too */
		in.any_ifx = fwd->cfg->ports[in.port].any_ifx;
	}
	double start = now_s();
	uint64_t tsc_start = __rdtsc();
	for (unsigned i = 0; i < n; i++) {
		t[i] = (struct fast_thread){
		    .id = i, .fwd = fwd, .in = in, .now_ms = lab->now, .secs = secs};
		pthread_create(&t[i].th, NULL, fast_thread_main, &t[i]);
	}
	uint64_t pkts = 0, cycles = 0, fwded = 0;
	for (unsigned i = 0; i < n; i++) {
		pthread_join(t[i].th, NULL);
		pkts += t[i].pkts;
		for (unsigned j = 0; j < HIST_MAX; j++)
			hist->n[j] += t[i].hist.n[j];
		cycles += t[i].cycles;
		fwded += t[i].forwarded;
	}
	double elapsed = now_s() - start;
	double tsc_hz = (double)(__rdtsc() - tsc_start) / elapsed;
	printf("| threads (workers' fast path, one shared snapshot) | %u |\n", n);
	printf("| packets / forwarded | %llu / %llu |\n", (unsigned long long)pkts,
	       (unsigned long long)fwded);
	printf("| fast path only, median vector (TSC cycles/packet, per thread) | %u |\n",
	       hist_median(hist));
	printf("| fast path only (TSC cycles/packet, per thread) | %.1f |\n",
	       (double)cycles / (double)pkts);
	printf("| wall clock incl. refill (Mpps, all threads) | %.2f |\n", pkts / elapsed / 1e6);
	printf("| fast path only (Mpps, all threads) | %.2f |\n",
	       (double)pkts / (cycles / tsc_hz / n) / 1e6);
	gw_fwd_free(fwd);
	free(hist);
	free(t);
	return fwded == pkts ? 0 : 1;
}

static bool parse_mode(const char *s, enum bench_mode *mode)
{
	static const char *const names[] = {"4", "6", "l2", "l2port"};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*mode = (enum bench_mode)i;
			return true;
		}
	return false;
}

/* Routes and neighbours (IPv4, IPv6) or the L2 modes' ports and MACs, then the templates;
 * returns their length, 0 on failure. */
static uint32_t setup(struct lab *lab, enum bench_mode mode, uint32_t n_routes, uint32_t n_nbr,
                      uint8_t (*tpl)[VX_HDR_LEN + FRAME_LEN])
{
	if (mode == MODE_L2 || mode == MODE_L2PORT)
		return add_l2(lab, mode, n_nbr) ? 0 : build_templates_l2(tpl, mode, n_nbr);
	uint16_t bdif30;
	uint32_t *dsts = calloc(N_TEMPLATES, sizeof(*dsts));
	struct in6_addr *dsts6 = calloc(N_TEMPLATES, sizeof(*dsts6));
	bool v6 = mode == MODE_IP6;
	uint32_t len = VX_HDR_LEN + FRAME_LEN;
	if (!dsts || !dsts6 || add_neighbours(lab, n_nbr, &bdif30) ||
	    (v6 ? add_neighbours6(lab, n_nbr, bdif30) || add_routes6(lab, n_routes, n_nbr, dsts6)
	        : add_routes(lab, n_routes, n_nbr, dsts)))
		len = 0;
	uint32_t n_dst = n_routes < N_TEMPLATES ? n_routes : N_TEMPLATES;
	if (len && v6)
		build_templates6(tpl, dsts6, n_dst);
	else if (len)
		build_templates(tpl, dsts, n_dst);
	free(dsts6);
	free(dsts);
	return len;
}

/* What the main pipeline must have done with every packet: routed (and encapsulated), or
 * switched out of a port (l2) or to a VTEP (l2port). */
static uint64_t pipeline_done(enum bench_mode mode, const struct gw_counters *c)
{
	switch (mode) {
	case MODE_IP4:
		return c->routed;
	case MODE_IP6:
		return c->routed6;
	case MODE_L2:
		return c->tx_eth;
	default:
		return c->tx_underlay;
	}
}

static const char *const MODE_NAMES[] = {"IPv4", "IPv6", "L2: VTEP -> port (tagged)",
                                         "L2: port (tagged) -> VTEP"};

int main(int argc, char **argv)
{
	gw_malloc_setup(); /* as vxgwd */
	uint32_t n_routes = argc > 1 ? (uint32_t)atoi(argv[1]) : 1000000;
	uint32_t n_nbr = argc > 2 ? (uint32_t)atoi(argv[2]) : 10000;
	double secs = argc > 3 ? atof(argv[3]) : 3.0;
	int threads = argc > 4 ? atoi(argv[4]) : 0;
	enum bench_mode mode = MODE_IP4;
	int n_acl = argc > 6 ? atoi(argv[6]) : 0;
	underlay6 = argc > 7 && !strcmp(argv[7], "6");
	if (n_routes < 1 || n_nbr < 1 || n_nbr > 60000 || secs <= 0 || threads < 0 ||
	    threads > 64 || (argc > 5 && !parse_mode(argv[5], &mode)) || n_acl < 0 ||
	    n_acl > ACL_ENTRIES_MAX || (n_acl && mode != MODE_IP4 && mode != MODE_IP6)) {
		fprintf(stderr, "usage: bench_pipeline [routes] [neighbours 1..60000] [seconds] "
		                "[threads 0..64] [family 4|6|l2|l2port] [acl entries (4, 6)] "
		                "[underlay 4|6]\n");
		return 2;
	}
	bool l2 = mode == MODE_L2 || mode == MODE_L2PORT;
	static struct lab lab;
	struct gw_params params;
	gw_params_default(&params);
	params.arp.max_entries = n_nbr + 1024;
	params.nd.max_entries = n_nbr + 1024;
	params.mac_capacity = 2 * (size_t)n_nbr + 1024;
	if (!lab_init(&lab, &params) || (underlay6 && !lab_underlay6(&lab)))
		return 1;
	lab.capture = false;
	uint8_t(*tpl)[VX_HDR_LEN + FRAME_LEN] = malloc(N_TEMPLATES * sizeof(*tpl));
	double t0 = now_s();
	struct bench_in in = {.tpl = tpl, .eth = mode == MODE_L2PORT};
	if (!tpl || !(in.len = setup(&lab, mode, n_routes, n_nbr, tpl)) ||
	    (n_acl && add_acl(&lab, (uint32_t)n_acl, mode == MODE_IP6))) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	double setup_s = now_s() - t0;
	/* the source host is known, as in steady state */
	lab_host_arp(&lab, LAB_VTEP11, 5000, 0x0a010a32u, H1, LAB_GW10);
	lab.n_tx = 0; /* the ARP reply (and in the L2 modes its request, flooded to the ports) */
	if (threads) {
		printf("| metric | value |\n|---|---|\n");
		if (l2)
			printf("| mode / MACs | %s / %u |\n", MODE_NAMES[mode], n_nbr);
		else
			printf("| routes / neighbours / acl entries | %u / %u / %d |\n", n_routes,
			       n_nbr, n_acl);
		int r = bench_fast(&lab, in, l2, (unsigned)threads, secs);
		if (r)
			fprintf(stderr, "FAIL: the fast path punted some packets\n");
		free(tpl);
		lab_fini(&lab);
		return r;
	}

	struct gw_pool *pool = gw_pool(lab.gw);
	static struct vec_hist hist[1];
	struct gw_pkt *vec[GW_VEC_MAX];
	uint64_t pkts = 0, cycles = 0;
	uint32_t next = 0;
	gw_clear_counters(lab.gw);
	double start = now_s(), end = start + secs;
	uint64_t tsc_start = __rdtsc();
	while (now_s() < end) {
		for (int round = 0; round < 64; round++) {
			refill(pool, &in, &next, vec);
			uint64_t c0 = __rdtsc();
			if (in.eth)
				gw_input_eth(lab.gw, lab.up0, vec, GW_VEC_MAX);
			else
				gw_input_underlay(lab.gw, vec, GW_VEC_MAX);
			uint64_t c = __rdtsc() - c0;
			cycles += c;
			hist_add(hist, c);
			pkts += GW_VEC_MAX;
		}
	}
	double elapsed = now_s() - start;
	double tsc_hz = (double)(__rdtsc() - tsc_start) / elapsed;
	struct gw_counters c;
	gw_get_counters(lab.gw, &c);
	printf("| metric | value |\n|---|---|\n");
	if (l2) {
		printf("| mode | %s |\n", MODE_NAMES[mode]);
		printf("| MACs / ports | %u / %u |\n", n_nbr, BENCH_PORTS);
		printf("| setup time (ports, MACs) | %.2f s |\n", setup_s);
	} else {
		printf("| family | %s |\n", MODE_NAMES[mode]);
		printf("| routes / neighbours | %u / %u |\n", n_routes, n_nbr);
		printf("| access list entries (in and out) | %d |\n", n_acl);
		printf("| setup time (routes, ARP, MACs) | %.2f s |\n", setup_s);
	}
	printf("| packets | %llu |\n", (unsigned long long)pkts);
	printf("| %s | %llu |\n", l2 ? "switched" : "routed and encapsulated",
	       (unsigned long long)lab.n_tx);
	printf("| pipeline only, median vector (TSC cycles/packet) | %u |\n", hist_median(hist));
	printf("| pipeline only (TSC cycles/packet) | %.1f |\n", (double)cycles / (double)pkts);
	printf("| wall clock incl. refill (Mpps, 1 core) | %.2f |\n", pkts / elapsed / 1e6);
	printf("| pipeline only (Mpps, 1 core) | %.2f |\n", (double)pkts / (cycles / tsc_hz) / 1e6);
	printf("| TSC rate | %.2f GHz |\n", tsc_hz / 1e9);
	uint64_t done = pipeline_done(mode, &c);
	if (done != pkts || lab.n_tx != pkts) {
		fprintf(stderr, "FAIL: %llu %s, %llu sent of %llu\n", (unsigned long long)done,
		        l2 ? "switched" : "routed", (unsigned long long)lab.n_tx,
		        (unsigned long long)pkts);
		return 1;
	}
	free(tpl);
	lab_fini(&lab);
	return 0;
}
