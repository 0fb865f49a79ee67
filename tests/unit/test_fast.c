/*
 * test_fast.c - the workers' fast path (gw/workers/fast.c) against the main pipeline, its
 * forwarding snapshot (gw/workers/fwd.c), the fold of its counters and the punt ring
 * (gw/workers/ring.h).
 *
 * The pipeline is the reference: a packet the fast path forwards must leave it with the
 * bytes the pipeline would have sent, and a packet it cannot handle completely must reach
 * the main thread exactly as it was received. Each punt case starts from a packet the
 * fast path does forward and changes one thing, so that a punt for another reason (or a
 * forward) cannot pass for the one under test. The last suite does the same for frames
 * from an Ethernet uplink and for traffic routed to one (802.1Q sub-interfaces included),
 * and the IPv6 suite for IPv6 between all of them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cu_main.h"
#include "gw/workers/fast.h"
#include "gw/workers/fwd.h"
#include "gw/gw_int.h"
#include "gw/workers/ring.h"
#include "gw/stats.h"
#include "pktlab.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

/* A host behind a VTEP: what it puts in the frames it sends. */
struct host {
	uint32_t ip;
	uint8_t mac[6];
	uint32_t vtep, vni;
};

static const struct host H1 = {0x0a010a32u, {2, 0x11, 0x22, 0x33, 0x44, 0x50}, LAB_VTEP11, 5000};
static const struct host H5 = {0x0a010a50u, {2, 0x11, 0x22, 0x33, 0x44, 0x80}, LAB_VTEP12, 5000};
static const struct host H2 = {0x0a01143cu, {2, 0x11, 0x22, 0x33, 0x44, 0x60}, LAB_VTEP12, 6000};
static const struct host H4 = {0x0a011446u, {2, 0x11, 0x22, 0x33, 0x44, 0x70}, LAB_VTEP13, 6000};
/* Not learned at setup. */
static const struct host H9 = {0x0a010a63u, {2, 0x11, 0x22, 0x33, 0x44, 0x99}, LAB_VTEP11, 5000};

#define IP_EXT     0xc6336401u /* 198.51.100.1: no route */
#define IP_ECMP    0x0a090000u /* 10.9.0.0/16 via H2 and H4 */
#define IP_UNRES   0x0a011463u /* 10.1.20.99: on bdif20's subnet, never seen */
#define PROTO_ICMP 1
#define PROTO_TCP  6
#define PROTO_UDP  17

/* One VXLAN packet as a VTEP sends it: the UDP payload (VXLAN header + inner frame). */
struct vxp {
	uint32_t vtep;
	uint8_t tos; /* the outer TOS / traffic class */
	unsigned len;
	uint8_t b[GW_PKT_DATA];
};

static struct lab L;
static struct gw_fwd *F; /* the snapshot the fast path reads */
static struct gw_fast_cnt *CNT;
static uint8_t MAC10[6], MAC20[6];
/* The netdevs the worker under test has a socket on (NULL-terminated): none in the underlay
 * suites, so that traffic toward an uplink is punted there; up0 in the uplink suite. */
static const char *SOCKETS[3];
static uint16_t SUB100, SUB200; /* up0.100 and up0.200 (uplink suite), 0: none */

static void setup(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	gw_bdif_default_mac(10, MAC10);
	gw_bdif_default_mac(20, MAC20);
	CNT = calloc(1, sizeof(*CNT));
	CU_ASSERT_FATAL(CNT != NULL);
	F = NULL;
	memset(SOCKETS, 0, sizeof(SOCKETS));
	SUB100 = SUB200 = 0;
}

/* Every buffer back in the pool: the fast path neither leaks nor keeps a packet. */
static void teardown(void)
{
	gw_fwd_free(F);
	F = NULL;
	free(CNT);
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

/* ---------------------------------------------------------------- frames */

static const uint8_t *bdif_mac(uint32_t vni)
{
	return vni == 6000 ? MAC20 : MAC10;
}

static void ip_fix_csum(uint8_t *ip)
{
	unsigned hl = (ip[0] & 0xf) * 4u;
	ip[10] = ip[11] = 0;
	uint16_t s = net_csum(ip, hl);
	memcpy(ip + 10, &s, 2);
}

/*
 * An Ethernet + IPv4 frame from host `from` to dst through its gateway: an ICMP echo, a
 * TCP segment or a UDP datagram with plen bytes of pattern payload, padded to the 60-byte
 * Ethernet minimum as on the wire (the gateway must trim the padding).
 */
static unsigned frame_l4(uint8_t *b, const struct host *from, uint32_t dst, uint8_t proto,
                         uint16_t sport, uint16_t dport, uint16_t plen, uint8_t ttl)
{
	if (proto == PROTO_ICMP)
		return lab_ping_frame(b, bdif_mac(from->vni), from->mac, from->ip, dst, ttl, plen,
		                      true);
	unsigned l4 = proto == PROTO_TCP ? 20 : 8;
	unsigned n = lab_eth(b, bdif_mac(from->vni), from->mac, NET_ETHERTYPE_IP);
	n += lab_ip(b + n, from->ip, dst, proto, ttl, (uint16_t)(l4 + plen), true);
	uint8_t *h = b + n;
	memset(h, 0, l4);
	h[0] = (uint8_t)(sport >> 8), h[1] = (uint8_t)sport;
	h[2] = (uint8_t)(dport >> 8), h[3] = (uint8_t)dport;
	if (proto == PROTO_TCP) {
		h[4] = 0x11, h[7] = 0x42; /* sequence number */
		h[12] = 0x50;             /* data offset 5 */
		h[13] = 0x18;             /* PSH ACK */
		h[14] = 0xfa;             /* window */
	} else {
		h[4] = (uint8_t)((8 + plen) >> 8), h[5] = (uint8_t)(8 + plen);
	}
	n += l4;
	for (unsigned i = 0; i < plen; i++)
		b[n++] = (uint8_t)(i * 13 + proto);
	while (n < 60)
		b[n++] = 0;
	return n;
}

/* Gives the IPv4 header of frame f (n bytes) 4 bytes of options (NOPs, EOL). */
static unsigned add_ip_options(uint8_t *f, unsigned n)
{
	uint8_t *ip = f + NET_ETH_HLEN;
	unsigned tot = lab_rd16(ip + 2);
	memmove(ip + 24, ip + 20, n - NET_ETH_HLEN - 20);
	memcpy(ip + 20, (const uint8_t[]){1, 1, 1, 0}, 4);
	ip[0] = 0x46;
	ip[2] = (uint8_t)((tot + 4) >> 8), ip[3] = (uint8_t)(tot + 4);
	ip_fix_csum(ip);
	return n + 4;
}

/* Sets the flags and fragment offset word of frame f's IPv4 header. */
static void set_frag(uint8_t *f, uint16_t off)
{
	uint8_t *ip = f + NET_ETH_HLEN;
	ip[6] = (uint8_t)(off >> 8), ip[7] = (uint8_t)off;
	ip_fix_csum(ip);
}

static void vxp_set(struct vxp *x, uint32_t vtep, uint32_t vni, const uint8_t *frame, unsigned n)
{
	x->vtep = vtep;
	x->tos = 0;
	vx_hdr_build(x->b, vni);
	memcpy(x->b + VX_HDR_LEN, frame, n);
	x->len = VX_HDR_LEN + n;
}

/* A packet from host `from` to dst, as its VTEP sends it. */
static void vxp_flow(struct vxp *x, const struct host *from, uint32_t dst, uint8_t proto,
                     uint16_t sport, uint16_t dport, uint16_t plen, uint8_t ttl)
{
	uint8_t f[GW_PKT_DATA];
	unsigned n = frame_l4(f, from, dst, proto, sport, dport, plen, ttl);
	vxp_set(x, from->vtep, from->vni, f, n);
}

/* ---------------------------------------------------------------- running both paths */

static struct gw_pkt *mk_pkt(uint32_t vtep, uint32_t outer_dst, const uint8_t *b, unsigned len)
{
	struct gw_pkt *p = gw_pkt_alloc(gw_pool(L.gw));
	CU_ASSERT_FATAL(p != NULL);
	gw_pkt_set(p, b, len);
	p->outer_src = vtep;
	p->outer_dst = outer_dst;
	p->outer_sport = 55555;
	const struct in6_addr *a = vx_vtep_is6(vtep) ? vx_vteps_addr(gw_vteps(L.gw), vtep) : NULL;
	if (a) /* as the driver keeps an IPv6 sender's address */
		memcpy(gw_pkt_outer6_src(p), a, sizeof(*a));
	return p;
}

/* Packet x as the driver hands it over: to the VTEP address of its sender's family. */
static struct gw_pkt *mk_vxp(const struct vxp *x)
{
	uint32_t dst = vx_vtep_is6(x->vtep) ? gw_vtep6_name(L.gw) : LAB_VTEP;
	struct gw_pkt *p = mk_pkt(x->vtep, dst, x->b, x->len);
	p->outer_tos = x->tos;
	return p;
}

/* The main pipeline over packets x[0..n) in one vector: what it sends lands in L.cap. */
static void run_pipeline(const struct vxp *x, unsigned n)
{
	struct gw_pkt *pk[GW_VEC_MAX];
	for (unsigned i = 0; i < n; i++)
		pk[i] = mk_vxp(&x[i]);
	lab_reset_capture(&L);
	gw_input_underlay(L.gw, pk, n);
}

/* The index of netdev `name` in snapshot f's ports (0: none), found as gw/workers/worker.c does. */
static uint16_t port_by_name(const struct gw_fwd *f, const char *name)
{
	for (uint16_t i = 1; i <= GW_IF_MAX; i++)
		if (!strcmp(f->cfg->ports[i].name, name))
			return i;
	return 0;
}

/* A worker at time now reading snapshot f, with a socket on each netdev of SOCKETS. */
static void worker_init(struct gw_fast *w, const struct gw_fwd *f, uint64_t now)
{
	*w = (struct gw_fast){.cnt = CNT, .pool = gw_pool(L.gw), .now_ms = now};
	for (unsigned i = 0; i < sizeof(SOCKETS) / sizeof(SOCKETS[0]) && SOCKETS[i]; i++) {
		uint16_t port = port_by_name(f, SOCKETS[i]);
		CU_ASSERT_FATAL(port != 0);
		w->port_tx[port] = &L; /* the fast path only asks whether there is one */
	}
}

/* The fast path over x[0..n) in one vector at time now, reading snapshot f. */
static void run_fast(struct gw_fast *w, const struct gw_fwd *f, const struct vxp *x, unsigned n,
                     uint64_t now)
{
	struct gw_pkt *pk[GW_VEC_MAX];
	for (unsigned i = 0; i < n; i++)
		pk[i] = mk_vxp(&x[i]);
	worker_init(w, f, now);
	gw_fast_underlay(w, f, pk, n);
}

/* What a worker does once it has sent and punted: the buffers go back. */
static void fast_release(struct gw_fast *w)
{
	for (unsigned i = 0; i < w->n_tx; i++)
		gw_pkt_free(gw_pool(L.gw), w->tx[i]);
	for (unsigned i = 0; i < w->n_tx_eth; i++)
		gw_pkt_free(gw_pool(L.gw), w->tx_eth[i]);
	for (unsigned i = 0; i < w->n_punt; i++)
		gw_pkt_free(gw_pool(L.gw), w->punt[i]);
	w->n_tx = w->n_tx_eth = w->n_punt = 0;
}

static void snap_at(uint64_t now)
{
	gw_fwd_free(F);
	F = gw_fwd_build(L.gw, NULL, true, now);
	CU_ASSERT_FATAL(F != NULL);
}

static void snap(void)
{
	snap_at(L.now);
}

/* Makes hosts known as the pipeline learns them: ARP request -> ARP entry and MAC. */
static void learn(const struct host *h)
{
	lab_host_arp(&L, h->vtep, h->vni, h->ip, h->mac, h->vni == 6000 ? LAB_GW20 : LAB_GW10);
	lab_reset_capture(&L);
}

static void learn_hosts(void)
{
	learn(&H1);
	learn(&H5);
	learn(&H2);
	learn(&H4);
}

/*
 * x[0..n) through the pipeline and through the fast path: the fast path forwards them
 * all, each with the pipeline's bytes and destination VTEP. Returns how many matched.
 */
static unsigned check_same(const struct vxp *x, unsigned n)
{
	struct gw_fast w;
	unsigned same = 0;
	CU_ASSERT_FATAL(n <= LAB_CAP_MAX);
	run_pipeline(x, n);
	CU_ASSERT_EQUAL(L.n_cap, n);
	run_fast(&w, F, x, n, L.now);
	CU_ASSERT_EQUAL(w.n_punt, 0);
	CU_ASSERT_EQUAL(w.n_tx, n);
	for (unsigned i = 0; i < n && i < w.n_tx && i < L.n_cap; i++) {
		const struct gw_pkt *p = w.tx[i];
		const struct lab_frame *c = &L.cap[i];
		bool ok = c->ifx == 0 && p->len == c->len && p->outer_dst == c->outer_dst &&
		          memcmp(p->data, c->bytes, c->len) == 0;
		if (!ok)
			fprintf(stderr,
			        "\n  packet %u: fast path %u bytes to %08x, pipeline %u to %08x\n",
			        i, p->len, p->outer_dst, c->len, c->outer_dst);
		same += ok;
	}
	CU_ASSERT_EQUAL(same, n);
	fast_release(&w);
	return same;
}

/* ---------------------------------------------------------------- 1. equivalence */

static struct vxp X[LAB_CAP_MAX];

/* Checks captured frame c went to vtep with the inner frame to mac, from the BDIF of vni. */
static void expect_to(const struct lab_frame *c, uint32_t vtep, const uint8_t *mac, uint32_t vni)
{
	CU_ASSERT_EQUAL(c->outer_dst, vtep);
	CU_ASSERT_EQUAL(lab_rd32(c->bytes + 32) >> 8, vni);
	CU_ASSERT_EQUAL(memcmp(c->bytes + 36, mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(c->bytes + 42, bdif_mac(vni), 6), 0);
}

static void test_equivalence(void)
{
	/* ECMP over two next hops behind different VTEPs, and room for jumbo frames */
	struct fib_nh nh2 = {.kind = FIB_NH_IP, .ip = H2.ip},
	              nh4 = {.kind = FIB_NH_IP, .ip = H4.ip};
	CU_ASSERT_EQUAL(fib_route_add(gw_fib(L.gw), IP_ECMP, 16, &nh2), 0);
	CU_ASSERT_EQUAL(fib_route_add(gw_fib(L.gw), IP_ECMP, 16, &nh4), 0);
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, L.bdif20, 9000), GW_OK);
	snap();
	unsigned n = 0;
	/* sizes: empty echo (padded), typical, at the 1500 MTU of bdif10, jumbo to bdif20 */
	vxp_flow(&X[n++], &H1, H2.ip, PROTO_ICMP, 0, 0, 0, 64);
	vxp_flow(&X[n++], &H1, H2.ip, PROTO_ICMP, 0, 0, 56, 64);
	vxp_flow(&X[n++], &H1, H2.ip, PROTO_ICMP, 0, 0, 1372, 64);
	vxp_flow(&X[n++], &H1, H2.ip, PROTO_ICMP, 0, 0, 8944, 64);
	vxp_flow(&X[n++], &H1, H4.ip, PROTO_UDP, 5353, 53, 2, 64);     /* 44 bytes, padded */
	vxp_flow(&X[n++], &H1, H4.ip, PROTO_TCP, 40000, 443, 1000, 2); /* lowest TTL routed */
	vxp_flow(&X[n++], &H2, H1.ip, PROTO_TCP, 443, 40000, 1460, 63);
	vxp_flow(&X[n++], &H2, H1.ip, PROTO_ICMP, 0, 0, 1472, 255); /* exactly bdif10's MTU */
	vxp_flow(&X[n++], &H4, H5.ip, PROTO_UDP, 4789, 9999, 300, 17);
	vxp_flow(&X[n++], &H5, H4.ip, PROTO_TCP, 22, 51000, 0, 64);
	/* fragments (hashed without ports) and IPv4 options */
	vxp_flow(&X[n], &H1, H2.ip, PROTO_UDP, 1000, 2000, 600, 64);
	set_frag(X[n].b + VX_HDR_LEN, 0x2000); /* first fragment: MF */
	n++;
	vxp_flow(&X[n], &H1, H2.ip, PROTO_UDP, 1000, 2000, 600, 64);
	set_frag(X[n].b + VX_HDR_LEN, 0x00b9); /* last fragment at offset 1480 */
	n++;
	{
		uint8_t f[200];
		unsigned fn = frame_l4(f, &H4, H1.ip, PROTO_UDP, 7, 7, 40, 30);
		vxp_set(&X[n++], H4.vtep, H4.vni, f, add_ip_options(f, fn));
	}
	/* ECMP: flows to 10.9.x.y from both bridge domains */
	unsigned ecmp = n;
	for (uint16_t i = 0; i < 16; i++)
		vxp_flow(&X[n++], i & 1 ? &H5 : &H1, IP_ECMP | (uint32_t)(i * 37 + 1),
		         i & 2 ? PROTO_TCP : PROTO_UDP, (uint16_t)(30000 + i * 101), 80, i, 64);
	CU_ASSERT_EQUAL(check_same(X, n), n);

	/* spot checks of the reference itself: right VTEPs, MACs, lengths */
	run_pipeline(X, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, n);
	expect_to(&L.cap[0], LAB_VTEP12, H2.mac, 6000);
	expect_to(&L.cap[3], LAB_VTEP12, H2.mac, 6000);
	CU_ASSERT_EQUAL(L.cap[3].len, 36 + 14 + 8972);
	expect_to(&L.cap[4], LAB_VTEP13, H4.mac, 6000);
	CU_ASSERT_EQUAL(L.cap[4].len, 36 + 14 + 20 + 8 + 2); /* padding trimmed */
	expect_to(&L.cap[6], LAB_VTEP11, H1.mac, 5000);
	expect_to(&L.cap[8], LAB_VTEP12, H5.mac, 5000);
	unsigned to12 = 0, to13 = 0;
	for (unsigned i = ecmp; i < n; i++) {
		bool via2 = L.cap[i].outer_dst == LAB_VTEP12;
		expect_to(&L.cap[i], via2 ? LAB_VTEP12 : LAB_VTEP13, via2 ? H2.mac : H4.mac, 6000);
		to12 += via2;
		to13 += !via2;
	}
	CU_ASSERT(to12 > 0 && to13 > 0); /* both paths of the group are exercised */

	/* one at a time too: a vector of one takes no path shared with its neighbours */
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT_EQUAL(check_same(&X[i], 1), 1);
}

/*
 * A sender's super-packets (TSO) are cut to the path on the fast path as in the pipeline,
 * byte for byte and in order: one longer than its link's MTU (it arrived in one buffer),
 * a piece the driver marked GW_PKT_GSO that fits its link but not the egress (cut further,
 * not refused with an ICMP error), and a plain DF packet too big for the egress (punted:
 * the main thread sends "fragmentation needed").
 */
static bool punted(const char *what, const struct vxp *x);

static void test_equivalence_super(void)
{
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, L.bdif20, 1000), GW_OK);
	snap();
	struct vxp x[2];
	vxp_flow(&x[0], &H1, H2.ip, PROTO_TCP, 40000, 443, 5000, 64); /* > bdif10's 1500 */
	vxp_flow(&x[1], &H1, H2.ip, PROTO_UDP, 40000, 443, 100, 64);  /* behind it, in order */
	unsigned want = 6 + 1; /* 4960 bytes of payload, 960 a segment; the UDP */
	run_pipeline(x, 2);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, want);
	struct gw_fast w;
	run_fast(&w, F, x, 2, L.now);
	CU_ASSERT_EQUAL(w.n_punt, 0);
	CU_ASSERT_EQUAL_FATAL(w.n_tx, want);
	for (unsigned i = 0; i < want; i++) {
		const struct lab_frame *c = &L.cap[i];
		CU_ASSERT(w.tx[i]->len == c->len && memcmp(w.tx[i]->data, c->bytes, c->len) == 0);
		CU_ASSERT(c->len <= 36 + 14 + 1000);
		CU_ASSERT_EQUAL(w.tx[i]->outer_dst, LAB_VTEP12);
	}
	CU_ASSERT_EQUAL(CNT->c.routed, 2);
	fast_release(&w);

	/* 1400 bytes, within bdif10's MTU: cut when marked, punted when not */
	vxp_flow(&x[0], &H1, H2.ip, PROTO_TCP, 40000, 443, 1360, 64);
	struct gw_pkt *p = mk_pkt(x[0].vtep, LAB_VTEP, x[0].b, x[0].len);
	p->flags = GW_PKT_GSO;
	lab_reset_capture(&L);
	gw_input_underlay(L.gw, &p, 1);
	CU_ASSERT_EQUAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_MTU_DF), 0);
	p = mk_pkt(x[0].vtep, LAB_VTEP, x[0].b, x[0].len);
	p->flags = GW_PKT_GSO;
	worker_init(&w, F, L.now);
	gw_fast_underlay(&w, F, &p, 1);
	CU_ASSERT_EQUAL(w.n_punt, 0);
	CU_ASSERT_EQUAL_FATAL(w.n_tx, 2);
	for (unsigned i = 0; i < 2; i++)
		CU_ASSERT(w.tx[i]->len == L.cap[i].len &&
		          memcmp(w.tx[i]->data, L.cap[i].bytes, L.cap[i].len) == 0);
	fast_release(&w);
	CU_ASSERT(punted("1400-byte DF TCP, not a super-packet, egress MTU 1000", &x[0]));
}

/* Packets of two VRFs in one vector: each routed in its own table, as the pipeline does. */
static void test_equivalence_vrfs(void)
{
	uint16_t red, bdif30, bdif40;
	struct bd_table *bd = gw_bd(L.gw);
	CU_ASSERT_FATAL(gw_vrf_add(L.gw, "red", &red) == GW_OK);
	CU_ASSERT_FATAL(bd_add(bd, 30) == 0 && bd_set_vni(bd, 30, 7000) == 0 &&
	                bd_flood_peer_add(bd, 30, LAB_VTEP13) == 0);
	CU_ASSERT_FATAL(bd_add(bd, 40) == 0 && bd_set_vni(bd, 40, 8000) == 0 &&
	                bd_flood_peer_add(bd, 40, LAB_VTEP11) == 0);
	CU_ASSERT_FATAL(gw_bdif_add(L.gw, 30, &bdif30) == GW_OK &&
	                gw_if_set_vrf(L.gw, bdif30, red) == GW_OK &&
	                gw_if_addr_add(L.gw, bdif30, 0x0a011e01u, 24) == GW_OK);
	CU_ASSERT_FATAL(gw_bdif_add(L.gw, 40, &bdif40) == GW_OK &&
	                gw_if_set_vrf(L.gw, bdif40, red) == GW_OK &&
	                gw_if_addr_add(L.gw, bdif40, 0x0a012801u, 24) == GW_OK);
	uint8_t mac30[6], mac40[6], f[512];
	gw_bdif_default_mac(30, mac30);
	gw_bdif_default_mac(40, mac40);
	const struct host r30 = {0x0a011e05u, {2, 0, 0, 0x30, 0, 5}, LAB_VTEP13, 7000};
	const struct host r40 = {0x0a012805u, {2, 0, 0, 0x40, 0, 5}, LAB_VTEP11, 8000};
	lab_host_arp(&L, r30.vtep, r30.vni, r30.ip, r30.mac, 0x0a011e01u);
	lab_host_arp(&L, r40.vtep, r40.vni, r40.ip, r40.mac, 0x0a012801u);
	lab_reset_capture(&L);
	snap();
	unsigned n = 0;
	vxp_flow(&X[n++], &H1, H2.ip, PROTO_UDP, 1, 2, 100, 64);
	unsigned fn = lab_ping_frame(f, mac30, r30.mac, r30.ip, r40.ip, 64, 20, true);
	vxp_set(&X[n++], r30.vtep, r30.vni, f, fn);
	vxp_flow(&X[n++], &H2, H1.ip, PROTO_TCP, 3, 4, 10, 64);
	fn = lab_ping_frame(f, mac40, r40.mac, r40.ip, r30.ip, 9, 200, true);
	vxp_set(&X[n++], r40.vtep, r40.vni, f, fn);
	CU_ASSERT_EQUAL(check_same(X, n), n);
	run_pipeline(X, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, n);
	CU_ASSERT_EQUAL(L.cap[1].outer_dst, LAB_VTEP11);
	CU_ASSERT_EQUAL(memcmp(L.cap[1].bytes + 36, r40.mac, 6), 0);
	CU_ASSERT_EQUAL(L.cap[3].outer_dst, LAB_VTEP13);
	/* red has no route to the default VRF's hosts: the main thread answers that */
	struct gw_fast w;
	fn = lab_ping_frame(f, mac30, r30.mac, r30.ip, H2.ip, 64, 20, true);
	vxp_set(&X[0], r30.vtep, r30.vni, f, fn);
	run_fast(&w, F, X, 1, L.now);
	CU_ASSERT_EQUAL(w.n_punt, 1);
	CU_ASSERT_EQUAL(w.n_tx, 0);
	fast_release(&w);
}

/* ---------------------------------------------------------------- 2. punts */

/*
 * Packet p (made of payload b, len bytes) through the fast path at time now: it must be
 * punted as received (same buffer position, length, bytes and outer fields), nothing sent
 * and nothing counted. Returns true when it was.
 */
static bool punted_pkt(const char *what, struct gw_pkt *p, const uint8_t *b, unsigned len,
                       uint64_t now)
{
	const uint8_t *data = p->data;
	uint32_t src = p->outer_src, dst = p->outer_dst;
	uint8_t tos = p->outer_tos;
	uint64_t rx = CNT->c.rx_underlay;
	struct gw_fast w;
	worker_init(&w, F, now);
	gw_fast_underlay(&w, F, &p, 1);
	bool ok = w.n_tx == 0 && w.n_tx_eth == 0 && w.n_punt == 1 && w.punt[0] == p &&
	          p->data == data && p->len == len && memcmp(p->data, b, len) == 0 &&
	          p->outer_src == src && p->outer_dst == dst && p->outer_sport == 55555 &&
	          p->outer_tos == tos && CNT->c.rx_underlay == rx;
	if (!ok)
		fprintf(stderr, "\n  not punted as received: %s (tx %u, tx_eth %u, punt %u)\n",
		        what, w.n_tx, w.n_tx_eth, w.n_punt);
	fast_release(&w);
	return ok;
}

/* The packet (payload b, len bytes, from vtep to outer_dst) must be punted as received. */
static bool punted_raw(const char *what, uint32_t vtep, uint32_t outer_dst, const uint8_t *b,
                       unsigned len, uint64_t now)
{
	return punted_pkt(what, mk_pkt(vtep, outer_dst, b, len), b, len, now);
}

static bool punted_at(const char *what, const struct vxp *x, uint64_t now)
{
	return punted_raw(what, x->vtep, LAB_VTEP, x->b, x->len, now);
}

static bool punted(const char *what, const struct vxp *x)
{
	return punted_at(what, x, L.now);
}

/* The frame from vtep in vni must be punted. */
static bool punted_frame(const char *what, uint32_t vtep, uint32_t vni, const uint8_t *f,
                         unsigned n)
{
	struct vxp x;
	vxp_set(&x, vtep, vni, f, n);
	return punted(what, &x);
}

/* x is forwarded by the fast path at time now (the control for the punt cases). */
static bool forwarded_at(const struct vxp *x, uint64_t now)
{
	struct gw_fast w;
	run_fast(&w, F, x, 1, now);
	bool ok = w.n_tx == 1 && w.n_punt == 0;
	fast_release(&w);
	return ok;
}

static bool forwarded(const struct vxp *x)
{
	return forwarded_at(x, L.now);
}

/* The packet every punt case starts from: H1 -> H2, routed BD 10 -> BD 20. */
static struct vxp BASE;
static uint8_t BF[200];
static unsigned BN;

/* Every test of the suites starts with H1, H5, H2 and H4 known (MAC and ARP). */
static void setup_hosts(void)
{
	setup();
	learn_hosts();
	BN = frame_l4(BF, &H1, H2.ip, PROTO_UDP, 1234, 80, 64, 64);
	vxp_set(&BASE, H1.vtep, H1.vni, BF, BN);
}

/* A copy of the base frame to change. */
static unsigned base_frame(uint8_t *f)
{
	memcpy(f, BF, BN);
	return BN;
}

static void test_punt_vxlan(void)
{
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE));
	struct vxp x = BASE;
	vx_hdr_build(x.b, 5999);
	CU_ASSERT(punted("unknown VNI", &x));
	x = BASE;
	x.b[0] = 0x0c; /* I and a reserved flag */
	CU_ASSERT(punted("VXLAN flags", &x));
	x.b[0] = 0x00; /* no I flag */
	CU_ASSERT(punted("VXLAN without I", &x));
	x = BASE;
	x.b[7] = 1; /* reserved byte after the VNI */
	CU_ASSERT(punted("VXLAN reserved", &x));
	CU_ASSERT(
	    punted_raw("outer dst not the VTEP", H1.vtep, 0xc0000299u, BASE.b, BASE.len, L.now));
	CU_ASSERT(punted_raw("outer dst multicast", H1.vtep, 0xef010146u, BASE.b, BASE.len, L.now));
	CU_ASSERT(punted_raw("VXLAN header cut", H1.vtep, LAB_VTEP, BASE.b, 7, L.now));
	CU_ASSERT(punted_raw("inner frame cut", H1.vtep, LAB_VTEP, BASE.b, VX_HDR_LEN + 13, L.now));
	CU_ASSERT(
	    punted_raw("IPv4 header cut", H1.vtep, LAB_VTEP, BASE.b, VX_HDR_LEN + 14 + 19, L.now));
}

static void test_punt_bridging(void)
{
	/* a MAC known behind .13, which is no flood peer of BD 10: only the peer check fails */
	static const uint8_t m13[6] = {2, 0x13, 0, 0, 0, 1};
	CU_ASSERT_EQUAL(bd_mac_static_add(gw_bd(L.gw), 10, m13, LAB_VTEP13), 0);
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE));
	uint8_t f[200];
	unsigned n = base_frame(f);
	memcpy(f + 6, m13, 6);
	CU_ASSERT(punted_frame("sender not a flood peer", LAB_VTEP13, 5000, f, n));

	n = base_frame(f);
	f[5] ^= 0x55;
	CU_ASSERT(punted_frame("inner dst not the BDIF", H1.vtep, 5000, f, n));
	memset(f, 0xff, 6);
	CU_ASSERT(punted_frame("inner dst broadcast IPv4", H1.vtep, 5000, f, n));
	n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, H1.mac, H1.ip, NULL, LAB_GW10);
	CU_ASSERT(punted_frame("broadcast ARP", H1.vtep, 5000, f, n));
	n = lab_arp_frame(f, ARP_OP_REPLY, MAC10, H1.mac, H1.ip, MAC10, LAB_GW10);
	CU_ASSERT(punted_frame("ARP to the BDIF", H1.vtep, 5000, f, n));

	n = base_frame(f);
	memcpy(f + 6, H9.mac, 6);
	CU_ASSERT(punted_frame("source MAC unknown", H1.vtep, 5000, f, n));
	n = base_frame(f);
	CU_ASSERT(punted_frame("source MAC behind another VTEP", LAB_VTEP12, 5000, f, n));
	memcpy(f + 6, m13, 6);
	CU_ASSERT(punted_frame("static MAC from another VTEP", LAB_VTEP12, 5000, f, n));
	n = base_frame(f);
	f[6] |= 1;
	CU_ASSERT(punted_frame("multicast source MAC", H1.vtep, 5000, f, n));

	n = base_frame(f);
	f[12] = 0x86, f[13] = 0xdd;
	CU_ASSERT(punted_frame("IPv6 ethertype", H1.vtep, 5000, f, n));
	n = base_frame(f);
	f[12] = 0x81, f[13] = 0x00;
	CU_ASSERT(punted_frame("VLAN-tagged inner frame", H1.vtep, 5000, f, n));
}

/* The anycast BDIF's own MAC as a source: another gateway of the fabric. */
static void test_punt_anycast_source(void)
{
	CU_ASSERT_EQUAL(gw_if_set_anycast(L.gw, L.bdif10, true), GW_OK);
	CU_ASSERT_EQUAL(bd_mac_static_add(gw_bd(L.gw), 10, MAC10, LAB_VTEP12), 0);
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE));
	uint8_t f[200];
	unsigned n = base_frame(f);
	memcpy(f + 6, MAC10, 6);
	CU_ASSERT(punted_frame("anycast MAC as source", LAB_VTEP12, 5000, f, n));
}

static void test_punt_ip(void)
{
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE));
	uint8_t f[200];
	uint8_t *ip = f + NET_ETH_HLEN;
	unsigned n = base_frame(f);
	ip[10] ^= 0x5a;
	CU_ASSERT(punted_frame("bad IPv4 checksum", H1.vtep, 5000, f, n));
	n = base_frame(f);
	ip[0] = 0x65;
	ip_fix_csum(ip);
	CU_ASSERT(punted_frame("IP version 6 in IPv4", H1.vtep, 5000, f, n));
	n = base_frame(f);
	ip[2] = 0x05; /* total length beyond the frame */
	ip_fix_csum(ip);
	CU_ASSERT(punted_frame("IPv4 length", H1.vtep, 5000, f, n));
	n = base_frame(f);
	ip[12] = 127;
	ip_fix_csum(ip);
	CU_ASSERT(punted_frame("martian source", H1.vtep, 5000, f, n));
	n = base_frame(f);
	ip[8] = 1;
	ip_fix_csum(ip);
	CU_ASSERT(punted_frame("TTL 1", H1.vtep, 5000, f, n));
	ip[8] = 0;
	ip_fix_csum(ip);
	CU_ASSERT(punted_frame("TTL 0", H1.vtep, 5000, f, n));

	struct vxp x;
	vxp_flow(&x, &H1, LAB_GW10, PROTO_ICMP, 0, 0, 8, 64);
	CU_ASSERT(punted("to the gateway's address", &x));
	vxp_flow(&x, &H1, LAB_GW20, PROTO_ICMP, 0, 0, 8, 64);
	CU_ASSERT(punted("to the gateway's other address", &x));
	vxp_flow(&x, &H1, LAB_UP, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("to the uplink's address", &x));
	vxp_flow(&x, &H1, 0x0a0114ffu, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("subnet broadcast", &x));
	vxp_flow(&x, &H1, 0xffffffffu, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("limited broadcast", &x));
	vxp_flow(&x, &H1, 0xe0000005u, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("multicast destination", &x));
	vxp_flow(&x, &H1, IP_EXT, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("no route", &x));
}

static void test_punt_routes(void)
{
	struct fib_nh null0 = {.kind = FIB_NH_NULL0};
	CU_ASSERT_EQUAL(fib_route_add(gw_fib(L.gw), 0xc6336400u, 24, &null0), 0);
	/* a default route out of the uplink, its next hop resolved */
	struct fib_nh up = {.kind = FIB_NH_IP, .ip = LAB_UPNH};
	CU_ASSERT_EQUAL(fib_route_add(gw_fib(L.gw), 0, 0, &up), 0);
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), L.up0, LAB_UPNH, lab_upnh_mac), 0);
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE));
	struct vxp x;
	vxp_flow(&x, &H1, IP_EXT, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("null0 route", &x));
	vxp_flow(&x, &H1, 0xcb007105u, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("egress via the Ethernet uplink", &x));
	/* the pipeline does send that one out of up0 */
	run_pipeline(&x, 1);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].ifx, L.up0);
}

static void test_punt_neighbours(void)
{
	/* H3: an ARP entry (static) on bdif20, its MAC never seen by any VTEP */
	static const uint8_t h3[6] = {2, 0x11, 0x22, 0x33, 0x44, 0x33};
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), L.bdif20, 0x0a011421u, h3), 0);
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE));
	struct vxp x;
	vxp_flow(&x, &H1, IP_UNRES, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("neighbour unresolved", &x));
	vxp_flow(&x, &H1, 0x0a011421u, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("neighbour MAC unknown (flood)", &x));
	/* and a neighbour learned after the snapshot is punted until the next one */
	static const struct host h6 = {0x0a011406u, {2, 0, 0, 0, 0, 6}, LAB_VTEP13, 6000};
	learn(&h6);
	CU_ASSERT(gw_fwd_stale(L.gw, F));
	vxp_flow(&x, &H1, h6.ip, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(punted("neighbour newer than the snapshot", &x));
	snap();
	CU_ASSERT(forwarded(&x));
}

/* A learned neighbour is used for reachable_ms after it was confirmed, then punted. */
static void test_punt_arp_age(void)
{
	uint32_t reach = L.gw->params.arp.reachable_ms;
	CU_ASSERT_FATAL(reach > 1000);
	lab_advance(&L, 1000);
	snap(); /* H2 confirmed 1 s before the snapshot */
	CU_ASSERT(forwarded_at(&BASE, L.now + reach - 1000 - 1));
	CU_ASSERT(punted_at("neighbour past reachable_ms", &BASE, L.now + reach - 1000));
	/* the main thread's table agrees: STALE from then on, and a later snapshot leaves it */
	lab_advance(&L, reach - 1000);
	struct arp_entry_info ai;
	CU_ASSERT_FATAL(arp_get(gw_arp(L.gw), L.bdif20, H2.ip, L.now, &ai));
	CU_ASSERT_EQUAL(ai.state, ARP_STALE);
	snap();
	CU_ASSERT(punted("stale neighbour", &BASE));
	/* the pipeline's use of it starts a probe (sent on the next tick); the answer
	 * makes it usable again */
	run_pipeline(&BASE, 1);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	lab_advance(&L, 100);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(L.cap[1].outer_dst, H2.vtep);
	CU_ASSERT_EQUAL(memcmp(L.cap[1].bytes + 36, H2.mac, 6), 0); /* unicast ARP */
	CU_ASSERT_EQUAL(lab_rd16(L.cap[1].bytes + 36 + 12), 0x0806);
	learn(&H2);
	CU_ASSERT(gw_fwd_stale(L.gw, F));
	snap();
	CU_ASSERT(forwarded(&BASE));
}

static void test_punt_egress(void)
{
	/* H2 static: shutting bdif20 then only takes the interface down */
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), L.bdif20, H2.ip, H2.mac), 0);
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, L.bdif20, 1000), GW_OK);
	snap();
	struct vxp x;
	vxp_flow(&x, &H1, H2.ip, PROTO_ICMP, 0, 0, 1000 - 28, 64);
	CU_ASSERT(forwarded(&x)); /* exactly the MTU */
	CU_ASSERT_EQUAL(check_same(&x, 1), 1);
	vxp_flow(&x, &H1, H2.ip, PROTO_ICMP, 0, 0, 1000 - 27, 64);
	CU_ASSERT(punted("larger than the egress MTU (DF)", &x));
	set_frag(x.b + VX_HDR_LEN, 0);
	CU_ASSERT(punted("larger than the egress MTU (fragment)", &x));
	CU_ASSERT_FATAL(forwarded(&BASE));
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, L.bdif20, false), GW_OK);
	snap();
	CU_ASSERT(punted("egress interface shut down", &BASE));
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, L.bdif20, true), GW_OK);
	snap();
	CU_ASSERT(forwarded(&BASE));
	/* the ingress BDIF shut down: the frame is not for an interface that routes */
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, L.bdif10, false), GW_OK);
	snap();
	CU_ASSERT(punted("ingress interface shut down", &BASE));
}

static void test_punt_trace_debug(void)
{
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE));
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 5, GW_TRACE_IN_ANY), 5);
	CU_ASSERT(gw_fwd_stale(L.gw, F));
	snap();
	CU_ASSERT(F->punt_all);
	CU_ASSERT(punted("trace armed", &BASE));
	gw_trace_clear(L.gw);
	CU_ASSERT(gw_fwd_stale(L.gw, F));
	snap();
	CU_ASSERT(forwarded(&BASE));
	gw_debug_set(L.gw, GW_DEBUG_IP, true);
	CU_ASSERT(gw_fwd_stale(L.gw, F));
	snap();
	CU_ASSERT(punted("debug on", &BASE));
	gw_debug_set(L.gw, GW_DEBUG_IP, false);
	snap();
	CU_ASSERT(forwarded(&BASE));
}

/* Forwards and punts interleaved in one vector: each keeps its own decap state. */
static void test_punt_mixed_vector(void)
{
	snap();
	struct vxp *x = X;
	unsigned n = 0;
	bool fwd[LAB_CAP_MAX];
	for (unsigned i = 0; i < 24; i++) {
		switch (i % 4) {
		case 0: /* forwarded */
			vxp_flow(&x[n], &H1, H2.ip, PROTO_UDP, (uint16_t)i, 7, (uint16_t)(i * 10),
			         64);
			break;
		case 1: /* punted at decap */
			vxp_flow(&x[n], &H9, H2.ip, PROTO_UDP, (uint16_t)i, 7, 8, 64);
			break;
		case 2: /* punted at routing */
			vxp_flow(&x[n], &H2, IP_UNRES, PROTO_UDP, (uint16_t)i, 7, 8, 64);
			break;
		default: /* forwarded, other direction */
			vxp_flow(&x[n], &H4, H5.ip, PROTO_TCP, (uint16_t)i, 7, (uint16_t)(i * 3),
			         64);
			break;
		}
		fwd[n++] = i % 4 == 0 || i % 4 == 3;
	}
	struct gw_fast w;
	run_fast(&w, F, x, n, L.now);
	CU_ASSERT_EQUAL(w.n_tx, 12);
	CU_ASSERT_EQUAL(w.n_punt, 12);
	/* forwards in input order, each as the pipeline sends it alone */
	unsigned t = 0;
	for (unsigned i = 0; i < n && t < w.n_tx; i++) {
		if (!fwd[i])
			continue;
		run_pipeline(&x[i], 1);
		CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
		CU_ASSERT_EQUAL(w.tx[t]->len, L.cap[0].len);
		CU_ASSERT_EQUAL(w.tx[t]->outer_dst, L.cap[0].outer_dst);
		CU_ASSERT_EQUAL(memcmp(w.tx[t]->data, L.cap[0].bytes, L.cap[0].len), 0);
		t++;
	}
	/* punts (decap ones first, then routing ones): each one of the others, untouched */
	bool used[LAB_CAP_MAX] = {false};
	unsigned matched = 0;
	for (unsigned p = 0; p < w.n_punt; p++) {
		const struct gw_pkt *q = w.punt[p];
		for (unsigned i = 0; i < n; i++) {
			if (fwd[i] || used[i] || q->len != x[i].len ||
			    memcmp(q->data, x[i].b, x[i].len) != 0)
				continue;
			used[i] = true;
			matched += gw_pkt_headroom(q) == GW_PKT_HEADROOM;
			break;
		}
	}
	CU_ASSERT_EQUAL(matched, 12);
	fast_release(&w);
}

/* ---------------------------------------------------------------- 3. MAC refresh */

/*
 * A dynamic source MAC is re-learned by the main thread once per fresh_ms (a third of
 * the ageing time) while it sends: the first packet after each interval is punted, the
 * ones after it are not, whichever worker sees them.
 */
static void test_mac_refresh(void)
{
	CU_ASSERT_EQUAL(bd_set_mac_aging(gw_bd(L.gw), 10, 15), 0); /* fresh_ms 5000 */
	snap();
	CU_ASSERT_EQUAL(F->cfg->bd[bd_index(gw_bd(L.gw), 10)].fresh_ms, 5000);
	uint64_t t0 = L.now; /* H1 learned now, at a whole second */
	CU_ASSERT(forwarded_at(&BASE, t0 + 4999));
	CU_ASSERT(punted_at("first packet after the interval", &BASE, t0 + 5000));
	CU_ASSERT(forwarded_at(&BASE, t0 + 5000));
	CU_ASSERT(forwarded_at(&BASE, t0 + 5001));
	/* the main thread learns from the punted packet: a refresh, no new snapshot */
	lab_advance(&L, 5000);
	uint64_t gen = bd_mac_generation(gw_bd(L.gw));
	run_pipeline(&BASE, 1);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(bd_mac_generation(gw_bd(L.gw)), gen);
	CU_ASSERT(!gw_fwd_stale(L.gw, F));
	CU_ASSERT(forwarded_at(&BASE, t0 + 9999));
	/* next interval, two workers at once: one punt between them */
	struct gw_fast_cnt *c2 = calloc(1, sizeof(*c2));
	CU_ASSERT_FATAL(c2 != NULL);
	struct gw_pkt *a = mk_pkt(BASE.vtep, LAB_VTEP, BASE.b, BASE.len);
	struct gw_pkt *b = mk_pkt(BASE.vtep, LAB_VTEP, BASE.b, BASE.len);
	struct gw_fast w1 = {.cnt = CNT, .now_ms = t0 + 10000};
	struct gw_fast w2 = {.cnt = c2, .now_ms = t0 + 10000};
	gw_fast_underlay(&w1, F, &a, 1);
	gw_fast_underlay(&w2, F, &b, 1);
	CU_ASSERT_EQUAL(w1.n_punt + w2.n_punt, 1);
	CU_ASSERT_EQUAL(w1.n_tx + w2.n_tx, 1);
	fast_release(&w1);
	fast_release(&w2);
	free(c2);
	CU_ASSERT(forwarded_at(&BASE, t0 + 10001));
	/* a later snapshot starts from the main table's time of the entry */
	lab_advance(&L, 5000);
	run_pipeline(&BASE, 1); /* the main thread handles the punted one */
	learn(&H9);             /* anything that makes a new MAC copy */
	CU_ASSERT(gw_fwd_stale(L.gw, F));
	lab_advance(&L, 3000); /* H1 last heard 3 s before the snapshot */
	snap();
	CU_ASSERT(forwarded_at(&BASE, t0 + 14999));
	CU_ASSERT(punted_at("first packet after the interval (new snapshot)", &BASE, t0 + 15000));
	/* a static MAC is never refreshed; nor a MAC of a bridge domain that never ages
	 * (the neighbours made static so that only the sources matter over the hours) */
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), L.bdif10, H1.ip, H1.mac), 0);
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), L.bdif20, H2.ip, H2.mac), 0);
	static const uint8_t hs[6] = {2, 0x55, 0, 0, 0, 1};
	CU_ASSERT_EQUAL(bd_mac_static_add(gw_bd(L.gw), 10, hs, LAB_VTEP11), 0);
	CU_ASSERT_EQUAL(bd_set_mac_aging(gw_bd(L.gw), 20, 0), 0);
	snap();
	uint8_t f[200];
	unsigned n = base_frame(f);
	memcpy(f + 6, hs, 6);
	struct vxp xs;
	vxp_set(&xs, LAB_VTEP11, 5000, f, n);
	struct vxp x2;
	vxp_flow(&x2, &H2, H1.ip, PROTO_UDP, 1, 2, 8, 64);
	for (uint64_t t = 0; t < 1000000; t += 99991) {
		CU_ASSERT(forwarded_at(&xs, L.now + t));
		CU_ASSERT(forwarded_at(&x2, L.now + t));
	}
}

/* ---------------------------------------------------------------- 4. staleness */

/* An IPv6 frame from h to its BDIF: the pipeline learns its MAC, nothing else. */
static void learn_mac_only(const struct host *h)
{
	uint8_t f[64];
	unsigned n = lab_eth(f, bdif_mac(h->vni), h->mac, 0x86dd);
	memset(f + n, 0x60, 40);
	lab_from_vtep(&L, h->vtep, h->vni, f, n + 40);
}

static void test_stale(void)
{
	uint16_t red;
	CU_ASSERT_FATAL(gw_vrf_add(L.gw, "red", &red) == GW_OK);
	struct gw_fwd *f0 = gw_fwd_build(L.gw, NULL, true, L.now);
	CU_ASSERT_FATAL(f0 != NULL);
	CU_ASSERT(!gw_fwd_stale(L.gw, f0));
	CU_ASSERT(f0->cfg->fib[red] != NULL);

	/* nothing moved: everything shared; forwarding through the pipeline moves nothing */
	run_pipeline(&BASE, 1);
	CU_ASSERT_EQUAL(L.n_cap, 1);
	CU_ASSERT(!gw_fwd_stale(L.gw, f0));
	struct gw_fwd *f1 = gw_fwd_build(L.gw, f0, false, L.now);
	CU_ASSERT_FATAL(f1 != NULL);
	CU_ASSERT(f1->cfg == f0->cfg && f1->nb == f0->nb && f1->mac == f0->mac);

	/* a new MAC: only the MAC copy is new */
	learn_mac_only(&H9);
	CU_ASSERT(gw_fwd_stale(L.gw, f1));
	struct gw_fwd *f2 = gw_fwd_build(L.gw, f1, false, L.now);
	CU_ASSERT_FATAL(f2 != NULL);
	CU_ASSERT(!gw_fwd_stale(L.gw, f2));
	CU_ASSERT(f2->mac != f1->mac && f2->nb == f1->nb && f2->cfg == f1->cfg);
	CU_ASSERT_EQUAL(f2->mac->n, f1->mac->n + 1);

	/* an ARP learn of a host whose MAC is known: only the neighbour copy is new */
	learn(&H9);
	CU_ASSERT(gw_fwd_stale(L.gw, f2));
	struct gw_fwd *f3 = gw_fwd_build(L.gw, f2, false, L.now);
	CU_ASSERT_FATAL(f3 != NULL);
	CU_ASSERT(!gw_fwd_stale(L.gw, f3));
	CU_ASSERT(f3->nb != f2->nb && f3->mac == f2->mac && f3->cfg == f2->cfg);

	/* a route: a new configuration copy with a new default FIB, red's FIB shared */
	struct fib_nh nh = {.kind = FIB_NH_IP, .ip = H2.ip};
	CU_ASSERT_EQUAL(fib_route_add(gw_fib(L.gw), IP_ECMP, 16, &nh), 0);
	CU_ASSERT(gw_fwd_stale(L.gw, f3));
	struct gw_fwd *f4 = gw_fwd_build(L.gw, f3, false, L.now);
	CU_ASSERT_FATAL(f4 != NULL);
	CU_ASSERT(!gw_fwd_stale(L.gw, f4));
	CU_ASSERT(f4->cfg != f3->cfg && f4->nb == f3->nb && f4->mac == f3->mac);
	CU_ASSERT(f4->cfg->fib[0] != f3->cfg->fib[0]);
	CU_ASSERT(f4->cfg->fib[red] == f3->cfg->fib[red]);

	/* a commit rebuilds the configuration copy, FIBs included */
	struct gw_fwd *f5 = gw_fwd_build(L.gw, f4, true, L.now);
	CU_ASSERT_FATAL(f5 != NULL);
	CU_ASSERT(f5->cfg != f4->cfg && f5->cfg->fib[red] != f4->cfg->fib[red]);
	CU_ASSERT(f5->nb == f4->nb && f5->mac == f4->mac);

	/* tracing: every packet to the main thread, nothing else rebuilt */
	CU_ASSERT_EQUAL(gw_trace_add(L.gw, 3, GW_TRACE_IN_UNDERLAY), 3);
	CU_ASSERT(gw_fwd_stale(L.gw, f5));
	struct gw_fwd *f6 = gw_fwd_build(L.gw, f5, false, L.now);
	CU_ASSERT_FATAL(f6 != NULL);
	CU_ASSERT(f6->punt_all && !f5->punt_all);
	CU_ASSERT(f6->cfg == f5->cfg && f6->nb == f5->nb && f6->mac == f5->mac);
	gw_trace_clear(L.gw);
	CU_ASSERT(gw_fwd_stale(L.gw, f6));

	/* what the old snapshots shared stays alive for the newer ones: free out of order */
	gw_fwd_free(f0);
	gw_fwd_free(f2);
	gw_fwd_free(f4);
	gw_fwd_free(f1);
	gw_fwd_free(f6);
	gw_fwd_free(f3);
	F = f5;
	CU_ASSERT(forwarded(&BASE));
	struct vxp x;
	vxp_flow(&x, &H1, IP_ECMP | 5, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(forwarded(&x));
	vxp_flow(&x, &H9, H2.ip, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(forwarded(&x));
}

/* ---------------------------------------------------------------- 5. counters */

#define MAX_ROWS 8
struct cnt_view {
	struct gw_counters c;
	struct gw_if_counters if10, if20, up0, v100, v200;
	unsigned n_bd, n_peer;
	struct gw_bd_stats bd[MAX_ROWS];
	struct gw_peer_stats peer[MAX_ROWS];
};

static int bd_row(const struct gw_bd_stats *s, void *arg)
{
	struct cnt_view *v = arg;
	if (v->n_bd < MAX_ROWS)
		v->bd[v->n_bd++] =
		    (struct gw_bd_stats){.bd_id = s->bd_id, .vni = s->vni, .cnt = s->cnt};
	return 0;
}

static int peer_row(const struct gw_peer_stats *s, void *arg)
{
	struct cnt_view *v = arg;
	if (v->n_peer < MAX_ROWS)
		v->peer[v->n_peer++] = (struct gw_peer_stats){.vtep = s->vtep, .cnt = s->cnt};
	return 0;
}

/* Interface ifx's counters; none for ifx 0 (a sub-interface the suite did not make). */
static struct gw_if_counters if_cnt(uint16_t ifx)
{
	struct gw_if_info i;
	if (!ifx)
		return (struct gw_if_counters){0};
	CU_ASSERT_FATAL(gw_if_get(L.gw, ifx, &i));
	return i.cnt;
}

/* What `show counters` would print, rates left out. */
static void read_counters(struct cnt_view *v)
{
	memset(v, 0, sizeof(*v));
	gw_get_counters(L.gw, &v->c);
	v->if10 = if_cnt(L.bdif10);
	v->if20 = if_cnt(L.bdif20);
	v->up0 = if_cnt(L.up0);
	v->v100 = if_cnt(SUB100);
	v->v200 = if_cnt(SUB200);
	gw_bd_stats_walk(L.gw, bd_row, v);
	gw_peer_stats_walk(L.gw, peer_row, v);
}

static bool same_view(const struct cnt_view *a, const struct cnt_view *b)
{
	bool same = memcmp(&a->c, &b->c, sizeof(a->c)) == 0 &&
	            memcmp(&a->if10, &b->if10, sizeof(a->if10)) == 0 &&
	            memcmp(&a->if20, &b->if20, sizeof(a->if20)) == 0 &&
	            memcmp(&a->up0, &b->up0, sizeof(a->up0)) == 0 &&
	            memcmp(&a->v100, &b->v100, sizeof(a->v100)) == 0 &&
	            memcmp(&a->v200, &b->v200, sizeof(a->v200)) == 0 && a->n_bd == b->n_bd &&
	            a->n_peer == b->n_peer;
	for (unsigned i = 0; same && i < a->n_bd; i++)
		same = memcmp(&a->bd[i], &b->bd[i], sizeof(a->bd[i])) == 0;
	for (unsigned i = 0; same && i < a->n_peer; i++)
		same = memcmp(&a->peer[i], &b->peer[i], sizeof(a->peer[i])) == 0;
	return same;
}

/* An IPv4 list of entries (acl/acl.h's words), numbered 10, 20, ... */
static void acl_list(const char *name, const char *const *lines)
{
	CU_ASSERT_EQUAL_FATAL(lab_acl_set(L.gw, ACL_IP4, name, lines), GW_OK);
}

static uint64_t acl_hits(const char *name, uint32_t i)
{
	return acl_cls_hits(gw_acl_cls(L.gw, ACL_IP4, name), i);
}

/* Frame x through the pipeline, then through the fast path (folded): every counter alike. */
static void same_counters(const struct vxp *x)
{
	struct cnt_view by_pipeline, by_fast;
	gw_clear_counters(L.gw);
	run_pipeline(x, 1);
	read_counters(&by_pipeline);
	gw_clear_counters(L.gw);
	struct gw_fast_cnt *seen = malloc(sizeof(*seen));
	CU_ASSERT_FATAL(seen != NULL);
	memcpy(seen, CNT, sizeof(*seen));
	struct gw_fast w;
	run_fast(&w, F, x, 1, L.now);
	CU_ASSERT_EQUAL(w.n_tx + w.n_punt, 0);
	gw_fast_fold(L.gw, CNT, seen);
	read_counters(&by_fast);
	CU_ASSERT(same_view(&by_pipeline, &by_fast));
	CU_ASSERT_EQUAL(by_fast.c.drops[GW_DROP_ACL_DENY], 1);
	free(seen);
}

/*
 * Access lists: what both lists permit without `log` is forwarded with the pipeline's
 * bytes and counted once on its entries; what one denies is dropped by the fast path,
 * counted as the pipeline counts it (interfaces, bridge domain, peer, acl_deny, entries);
 * what matches a `log` entry is punted, uncounted (the main thread logs it).
 */
static void test_punt_acl(void)
{
	acl_list("OUT",
	         (const char *const[]){"permit udp any any eq 80", "permit udp any any eq 82 log",
	                               "deny ip any any", NULL});
	acl_list("IN", (const char *const[]){"permit ip any any", NULL});
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif20, ACL_IP4, ACL_OUT, "OUT"), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_acl(L.gw, L.bdif10, ACL_IP4, ACL_IN, "IN"), GW_OK);
	snap();
	CU_ASSERT_EQUAL(check_same(&BASE, 1), 1);
	CU_ASSERT_EQUAL(acl_hits("OUT", 0), 2); /* the pipeline's and the fast path's */
	CU_ASSERT_EQUAL(acl_hits("IN", 0), 2);
	uint8_t f[200];
	unsigned n = base_frame(f);
	struct vxp x;
	f[NET_ETH_HLEN + NET_IP_HLEN + 3] = 81;
	vxp_set(&x, H1.vtep, H1.vni, f, n);
	same_counters(&x);
	CU_ASSERT_EQUAL(acl_hits("OUT", 2), 2); /* denied: once by each path */
	CU_ASSERT_EQUAL(acl_hits("IN", 0), 4);
	f[NET_ETH_HLEN + NET_IP_HLEN + 3] = 82;
	CU_ASSERT(punted_frame("a `log` entry", H1.vtep, H1.vni, f, n));
	CU_ASSERT_EQUAL(acl_hits("OUT", 0), 2);
	CU_ASSERT_EQUAL(acl_hits("OUT", 1), 0);
	CU_ASSERT_EQUAL(acl_hits("IN", 0), 4);
	/* denied by the in list: the out list is never asked */
	acl_list("IN", (const char *const[]){"deny ip any any", NULL});
	snap();
	same_counters(&BASE);
	CU_ASSERT_EQUAL(acl_hits("IN", 0), 2); /* a new entry */
	CU_ASSERT_EQUAL(acl_hits("OUT", 0), 2);
	CU_ASSERT(lab_pool_full(&L));
}

/* Through the fast path, sent as a worker sends (tx_underlay), and folded. */
static void fast_and_fold(const struct vxp *x, unsigned n, struct gw_fast_cnt *seen)
{
	struct gw_fast w;
	run_fast(&w, F, x, n, L.now);
	CU_ASSERT_EQUAL(w.n_tx, n);
	CU_ASSERT_EQUAL(w.n_punt, 0);
	CU_ASSERT_EQUAL(CNT->c.rx_underlay - seen->c.rx_underlay, n);
	CNT->c.tx_underlay += w.n_tx;
	fast_release(&w);
	gw_fast_fold(L.gw, CNT, seen);
}

static void test_counters_fold(void)
{
	unsigned n = 0, rx10 = 0, rx20 = 0;
	for (unsigned i = 0; i < 12; i++) {
		const struct host *from = i % 3 == 0 ? &H1 : i % 3 == 1 ? &H2 : &H5;
		const struct host *to = i % 3 == 0 ? &H4 : i % 3 == 1 ? &H5 : &H2;
		vxp_flow(&X[n], from, to->ip, i & 1 ? PROTO_TCP : PROTO_UDP, (uint16_t)i, 9,
		         (uint16_t)(i * 97), 64);
		if (from->vni == 5000)
			rx10 += X[n].len - VX_HDR_LEN;
		else
			rx20 += X[n].len - VX_HDR_LEN;
		n++;
	}
	gw_clear_counters(L.gw);
	run_pipeline(X, n);
	CU_ASSERT_EQUAL(L.n_cap, n);
	struct cnt_view by_pipeline, by_fast, again;
	read_counters(&by_pipeline);
	/* what the pipeline counted, independently */
	CU_ASSERT_EQUAL(by_pipeline.c.rx_underlay, n);
	CU_ASSERT_EQUAL(by_pipeline.c.routed, n);
	CU_ASSERT_EQUAL(by_pipeline.c.tx_underlay, n);
	CU_ASSERT_EQUAL(by_pipeline.if10.rx_pkts + by_pipeline.if20.rx_pkts, n);
	CU_ASSERT_EQUAL(by_pipeline.if10.rx_bytes, rx10);
	CU_ASSERT_EQUAL(by_pipeline.if20.rx_bytes, rx20);
	CU_ASSERT_EQUAL(by_pipeline.n_bd, 2);
	CU_ASSERT_EQUAL(by_pipeline.n_peer, 3);

	gw_clear_counters(L.gw);
	snap();
	struct gw_fast_cnt *seen = calloc(1, sizeof(*seen));
	CU_ASSERT_FATAL(seen != NULL);
	fast_and_fold(X, n, seen);
	read_counters(&by_fast);
	CU_ASSERT(same_view(&by_pipeline, &by_fast));
	CU_ASSERT_EQUAL(by_fast.c.rx_underlay, n);
	CU_ASSERT_EQUAL(by_fast.if10.rx_bytes, rx10);
	/* nothing new: a fold adds nothing */
	gw_fast_fold(L.gw, CNT, seen);
	read_counters(&again);
	CU_ASSERT(same_view(&by_fast, &again));
	/* more traffic: only what moved since the last fold is added */
	fast_and_fold(X, n, seen);
	read_counters(&again);
	CU_ASSERT_EQUAL(again.c.rx_underlay, 2 * n);
	CU_ASSERT_EQUAL(again.c.routed, 2 * n);
	CU_ASSERT_EQUAL(again.if10.rx_bytes, 2 * rx10);
	CU_ASSERT_EQUAL(again.if20.tx_bytes, 2 * by_fast.if20.tx_bytes);
	for (unsigned i = 0; i < again.n_peer && i < by_fast.n_peer; i++)
		CU_ASSERT_EQUAL(again.peer[i].cnt.tx_bytes, 2 * by_fast.peer[i].cnt.tx_bytes);
	/* after clear counters, a fold brings only what came since */
	gw_clear_counters(L.gw);
	gw_fast_fold(L.gw, CNT, seen);
	read_counters(&again);
	CU_ASSERT_EQUAL(again.c.rx_underlay, 0);
	CU_ASSERT_EQUAL(again.n_peer, 0);
	fast_and_fold(X, n, seen);
	read_counters(&again);
	CU_ASSERT(same_view(&by_pipeline, &again));
	free(seen);
}

static uint64_t bd_rx_pkts(uint32_t id)
{
	struct cnt_view v;
	read_counters(&v);
	for (unsigned i = 0; i < v.n_bd; i++)
		if (v.bd[i].bd_id == id)
			return v.bd[i].cnt.rx_pkts;
	return UINT64_MAX;
}

/*
 * A bridge domain deleted and its slot (bdx) taken by a new one: what the workers counted
 * for the old one must not touch the new one's counters, and a fold without traffic
 * changes nothing.
 */
static void test_counters_fold_bd_reused(void)
{
	struct gw_fast_cnt *seen = calloc(1, sizeof(*seen));
	CU_ASSERT_FATAL(seen != NULL);
	struct bd_table *bd = gw_bd(L.gw);
	gw_clear_counters(L.gw);
	snap();
	fast_and_fold(&BASE, 1, seen);
	uint32_t bdx20 = bd_index(bd, 20);
	CU_ASSERT_EQUAL(bd_rx_pkts(10), 1);
	gw_fwd_free(F);
	F = NULL; /* as a worker between snapshots: its counters stay */
	CU_ASSERT_EQUAL(bd_del(bd, 20), 0);
	CU_ASSERT_FATAL(bd_add(bd, 50) == 0 && bd_set_vni(bd, 50, 9000) == 0 &&
	                bd_flood_peer_add(bd, 50, LAB_VTEP13) == 0);
	CU_ASSERT_EQUAL(bd_index(bd, 50), bdx20);
	/* the main thread counts a frame into bridge domain 50 */
	uint8_t f[200];
	unsigned n = base_frame(f);
	lab_from_vtep(&L, LAB_VTEP13, 9000, f, n);
	CU_ASSERT_EQUAL(bd_rx_pkts(50), 1);
	gw_fast_fold(L.gw, CNT, seen);
	CU_ASSERT_EQUAL(bd_rx_pkts(50), 1);
	CU_ASSERT_EQUAL(bd_rx_pkts(10), 1);
	free(seen);
}

/* ---------------------------------------------------------------- 6. ring */

#define P(i) ((void *)(uintptr_t)(i))

static void test_ring_basic(void)
{
	CU_ASSERT_PTR_NULL(gw_ring_create(0));
	CU_ASSERT_PTR_NULL(gw_ring_create(1));
	CU_ASSERT_PTR_NULL(gw_ring_create(12));
	struct gw_ring *r = gw_ring_create(8);
	CU_ASSERT_FATAL(r != NULL);
	void *out[16];
	CU_ASSERT_EQUAL(gw_ring_pop(r, out, 16), 0);
	/* all 8 slots hold an entry: the free-running indexes tell full from empty */
	for (uintptr_t i = 1; i <= 8; i++)
		CU_ASSERT(gw_ring_push(r, P(i)));
	CU_ASSERT(!gw_ring_push(r, P(9)));
	CU_ASSERT_EQUAL(gw_ring_pop(r, out, 3), 3);
	CU_ASSERT(out[0] == P(1) && out[1] == P(2) && out[2] == P(3));
	for (uintptr_t i = 9; i <= 11; i++)
		CU_ASSERT(gw_ring_push(r, P(i)));
	CU_ASSERT(!gw_ring_push(r, P(12)));
	CU_ASSERT_EQUAL(gw_ring_pop(r, out, 16), 8);
	for (unsigned i = 0; i < 8; i++)
		CU_ASSERT(out[i] == P(4 + i));
	CU_ASSERT_EQUAL(gw_ring_pop(r, out, 16), 0);
	CU_ASSERT(gw_ring_push(r, P(100)));
	CU_ASSERT_EQUAL(gw_ring_pop(r, out, 0), 0); /* max 0 takes nothing */
	CU_ASSERT_EQUAL(gw_ring_pop(r, out, 16), 1);
	CU_ASSERT(out[0] == P(100));

	/* many cycles of every fill level: order kept across the wrap of the slots */
	uintptr_t next_in = 1, next_out = 1;
	bool order = true;
	for (unsigned cycle = 0; cycle < 1000; cycle++) {
		unsigned k = cycle % 9;
		for (unsigned i = 0; i < k; i++)
			order &= gw_ring_push(r, P(next_in++));
		unsigned got = gw_ring_pop(r, out, 16);
		order &= got == k;
		for (unsigned i = 0; i < got; i++)
			order &= out[i] == P(next_out++);
	}
	CU_ASSERT(order);

	/* and across the wrap of the 32-bit indexes themselves */
	atomic_store(&r->head, UINT32_MAX - 5);
	atomic_store(&r->tail, UINT32_MAX - 5);
	CU_ASSERT_EQUAL(gw_ring_pop(r, out, 16), 0);
	order = true;
	for (uintptr_t i = 1; i <= 8; i++)
		order &= gw_ring_push(r, P(i));
	order &= !gw_ring_push(r, P(9));
	order &= gw_ring_pop(r, out, 5) == 5;
	for (uintptr_t i = 9; i <= 13; i++)
		order &= gw_ring_push(r, P(i));
	order &= !gw_ring_push(r, P(14));
	order &= gw_ring_pop(r, out + 5, 16) == 8;
	for (unsigned i = 0; i < 13; i++)
		order &= out[i] == P(i + 1);
	CU_ASSERT(order);
	CU_ASSERT(atomic_load(&r->head) < 16); /* it did wrap */
	gw_ring_destroy(r);
}

#define STRESS_N       1000000u
#define STRESS_SECONDS 20

struct stress {
	struct gw_ring *r;
	time_t deadline; /* a hang fails the test instead of blocking it */
};

static void *stress_producer(void *arg)
{
	struct stress *s = arg;
	for (uintptr_t i = 1; i <= STRESS_N; i++) {
		while (!gw_ring_push(s->r, P(i)))
			if (time(NULL) > s->deadline)
				return NULL;
	}
	return NULL;
}

/* Producer and consumer on two threads: every pointer arrives once, in order. */
static void test_ring_threads(void)
{
	struct stress s = {.r = gw_ring_create(256), .deadline = time(NULL) + STRESS_SECONDS};
	CU_ASSERT_FATAL(s.r != NULL);
	pthread_t th;
	CU_ASSERT_FATAL(pthread_create(&th, NULL, stress_producer, &s) == 0);
	void *out[64];
	uintptr_t expect = 1;
	bool order = true;
	while (expect <= STRESS_N && time(NULL) <= s.deadline) {
		unsigned n = gw_ring_pop(s.r, out, 64);
		for (unsigned i = 0; i < n; i++)
			order &= out[i] == P(expect++);
	}
	pthread_join(th, NULL);
	CU_ASSERT(order);
	CU_ASSERT_EQUAL(expect, STRESS_N + 1);
	CU_ASSERT_EQUAL(gw_ring_pop(s.r, out, 64), 0);
	gw_ring_destroy(s.r);
}

/* ---------------------------------------------------------------- 7. uplinks */

/*
 * The lab's up0 (203.0.113.2/30, the router R at .1, a network beyond R by a static route)
 * and two 802.1Q sub-interfaces of its netdev: up0.100 (VLAN 100, up0's MAC) and up0.200
 * (VLAN 200, a MAC of its own), a host on each. Every neighbour is learned the way the
 * pipeline learns it, and the worker has a socket on up0 (SOCKETS).
 */
#define IP_FARNET 0x64400000u /* 100.64.0.0/10 via R */
#define IP_FAR    0x64400101u /* 100.64.1.1 */
#define IP_V100GW 0xc6126401u /* 198.18.100.1 on up0.100 */
#define IP_V100H  0xc612640au
#define IP_V200GW 0xc612c801u /* 198.18.200.1 on up0.200 */
#define IP_V200H  0xc612c80au

/* A host on up0's netdev: what it puts in the frames it sends. */
struct uphost {
	uint32_t ip;
	const uint8_t *mac;
	uint16_t vlan; /* the VLAN of its (sub-)interface, 0: untagged (up0) */
};

static const uint8_t MAC200[6] = {2, 0, 0, 0, 0x99, 0x20}; /* up0.200's own */
static const uint8_t MAC_V100H[6] = {2, 0, 0, 0x10, 1, 0x0a};
static const uint8_t MAC_V200H[6] = {2, 0, 0, 0x20, 1, 0x0a};

static const struct uphost R = {LAB_UPNH, lab_upnh_mac, 0};
static const struct uphost FAR = {IP_FAR, lab_upnh_mac, 0}; /* beyond R: R's MAC */
static const struct uphost V1 = {IP_V100H, MAC_V100H, 100};
static const struct uphost V2 = {IP_V200H, MAC_V200H, 200};

/* A frame as up0's netdev delivers it, 802.1Q tag included. */
struct upf {
	unsigned len;
	uint8_t b[GW_PKT_DATA];
};

static struct upf U[LAB_CAP_MAX];

static const uint8_t *up_mac(uint16_t vlan)
{
	return vlan == 200 ? MAC200 : lab_up0_mac;
}

/* Sets the VLAN id of the tagged frame f, keeping the priority bits. */
static void set_vid(uint8_t *f, uint16_t vid)
{
	f[14] = (uint8_t)((f[14] & 0xf0) | vid >> 8), f[15] = (uint8_t)vid;
}

/* A frame from uplink host `from` to dst through its interface, as frame_l4 builds one for
 * a host behind a VTEP (padded untagged, then tagged with the host's VLAN). */
static void upf_flow(struct upf *u, const struct uphost *from, uint32_t dst, uint8_t proto,
                     uint16_t sport, uint16_t dport, uint16_t plen, uint8_t ttl)
{
	struct host h = {.ip = from->ip};
	memcpy(h.mac, from->mac, 6);
	u->len = frame_l4(u->b, &h, dst, proto, sport, dport, plen, ttl);
	memcpy(u->b, up_mac(from->vlan), 6); /* to its interface, not to a BDIF */
	if (from->vlan)
		u->len = lab_tag_frame(u->b, u->len, from->vlan);
}

/* The IPv4 header of frame b, tagged or not. */
static const uint8_t *frame_ip(const uint8_t *b)
{
	return b + (lab_rd16(b + 12) == 0x8100 ? 18 : 14);
}

/* Makes an uplink host known as the pipeline learns it: its ARP request for gw_ip. */
static void learn_up(const struct uphost *h, uint32_t gw_ip)
{
	uint8_t f[80];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, h->mac, h->ip, NULL, gw_ip);
	if (h->vlan)
		n = lab_tag_frame(f, n, h->vlan);
	lab_reset_capture(&L);
	lab_from_uplink(&L, L.up0, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 1); /* answered, so learned */
	lab_reset_capture(&L);
}

static void setup_uplinks(void)
{
	setup_hosts();
	struct gw *gw = L.gw;
	CU_ASSERT_FATAL(gw_eth_add(gw, "up0.100", lab_up0_mac, &SUB100) == GW_OK &&
	                gw_if_set_dot1q(gw, SUB100, 100) == GW_OK &&
	                gw_if_addr_add(gw, SUB100, IP_V100GW, 24) == GW_OK);
	CU_ASSERT_FATAL(gw_eth_add(gw, "up0.200", MAC200, &SUB200) == GW_OK &&
	                gw_if_set_dot1q(gw, SUB200, 200) == GW_OK &&
	                gw_if_addr_add(gw, SUB200, IP_V200GW, 24) == GW_OK);
	struct fib_nh nh = {.kind = FIB_NH_IP, .ip = R.ip};
	CU_ASSERT_FATAL(fib_route_add(gw_fib(gw), IP_FARNET, 10, &nh) == 0);
	learn_up(&R, LAB_UP);
	learn_up(&V1, IP_V100GW);
	learn_up(&V2, IP_V200GW);
	SOCKETS[0] = "up0";
}

/* The pipeline over frames u[0..n) received on up0's netdev, in one vector. */
static void run_pipeline_eth(const struct upf *u, unsigned n)
{
	struct gw_pkt *pk[GW_VEC_MAX];
	for (unsigned i = 0; i < n; i++)
		pk[i] = mk_pkt(0, 0, u[i].b, u[i].len);
	lab_reset_capture(&L);
	gw_input_eth(L.gw, L.up0, pk, n);
}

/* The fast path over frames u[0..n) from the worker's socket on `netdev`, in one vector. */
static void run_fast_eth(struct gw_fast *w, const char *netdev, const struct upf *u, unsigned n)
{
	struct gw_pkt *pk[GW_VEC_MAX];
	uint16_t port = port_by_name(F, netdev);
	for (unsigned i = 0; i < n; i++) {
		pk[i] = mk_pkt(0, 0, u[i].b, u[i].len);
		pk[i]->rx_ifx = F->cfg->ports[port].any_ifx; /* as the worker sets it */
	}
	worker_init(w, F, L.now);
	gw_fast_eth(w, F, port, pk, n);
}

/*
 * What the fast path sent (w) against what the pipeline sent for the same input (L.cap):
 * frame for frame, to the same VTEP or out of the same uplink interface. Each path keeps
 * input order within its underlay and its uplink outputs. Returns how many matched.
 */
static unsigned same_outputs(const struct gw_fast *w)
{
	unsigned same = 0, t = 0, e = 0;
	for (unsigned i = 0; i < L.n_cap; i++) {
		const struct lab_frame *c = &L.cap[i];
		const struct gw_pkt *p = NULL;
		if (c->ifx && e < w->n_tx_eth)
			p = w->tx_eth[e++];
		else if (!c->ifx && t < w->n_tx)
			p = w->tx[t++];
		bool ok = p && p->len == c->len && memcmp(p->data, c->bytes, c->len) == 0 &&
		          (c->ifx ? p->tx_ifx == c->ifx : p->outer_dst == c->outer_dst);
		if (!ok)
			fprintf(stderr,
			        "\n  output %u: pipeline %u bytes to %s %08x, fast path %u\n", i,
			        c->len, c->ifx ? "ifx" : "VTEP", c->ifx ? c->ifx : c->outer_dst,
			        p ? p->len : 0);
		same += ok;
	}
	return same;
}

/* Frames u[0..n) on up0's netdev through both paths: the fast path forwards them all, as
 * the pipeline does. Returns how many matched. */
static unsigned check_same_eth(const struct upf *u, unsigned n)
{
	struct gw_fast w;
	CU_ASSERT_FATAL(n <= LAB_CAP_MAX);
	run_pipeline_eth(u, n);
	CU_ASSERT_EQUAL(L.n_cap, n);
	run_fast_eth(&w, "up0", u, n);
	CU_ASSERT_EQUAL(w.n_punt, 0);
	CU_ASSERT_EQUAL(w.n_tx + w.n_tx_eth, n);
	unsigned same = same_outputs(&w);
	CU_ASSERT_EQUAL(same, n);
	fast_release(&w);
	return same;
}

/* The same for VXLAN packets x[0..n) from the underlay, to uplinks and BDIFs. */
static unsigned check_same_vx(const struct vxp *x, unsigned n)
{
	struct gw_fast w;
	CU_ASSERT_FATAL(n <= LAB_CAP_MAX);
	run_pipeline(x, n);
	CU_ASSERT_EQUAL(L.n_cap, n);
	run_fast(&w, F, x, n, L.now);
	CU_ASSERT_EQUAL(w.n_punt, 0);
	CU_ASSERT_EQUAL(w.n_tx + w.n_tx_eth, n);
	unsigned same = same_outputs(&w);
	CU_ASSERT_EQUAL(same, n);
	fast_release(&w);
	return same;
}

/* Checks captured uplink frame c: out of ifx, from its MAC to dst, with 802.1Q tag vlan (0:
 * none), an IPv4 packet with TTL ttl and a good checksum. */
static void expect_up(const struct lab_frame *c, uint16_t ifx, const uint8_t *dst, uint16_t vlan,
                      uint8_t ttl)
{
	unsigned hl = vlan ? 18 : 14;
	CU_ASSERT_EQUAL(c->ifx, ifx);
	CU_ASSERT_EQUAL(memcmp(c->bytes, dst, 6), 0);
	CU_ASSERT_EQUAL(memcmp(c->bytes + 6, up_mac(vlan), 6), 0);
	if (vlan)
		CU_ASSERT_EQUAL(lab_rd32(c->bytes + 12), 0x81000000u | vlan); /* PCP 0 */
	CU_ASSERT_EQUAL(lab_rd16(c->bytes + hl - 2), 0x0800);
	CU_ASSERT_EQUAL(c->len, hl + lab_rd16(c->bytes + hl + 2)); /* no padding, no tag left */
	CU_ASSERT_EQUAL(c->bytes[hl + 8], ttl);
	CU_ASSERT_EQUAL(net_csum(c->bytes + hl, 20), 0);
}

/* (a) up0 -> BDIFs, (c) up0.100 <-> up0.200, sub-interfaces -> BDIFs and up0, up0 -> a
 * sub-interface; priority bits and priority tags. */
static void test_up_equiv_from_uplink(void)
{
	snap();
	unsigned n = 0;
	upf_flow(&U[n++], &FAR, H1.ip, PROTO_ICMP, 0, 0, 56, 64); /* 0 */
	upf_flow(&U[n++], &FAR, H2.ip, PROTO_TCP, 443, 40000, 1460, 60);
	upf_flow(&U[n++], &R, H4.ip, PROTO_UDP, 53, 5353, 2, 64);  /* padded */
	upf_flow(&U[n++], &FAR, H5.ip, PROTO_ICMP, 0, 0, 1472, 2); /* bdif10's MTU, TTL 2 */
	upf_flow(&U[n++], &V1, V2.ip, PROTO_ICMP, 0, 0, 0, 64);    /* 4: retagged */
	upf_flow(&U[n++], &V1, V2.ip, PROTO_TCP, 80, 1000, 1000, 64);
	upf_flow(&U[n++], &V1, IP_FAR, PROTO_UDP, 4000, 53, 100, 64); /* 6: untagged out */
	upf_flow(&U[n++], &V1, H1.ip, PROTO_UDP, 1, 2, 300, 64);      /* 7: into VXLAN */
	upf_flow(&U[n++], &V2, V1.ip, PROTO_UDP, 9, 9, 2, 33);        /* padded, tagged */
	upf_flow(&U[n++], &V2, H2.ip, PROTO_ICMP, 0, 0, 1472, 64);    /* 1514 + the tag */
	upf_flow(&U[n++], &FAR, V2.ip, PROTO_TCP, 22, 2222, 10, 64);  /* 10: tagged out */
	upf_flow(&U[n], &V1, V2.ip, PROTO_UDP, 7, 7, 20, 64);
	U[n++].b[14] |= 0xb0; /* 11: PCP 5 and DEI: not the VLAN, not copied out */
	upf_flow(&U[n], &FAR, H1.ip, PROTO_UDP, 7, 7, 20, 64);
	U[n].len = lab_tag_frame(U[n].b, U[n].len, 0xe000); /* 12: priority-tagged: up0's */
	n++;
	upf_flow(&U[n++], &R, IP_FAR, PROTO_UDP, 5, 6, 40, 64); /* back out of up0 */
	CU_ASSERT_EQUAL(check_same_eth(U, n), n);

	/* spot checks of the reference, one frame at a time */
	run_pipeline_eth(&U[0], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_to(&L.cap[0], H1.vtep, H1.mac, 5000);
	CU_ASSERT_EQUAL(L.cap[0].len, 36 + U[0].len);
	run_pipeline_eth(&U[4], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], SUB200, V2.mac, 200, 63);
	run_pipeline_eth(&U[6], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], L.up0, R.mac, 0, 63);
	CU_ASSERT_EQUAL(L.cap[0].len, U[6].len - 4);
	run_pipeline_eth(&U[7], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_to(&L.cap[0], H1.vtep, H1.mac, 5000);
	CU_ASSERT_EQUAL(L.cap[0].len, 36 + U[7].len - 4); /* the tag stays on the uplink */
	run_pipeline_eth(&U[8], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], SUB100, V1.mac, 100, 32);
	run_pipeline_eth(&U[10], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], SUB200, V2.mac, 200, 63);
	run_pipeline_eth(&U[11], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], SUB200, V2.mac, 200, 63);
	run_pipeline_eth(&U[12], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_to(&L.cap[0], H1.vtep, H1.mac, 5000);

	/* one at a time too */
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT_EQUAL(check_same_eth(&U[i], 1), 1);
}

/* (b) BDIFs -> up0 by the static route via R and to R itself, (d) -> sub-interfaces, in one
 * vector with traffic between BDIFs. */
static void test_up_equiv_to_uplink(void)
{
	snap();
	unsigned n = 0;
	vxp_flow(&X[n++], &H1, IP_FAR, PROTO_ICMP, 0, 0, 56, 64); /* 0 */
	vxp_flow(&X[n++], &H2, IP_FAR | 0x7700, PROTO_TCP, 40000, 443, 1460, 64);
	vxp_flow(&X[n++], &H1, R.ip, PROTO_UDP, 1, 2, 2, 64);       /* 2: connected, padded */
	vxp_flow(&X[n++], &H4, IP_FAR, PROTO_ICMP, 0, 0, 1472, 2);  /* up0's MTU, TTL 2 */
	vxp_flow(&X[n++], &H1, V1.ip, PROTO_UDP, 5000, 53, 40, 64); /* 4: tagged 100 */
	vxp_flow(&X[n++], &H5, V2.ip, PROTO_TCP, 1, 2, 0, 64);
	vxp_flow(&X[n++], &H2, V2.ip, PROTO_ICMP, 0, 0, 1472, 64); /* 6: 1514 + the tag */
	vxp_flow(&X[n++], &H1, H2.ip, PROTO_UDP, 3, 4, 10, 64);    /* BDIF to BDIF */
	vxp_flow(&X[n++], &H4, V1.ip, PROTO_UDP, 3, 4, 10, 64);
	CU_ASSERT_EQUAL(check_same_vx(X, n), n);

	run_pipeline(&X[0], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], L.up0, R.mac, 0, 63);
	run_pipeline(&X[2], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], L.up0, R.mac, 0, 63);
	run_pipeline(&X[3], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], L.up0, R.mac, 0, 1);
	CU_ASSERT_EQUAL(L.cap[0].len, 1514);
	run_pipeline(&X[4], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], SUB100, V1.mac, 100, 63);
	run_pipeline(&X[6], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	expect_up(&L.cap[0], SUB200, V2.mac, 200, 63);
	CU_ASSERT_EQUAL(L.cap[0].len, 1518);

	for (unsigned i = 0; i < n; i++)
		CU_ASSERT_EQUAL(check_same_vx(&X[i], 1), 1);
}

/* Frame b (len bytes) received on netdev `port` must be punted as received (buffer
 * position, bytes, the worker's rx_ifx), nothing sent and nothing counted. */
static bool up_punted_port(const char *what, uint16_t port, const uint8_t *b, unsigned len)
{
	struct gw_pkt *p = mk_pkt(0, 0, b, len);
	const uint8_t *data = p->data;
	uint16_t any = F->cfg->ports[port].any_ifx;
	uint64_t rx = CNT->c.rx_eth, routed = CNT->c.routed, tx = CNT->c.tx_eth;
	p->rx_ifx = any;
	struct gw_fast w;
	worker_init(&w, F, L.now);
	gw_fast_eth(&w, F, port, &p, 1);
	bool ok = w.n_tx == 0 && w.n_tx_eth == 0 && w.n_punt == 1 && w.punt[0] == p &&
	          p->data == data && p->len == len && memcmp(p->data, b, len) == 0 &&
	          p->rx_ifx == any && CNT->c.rx_eth == rx && CNT->c.routed == routed &&
	          CNT->c.tx_eth == tx;
	if (!ok)
		fprintf(stderr, "\n  not punted as received: %s (tx %u, tx_eth %u, punt %u)\n",
		        what, w.n_tx, w.n_tx_eth, w.n_punt);
	fast_release(&w);
	return ok;
}

static bool up_punted(const char *what, const struct upf *u)
{
	return up_punted_port(what, port_by_name(F, "up0"), u->b, u->len);
}

static bool up_punted_frame(const char *what, const uint8_t *f, unsigned n)
{
	return up_punted_port(what, port_by_name(F, "up0"), f, n);
}

/* Frame u from netdev `netdev` is forwarded by the fast path (the control of a punt case). */
static bool up_forwarded_on(const char *netdev, const struct upf *u)
{
	struct gw_fast w;
	run_fast_eth(&w, netdev, u, 1);
	bool ok = w.n_tx + w.n_tx_eth == 1 && w.n_punt == 0;
	fast_release(&w);
	return ok;
}

static bool up_forwarded(const struct upf *u)
{
	return up_forwarded_on("up0", u);
}

/* VXLAN packet x is sent out of an uplink by the fast path. */
static bool forwarded_up(const struct vxp *x)
{
	struct gw_fast w;
	run_fast(&w, F, x, 1, L.now);
	bool ok = w.n_tx_eth == 1 && w.n_tx == 0 && w.n_punt == 0;
	fast_release(&w);
	return ok;
}

/* A copy of frame u to change; its length. */
static unsigned upf_copy(uint8_t *f, const struct upf *u)
{
	memcpy(f, u->b, u->len);
	return u->len;
}

/* The L2 stage: VLANs, MACs, ethertypes, interface state. */
static void test_up_punt_l2(void)
{
	snap();
	struct upf tagged, untagged;
	upf_flow(&tagged, &V1, H1.ip, PROTO_UDP, 1234, 80, 64, 64);
	upf_flow(&untagged, &FAR, H1.ip, PROTO_UDP, 1234, 80, 64, 64);
	CU_ASSERT_FATAL(up_forwarded(&tagged));
	CU_ASSERT_FATAL(up_forwarded(&untagged));
	uint8_t f[200];
	unsigned n;

	n = upf_copy(f, &tagged);
	set_vid(f, 300);
	CU_ASSERT(up_punted_frame("unknown VLAN", f, n));
	set_vid(f, 4095);
	CU_ASSERT(up_punted_frame("VLAN 4095", f, n));
	n = upf_copy(f, &tagged);
	f[12] = 0x88, f[13] = 0xa8;
	CU_ASSERT(up_punted_frame("802.1ad outer tag", f, n));
	n = upf_copy(f, &tagged);
	n = lab_tag_frame(f, n, 100); /* VLAN 100 outside, 100 inside */
	CU_ASSERT(up_punted_frame("QinQ", f, n));

	n = upf_copy(f, &tagged);
	f[5] ^= 0x55;
	CU_ASSERT(up_punted_frame("to another MAC", f, n));
	upf_flow(&U[0], &V2, H1.ip, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT_FATAL(up_forwarded(&U[0]));
	memcpy(U[0].b, lab_up0_mac, 6);
	CU_ASSERT(up_punted("VLAN 200 to the netdev's MAC, not up0.200's", &U[0]));
	n = upf_copy(f, &untagged);
	memcpy(f, MAC200, 6);
	CU_ASSERT(up_punted_frame("untagged to up0.200's MAC", f, n));
	memset(f, 0xff, 6);
	CU_ASSERT(up_punted_frame("broadcast IPv4", f, n));
	n = upf_copy(f, &untagged);
	f[6] |= 1;
	CU_ASSERT(up_punted_frame("multicast source MAC", f, n));
	memset(f + 6, 0, 6);
	CU_ASSERT(up_punted_frame("zero source MAC", f, n));

	n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, R.mac, R.ip, NULL, LAB_UP);
	CU_ASSERT(up_punted_frame("broadcast ARP", f, n));
	n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, V1.mac, V1.ip, NULL, IP_V100GW);
	CU_ASSERT(up_punted_frame("broadcast ARP in VLAN 100", f, lab_tag_frame(f, n, 100)));
	n = lab_arp_frame(f, ARP_OP_REPLY, lab_up0_mac, R.mac, R.ip, lab_up0_mac, LAB_UP);
	CU_ASSERT(up_punted_frame("ARP to up0's MAC", f, n));
	n = upf_copy(f, &untagged);
	f[12] = 0x86, f[13] = 0xdd;
	CU_ASSERT(up_punted_frame("IPv6", f, n));
	n = upf_copy(f, &tagged);
	f[16] = 0x86, f[17] = 0xdd;
	CU_ASSERT(up_punted_frame("IPv6 in VLAN 100", f, n));

	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, SUB100, false), GW_OK);
	snap();
	CU_ASSERT(up_punted("sub-interface shut down", &tagged));
	CU_ASSERT(up_forwarded(&untagged));
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, SUB100, true), GW_OK);
	snap();
	CU_ASSERT_FATAL(up_forwarded(&tagged));
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, SUB100, 0), GW_OK);
	snap();
	CU_ASSERT(up_punted("sub-interface without encapsulation", &tagged));
	CU_ASSERT_EQUAL(gw_if_set_dot1q(L.gw, SUB100, 100), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, L.up0, false), GW_OK);
	snap();
	CU_ASSERT(up_punted("main interface shut down", &untagged));
	CU_ASSERT(up_forwarded(&tagged));
}

/*
 * Another netdev, up1, with one sub-interface and no main interface: up1.300 (VLAN 300,
 * 198.18.30.1/24, a MAC of its own) and a host V3 on it. Returns up1.300's ifx.
 */
#define IP_V300H 0xc6121e0au
static const uint8_t MAC_UP1[6] = {2, 0, 0, 0, 0x98, 1};
static const uint8_t MAC_V300H[6] = {2, 0, 0, 0x30, 1, 0x0a};

static uint16_t add_up1(void)
{
	uint16_t s300;
	CU_ASSERT_FATAL(gw_eth_add(L.gw, "up1.300", MAC_UP1, &s300) == GW_OK &&
	                gw_if_set_dot1q(L.gw, s300, 300) == GW_OK &&
	                gw_if_addr_add(L.gw, s300, 0xc6121e01u, 24) == GW_OK);
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), s300, IP_V300H, MAC_V300H), 0);
	return s300;
}

/* A netdev with sub-interfaces only, an unknown netdev, and frames cut short. */
static void test_up_punt_netdev(void)
{
	add_up1();
	snap();
	uint16_t up1 = port_by_name(F, "up1");
	CU_ASSERT_FATAL(up1 != 0 && up1 != port_by_name(F, "up0"));
	CU_ASSERT_EQUAL(F->cfg->ports[up1].untagged, 0);
	struct upf u;
	const struct uphost v3 = {IP_V300H, MAC_V300H, 300};
	upf_flow(&u, &v3, H1.ip, PROTO_UDP, 1, 2, 8, 64);
	memcpy(u.b, MAC_UP1, 6); /* to up1.300 */
	CU_ASSERT_FATAL(up_forwarded_on("up1", &u));
	uint8_t f[200]; /* the same frame untagged */
	unsigned n = u.len - NET_VLAN_HLEN;
	memcpy(f, u.b, 12);
	memcpy(f + 12, u.b + 16, n - 12);
	CU_ASSERT(up_punted_port("untagged, no main interface", up1, f, n));
	CU_ASSERT(up_punted_port("port 0 (netdev not in the snapshot)", 0, u.b, u.len));

	/* up0's control frame, cut: shorter than the tag, the header, anything */
	upf_flow(&u, &V1, H1.ip, PROTO_UDP, 1234, 80, 64, 64);
	CU_ASSERT_FATAL(up_forwarded(&u));
	static const unsigned cut[] = {0, 1, 13, 14, 17, 18, 37};
	for (unsigned i = 0; i < sizeof(cut) / sizeof(cut[0]); i++)
		CU_ASSERT(up_punted_frame("frame cut short", u.b, cut[i]));
}

/* The IPv4 and routing stages of frames from the uplink. */
static void test_up_punt_ip(void)
{
	snap();
	struct upf base, u;
	upf_flow(&base, &V1, H1.ip, PROTO_UDP, 1234, 80, 64, 64);
	CU_ASSERT_FATAL(up_forwarded(&base));
	uint8_t *ip = u.b + 18;
	u = base;
	ip[10] ^= 0x5a;
	CU_ASSERT(up_punted("bad IPv4 checksum", &u));
	u = base;
	ip[8] = 1;
	ip_fix_csum(ip);
	CU_ASSERT(up_punted("TTL 1", &u));
	ip[8] = 0;
	ip_fix_csum(ip);
	CU_ASSERT(up_punted("TTL 0", &u));
	upf_flow(&u, &V1, IP_V100GW, PROTO_ICMP, 0, 0, 8, 64);
	CU_ASSERT(up_punted("to the sub-interface's address", &u));
	upf_flow(&u, &FAR, LAB_UP, PROTO_ICMP, 0, 0, 8, 64);
	CU_ASSERT(up_punted("to up0's address", &u));
	upf_flow(&u, &V1, LAB_GW10, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(up_punted("to a BDIF's address", &u));
	upf_flow(&u, &V1, 0xc612c8ffu, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(up_punted("subnet broadcast of up0.200", &u));
	upf_flow(&u, &V1, IP_EXT, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(up_punted("no route", &u));
	upf_flow(&u, &V1, IP_UNRES, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(up_punted("neighbour unresolved", &u));
	upf_flow(&u, &V1, 0xc612c863u, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT(up_punted("neighbour unresolved on a sub-interface", &u));
	gw_debug_set(L.gw, GW_DEBUG_IP, true);
	snap();
	CU_ASSERT(up_punted("debug on", &base));
}

/* The egress: no socket of this worker on its netdev, MTU, interface down. */
static void test_up_punt_egress(void)
{
	uint16_t s300 = add_up1();
	snap();
	/* to up1.300: forwarded while the worker has a socket on up1 too, as the pipeline */
	struct upf u;
	struct vxp x;
	upf_flow(&u, &V1, IP_V300H, PROTO_UDP, 1, 2, 8, 64);
	vxp_flow(&x, &H1, IP_V300H, PROTO_UDP, 1, 2, 8, 64);
	SOCKETS[1] = "up1";
	CU_ASSERT_EQUAL(check_same_eth(&u, 1), 1);
	CU_ASSERT_EQUAL(check_same_vx(&x, 1), 1);
	run_pipeline(&x, 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].ifx, s300);
	CU_ASSERT_EQUAL(lab_rd32(L.cap[0].bytes + 12), 0x8100012cu);
	SOCKETS[1] = NULL;
	CU_ASSERT(up_punted("egress netdev without a socket of this worker", &u));
	CU_ASSERT(punted("egress netdev without a socket of this worker (underlay)", &x));
	vxp_flow(&x, &H1, IP_FAR, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT_FATAL(forwarded_up(&x));
	SOCKETS[0] = NULL;
	CU_ASSERT(punted("no socket at all", &x));
	SOCKETS[0] = "up0";

	/* up0.200's IP MTU 1000: the tag is extra on the wire */
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, SUB200, 1000), GW_OK);
	snap();
	upf_flow(&u, &V1, V2.ip, PROTO_ICMP, 0, 0, 1000 - 28, 64);
	CU_ASSERT_EQUAL(check_same_eth(&u, 1), 1);
	CU_ASSERT_EQUAL(L.cap[0].len, 1018);
	upf_flow(&u, &V1, V2.ip, PROTO_ICMP, 0, 0, 1000 - 27, 64);
	CU_ASSERT(up_punted("larger than the egress MTU (DF)", &u));
	set_frag(u.b + NET_VLAN_HLEN, 0); /* its IPv4 header is past the tag */
	CU_ASSERT(up_punted("larger than the egress MTU (fragment)", &u));
	vxp_flow(&x, &H1, V2.ip, PROTO_ICMP, 0, 0, 1000 - 27, 64);
	CU_ASSERT(punted("larger than the egress MTU (underlay)", &x));
	vxp_flow(&x, &H1, V2.ip, PROTO_ICMP, 0, 0, 1000 - 28, 64);
	CU_ASSERT(forwarded_up(&x));

	/* V2 static: shutting up0.200 then only takes the interface down */
	CU_ASSERT_EQUAL(arp_static_add(gw_arp(L.gw), SUB200, V2.ip, V2.mac), 0);
	snap();
	upf_flow(&u, &V1, V2.ip, PROTO_UDP, 1, 2, 8, 64);
	CU_ASSERT_FATAL(forwarded_up(&x) && up_forwarded(&u));
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, SUB200, false), GW_OK);
	snap();
	CU_ASSERT(punted("egress sub-interface shut down", &x));
	CU_ASSERT(up_punted("egress sub-interface shut down (from up0.100)", &u));
}

/* Punts and forwards from the uplink in one vector. */
static void test_up_punt_mixed_vector(void)
{
	snap();
	unsigned n = 0;
	bool fwd[LAB_CAP_MAX];
	for (unsigned i = 0; i < 20; i++) {
		switch (i % 4) {
		case 0:
			upf_flow(&U[n], &V1, V2.ip, PROTO_UDP, (uint16_t)i, 7, (uint16_t)i, 64);
			break;
		case 1: /* punted at L2 */
			upf_flow(&U[n], &V1, V2.ip, PROTO_UDP, (uint16_t)i, 7, 8, 64);
			set_vid(U[n].b, 300);
			break;
		case 2: /* punted at routing */
			upf_flow(&U[n], &FAR, IP_UNRES, PROTO_UDP, (uint16_t)i, 7, 8, 64);
			break;
		default:
			upf_flow(&U[n], &FAR, H4.ip, PROTO_TCP, (uint16_t)i, 7, (uint16_t)(i * 5),
			         64);
			break;
		}
		fwd[n++] = i % 4 == 0 || i % 4 == 3;
	}
	struct gw_fast w;
	run_fast_eth(&w, "up0", U, n);
	CU_ASSERT_EQUAL_FATAL(w.n_tx, 5);
	CU_ASSERT_EQUAL_FATAL(w.n_tx_eth, 5);
	CU_ASSERT_EQUAL_FATAL(w.n_punt, 10);
	/* forwards in input order, each as the pipeline sends it alone */
	unsigned t = 0, e = 0, matched = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!fwd[i])
			continue;
		run_pipeline_eth(&U[i], 1);
		CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
		const struct gw_pkt *p = L.cap[0].ifx ? w.tx_eth[e++] : w.tx[t++];
		CU_ASSERT_EQUAL(p->len, L.cap[0].len);
		CU_ASSERT_EQUAL(memcmp(p->data, L.cap[0].bytes, L.cap[0].len), 0);
	}
	/* punts: each one of the others, untouched (frames differ by their source port) */
	for (unsigned k = 0; k < w.n_punt; k++) {
		const struct gw_pkt *q = w.punt[k];
		for (unsigned i = 0; i < n; i++) {
			if (fwd[i] || q->len != U[i].len || memcmp(q->data, U[i].b, U[i].len) != 0)
				continue;
			matched += gw_pkt_headroom(q) == GW_PKT_HEADROOM;
			break;
		}
	}
	CU_ASSERT_EQUAL(matched, 10);
	fast_release(&w);
}

/* Frames through the fast path, sent as a worker sends them (it counts tx_underlay), and
 * folded. */
static void fast_fold_up(const struct upf *u, unsigned nu, const struct vxp *x, unsigned nx,
                         struct gw_fast_cnt *seen)
{
	struct gw_fast w;
	run_fast_eth(&w, "up0", u, nu);
	CU_ASSERT_EQUAL(w.n_punt, 0);
	CNT->c.tx_underlay += w.n_tx;
	fast_release(&w);
	run_fast(&w, F, x, nx, L.now);
	CU_ASSERT_EQUAL(w.n_punt, 0);
	CNT->c.tx_underlay += w.n_tx;
	fast_release(&w);
	gw_fast_fold(L.gw, CNT, seen);
}

/*
 * What the fast path counts for the same input as the pipeline (u on up0's netdev, x from
 * the underlay), folded into cleared totals and read into *view; returns the fold's state
 * (free it), for a second fold of what moved since.
 */
static struct gw_fast_cnt *fast_view_up(const struct upf *u, unsigned nu, const struct vxp *x,
                                        unsigned nx, struct cnt_view *view)
{
	gw_clear_counters(L.gw);
	snap();
	struct gw_fast_cnt *seen = calloc(1, sizeof(*seen));
	CU_ASSERT_FATAL(seen != NULL);
	fast_fold_up(u, nu, x, nx, seen);
	read_counters(view);
	return seen;
}

/*
 * rx_eth, tx_eth and the uplinks' counters as the pipeline counts them: a frame in by its
 * length after the tag is taken off (padding included), a frame out with its tag.
 */
static void test_up_counters(void)
{
	unsigned nu = 0, nx = 0, to_up = 0;
	uint64_t rx100 = 0, rx0 = 0, tx200 = 0, tx0 = 0;
	for (unsigned i = 0; i < 8; i++) {
		const struct uphost *from = i & 1 ? &V1 : &FAR;
		uint32_t dst = i % 4 == 0   ? H1.ip
		               : i % 4 == 1 ? V2.ip
		               : i % 4 == 2 ? V2.ip
		                            : IP_FAR;
		upf_flow(&U[nu], from, dst, i & 2 ? PROTO_TCP : PROTO_UDP, (uint16_t)i, 9,
		         (uint16_t)(i * 91), 64);
		unsigned ipl = lab_rd16(frame_ip(U[nu].b) + 2);
		if (from->vlan)
			rx100 += U[nu].len - NET_VLAN_HLEN;
		else
			rx0 += U[nu].len;
		if (dst == V2.ip)
			tx200 += 18 + ipl;
		else if (dst == IP_FAR)
			tx0 += 14 + ipl;
		to_up += dst != H1.ip;
		nu++;
	}
	/* priority-tagged: up0's, counted without its tag too */
	upf_flow(&U[nu], &FAR, H1.ip, PROTO_UDP, 8, 9, 100, 64);
	U[nu].len = lab_tag_frame(U[nu].b, U[nu].len, 0x6000);
	rx0 += U[nu++].len - NET_VLAN_HLEN;
	for (unsigned i = 0; i < 6; i++) {
		const struct host *from = i & 1 ? &H2 : &H1;
		uint32_t dst = i % 3 == 0 ? IP_FAR : i % 3 == 1 ? V2.ip : H4.ip;
		vxp_flow(&X[nx], from, dst, PROTO_UDP, (uint16_t)i, 9, (uint16_t)(i * 77), 64);
		unsigned ipl = lab_rd16(X[nx].b + VX_HDR_LEN + 14 + 2);
		if (dst == V2.ip)
			tx200 += 18 + ipl;
		else if (dst == IP_FAR)
			tx0 += 14 + ipl;
		to_up += dst != H4.ip;
		nx++;
	}
	gw_clear_counters(L.gw);
	run_pipeline_eth(U, nu);
	CU_ASSERT_EQUAL(L.n_cap, nu);
	run_pipeline(X, nx);
	CU_ASSERT_EQUAL(L.n_cap, nx);
	struct cnt_view by_pipeline, by_fast, again;
	read_counters(&by_pipeline);
	/* what the pipeline counted, independently */
	CU_ASSERT_EQUAL(by_pipeline.c.rx_eth, nu);
	CU_ASSERT_EQUAL(by_pipeline.c.rx_underlay, nx);
	CU_ASSERT_EQUAL(by_pipeline.c.routed, nu + nx);
	CU_ASSERT_EQUAL(by_pipeline.c.tx_eth, to_up);
	CU_ASSERT_EQUAL(by_pipeline.c.tx_underlay, nu + nx - to_up);
	CU_ASSERT_EQUAL(by_pipeline.v100.rx_bytes, rx100);
	CU_ASSERT_EQUAL(by_pipeline.up0.rx_bytes, rx0);
	CU_ASSERT_EQUAL(by_pipeline.v200.tx_bytes, tx200);
	CU_ASSERT_EQUAL(by_pipeline.up0.tx_bytes, tx0);
	CU_ASSERT_EQUAL(by_pipeline.v200.rx_pkts + by_pipeline.v100.tx_pkts, 0);

	struct gw_fast_cnt *seen = fast_view_up(U, nu, X, nx, &by_fast);
	CU_ASSERT(same_view(&by_pipeline, &by_fast));
	CU_ASSERT_EQUAL(by_fast.c.rx_eth, nu);
	CU_ASSERT_EQUAL(by_fast.c.tx_eth, to_up);
	CU_ASSERT_EQUAL(by_fast.v100.rx_bytes, rx100);
	CU_ASSERT_EQUAL(by_fast.v200.tx_bytes, tx200);
	/* again: only what moved since the last fold */
	fast_fold_up(U, nu, X, nx, seen);
	read_counters(&again);
	CU_ASSERT_EQUAL(again.c.rx_eth, 2 * nu);
	CU_ASSERT_EQUAL(again.c.tx_eth, 2 * to_up);
	CU_ASSERT_EQUAL(again.up0.tx_bytes, 2 * tx0);
	CU_ASSERT_EQUAL(again.v100.rx_bytes, 2 * rx100);
	free(seen);
}

/*
 * L2 gateway: up0.300 and up0.301, ports of bridge domain 10 beside its VTEPs. Hosts P3 and
 * P4 are learned on them by the pipeline; known unicast between the ports and to and from
 * hosts behind VTEPs takes the fast path, byte for byte and counter for counter as the
 * pipeline switches it, and what a port sends to its BDIF is routed there; what needs
 * learning or flooding is punted.
 */
static const uint8_t MACP3[6] = {2, 0, 0, 0, 0x30, 0x03}, MACP4[6] = {2, 0, 0, 0, 0x30, 0x04};
static uint16_t P300, P301;

static void l2_frame_to(struct upf *u, const uint8_t *dst, const uint8_t *src, uint16_t vlan,
                        uint32_t dst_ip, uint16_t sport, uint16_t plen)
{
	struct host h = {.ip = 0x0a010a03u};
	memcpy(h.mac, src, 6);
	u->len = frame_l4(u->b, &h, dst_ip, PROTO_UDP, sport, 9, plen, 64);
	memcpy(u->b, dst, 6);
	if (vlan)
		u->len = lab_tag_frame(u->b, u->len, vlan);
}

static void l2_frame(struct upf *u, const uint8_t *dst, const uint8_t *src, uint16_t vlan,
                     uint16_t sport, uint16_t plen)
{
	l2_frame_to(u, dst, src, vlan, 0x0a010a04u, sport, plen);
}

static void l2_setup_ports(void)
{
	struct gw *gw = L.gw;
	CU_ASSERT_FATAL(gw_eth_add(gw, "up0.300", lab_up0_mac, &P300) == GW_OK &&
	                gw_if_set_dot1q(gw, P300, 300) == GW_OK &&
	                gw_if_set_l2_bd(gw, P300, 10) == GW_OK);
	CU_ASSERT_FATAL(gw_eth_add(gw, "up0.301", lab_up0_mac, &P301) == GW_OK &&
	                gw_if_set_dot1q(gw, P301, 301) == GW_OK &&
	                gw_if_set_l2_bd(gw, P301, 10) == GW_OK);
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct upf u;
	l2_frame(&u, bcast, MACP3, 300, 1, 10);
	lab_from_uplink(&L, L.up0, u.b, u.len);
	l2_frame(&u, bcast, MACP4, 301, 1, 10);
	lab_from_uplink(&L, L.up0, u.b, u.len);
	lab_reset_capture(&L);
	snap();
}

static void test_l2_switch(void)
{
	l2_setup_ports();
	unsigned nu = 0, nx = 0;
	for (unsigned i = 0; i < 4; i++) {
		l2_frame(&U[nu++], H1.mac, MACP3, 300, (uint16_t)i,
		         (uint16_t)(20 + i));                             /* to .11 */
		l2_frame(&U[nu++], MACP4, MACP3, 300, (uint16_t)i, 100);  /* 300 -> 301 */
		l2_frame(&U[nu++], MACP3, MACP4, 301, (uint16_t)i, 200);  /* 301 -> 300 */
		l2_frame(&U[nu++], H5.mac, MACP4, 301, (uint16_t)i, 300); /* to .12 */
		/* to its gateway, routed to h2 in VNI 6000 */
		l2_frame_to(&U[nu++], MAC10, MACP3, 300, H2.ip, (uint16_t)i, 400);
	}
	for (unsigned i = 0; i < 4; i++) {
		struct upf u;
		l2_frame(&u, i & 1 ? MACP4 : MACP3, i & 2 ? H5.mac : H1.mac, 0, (uint16_t)i, 50);
		vxp_set(&X[nx++], i & 2 ? H5.vtep : H1.vtep, 5000, u.b, u.len);
	}
	/* counters first (CNT still holds no other run): ports, bridge domains, peers, totals */
	gw_clear_counters(L.gw);
	run_pipeline_eth(U, nu);
	run_pipeline(X, nx);
	struct cnt_view by_pipeline, by_fast;
	read_counters(&by_pipeline);
	struct gw_if_counters p3 = if_cnt(P300), p4 = if_cnt(P301);
	CU_ASSERT_EQUAL(p3.rx_pkts, 12);
	CU_ASSERT_EQUAL(by_pipeline.c.routed, 4);
	CU_ASSERT_EQUAL(p3.tx_pkts, 4 + 2);
	free(fast_view_up(U, nu, X, nx, &by_fast));
	CU_ASSERT(same_view(&by_pipeline, &by_fast));
	struct gw_if_counters f3 = if_cnt(P300), f4 = if_cnt(P301);
	CU_ASSERT_EQUAL(memcmp(&p3, &f3, sizeof(p3)), 0);
	CU_ASSERT_EQUAL(memcmp(&p4, &f4, sizeof(p4)), 0);
	CU_ASSERT_EQUAL(check_same_eth(U, nu), nu);
	CU_ASSERT_EQUAL(check_same_vx(X, nx), nx);

	/* the main thread's: BUM, unknown unicast, the same port, the BDIF, a MAC behind a VTEP
	 * from a VTEP, a source not (yet) on this port */
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct upf u;
	l2_frame(&u, bcast, MACP3, 300, 1, 10);
	CU_ASSERT(up_punted("broadcast from a port", &u));
	l2_frame(&u, H9.mac, MACP3, 300, 1, 10);
	CU_ASSERT(up_punted("unknown unicast from a port", &u));
	l2_frame(&u, MACP3, (const uint8_t[6]){2, 0, 0, 0, 0x30, 0x13}, 300, 1, 10);
	CU_ASSERT(up_punted("to the port it came from (and a new source)", &u));
	l2_frame(&u, MACP4, MACP3, 301, 1, 10);
	CU_ASSERT(up_punted("a MAC moving to another port", &u));
	l2_frame(&u, MAC10, MACP3, 300, 1, 10);
	CU_ASSERT(up_punted("to the BDIF, for an unresolved neighbour", &u));
	l2_frame(&u, H5.mac, H1.mac, 0, 1, 10);
	CU_ASSERT(punted_frame("VTEP to a MAC behind a VTEP", H1.vtep, 5000, u.b, u.len));
	CU_ASSERT(gw_if_set_up(L.gw, P301, false) == GW_OK);
	snap();
	l2_frame(&u, MACP4, MACP3, 300, 1, 10);
	CU_ASSERT(up_punted("to a port that is down", &u));
}

/* ---------------------------------------------------------------- 5. IPv6 */

#define NXT_ICMP6 58

/* 2001:db8:net::host */
static struct in6_addr a6(uint16_t net, uint16_t host)
{
	struct in6_addr a = {0};
	static const uint8_t doc[4] = {0x20, 0x01, 0x0d, 0xb8};
	memcpy(a.s6_addr, doc, 4);
	a.s6_addr[4] = (uint8_t)(net >> 8), a.s6_addr[5] = (uint8_t)net;
	a.s6_addr[14] = (uint8_t)(host >> 8), a.s6_addr[15] = (uint8_t)host;
	return a;
}

/* A host's IPv6 address: its IPv4 one's last byte on its bridge domain's /64. */
static struct in6_addr host6(const struct host *h)
{
	return a6(h->vni == 6000 ? 0x20 : 0x10, h->ip & 0xff);
}

#define NET6_V100 0x100 /* up0.100's /64 */
#define NET6_UP   0xff  /* up0's /64 */
#define NET6_FAR  0x99  /* 2001:db8:99::/48 via R */
#define NET6_ECMP 0x9   /* 2001:db8:9::/48 via H2 and H4 */

/*
 * An Ethernet + IPv6 frame from smac/src to dmac/dst: plen bytes of UDP, TCP (ports
 * first) or an ICMPv6 echo request, hop limit hlim, padded to the Ethernet minimum.
 */
static unsigned frame6(uint8_t *b, const uint8_t *dmac, const uint8_t *smac,
                       const struct in6_addr *src, const struct in6_addr *dst, uint8_t nxt,
                       uint16_t sport, uint16_t plen, uint8_t hlim)
{
	unsigned n = lab_eth(b, dmac, smac, NET_ETHERTYPE_IP6);
	uint8_t *ip = b + n;
	memset(ip, 0, NET_IP6_HLEN);
	ip[0] = 0x60, ip[1] = 0x0a, ip[2] = 0xbc, ip[3] = (uint8_t)sport; /* flow label */
	ip[4] = (uint8_t)(plen >> 8), ip[5] = (uint8_t)plen;
	ip[6] = nxt, ip[7] = hlim;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	n += NET_IP6_HLEN;
	for (unsigned i = 0; i < plen; i++)
		b[n + i] = (uint8_t)(i * 7 + nxt);
	if (plen >= 4 && nxt != NXT_ICMP6)
		b[n] = (uint8_t)(sport >> 8), b[n + 1] = (uint8_t)sport, b[n + 2] = 0,
		b[n + 3] = 80;
	if (plen >= 8 && nxt == NXT_ICMP6)
		b[n] = 128, b[n + 1] = 0;
	n += plen;
	while (n < 60)
		b[n++] = 0;
	return n;
}

static void vxp_flow6(struct vxp *x, const struct host *from, struct in6_addr dst, uint8_t nxt,
                      uint16_t sport, uint16_t plen, uint8_t hlim)
{
	uint8_t f[GW_PKT_DATA];
	struct in6_addr src = host6(from);
	unsigned n = frame6(f, bdif_mac(from->vni), from->mac, &src, &dst, nxt, sport, plen, hlim);
	vxp_set(x, from->vtep, from->vni, f, n);
}

/* An uplink host's IPv6 address: R on up0's /64, V1 on up0.100's, FAR beyond R. */
static struct in6_addr up6(const struct uphost *h)
{
	return h == &FAR ? a6(NET6_FAR, 1) : a6(h->vlan ? NET6_V100 : NET6_UP, h == &R ? 1 : 0xa);
}

static void upf_flow6(struct upf *u, const struct uphost *from, struct in6_addr dst, uint8_t nxt,
                      uint16_t sport, uint16_t plen, uint8_t hlim)
{
	struct in6_addr src = up6(from);
	u->len = frame6(u->b, up_mac(from->vlan), from->mac, &src, &dst, nxt, sport, plen, hlim);
	if (from->vlan)
		u->len = lab_tag_frame(u->b, u->len, from->vlan);
}

/* Neighbour h (address a on ifx) REACHABLE, as after an NS answered by a solicited NA. */
static void nd_reachable(uint16_t ifx, struct in6_addr a, const uint8_t *mac)
{
	struct arp6_na_flags na = {.solicited = true, .override = true};
	arp6_resolve(gw_nd(L.gw), ifx, &a, NULL, L.now);
	CU_ASSERT_EQUAL(arp6_learn(gw_nd(L.gw), ifx, &a, mac, ARP6_LEARN_ADVERT, &na, L.now),
	                ARP_LEARN_RESOLVED);
	gw_tick(L.gw); /* the solicitation goes out (and its buffer back) */
	lab_reset_capture(&L);
}

static void route6(struct in6_addr pfx, uint8_t len, struct in6_addr nh)
{
	struct fib6_nh n = {.kind = FIB_NH_IP, .ip = nh};
	CU_ASSERT_EQUAL(fib6_route_add(gw_vrf_fib6(L.gw, 0), &pfx, len, &n), 0);
}

static void addr6(uint16_t ifx, struct in6_addr a, uint8_t len)
{
	CU_ASSERT_EQUAL_FATAL(gw_if_addr6_add(L.gw, ifx, &a, len), GW_OK);
}

static struct vxp BASE6;

/*
 * The uplink suite's interfaces with IPv6 too (up0.200 without), their neighbours static
 * (H1, H4, R, V1) or REACHABLE (H2, H5), a /48 via R and an ECMP /48 via H2 and H4.
 */
static void setup_v6(void)
{
	setup_uplinks();
	addr6(L.bdif10, a6(0x10, 1), 64);
	addr6(L.bdif20, a6(0x20, 1), 64);
	addr6(L.up0, a6(NET6_UP, 2), 64);
	addr6(SUB100, a6(NET6_V100, 1), 64);
	struct arp_table *nd = gw_nd(L.gw);
	struct in6_addr h1 = host6(&H1), h4 = host6(&H4), r = up6(&R), v1 = up6(&V1);
	CU_ASSERT_FATAL(arp6_static_add(nd, L.bdif10, &h1, H1.mac) == 0 &&
	                arp6_static_add(nd, L.bdif20, &h4, H4.mac) == 0 &&
	                arp6_static_add(nd, L.up0, &r, R.mac) == 0 &&
	                arp6_static_add(nd, SUB100, &v1, V1.mac) == 0);
	nd_reachable(L.bdif20, host6(&H2), H2.mac);
	nd_reachable(L.bdif10, host6(&H5), H5.mac);
	route6(a6(NET6_FAR, 0), 48, r);
	route6(a6(NET6_ECMP, 0), 48, host6(&H2));
	route6(a6(NET6_ECMP, 0), 48, host6(&H4));
	vxp_flow6(&BASE6, &H1, host6(&H2), NET_IPPROTO_UDP, 1234, 64, 64);
}

/* Checks captured frame c is an IPv6 packet (after hl bytes of Ethernet) with hop limit
 * hlim. */
static void expect_ip6(const struct lab_frame *c, unsigned hl, uint8_t hlim)
{
	CU_ASSERT_EQUAL(lab_rd16(c->bytes + hl - 2), NET_ETHERTYPE_IP6);
	CU_ASSERT_EQUAL(c->bytes[hl] >> 4, 6);
	CU_ASSERT_EQUAL(c->bytes[hl + 7], hlim);
	CU_ASSERT_EQUAL(c->len, hl + NET_IP6_HLEN + lab_rd16(c->bytes + hl + 4)); /* no padding */
}

/* The one frame the pipeline sends for x. */
static const struct lab_frame *pipeline1(const struct vxp *x)
{
	run_pipeline(x, 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	return &L.cap[0];
}

/* BDIFs <-> BDIFs and uplinks (tagged), ECMP, sizes, hop limits, both families in one
 * vector: the fast path forwards them all, byte for byte as the pipeline. */
static void test_v6_equiv(void)
{
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, L.bdif20, 9000), GW_OK);
	snap();
	unsigned n = 0;
	vxp_flow6(&X[n++], &H1, host6(&H2), NET_IPPROTO_UDP, 1, 0, 64);   /* 0: padded */
	vxp_flow6(&X[n++], &H1, host6(&H4), NET_IPPROTO_TCP, 2, 1000, 2); /* lowest hop limit */
	vxp_flow6(&X[n++], &H2, host6(&H1), NXT_ICMP6, 3, 1460, 255);     /* 2: bdif10's MTU */
	vxp_flow6(&X[n++], &H1, host6(&H2), NXT_ICMP6, 4, 8000, 64);      /* jumbo to bdif20 */
	vxp_flow6(&X[n++], &H4, host6(&H5), NET_IPPROTO_UDP, 5, 300, 17);
	vxp_flow(&X[n++], &H1, H2.ip, PROTO_UDP, 6, 7, 40, 64); /* 5: IPv4 among them */
	vxp_flow6(&X[n++], &H5, host6(&H4), NET_IPPROTO_TCP, 7, 0, 64);
	vxp_flow6(&X[n++], &H1, a6(NET6_FAR, 0x77), NET_IPPROTO_UDP, 8, 100, 64); /* 7: up0 */
	vxp_flow6(&X[n++], &H2, up6(&V1), NET_IPPROTO_TCP, 9, 1400, 64); /* 8: tagged 100 */
	vxp_flow6(&X[n++], &H2, up6(&R), NXT_ICMP6, 10, 56, 64);
	unsigned ecmp = n;
	for (uint16_t i = 0; i < 16; i++)
		vxp_flow6(&X[n++], i & 1 ? &H5 : &H1, a6(NET6_ECMP, (uint16_t)(i * 37 + 1)),
		          i & 2 ? NET_IPPROTO_TCP : NET_IPPROTO_UDP, (uint16_t)(3000 + i), i, 64);
	CU_ASSERT_EQUAL(check_same_vx(X, n), n);

	/* spot checks of the reference, one packet at a time (in a vector, the pipeline sends
	 * its IPv4 packets first, as the fast path does) */
	expect_to(pipeline1(&X[0]), LAB_VTEP12, H2.mac, 6000);
	expect_ip6(&L.cap[0], 36 + 14, 63);
	expect_to(pipeline1(&X[1]), LAB_VTEP13, H4.mac, 6000);
	expect_ip6(&L.cap[0], 36 + 14, 1);
	expect_to(pipeline1(&X[2]), LAB_VTEP11, H1.mac, 5000);
	expect_to(pipeline1(&X[4]), LAB_VTEP12, H5.mac, 5000);
	CU_ASSERT_EQUAL(pipeline1(&X[7])->ifx, L.up0);
	CU_ASSERT_EQUAL(memcmp(L.cap[0].bytes, R.mac, 6), 0);
	expect_ip6(&L.cap[0], 14, 63);
	CU_ASSERT_EQUAL(pipeline1(&X[8])->ifx, SUB100);
	CU_ASSERT_EQUAL(lab_rd32(L.cap[0].bytes + 12), 0x81000064u);
	expect_ip6(&L.cap[0], 18, 63);
	unsigned to12 = 0;
	for (unsigned i = ecmp; i < n; i++)
		to12 += pipeline1(&X[i])->outer_dst == LAB_VTEP12;
	CU_ASSERT(to12 > 0 && to12 < n - ecmp); /* both paths of the group */
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT_EQUAL(check_same_vx(&X[i], 1), 1);

	/* from the uplinks: up0 and up0.100 -> BDIFs, up0.100 -> up0 */
	unsigned m = 0;
	upf_flow6(&U[m++], &FAR, host6(&H1), NXT_ICMP6, 1, 56, 64);
	upf_flow6(&U[m++], &R, host6(&H2), NET_IPPROTO_TCP, 2, 1440, 60);
	upf_flow6(&U[m++], &V1, host6(&H4), NET_IPPROTO_UDP, 3, 2, 64); /* tagged, padded */
	upf_flow6(&U[m++], &V1, a6(NET6_FAR, 5), NET_IPPROTO_UDP, 4, 100, 2);
	upf_flow(&U[m++], &FAR, H1.ip, PROTO_UDP, 5, 6, 20, 64);        /* IPv4 among them */
	upf_flow6(&U[m++], &FAR, up6(&V1), NET_IPPROTO_TCP, 6, 10, 64); /* up0 -> up0.100 */
	CU_ASSERT_EQUAL(check_same_eth(U, m), m);
	run_pipeline_eth(&U[3], 1);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].ifx, L.up0);
	expect_ip6(&L.cap[0], 14, 1);
	for (unsigned i = 0; i < m; i++)
		CU_ASSERT_EQUAL(check_same_eth(&U[i], 1), 1);
}

/* A copy of the IPv6 base frame (H1 -> H2) to change; its IPv6 header at f + 14. */
static unsigned base6_frame(uint8_t *f)
{
	memcpy(f, BASE6.b + VX_HDR_LEN, BASE6.len - VX_HDR_LEN);
	return BASE6.len - VX_HDR_LEN;
}

static bool punted6(const char *what, const uint8_t *f, unsigned n)
{
	return punted_frame(what, H1.vtep, 5000, f, n);
}

/* A destination H1 sends a packet to (UDP, hop limit 64), which must be punted. */
struct v6_dst {
	const char *what;
	struct in6_addr dst;
};

static void punted_dsts(const struct v6_dst *d, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct vxp x;
		vxp_flow6(&x, &H1, d[i].dst, NET_IPPROTO_UDP, 1, 8, 64);
		CU_ASSERT(punted(d[i].what, &x));
	}
}

/* One change to the IPv6 header of the base frame: n bytes from off, v[0], v[1], then 0. */
struct v6_change {
	const char *what;
	uint8_t off, n;
	uint8_t v[2];
};

static const struct v6_change V6_CHANGES[] = {
    {"IPv6 version 4", 0, 1, {0x40}},
    {"IPv6 payload length beyond the frame", 4, 1, {0x05}},
    {"multicast source", 8, 1, {0xff}},
    {"unspecified source", 8, 16, {0}},
    {"link-local source", 8, 2, {0xfe, 0x80}},
    {"hop limit 1", 7, 1, {1}},
    {"hop limit 0", 7, 1, {0}},
};

/* The IPv6 header checks and scopes of ip6-input, the hop limit. */
static void test_v6_punt_header(void)
{
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE6));
	uint8_t f[200];
	unsigned n;
	for (unsigned i = 0; i < sizeof(V6_CHANGES) / sizeof(V6_CHANGES[0]); i++) {
		const struct v6_change *c = &V6_CHANGES[i];
		n = base6_frame(f);
		for (unsigned k = 0; k < c->n; k++)
			f[NET_ETH_HLEN + c->off + k] = k < 2 ? c->v[k] : 0;
		CU_ASSERT(punted6(c->what, f, n));
	}
	CU_ASSERT(punted6("IPv6 header cut", f, NET_ETH_HLEN + 39));

	const struct v6_dst dsts[] = {
	    {"to a link-local address", {.s6_addr = {0xfe, 0x80, [15] = 1}}},
	    {"to all nodes, at the BDIF's MAC", {.s6_addr = {0xff, 0x02, [15] = 1}}},
	    {"to a global multicast group", {.s6_addr = {0xff, 0x0e, [15] = 0x42}}},
	    {"to the loopback address", {.s6_addr = {[15] = 1}}},
	    {"to the unspecified address", {.s6_addr = {0}}},
	};
	punted_dsts(dsts, sizeof(dsts) / sizeof(dsts[0]));
	n = base6_frame(f);
	memcpy(f, (const uint8_t[]){0x33, 0x33, 0, 0, 0, 1}, 6);
	CU_ASSERT(punted6("to a multicast MAC", f, n));
	n = base6_frame(f);
	memset(f, 0xff, 6);
	CU_ASSERT(punted6("to the broadcast MAC", f, n));
}

/* FIB results, the egress and its MTU, the neighbour. */
static void test_v6_punt_route(void)
{
	struct fib6_nh null0 = {.kind = FIB_NH_NULL0};
	struct in6_addr blackhole = a6(0xdead, 0);
	CU_ASSERT_EQUAL(fib6_route_add(gw_vrf_fib6(L.gw, 0), &blackhole, 48, &null0), 0);
	/* a route out of up0.200, which has no IPv6: the pipeline drops it (interface down) */
	struct in6_addr v2ll = {.s6_addr = {0xfe, 0x80, [15] = 0x0a}}, no6 = a6(0x200, 0);
	struct fib6_nh via200 = {.kind = FIB_NH_IP, .ip = v2ll, .ifx = SUB200};
	CU_ASSERT_EQUAL(fib6_route_add(gw_vrf_fib6(L.gw, 0), &no6, 64, &via200), 0);
	/* H3: a static neighbour on bdif20 whose MAC no VTEP ever sent from */
	static const uint8_t h3[6] = {2, 0x11, 0x22, 0x33, 0x44, 0x33};
	struct in6_addr h3ip = a6(0x20, 0x21);
	CU_ASSERT_EQUAL(arp6_static_add(gw_nd(L.gw), L.bdif20, &h3ip, h3), 0);
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE6));
	const struct v6_dst dsts[] = {
	    {"to the gateway's address (local)", a6(0x10, 1)},
	    {"to the gateway's other address", a6(0x20, 1)},
	    {"to the uplink's address", a6(NET6_UP, 2)},
	    {"no route", a6(0x7777, 1)},
	    {"null0 route", a6(0xdead, 1)},
	    {"egress without IPv6", a6(0x200, 1)},
	    {"neighbour unresolved", a6(0x20, 0x99)},
	    {"neighbour MAC unknown (flood)", h3ip},
	};
	punted_dsts(dsts, sizeof(dsts) / sizeof(dsts[0]));
	struct vxp x;
	/* a neighbour that became usable after the snapshot: punted until the next one */
	static const struct host h6 = {0x0a011406u, {2, 0, 0, 0, 0, 6}, LAB_VTEP13, 6000};
	learn(&h6);
	nd_reachable(L.bdif20, host6(&h6), h6.mac);
	CU_ASSERT(gw_fwd_stale(L.gw, F));
	vxp_flow6(&x, &H1, host6(&h6), NET_IPPROTO_UDP, 1, 8, 64);
	CU_ASSERT(punted("neighbour newer than the snapshot", &x));
	snap();
	CU_ASSERT(forwarded(&x));
	/* REACHABLE only for reachable_ms; then STALE: the main thread's */
	CU_ASSERT(
	    punted_at("neighbour past reachable_ms", &x, L.now + L.gw->params.nd.reachable_ms));

	/* egress MTU: bdif20 at 1280 */
	CU_ASSERT_EQUAL(gw_if_set_mtu(L.gw, L.bdif20, 1280), GW_OK);
	snap();
	vxp_flow6(&x, &H1, host6(&H2), NET_IPPROTO_UDP, 1, 1280 - 40, 64);
	CU_ASSERT(forwarded(&x));
	vxp_flow6(&x, &H1, host6(&H2), NET_IPPROTO_UDP, 1, 1280 - 39, 64);
	CU_ASSERT(punted("larger than the egress MTU", &x));
	/* a TCP super-packet (longer than bdif10's MTU): the main thread cuts it */
	vxp_flow6(&x, &H1, host6(&H5), NET_IPPROTO_TCP, 1, 1500 - 39, 64);
	CU_ASSERT(punted("super-packet", &x));
	/* egress shut down */
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, L.bdif20, false), GW_OK);
	snap();
	CU_ASSERT(punted("egress shut down", &BASE6));
}

/* The ingress side: an interface without IPv6, trace and debug. */
static void test_v6_punt_ingress(void)
{
	struct upf u;
	upf_flow6(&u, &V1, host6(&H1), NET_IPPROTO_UDP, 1, 8, 64);
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE6) && up_forwarded(&u));
	/* from up0.200, which has no IPv6 */
	struct upf u2;
	struct in6_addr v2 = a6(0x200, 0xa), h1 = host6(&H1);
	u2.len = frame6(u2.b, MAC200, V2.mac, &v2, &h1, NET_IPPROTO_UDP, 1, 8, 64);
	u2.len = lab_tag_frame(u2.b, u2.len, 200);
	CU_ASSERT(up_punted("from an interface without IPv6", &u2));
	/* bdif10 loses IPv6 */
	struct in6_addr gw10 = a6(0x10, 1);
	CU_ASSERT_EQUAL(gw_if_addr6_del(L.gw, L.bdif10, &gw10, 64), GW_OK);
	snap();
	CU_ASSERT(punted("BDIF without IPv6", &BASE6));
	CU_ASSERT(up_punted("to a BDIF without IPv6", &u));
	CU_ASSERT_EQUAL(gw_if_addr6_add(L.gw, L.bdif10, &gw10, 64), GW_OK);
	snap();
	CU_ASSERT_FATAL(forwarded(&BASE6));
	gw_debug_set(L.gw, GW_DEBUG_IP, true);
	snap();
	CU_ASSERT(punted("debug on", &BASE6));
}

/* A snapshot after each IPv6 change (a neighbour, a route) shares what did not change: the
 * IPv4 neighbours and FIB, the IPv6 FIB or neighbours. */
static void test_v6_stale(void)
{
	struct gw_fwd *f0 = gw_fwd_build(L.gw, NULL, true, L.now);
	CU_ASSERT_FATAL(f0 != NULL);
	CU_ASSERT(!gw_fwd_stale(L.gw, f0));
	CU_ASSERT(f0->cfg->fib6[0] != NULL && f0->cfg->fib6[0]->fib6 != NULL);
	CU_ASSERT(f0->cfg->ifs[L.bdif10].ip6 && !f0->cfg->ifs[SUB200].ip6);
	CU_ASSERT_EQUAL(f0->nb6->n, 6); /* H1, H2, H4, H5, R, V1 */

	/* an IPv6 neighbour: only the IPv6 neighbour copy is new */
	static const uint8_t h7[6] = {2, 0, 0, 0, 0, 7};
	nd_reachable(L.bdif20, a6(0x20, 7), h7);
	CU_ASSERT(gw_fwd_stale(L.gw, f0));
	struct gw_fwd *f1 = gw_fwd_build(L.gw, f0, false, L.now);
	CU_ASSERT_FATAL(f1 != NULL);
	CU_ASSERT(!gw_fwd_stale(L.gw, f1));
	CU_ASSERT(f1->nb6 != f0->nb6 && f1->nb == f0->nb && f1->mac == f0->mac &&
	          f1->cfg == f0->cfg);
	CU_ASSERT_EQUAL(f1->nb6->n, 7);

	/* an IPv6 route: a new configuration copy with a new FIB6, the IPv4 FIB shared */
	route6(a6(0x4242, 0), 48, host6(&H2));
	CU_ASSERT(gw_fwd_stale(L.gw, f1));
	struct gw_fwd *f2 = gw_fwd_build(L.gw, f1, false, L.now);
	CU_ASSERT_FATAL(f2 != NULL);
	CU_ASSERT(!gw_fwd_stale(L.gw, f2));
	CU_ASSERT(f2->cfg != f1->cfg && f2->nb6 == f1->nb6 && f2->nb == f1->nb);
	CU_ASSERT(f2->cfg->fib6[0] != f1->cfg->fib6[0] && f2->cfg->fib[0] == f1->cfg->fib[0]);

	/* an IPv4 route: the FIB6 copy is shared */
	struct fib_nh nh = {.kind = FIB_NH_IP, .ip = H2.ip};
	CU_ASSERT_EQUAL(fib_route_add(gw_fib(L.gw), IP_ECMP, 16, &nh), 0);
	struct gw_fwd *f3 = gw_fwd_build(L.gw, f2, false, L.now);
	CU_ASSERT_FATAL(f3 != NULL);
	CU_ASSERT(f3->cfg->fib6[0] == f2->cfg->fib6[0] && f3->cfg->fib[0] != f2->cfg->fib[0]);
	gw_fwd_free(f0);
	gw_fwd_free(f1);
	gw_fwd_free(f2);
	gw_fwd_free(f3);
}

/* What the workers count for IPv6 (routed6, interfaces, bridge domains, peers) folds into
 * the pipeline's numbers for the same traffic. */
static void test_v6_counters(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < 12; i++) {
		const struct host *from = i % 3 == 0 ? &H1 : i % 3 == 1 ? &H2 : &H5;
		const struct host *to = i % 3 == 0 ? &H4 : i % 3 == 1 ? &H5 : &H2;
		vxp_flow6(&X[n++], from, host6(to), i & 1 ? NET_IPPROTO_TCP : NET_IPPROTO_UDP,
		          (uint16_t)i, (uint16_t)(i * 97), 64);
	}
	vxp_flow6(&X[n++], &H1, up6(&V1), NET_IPPROTO_UDP, 1, 100, 64); /* to up0.100 */
	vxp_flow(&X[n++], &H1, H2.ip, PROTO_UDP, 1, 2, 100, 64);        /* and IPv4 */
	gw_clear_counters(L.gw);
	run_pipeline(X, n);
	CU_ASSERT_EQUAL(L.n_cap, n);
	struct cnt_view by_pipeline, by_fast;
	read_counters(&by_pipeline);
	CU_ASSERT_EQUAL(by_pipeline.c.routed6, n - 1);
	CU_ASSERT_EQUAL(by_pipeline.c.routed, 1);
	CU_ASSERT_EQUAL(by_pipeline.c.rx_underlay, n);

	gw_clear_counters(L.gw);
	snap();
	struct gw_fast_cnt *seen = calloc(1, sizeof(*seen));
	CU_ASSERT_FATAL(seen != NULL);
	struct gw_fast w;
	run_fast(&w, F, X, n, L.now);
	CU_ASSERT_EQUAL(w.n_tx + w.n_tx_eth, n);
	CU_ASSERT_EQUAL(w.n_punt, 0);
	CNT->c.tx_underlay += w.n_tx;
	fast_release(&w);
	gw_fast_fold(L.gw, CNT, seen);
	read_counters(&by_fast);
	CU_ASSERT(same_view(&by_pipeline, &by_fast));
	CU_ASSERT_EQUAL(by_fast.c.routed6, n - 1);
	free(seen);
}

/* ---------------------------------------------------------------- registry */

static CU_TestInfo equiv_tests[] = {
    {"fast path = pipeline: sizes, protocols, fragments, options, ECMP", test_equivalence},
    {"fast path = pipeline: a vector of two VRFs", test_equivalence_vrfs},
    {"fast path = pipeline: super-packets cut to the path", test_equivalence_super},
    {"counters: fold = what the pipeline counts, once", test_counters_fold},
    {"counters: fold after a bridge domain's slot is reused", test_counters_fold_bd_reused},
    {"snapshot: stale after each change, unchanged parts shared", test_stale},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo punt_tests[] = {
    {"punt: VXLAN header and outer addresses", test_punt_vxlan},
    {"punt: bridging (peer, MACs, ethertype)", test_punt_bridging},
    {"punt: anycast MAC as source", test_punt_anycast_source},
    {"punt: IPv4 checks, TTL, local, no route", test_punt_ip},
    {"punt: null0 and uplink routes", test_punt_routes},
    {"punt: unresolved and unknown neighbours", test_punt_neighbours},
    {"punt: neighbour past reachable_ms", test_punt_arp_age},
    {"punt: egress MTU and shut interfaces", test_punt_egress},
    {"access lists: permitted forwarded, denied dropped, counted as the pipeline; log punted",
     test_punt_acl},
    {"punt: trace armed, debug on", test_punt_trace_debug},
    {"punt: forwards and punts in one vector", test_punt_mixed_vector},
    {"MAC refresh: one punt per interval", test_mac_refresh},
    CU_TEST_INFO_NULL,
};

/* ---------------------------------------------------------------- IPv6 underlay, ECN */

/* x with the inner IPv4 TOS tos (header checksum redone) and outer TOS outer. */
static void vxp_tos(struct vxp *x, uint8_t tos, uint8_t outer)
{
	uint8_t *ip = x->b + VX_HDR_LEN + NET_ETH_HLEN;
	ip[1] = tos;
	ip_fix_csum(ip);
	x->tos = outer;
}

/* x (from an IPv6 VTEP too, with its outer TOS) punted as received, nothing counted. */
static bool punted_tos(const char *what, const struct vxp *x)
{
	return punted_pkt(what, mk_vxp(x), x->b, x->len, L.now);
}

static void test_underlay6(void)
{
	CU_ASSERT_FATAL(lab_underlay6(&L));
	uint32_t n6 = lab_vtep6(&L, "2001:db8::21");
	CU_ASSERT_FATAL(bd_flood_peer_add(gw_bd(L.gw), 20, n6) == BD_OK);
	const struct host h6 = {0x0a011450u, {2, 0x11, 0x22, 0x33, 0x44, 0x66}, n6, 6000};
	learn(&h6);
	CU_ASSERT_EQUAL(gw_set_vx_dscp(L.gw, VX_DSCP_INHERIT), GW_OK);
	snap();
	unsigned n = 0;
	vxp_flow(&X[n++], &H1, h6.ip, PROTO_UDP, 1000, 80, 64, 64);
	vxp_flow(&X[n++], &h6, H1.ip, PROTO_TCP, 80, 1000, 1400, 64);
	vxp_flow(&X[n], &H1, h6.ip, PROTO_ICMP, 0, 0, 56, 64);
	vxp_tos(&X[n++], 0xb8, 0);
	vxp_flow(&X[n], &h6, H1.ip, PROTO_UDP, 80, 1000, 3, 64);
	vxp_tos(&X[n++], 0xb8 | VX_ECN_ECT0, VX_ECN_CE); /* CE reaches the inner packet */
	vxp_flow(&X[n], &h6, H4.ip, PROTO_UDP, 81, 1000, 300, 64);
	vxp_tos(&X[n++], VX_ECN_ECT0, VX_ECN_ECT1);
	vxp_flow(&X[n], &H2, h6.ip, PROTO_TCP, 82, 1000, 1, 64); /* IPv4 VTEP to IPv6 in BD 20 */
	vxp_tos(&X[n++], VX_ECN_ECT1, 0x28);
	CU_ASSERT_EQUAL(check_same(X, n), n);
	/* the RFC 6040 drop is the main thread's; an unnamed sender and no IPv6 source too */
	struct vxp x;
	vxp_flow(&x, &h6, H1.ip, PROTO_UDP, 80, 1000, 3, 64);
	vxp_tos(&x, 0, VX_ECN_CE);
	CU_ASSERT(punted_tos("outer CE on Not-ECT", &x));
	vxp_flow(&x, &h6, H1.ip, PROTO_UDP, 80, 1000, 3, 64);
	x.vtep = VX_VTEP6_UNKNOWN;
	CU_ASSERT(punted_tos("unnamed IPv6 sender", &x));
	CU_ASSERT_EQUAL(gw_set_vtep6(L.gw, NULL), GW_OK);
	snap();
	vxp_flow(&x, &H1, h6.ip, PROTO_UDP, 1000, 80, 64, 64);
	CU_ASSERT(punted_tos("IPv6 VTEP without an IPv6 source", &x));
}

static CU_TestInfo ring_tests[] = {
    {"ring: capacity, order, wrap", test_ring_basic},
    {"ring: two threads, 1e6 pointers in order", test_ring_threads},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo uplink_tests[] = {
    {"uplink = pipeline: up0, sub-interfaces -> BDIFs, uplinks", test_up_equiv_from_uplink},
    {"uplink = pipeline: BDIFs -> up0, sub-interfaces", test_up_equiv_to_uplink},
    {"uplink punt: VLANs, MACs, ethertypes, interface state", test_up_punt_l2},
    {"uplink punt: netdev without main interface, port 0, runts", test_up_punt_netdev},
    {"uplink punt: IPv4 checks, TTL, local, no route, neighbours", test_up_punt_ip},
    {"uplink punt: no socket on the egress netdev, MTU, shut", test_up_punt_egress},
    {"uplink punt: forwards and punts in one vector", test_up_punt_mixed_vector},
    {"uplink counters: fold = what the pipeline counts (tags)", test_up_counters},
    {"L2 ports: known unicast switched = pipeline, bytes and counters; the rest punted",
     test_l2_switch},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo ipv6_tests[] = {
    {"IPv6 = pipeline: BDIFs, uplinks, tags, ECMP, with IPv4 in the vector", test_v6_equiv},
    {"IPv6 underlay = pipeline: IPv4 <-> IPv6 VTEPs, DSCP inherit, ECN; RFC 6040 drop punted",
     test_underlay6},
    {"IPv6 punt: header, scopes, hop limit, multicast", test_v6_punt_header},
    {"IPv6 punt: local, no route, null0, egress, MTU, super-packet, neighbours",
     test_v6_punt_route},
    {"IPv6 punt: ingress without IPv6, debug on", test_v6_punt_ingress},
    {"IPv6 counters: fold = what the pipeline counts (routed6)", test_v6_counters},
    {"IPv6 snapshot: stale after a neighbour or route, the rest shared", test_v6_stale},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"fast", NULL, NULL, setup_hosts, teardown, equiv_tests},
    {"punt", NULL, NULL, setup_hosts, teardown, punt_tests},
    {"ring", NULL, NULL, NULL, NULL, ring_tests},
    {"uplink", NULL, NULL, setup_uplinks, teardown, uplink_tests},
    {"ipv6", NULL, NULL, setup_v6, teardown, ipv6_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
