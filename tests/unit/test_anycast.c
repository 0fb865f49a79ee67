/*
 * test_anycast.c - the distributed anycast gateway: the configuration model and its
 * commands, and the in-memory gateway with anycast BDIFs (ARP replies, routed frames and
 * accepted frames use the shared MAC; replies to the shared MAC are learned unasked;
 * periodic gratuitous ARP to every flood peer, by the lowest-addressed gateway heard on the
 * bridge domain only), the same with IPv6 on two gateways side by
 * side (NAs, RAs and ND answers from the shared MAC and link-local, byte for byte alike), and
 * the configuration model and its commands.
 */
#include <stdio.h>
#include <string.h>

#include "arp/nd.h"
#include "cli/cli.h"
#include "cu_main.h"
#include "gw/config/config.h"
#include "pktlab.h"

static const uint8_t AMAC[6] = {0x02, 0x00, 0x5e, 0x00, 0xaa, 0x01};
static const uint8_t AMAC2[6] = {0x02, 0x00, 0x5e, 0x00, 0xaa, 0x02};
static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50}; /* 10.1.10.50 via .11 */
static const uint8_t H2[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x60}; /* 10.1.20.60 via .12 */
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
#define IP_H1 0x0a010a32u
#define IP_H2 0x0a01143cu

/* ================================================================ the data plane */

static struct lab L;

static void anycast_on_at(struct lab *lab, uint16_t ifx)
{
	CU_ASSERT_EQUAL_FATAL(gw_if_set_mac(lab->gw, ifx, AMAC), GW_OK);
	CU_ASSERT_EQUAL_FATAL(gw_if_set_anycast(lab->gw, ifx, true), GW_OK);
}

static void anycast_on(uint16_t ifx)
{
	anycast_on_at(&L, ifx);
}

static void setup(void)
{
	CU_ASSERT_FATAL(lab_init(&L, NULL));
	anycast_on(L.bdif10);
	anycast_on(L.bdif20);
}

static void teardown(void)
{
	CU_ASSERT(lab_pool_full(&L));
	lab_fini(&L);
}

/* The inner frame of captured VXLAN packet f (outer header is 36 bytes). */
static const uint8_t *inner(const struct lab_frame *f)
{
	CU_ASSERT_FATAL(f->ifx == 0 && f->len > 36 + 14);
	return f->bytes + 36;
}

/* The hold time, 2.5 default periods: a BDIF that can announce listens that long first (the
 * first tick, at 100 ms, finds it able), as a quiet one waits that long for the announcer. */
#define HOLD_MS 2500

/* Past the listening of a fresh lab: nothing sent from the shared MAC until then, and
 * this gateway, alone, becomes the announcer at 100 + HOLD_MS. */
static void listen_out_at(struct lab *lab)
{
	lab_advance(lab, HOLD_MS);
	CU_ASSERT_EQUAL(lab->n_cap, 0);
	lab_advance(lab, 100);
}

static void listen_out(void)
{
	listen_out_at(&L);
}

static void test_uplink_refused(void)
{
	CU_ASSERT_EQUAL(gw_if_set_anycast(L.gw, L.up0, true), GW_E_INVAL);
	CU_ASSERT_EQUAL(gw_if_set_anycast(L.gw, 999, true), GW_E_NOENT);
	struct gw_if_info info;
	CU_ASSERT_FATAL(gw_if_get(L.gw, L.bdif10, &info));
	CU_ASSERT(info.anycast);
	CU_ASSERT_EQUAL(memcmp(info.mac, AMAC, 6), 0);
	CU_ASSERT_FATAL(gw_if_get(L.gw, L.up0, &info));
	CU_ASSERT(!info.anycast);
}

static void test_arp_reply_from_anycast_mac(void)
{
	uint8_t f[64];
	listen_out(); /* the announcer answers */
	lab_reset_capture(&L);
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, H1, IP_H1, NULL, LAB_GW10);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP11);
	const uint8_t *in = inner(&L.cap[0]);
	CU_ASSERT_EQUAL(memcmp(in, H1, 6), 0);
	CU_ASSERT_EQUAL(memcmp(in + 6, AMAC, 6), 0);  /* Ethernet source */
	CU_ASSERT_EQUAL(lab_rd16(in + 12), 0x0806);   /* ARP */
	CU_ASSERT_EQUAL(lab_rd16(in + 20), 2);        /* reply */
	CU_ASSERT_EQUAL(memcmp(in + 22, AMAC, 6), 0); /* sender MAC */
	CU_ASSERT_EQUAL(lab_rd32(in + 28), LAB_GW10);
	CU_ASSERT_EQUAL(memcmp(in + 32, H1, 6), 0);
	CU_ASSERT_EQUAL(lab_rd32(in + 38), IP_H1);
}

/* VNI 5000 -> 6000 through frames sent to the anycast MAC; everything out is from it. */
static void test_routed_from_anycast_mac(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_reset_capture(&L);
	uint8_t f[200];
	unsigned n = lab_ping_frame(f, AMAC, H1, IP_H1, IP_H2, 64, 32, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	/* the ARP request for H2, to BD 20's peers, with the anycast MAC as sender */
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 2);
	for (unsigned i = 0; i < 2; i++) {
		const uint8_t *in = inner(&L.cap[i]);
		CU_ASSERT_EQUAL(memcmp(in, BCAST, 6), 0);
		CU_ASSERT_EQUAL(memcmp(in + 6, AMAC, 6), 0);
		CU_ASSERT_EQUAL(lab_rd16(in + 20), 1);
		CU_ASSERT_EQUAL(memcmp(in + 22, AMAC, 6), 0);
		CU_ASSERT_EQUAL(lab_rd32(in + 28), LAB_GW20);
		CU_ASSERT_EQUAL(lab_rd32(in + 38), IP_H2);
	}
	lab_reset_capture(&L);
	uint8_t r[64];
	unsigned rn = lab_arp_frame(r, ARP_OP_REPLY, AMAC, H2, IP_H2, AMAC, LAB_GW20);
	lab_from_vtep(&L, LAB_VTEP12, 6000, r, rn);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP12);
	const uint8_t *in = inner(&L.cap[0]);
	CU_ASSERT_EQUAL(memcmp(in, H2, 6), 0);
	CU_ASSERT_EQUAL(memcmp(in + 6, AMAC, 6), 0);
	CU_ASSERT_EQUAL(lab_rd16(in + 12), 0x0800);
	CU_ASSERT_EQUAL(in[14 + 8], 63); /* routed: TTL - 1 */
}

/* Frames to the anycast MAC are for the gateway; to the BDIF's own MAC no longer. */
static void test_frames_to_anycast_mac_accepted(void)
{
	lab_host_arp(&L, LAB_VTEP11, 5000, IP_H1, H1, LAB_GW10);
	lab_reset_capture(&L);
	uint8_t f[200], own[6];
	unsigned n = lab_ping_frame(f, AMAC, H1, IP_H1, LAB_GW10, 64, 16, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	const uint8_t *in = inner(&L.cap[0]);
	CU_ASSERT_EQUAL(memcmp(in, H1, 6), 0);
	CU_ASSERT_EQUAL(memcmp(in + 6, AMAC, 6), 0);
	CU_ASSERT_EQUAL(in[14 + 20], 0); /* echo reply */
	lab_reset_capture(&L);
	gw_bdif_default_mac(10, own);
	uint64_t before = lab_drops(&L, GW_DROP_NOT_FOR_US);
	n = lab_ping_frame(f, own, H1, IP_H1, LAB_GW10, 64, 16, true);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NOT_FOR_US), before + 1);
}

/*
 * The other gateway asked, the VTEP delivered the answer here: learned all the same. A
 * reply to anyone else, or on a BDIF that is not in anycast mode, only refreshes.
 */
static void test_reply_to_anycast_mac_learned_unasked(void)
{
	struct arp_entry_info ai;
	uint8_t r[64];
	unsigned rn = lab_arp_frame(r, ARP_OP_REPLY, AMAC, H2, IP_H2, AMAC, LAB_GW20);
	lab_from_vtep(&L, LAB_VTEP12, 6000, r, rn);
	CU_ASSERT_FATAL(arp_get(gw_arp(L.gw), L.bdif20, IP_H2, L.now, &ai));
	CU_ASSERT_EQUAL(memcmp(ai.mac, H2, 6), 0);
	CU_ASSERT_EQUAL(L.n_cap, 0); /* nothing sent back */

	/* target MAC not ours (a reply broadcast or meant for someone else): not created */
	rn = lab_arp_frame(r, ARP_OP_REPLY, BCAST, H1, IP_H1, H2, LAB_GW10);
	lab_from_vtep(&L, LAB_VTEP11, 5000, r, rn);
	CU_ASSERT(!arp_get(gw_arp(L.gw), L.bdif10, IP_H1, L.now, &ai));

	/* standard BDIF: an unsolicited reply creates nothing */
	uint8_t own[6];
	gw_bdif_default_mac(10, own);
	CU_ASSERT_EQUAL(gw_if_set_anycast(L.gw, L.bdif10, false), GW_OK);
	CU_ASSERT_EQUAL(gw_if_set_mac(L.gw, L.bdif10, own), GW_OK);
	rn = lab_arp_frame(r, ARP_OP_REPLY, own, H1, IP_H1, own, LAB_GW10);
	lab_from_vtep(&L, LAB_VTEP11, 5000, r, rn);
	CU_ASSERT(!arp_get(gw_arp(L.gw), L.bdif10, IP_H1, L.now, &ai));
}

/* Another gateway's announcement (through a flood group): dropped by its own reason, the
 * shared MAC is not learned at that gateway, no ARP conflict counted. */
static void test_other_gateway_frames_dropped(void)
{
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, AMAC, LAB_GW10, NULL, LAB_GW10);
	uint64_t spoof = lab_drops(&L, GW_DROP_ARP_SPOOF);
	lab_from_vtep(&L, LAB_VTEP12, 5000, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ANYCAST_PEER), 1);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ARP_SPOOF), spoof);
	uint32_t vtep;
	CU_ASSERT(!bd_mac_lookup(gw_bd(L.gw), bd_index(gw_bd(L.gw), 10), AMAC, &vtep));
}

/* Checks one gratuitous ARP of BDIF address ip from the anycast MAC. */
static void check_garp(const struct lab_frame *f, uint32_t ip)
{
	const uint8_t *in = inner(f);
	CU_ASSERT_EQUAL(memcmp(in, BCAST, 6), 0);
	CU_ASSERT_EQUAL(memcmp(in + 6, AMAC, 6), 0);
	CU_ASSERT_EQUAL(lab_rd16(in + 12), 0x0806);
	CU_ASSERT_EQUAL(lab_rd16(in + 20), 1); /* request */
	CU_ASSERT_EQUAL(memcmp(in + 22, AMAC, 6), 0);
	CU_ASSERT_EQUAL(lab_rd32(in + 28), ip); /* sender = target = own address */
	CU_ASSERT_EQUAL(lab_rd32(in + 38), ip);
}

/* Which (BDIF address, VTEP) pairs the captured gratuitous ARPs went to, as a bit mask. */
static unsigned garp_mask(void)
{
	unsigned m = 0;
	for (unsigned i = 0; i < L.n_cap; i++) {
		const uint8_t *in = inner(&L.cap[i]);
		uint32_t ip = lab_rd32(in + 28), d = L.cap[i].outer_dst;
		check_garp(&L.cap[i], ip);
		if (ip == LAB_GW10)
			m |= d == LAB_VTEP11 ? 1 : d == LAB_VTEP12 ? 2 : 0x100;
		else if (ip == LAB_GW20)
			m |= d == LAB_VTEP12 ? 4 : d == LAB_VTEP13 ? 8 : 0x100;
		else
			m |= 0x100;
	}
	return m;
}

static void test_periodic_gratuitous_arp(void)
{
	/* after listening: both BDIFs to every flood peer of their bridge domain */
	listen_out();
	CU_ASSERT_EQUAL(L.n_cap, 4);
	CU_ASSERT_EQUAL(garp_mask(), 0xf);
	lab_reset_capture(&L);
	/* nothing more within the period (1000 ms by default) */
	for (int i = 0; i < 8; i++)
		lab_advance(&L, 100);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	lab_advance(&L, 200);
	CU_ASSERT_EQUAL(L.n_cap, 4);
	CU_ASSERT_EQUAL(garp_mask(), 0xf);
	lab_reset_capture(&L);
	/* a BDIF shut down, or back in standard mode, is silent */
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, L.bdif20, false), GW_OK);
	lab_advance(&L, 1000);
	CU_ASSERT_EQUAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(garp_mask(), 0x3);
	lab_reset_capture(&L);
	CU_ASSERT_EQUAL(gw_if_set_anycast(L.gw, L.bdif10, false), GW_OK);
	lab_advance(&L, 1000);
	CU_ASSERT_EQUAL(L.n_cap, 0);
}

/* A bridge domain with nowhere to flood: no announcement, and no drop counted for it. */
static void test_gratuitous_arp_nowhere_to_flood(void)
{
	struct bd_table *t = gw_bd(L.gw);
	CU_ASSERT_EQUAL(bd_flood_peer_del(t, 20, LAB_VTEP12), BD_OK);
	CU_ASSERT_EQUAL(bd_flood_peer_del(t, 20, LAB_VTEP13), BD_OK);
	uint64_t before = lab_drops(&L, GW_DROP_NO_FLOOD);
	listen_out();
	CU_ASSERT_EQUAL(L.n_cap, 2);
	CU_ASSERT_EQUAL(garp_mask(), 0x3);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_NO_FLOOD), before);
}

static void test_gratuitous_arp_off(void)
{
	lab_fini(&L);
	struct gw_params p;
	gw_params_default(&p);
	p.anycast_garp_ms = 0;
	CU_ASSERT_FATAL(lab_init(&L, &p));
	anycast_on(L.bdif10);
	for (int i = 0; i < 30; i++)
		lab_advance(&L, 100);
	CU_ASSERT_EQUAL(L.n_cap, 0);
}

/* ------------------------------------------------ one announcer per bridge domain */

#define LAB_LOWER  0xc00001fau /* 192.0.1.250: a gateway below LAB_VTEP (192.0.2.1) */
#define LAB_LOWEST 0xc0000101u /* 192.0.1.1 */

/* lab hears, on VNI vni, a gratuitous ARP of the other anycast gateway at VTEP vtep (a
 * flood peer of that bridge domain): its drop reason, and that gateway is alive there. */
static void hear_gateway(struct lab *lab, uint32_t vtep, uint32_t vni, uint32_t gw_ip)
{
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, AMAC, gw_ip, NULL, gw_ip);
	uint64_t before = lab_drops(lab, GW_DROP_ANYCAST_PEER);
	lab_from_vtep(lab, vtep, vni, f, n);
	CU_ASSERT_EQUAL(lab_drops(lab, GW_DROP_ANYCAST_PEER), before + 1);
}

/* How many captured gratuitous ARPs announce BDIF address ip. */
static unsigned garps_of(uint32_t ip)
{
	unsigned n = 0;
	for (unsigned i = 0; i < L.n_cap; i++) {
		const uint8_t *in = inner(&L.cap[i]);
		if (lab_rd16(in + 12) == 0x0806 && lab_rd32(in + 28) == ip) {
			check_garp(&L.cap[i], ip);
			n++;
		}
	}
	return n;
}

/* The lab gateway and a lower-addressed one, both flood peers of each other on BD 10. */
static void peer_lower_on_bd10(void)
{
	CU_ASSERT_EQUAL_FATAL(bd_flood_peer_add(gw_bd(L.gw), 10, LAB_LOWER), BD_OK);
	listen_out(); /* nobody heard: both BDIFs announce, to the new peer too */
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 3);
	CU_ASSERT_EQUAL(garps_of(LAB_GW20), 2);
	lab_reset_capture(&L);
}

/*
 * A lower-addressed gateway heard announcing on BD 10 (two announcers): this one stops
 * there at once and stays quiet while it hears it, not on BD 20 where it is not heard.
 * When that one has been silent for 2.5 periods, this one takes over at the first tick
 * after that, then announces every period.
 */
static void test_quiet_while_lower_gateway_heard(void)
{
	peer_lower_on_bd10();
	for (int i = 0; i < 5; i++) {
		hear_gateway(&L, LAB_LOWER, 5000, LAB_GW10);
		lab_advance(&L, 1000);
		CU_ASSERT_EQUAL(garps_of(LAB_GW10), 0);
		CU_ASSERT_EQUAL(garps_of(LAB_GW20), 2);
		lab_reset_capture(&L);
	}
	/* last heard 1000 ms ago: quiet up to 2500 ms after it, then announces */
	lab_advance(&L, 1400);
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 0);
	lab_advance(&L, 100);
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 3);
	lab_reset_capture(&L);
	lab_advance(&L, 900);
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 0);
	lab_advance(&L, 100);
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 3);
}

/*
 * Not preemptive: a gateway that starts (listening) next to a live announcer leaves it the
 * role, even when its own address is lower, and takes over only once the announcer is
 * silent for 2.5 periods (so a restarted gateway, its neighbours not resolved yet, does
 * not pull the traffic to itself, and the VTEPs' entry does not move).
 */
static void test_starting_gateway_not_preemptive(void)
{
	for (int i = 0; i < 6; i++) {
		hear_gateway(&L, LAB_VTEP12, 5000, LAB_GW10); /* higher than LAB_VTEP */
		lab_advance(&L, 1000);
		CU_ASSERT_EQUAL(garps_of(LAB_GW10), 0);
		CU_ASSERT_EQUAL(garps_of(LAB_GW20),
		                i >= 2 ? 2 : 0); /* alone there after listening */
		lab_reset_capture(&L);
	}
	lab_advance(&L, 1400);
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 0);
	lab_advance(&L, 100);
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 2);
}

/* Only announcements count: other frames from the shared MAC (another gateway's ARP
 * request for a host) are dropped alike but keep nobody quiet. */
static void test_only_announcements_count(void)
{
	peer_lower_on_bd10();
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, AMAC, LAB_GW10, NULL, IP_H1);
	for (int i = 0; i < 3; i++) {
		lab_from_vtep(&L, LAB_LOWER, 5000, f, n);
		lab_advance(&L, 1000);
		CU_ASSERT_EQUAL(garps_of(LAB_GW10), 3);
		lab_reset_capture(&L);
	}
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ANYCAST_PEER), 3);
}

/* One lost announcement of the lower gateway (heard 2 periods apart): no takeover. */
static void test_one_lost_announcement_no_takeover(void)
{
	peer_lower_on_bd10();
	for (int i = 0; i < 3; i++) {
		hear_gateway(&L, LAB_LOWER, 5000, LAB_GW10);
		lab_advance(&L, 2000);
		CU_ASSERT_EQUAL(garps_of(LAB_GW10), 0);
	}
}

/* A quiet gateway (listening, or hearing the announcer) leaves the answers to the hosts'
 * ARP requests to the announcer, as a VRRP backup router: its answer would move the VTEPs'
 * entry to it. It learns the asker all the same (ready when it becomes the announcer). */
static void test_quiet_leaves_arp_answer(void)
{
	uint8_t f[64];
	struct arp_entry_info ai;
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, H1, IP_H1, NULL, LAB_GW10);
	lab_advance(&L, 100); /* the first tick: it could announce, it listens first */
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ANYCAST_QUIET), 1);
	CU_ASSERT(arp_get(gw_arp(L.gw), L.bdif10, IP_H1, L.now, &ai));
	CU_ASSERT_EQUAL_FATAL(bd_flood_peer_add(gw_bd(L.gw), 10, LAB_LOWER), BD_OK);
	lab_advance(&L, HOLD_MS); /* alone: the announcer */
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 3);
	lab_reset_capture(&L);
	hear_gateway(&L, LAB_LOWER, 5000, LAB_GW10); /* the lower one announces: */
	lab_advance(&L, 100);                        /* quiet from the next tick */
	CU_ASSERT_EQUAL(L.n_cap, 0);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ANYCAST_QUIET), 2);
	lab_from_vtep(&L, LAB_VTEP12, 6000, f, n); /* BD 20: this one announces there */
	CU_ASSERT_EQUAL(L.n_cap, 0);               /* (for 10.1.10.1: not on that link) */
	n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, H2, IP_H2, NULL, LAB_GW20);
	lab_from_vtep(&L, LAB_VTEP12, 6000, f, n);
	CU_ASSERT_EQUAL(L.n_cap, 1);
}

/* Higher-addressed gateways defer to this one: hearing them changes nothing. */
static void test_higher_gateway_heard_ignored(void)
{
	listen_out();
	lab_reset_capture(&L);
	for (int i = 0; i < 3; i++) {
		hear_gateway(&L, LAB_VTEP12, 5000, LAB_GW10);
		lab_advance(&L, 1000);
		CU_ASSERT_EQUAL(garps_of(LAB_GW10), 2);
		lab_reset_capture(&L);
	}
}

/* Two lower gateways: the lowest is the one that holds us quiet; the other one's frames
 * count once the lowest is lost (then it is the announcer). */
static void test_lowest_of_those_heard(void)
{
	peer_lower_on_bd10();
	CU_ASSERT_EQUAL_FATAL(bd_flood_peer_add(gw_bd(L.gw), 10, LAB_LOWEST), BD_OK);
	hear_gateway(&L, LAB_LOWEST, 5000, LAB_GW10);
	lab_advance(&L, 1000);
	hear_gateway(&L, LAB_LOWER, 5000, LAB_GW10); /* alive, but not the announcer */
	lab_advance(&L, 1400);
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 0);
	lab_advance(&L, 100);                   /* the lowest lost */
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 4); /* to both lower ones too */
	lab_reset_capture(&L);
	for (int i = 0; i < 3; i++) {
		hear_gateway(&L, LAB_LOWER, 5000, LAB_GW10);
		lab_advance(&L, 1000);
		CU_ASSERT_EQUAL(garps_of(LAB_GW10), 0);
	}
	lab_advance(&L, 1500);
	CU_ASSERT_EQUAL(garps_of(LAB_GW10), 4);
}

/* ================================================================ IPv6, two gateways */

/*
 * L and M are two gateways of one fabric: the same tenants (lab_init6), bdif10 and bdif20
 * in anycast mode on both. What one sends for the shared addresses, the other would send
 * alike, so that the hosts see one router whichever of them answers.
 */
static struct lab M;
static const uint8_t H1_6[6] = {0x02, 0x11, 0x00, 0x00, 0x00, 0x51}; /* 2001:db8:10::51 */
static const uint8_t H2_6[6] = {0x02, 0x22, 0x00, 0x00, 0x00, 0x52}; /* 2001:db8:20::52 */
#define NA_FRAME_LEN (NET_ETH_HLEN + NET_IP6_HLEN + 32)              /* NA with the TLLA option */

static void setup6(void)
{
	CU_ASSERT_FATAL(lab_init6(&L, NULL));
	CU_ASSERT_FATAL(lab_init6(&M, NULL));
	anycast_on_at(&L, L.bdif10);
	anycast_on_at(&L, L.bdif20);
	anycast_on_at(&M, M.bdif10);
	anycast_on_at(&M, M.bdif20);
	lab_reset_capture(&L);
	lab_reset_capture(&M);
}

static void teardown6(void)
{
	CU_ASSERT(lab_pool_full(&L));
	CU_ASSERT(lab_pool_full(&M));
	lab_fini(&L);
	lab_fini(&M);
}

static struct in6_addr shared_ll(void)
{
	struct in6_addr ll;
	nd_eui64_linklocal(AMAC, &ll);
	return ll;
}

/* The ICMPv6 type of captured frame i of lab, 0 if it is not ICMPv6. */
static uint8_t icmp6_type(const struct lab *lab, unsigned i)
{
	const uint8_t *ip = lab_frame_ip6(&lab->cap[i]);
	return ip && ip[6] == NET_IPPROTO_ICMP6 ? ip[NET_IP6_HLEN] : 0;
}

/* The index of the k-th captured frame of lab with ICMPv6 type t (-1: none). */
static int nth_of_type(const struct lab *lab, uint8_t t, unsigned k)
{
	for (unsigned i = 0; i < lab->n_cap; i++)
		if (icmp6_type(lab, i) == t && k-- == 0)
			return (int)i;
	return -1;
}

static unsigned count_of_type(const struct lab *lab, uint8_t t)
{
	unsigned n = 0;
	while (nth_of_type(lab, t, n) >= 0)
		n++;
	return n;
}

/* Captured frame i's inner Ethernet frame, and its length. */
static const uint8_t *inner_of(const struct lab *lab, unsigned i, unsigned *len)
{
	const struct lab_frame *f = &lab->cap[i];
	CU_ASSERT_FATAL(f->ifx == 0 && f->len > LAB_OUTER_HLEN + NET_ETH_HLEN);
	*len = f->len - LAB_OUTER_HLEN;
	return f->bytes + LAB_OUTER_HLEN;
}

/* The k-th frames of ICMPv6 type t from L and M are byte for byte the same. */
static void same_from_both(uint8_t t, unsigned k)
{
	int i = nth_of_type(&L, t, k), j = nth_of_type(&M, t, k);
	CU_ASSERT_FATAL(i >= 0 && j >= 0);
	unsigned n, m;
	const uint8_t *a = inner_of(&L, (unsigned)i, &n), *b = inner_of(&M, (unsigned)j, &m);
	CU_ASSERT_EQUAL(L.cap[i].outer_dst, M.cap[j].outer_dst);
	CU_ASSERT(n == m && memcmp(a, b, n) == 0);
}

/* The round's unsolicited NA, as it must be to the byte: for the shared link-local, from
 * the shared MAC, router and override flags, to all-nodes. */
static void check_round_na(const struct lab *lab, unsigned i)
{
	struct in6_addr ll = shared_ll(), all = lab_a6("ff02::1");
	uint8_t body[4 + 16 + 8] = {ND_NA_ROUTER | ND_NA_OVERRIDE}, want[NA_FRAME_LEN];
	static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	memcpy(body + 4, &ll, 16);
	body[20] = ND_OPT_TLLA;
	body[21] = 1;
	memcpy(body + 22, AMAC, 6);
	unsigned wn = lab_icmp6_frame(want, all_nodes_mac, AMAC, &ll, &all, 255, NET_ICMP6_NA, body,
	                              sizeof(body));
	unsigned n;
	const uint8_t *got = inner_of(lab, i, &n);
	CU_ASSERT_EQUAL(wn, NA_FRAME_LEN);
	CU_ASSERT(n == wn && memcmp(got, want, wn) == 0);
}

/* Which (BDIF, VTEP) pairs the round's NAs went to, as in garp_mask. */
static unsigned na_mask(const struct lab *lab)
{
	unsigned m = 0;
	for (unsigned k = 0; nth_of_type(lab, NET_ICMP6_NA, k) >= 0; k++) {
		unsigned i = (unsigned)nth_of_type(lab, NET_ICMP6_NA, k);
		uint32_t vni = lab_rd32(lab->cap[i].bytes + LAB_OUTER_HLEN - 4) >> 8,
		         d = lab->cap[i].outer_dst;
		check_round_na(lab, i);
		if (vni == 5000)
			m |= d == LAB_VTEP11 ? 1 : d == LAB_VTEP12 ? 2 : 0x100;
		else if (vni == 6000)
			m |= d == LAB_VTEP12 ? 4 : d == LAB_VTEP13 ? 8 : 0x100;
		else
			m |= 0x100;
	}
	return m;
}

/*
 * Every round (with the gratuitous ARP): one NA per anycast BDIF and flood peer, for the
 * link-local only (the hosts' entries for the global addresses hold the shared MAC
 * already), whatever the number of addresses; the same bytes from either gateway.
 */
static void test6_round_announcement(void)
{
	struct in6_addr extra = lab_a6("2001:db8:11::1");
	CU_ASSERT_EQUAL(gw_if_addr6_add(L.gw, L.bdif10, &extra, 64), GW_OK);
	CU_ASSERT_EQUAL(gw_if_addr6_add(M.gw, M.bdif10, &extra, 64), GW_OK);
	for (int round = 0; round < 3; round++) {
		if (round) {
			lab_advance(&L, 1000);
			lab_advance(&M, 1000);
		} else {
			listen_out_at(&L);
			listen_out_at(&M);
		}
		CU_ASSERT_EQUAL(count_of_type(&L, NET_ICMP6_NA), 4);
		CU_ASSERT_EQUAL(na_mask(&L), 0xf);
		CU_ASSERT_EQUAL(count_of_type(&M, NET_ICMP6_NA), 4);
		for (unsigned k = 0; k < 4; k++)
			same_from_both(NET_ICMP6_NA, k);
		lab_reset_capture(&L);
		lab_reset_capture(&M);
	}
	/* a BDIF shut down is silent, in IPv6 too */
	CU_ASSERT_EQUAL(gw_if_set_up(L.gw, L.bdif20, false), GW_OK);
	lab_reset_capture(&L);
	lab_advance(&L, 1000);
	CU_ASSERT_EQUAL(count_of_type(&L, NET_ICMP6_NA), 2);
	CU_ASSERT_EQUAL(na_mask(&L), 0x3);
}

/* An IPv6-only anycast BDIF (no gratuitous ARP) still teaches the VTEPs every round. */
static void test6_round_ipv6_only(void)
{
	CU_ASSERT_EQUAL(gw_if_addr_del(L.gw, L.bdif20, LAB_GW20, 24), GW_OK);
	listen_out_at(&L);
	CU_ASSERT_EQUAL(count_of_type(&L, NET_ICMP6_NA), 4);
	CU_ASSERT_EQUAL(na_mask(&L), 0xf);
	/* and bdif10's two gratuitous ARPs, and the first RAs, kept for the announcer */
	CU_ASSERT_EQUAL(count_of_type(&L, NET_ICMP6_RA), 4);
	CU_ASSERT_EQUAL(L.n_cap, 10);
}

/* L hears M's round NA (an IPv6-only announcement) from a lower VTEP on BD 10. */
static void hear_na_of_m(void)
{
	CU_ASSERT_EQUAL_FATAL(bd_flood_peer_add(gw_bd(L.gw), 10, LAB_LOWER), BD_OK);
	listen_out_at(&L);
	listen_out_at(&M);
	const struct lab_frame *na = &M.cap[nth_of_type(&M, NET_ICMP6_NA, 0)];
	CU_ASSERT_EQUAL_FATAL(lab_rd32(na->bytes + LAB_OUTER_HLEN - 4) >> 8, 5000);
	uint64_t before = lab_drops(&L, GW_DROP_ANYCAST_PEER);
	lab_from_vtep(&L, LAB_LOWER, 5000, inner(na), na->len - LAB_OUTER_HLEN);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ANYCAST_PEER), before + 1);
	lab_reset_capture(&L);
}

/* The other gateway's NA counts as its announcement: quiet on that BD, no NA either. */
static void test6_quiet_no_na(void)
{
	hear_na_of_m();
	lab_advance(&L, 1000);
	CU_ASSERT_EQUAL(count_of_type(&L, NET_ICMP6_NA), 2);
	CU_ASSERT_EQUAL(na_mask(&L), 0xc); /* bdif20's only */
}

/* Quiet on a BD: a host's NS for the gateway is left to the announcer (learned though). */
static void test6_quiet_leaves_ns_answer(void)
{
	hear_na_of_m();
	lab_advance(&L, 100); /* quiet from the next tick */
	lab_reset_capture(&L);
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), gw10 = lab_a6("2001:db8:10::1");
	uint8_t f[200];
	unsigned n = lab_ns_frame(f, H1_6, &h1, &gw10);
	uint64_t before = lab_drops(&L, GW_DROP_ANYCAST_QUIET);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL(count_of_type(&L, NET_ICMP6_NA), 0);
	CU_ASSERT_EQUAL(lab_drops(&L, GW_DROP_ANYCAST_QUIET), before + 1);
}

/* Quiet on a BD: no RA there either; bdif20's go on. */
static void test6_quiet_no_ra(void)
{
	hear_na_of_m();
	for (int i = 0; i < 20; i++) {
		hear_gateway(&L, LAB_LOWER, 5000, LAB_GW10);
		lab_advance(&L, 1000);
	}
	unsigned n = count_of_type(&L, NET_ICMP6_RA);
	CU_ASSERT(n >= 2);
	for (unsigned k = 0; k < n; k++)
		CU_ASSERT_EQUAL(
		    lab_rd32(L.cap[nth_of_type(&L, NET_ICMP6_RA, k)].bytes + LAB_OUTER_HLEN - 4) >>
		        8,
		    6000);
}

/* RAs: from the shared link-local and MAC, the shared MAC as source link-layer address:
 * the same RA, to the byte, from either gateway (one router for the hosts). */
static void test6_ra_shared(void)
{
	listen_out_at(&L);
	listen_out_at(&M);
	CU_ASSERT_EQUAL_FATAL(count_of_type(&L, NET_ICMP6_RA), 4);
	CU_ASSERT_EQUAL_FATAL(count_of_type(&M, NET_ICMP6_RA), 4);
	struct in6_addr ll = shared_ll();
	for (unsigned k = 0; k < 4; k++) {
		same_from_both(NET_ICMP6_RA, k);
		const uint8_t *ip = lab_frame_ip6(&L.cap[nth_of_type(&L, NET_ICMP6_RA, k)]);
		CU_ASSERT(net_mac_eq(ip - NET_ETH_HLEN + 6, AMAC));
		CU_ASSERT_EQUAL(memcmp(ip + 8, &ll, 16), 0);
		CU_ASSERT(lab_icmp6_ok(ip));
		struct nd_msg m;
		CU_ASSERT_EQUAL_FATAL(
		    nd_parse((const struct net_ip6 *)ip, ip + NET_IP6_HLEN, lab_rd16(ip + 4), &m),
		    ND_PARSE_OK);
		CU_ASSERT(m.has_slla && net_mac_eq(m.slla, AMAC));
		CU_ASSERT_EQUAL(m.router_lifetime_s, 1800);
		CU_ASSERT_EQUAL(m.n_prefixes, 1);
	}
}

/* A host's NS for a shared address (global or link-local): each gateway answers (as the
 * announcer) with the shared MAC, the same NA. */
static void test6_ns_answered_with_shared_mac(void)
{
	struct in6_addr h1 = lab_a6("2001:db8:10::51"),
	                targets[2] = {lab_a6("2001:db8:10::1"), shared_ll()};
	uint8_t f[200];
	listen_out_at(&L);
	listen_out_at(&M);
	lab_reset_capture(&L);
	lab_reset_capture(&M);
	for (unsigned t = 0; t < 2; t++) {
		unsigned n = lab_ns_frame(f, H1_6, &h1, &targets[t]);
		lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
		lab_from_vtep(&M, LAB_VTEP11, 5000, f, n);
	}
	CU_ASSERT_EQUAL_FATAL(count_of_type(&L, NET_ICMP6_NA), 2);
	for (unsigned k = 0; k < 2; k++) {
		same_from_both(NET_ICMP6_NA, k);
		const uint8_t *ip = lab_frame_ip6(&L.cap[nth_of_type(&L, NET_ICMP6_NA, k)]);
		struct nd_msg m;
		CU_ASSERT_EQUAL_FATAL(
		    nd_parse((const struct net_ip6 *)ip, ip + NET_IP6_HLEN, lab_rd16(ip + 4), &m),
		    ND_PARSE_OK);
		CU_ASSERT(net_mac_eq(ip - NET_ETH_HLEN, H1_6));
		CU_ASSERT(net_mac_eq(ip - NET_ETH_HLEN + 6, AMAC));
		CU_ASSERT(net_ip6_eq(&m.target, &targets[k]));
		CU_ASSERT_EQUAL(m.flags, ND_NA_ROUTER | ND_NA_SOLICITED | ND_NA_OVERRIDE);
		CU_ASSERT(m.has_tlla && net_mac_eq(m.tlla, AMAC));
	}
}

/* An NA from h2 to the shared MAC and our shared address, as h2 answers a gateway's NS. */
static unsigned h2_answers(uint8_t *f, uint8_t flags)
{
	struct in6_addr h2 = lab_a6("2001:db8:20::52"), g = lab_a6("2001:db8:20::1");
	unsigned n = lab_na_frame(f, AMAC, H2_6, &h2, &g, &h2);
	/* the flags byte and the checksum it is in */
	uint8_t *icmp = f + NET_ETH_HLEN + NET_IP6_HLEN;
	icmp[4] = flags;
	icmp[2] = icmp[3] = 0;
	uint16_t sum = net_csum_fold(
	    net_csum_partial(icmp, n - NET_ETH_HLEN - NET_IP6_HLEN,
	                     net_ip6_pseudo_sum(&h2, &g, n - NET_ETH_HLEN - NET_IP6_HLEN, 58)));
	memcpy(icmp + 2, &sum, 2);
	return n;
}

/*
 * M routes h1 -> h2 and solicits h2 from the shared MAC; h2's answer, to the shared MAC,
 * reaches L (its VTEP learned the MAC there): L learns h2 though it did not ask, and routes
 * to h2 without asking. An unsolicited NA, or one on a BDIF not in anycast mode, creates
 * nothing.
 */
static void test6_na_learned_when_other_asked(void)
{
	struct in6_addr h1 = lab_a6("2001:db8:10::51"), h2 = lab_a6("2001:db8:20::52");
	uint8_t f[300];
	unsigned n = lab_echo6_frame(f, AMAC, H1_6, &h1, &h2, 64, 16);
	lab_from_vtep(&M, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(count_of_type(&M, NET_ICMP6_NS), 2); /* to BD 20's two peers */
	const uint8_t *ip = lab_frame_ip6(&M.cap[nth_of_type(&M, NET_ICMP6_NS, 0)]);
	struct nd_msg m;
	CU_ASSERT_EQUAL_FATAL(
	    nd_parse((const struct net_ip6 *)ip, ip + NET_IP6_HLEN, lab_rd16(ip + 4), &m),
	    ND_PARSE_OK);
	CU_ASSERT(net_mac_eq(ip - NET_ETH_HLEN + 6, AMAC));
	CU_ASSERT(m.has_slla && net_mac_eq(m.slla, AMAC));
	CU_ASSERT(net_ip6_eq(&m.target, &h2));

	struct arp6_entry_info e;
	n = h2_answers(f, ND_NA_OVERRIDE); /* unsolicited: only refreshes */
	lab_from_vtep(&L, LAB_VTEP12, 6000, f, n);
	CU_ASSERT(!arp6_get(gw_nd(L.gw), L.bdif20, &h2, L.now, &e));
	n = h2_answers(f, ND_NA_SOLICITED | ND_NA_OVERRIDE);
	lab_from_vtep(&L, LAB_VTEP12, 6000, f, n);
	CU_ASSERT_FATAL(arp6_get(gw_nd(L.gw), L.bdif20, &h2, L.now, &e));
	CU_ASSERT(net_mac_eq(e.mac, H2_6));
	CU_ASSERT_EQUAL(L.n_cap, 0); /* nothing sent back */

	n = lab_echo6_frame(f, AMAC, H1_6, &h1, &h2, 64, 16);
	lab_from_vtep(&L, LAB_VTEP11, 5000, f, n);
	CU_ASSERT_EQUAL_FATAL(L.n_cap, 1);
	CU_ASSERT_EQUAL(L.cap[0].outer_dst, LAB_VTEP12); /* where h2's answer came from */
	unsigned len;
	const uint8_t *in = inner_of(&L, 0, &len);
	CU_ASSERT(net_mac_eq(in, H2_6) && net_mac_eq(in + 6, AMAC));
	CU_ASSERT_EQUAL(in[NET_ETH_HLEN + 7], 63); /* routed: hop limit - 1 */

	/* standard mode: the same answer creates nothing */
	lab_fini(&M);
	CU_ASSERT_FATAL(lab_init6(&M, NULL));
	CU_ASSERT_EQUAL(gw_if_set_mac(M.gw, M.bdif20, AMAC), GW_OK);
	n = h2_answers(f, ND_NA_SOLICITED | ND_NA_OVERRIDE);
	lab_from_vtep(&M, LAB_VTEP12, 6000, f, n);
	CU_ASSERT(!arp6_get(gw_nd(M.gw), M.bdif20, &h2, M.now, &e));
}

/* ================================================================ configuration */

static struct lab E; /* holds G, an empty gateway (lab_gw_empty) */
static struct gw *G;

static char last_msg[512];
static void collect(void *arg, unsigned line, const char *msg)
{
	(void)arg;
	snprintf(last_msg, sizeof(last_msg), "%u: %s", line, msg);
}

/* Loads text; returns the number of errors (last one in last_msg). */
static unsigned load(const char *text, struct gw_cfg **c)
{
	last_msg[0] = '\0';
	return (unsigned)cli_load_config(text, c, collect, NULL);
}

static const char *TENANTS = "vxlan source 192.0.2.1\n"
                             "bridge-domain 10\n vni 5000\n flood-peer 192.0.2.11\n"
                             "bridge-domain 20\n vni 6000\n flood-peer 192.0.2.12\n"
                             "interface bdif 10\n ip address 10.1.10.1/24\n"
                             " mac-address 02:00:5e:10:00:10\n";

static void test_cfg_setters(void)
{
	char err[GW_CFG_ERRLEN];
	struct gw_cfg *c;
	CU_ASSERT_EQUAL_FATAL(load(TENANTS, &c), 0);
	static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0, 0, 1}, zero[6] = {0};
	CU_ASSERT_EQUAL(gw_cfg_set_anycast_mac(c, mcast, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "01:00:5e:00:00:01") != NULL);
	CU_ASSERT_EQUAL(gw_cfg_set_anycast_mac(c, zero, err), GW_CFG_ERR);
	CU_ASSERT(!c->anycast_mac_set);
	CU_ASSERT_EQUAL(gw_cfg_if_set_anycast(c, "bdif99", true, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "bdif99") != NULL);
	CU_ASSERT_EQUAL(gw_cfg_if_add(c, GW_IF_ETH, "up0", 0, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_if_set_anycast(c, "up0", true, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "up0") != NULL);
	/* mode without the fabric MAC: the check names the interface */
	CU_ASSERT_EQUAL(gw_cfg_if_set_anycast(c, "bdif10", true, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "bdif10") != NULL && strstr(err, "anycast-gateway-mac") != NULL);
	struct gw_cfg *d = gw_cfg_clone(c);
	CU_ASSERT_FATAL(d != NULL);
	CU_ASSERT_EQUAL(gw_cfg_set_anycast_mac(c, AMAC, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_OK);
	CU_ASSERT(!gw_cfg_equal(c, d)); /* the MAC is part of the configuration */
	CU_ASSERT_EQUAL(gw_cfg_set_anycast_mac(d, AMAC2, err), GW_CFG_OK);
	CU_ASSERT(!gw_cfg_equal(c, d));
	CU_ASSERT_EQUAL(gw_cfg_set_anycast_mac(d, AMAC, err), GW_CFG_OK);
	CU_ASSERT(gw_cfg_equal(c, d));
	CU_ASSERT_EQUAL(gw_cfg_set_anycast_mac(d, NULL, err), GW_CFG_OK);
	CU_ASSERT(!d->anycast_mac_set);
	gw_cfg_free(c);
	gw_cfg_free(d);
}

static void test_cfg_load_errors(void)
{
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(load("fabric anycast-gateway-mac ff:ff:ff:ff:ff:ff\n", &c), 1);
	CU_ASSERT(strstr(last_msg, "1: ") == last_msg && strstr(last_msg, "ff:ff:ff:ff:ff:ff"));
	gw_cfg_free(c);
	CU_ASSERT_EQUAL(
	    load("interface ethernet up0\n fabric forwarding mode anycast-gateway\n", &c), 1);
	CU_ASSERT(strstr(last_msg, "2: ") == last_msg && strstr(last_msg, "up0"));
	gw_cfg_free(c);
	/* the whole-file check: line 0, naming the interface */
	CU_ASSERT_EQUAL(load("interface bdif 7\n fabric forwarding mode anycast-gateway\n", &c), 1);
	CU_ASSERT(strstr(last_msg, "0: ") == last_msg && strstr(last_msg, "bdif7"));
	gw_cfg_free(c);
}

static void check_if(struct gw *gw, const char *name, const uint8_t *mac, bool anycast)
{
	struct gw_if_info info;
	CU_ASSERT_FATAL(gw_if_get(gw, gw_if_by_name(gw, name), &info));
	CU_ASSERT_EQUAL(memcmp(info.mac, mac, 6), 0);
	CU_ASSERT_EQUAL(info.anycast, anycast);
}

/* Applied as a diff: mode on and off, the fabric MAC changed, the own MAC back. */
static void test_cfg_apply(void)
{
	char text[1024], err[GW_CFG_ERRLEN];
	static const uint8_t own10[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x10};
	uint8_t own20[6];
	gw_bdif_default_mac(20, own20);
	struct gw_cfg *c0, *c1, *c2, *c3;
	snprintf(text, sizeof(text),
	         "%sfabric anycast-gateway-mac 02:00:5e:00:aa:01\n"
	         "interface bdif 10\n fabric forwarding mode anycast-gateway\n"
	         "interface bdif 20\n ip address 10.1.20.1/24\n"
	         " fabric forwarding mode anycast-gateway\n",
	         TENANTS);
	CU_ASSERT_EQUAL_FATAL(load(text, &c1), 0);
	snprintf(text, sizeof(text),
	         "%sfabric anycast-gateway-mac 02:00:5e:00:aa:02\n"
	         "interface bdif 10\n fabric forwarding mode anycast-gateway\n"
	         "interface bdif 20\n ip address 10.1.20.1/24\n",
	         TENANTS);
	CU_ASSERT_EQUAL_FATAL(load(text, &c2), 0);
	snprintf(text, sizeof(text), "%sinterface bdif 20\n ip address 10.1.20.1/24\n", TENANTS);
	CU_ASSERT_EQUAL_FATAL(load(text, &c3), 0);
	CU_ASSERT_EQUAL_FATAL(load(text, &c0), 0);
	/* the mode without the MAC is refused and changes nothing */
	CU_ASSERT_EQUAL(gw_cfg_if_set_anycast(c0, "bdif10", true, err), GW_CFG_OK);

	struct gw *gw = G = lab_gw_empty(&E);
	CU_ASSERT_FATAL(gw != NULL);
	CU_ASSERT_EQUAL_FATAL(gw_cfg_apply(gw, NULL, c3, NULL, err), GW_CFG_OK);
	check_if(gw, "bdif10", own10, false);
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, c3, c0, NULL, err), GW_CFG_ERR);
	CU_ASSERT(strstr(err, "bdif10") != NULL);
	check_if(gw, "bdif10", own10, false);

	CU_ASSERT_EQUAL(gw_cfg_apply(gw, c3, c1, NULL, err), GW_CFG_OK);
	check_if(gw, "bdif10", AMAC, true);
	check_if(gw, "bdif20", AMAC, true);
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, c1, c2, NULL, err), GW_CFG_OK);
	check_if(gw, "bdif10", AMAC2, true);
	check_if(gw, "bdif20", own20, false);
	CU_ASSERT_EQUAL(gw_cfg_apply(gw, c2, c3, NULL, err), GW_CFG_OK);
	check_if(gw, "bdif10", own10, false);
	check_if(gw, "bdif20", own20, false);
	gw_destroy(gw);
	gw_cfg_free(c0);
	gw_cfg_free(c1);
	gw_cfg_free(c2);
	gw_cfg_free(c3);
}

static CU_TestInfo dataplane_tests[] = {
    {"anycast mode: BDIFs only", test_uplink_refused},
    {"ARP reply from the anycast MAC", test_arp_reply_from_anycast_mac},
    {"routed packets and ARP requests from the anycast MAC", test_routed_from_anycast_mac},
    {"frames to the anycast MAC accepted, to the own MAC not", test_frames_to_anycast_mac_accepted},
    {"reply to the anycast MAC learned unasked", test_reply_to_anycast_mac_learned_unasked},
    {"another anycast gateway's frames dropped, not learned", test_other_gateway_frames_dropped},
    {"periodic gratuitous ARP to every flood peer", test_periodic_gratuitous_arp},
    {"no gratuitous ARP where nothing floods", test_gratuitous_arp_nowhere_to_flood},
    {"gratuitous ARP off with period 0", test_gratuitous_arp_off},
    {"quiet while a lower announcer is heard on the BD, takeover after 2.5 periods",
     test_quiet_while_lower_gateway_heard},
    {"one lost announcement of the announcer: no takeover", test_one_lost_announcement_no_takeover},
    {"higher-addressed gateways heard: still the announcer", test_higher_gateway_heard_ignored},
    {"a quiet gateway leaves the ARP answers to the announcer", test_quiet_leaves_arp_answer},
    {"a starting gateway leaves the role to a live announcer (not preemptive)",
     test_starting_gateway_not_preemptive},
    {"only announcements count, not other frames from the shared MAC",
     test_only_announcements_count},
    {"the lowest of the gateways heard announces", test_lowest_of_those_heard},
    CU_TEST_INFO_NULL,
};

/* The RA among lab's captured frames k-th: its source address and what it says. */
static struct in6_addr ra_of(const struct lab *lab, unsigned k, struct nd_msg *m)
{
	int i = nth_of_type(lab, NET_ICMP6_RA, k);
	CU_ASSERT_FATAL(i >= 0);
	const uint8_t *ip = lab_frame_ip6(&lab->cap[i]);
	CU_ASSERT_EQUAL_FATAL(
	    nd_parse((const struct net_ip6 *)ip, ip + NET_IP6_HLEN, lab_rd16(ip + 4), m),
	    ND_PARSE_OK);
	return ((const struct net_ip6 *)ip)->src;
}

/*
 * A BDIF going into anycast mode on a running gateway changes its MAC, so its derived
 * link-local: the hosts' default router. The old one is withdrawn at once (final RA, from
 * the old address and MAC), the shared one advertised by the announcer (this gateway once
 * it listened, alone; else the other one, already), so that the
 * hosts' default route follows instead of pointing at an address nobody answers for until
 * its lifetime (30 min) runs out.
 */
static void test6_turned_anycast_ll_follows(void)
{
	lab_fini(&L);
	CU_ASSERT_FATAL(lab_init6(&L, NULL));
	uint8_t own[6];
	struct in6_addr old_ll, ll = shared_ll();
	gw_bdif_default_mac(10, own);
	nd_eui64_linklocal(own, &old_ll);
	lab_advance(&L, 600); /* advertising from the old link-local */
	lab_reset_capture(&L);
	anycast_on_at(&L, L.bdif10);
	struct nd_msg m;
	CU_ASSERT_EQUAL_FATAL(count_of_type(&L, NET_ICMP6_RA), 2); /* to both flood peers */
	struct in6_addr src = ra_of(&L, 0, &m);
	CU_ASSERT(net_ip6_eq(&src, &old_ll));
	CU_ASSERT_EQUAL(m.router_lifetime_s, 0);
	CU_ASSERT(m.has_slla && net_mac_eq(m.slla, own));
	lab_reset_capture(&L);
	lab_advance(&L, 100 + HOLD_MS); /* alone: the announcer after listening */
	CU_ASSERT_EQUAL_FATAL(count_of_type(&L, NET_ICMP6_RA), 2);
	src = ra_of(&L, 0, &m);
	CU_ASSERT(net_ip6_eq(&src, &ll));
	CU_ASSERT_EQUAL(m.router_lifetime_s, 1800);
	CU_ASSERT(m.has_slla && net_mac_eq(m.slla, AMAC));
	/* the same MAC again changes nothing: no goodbye */
	lab_reset_capture(&L);
	anycast_on_at(&L, L.bdif10);
	CU_ASSERT_EQUAL(L.n_cap, 0);
}

static CU_TestInfo ipv6_tests[] = {
    {"every round: one NA per BDIF and peer, the same bytes on both", test6_round_announcement},
    {"every round: an IPv6-only BDIF announces too", test6_round_ipv6_only},
    {"no NA either while a lower gateway is heard", test6_quiet_no_na},
    {"no periodic RA either while a lower gateway is heard", test6_quiet_no_ra},
    {"a quiet gateway leaves the NS answers to the announcer", test6_quiet_leaves_ns_answer},
    {"RAs from the shared link-local and MAC, alike on both", test6_ra_shared},
    {"NS for shared addresses answered with the shared MAC", test6_ns_answered_with_shared_mac},
    {"NA to the shared MAC learned when the other gateway asked",
     test6_na_learned_when_other_asked},
    {"turned anycast: the old link-local withdrawn, the shared one advertised",
     test6_turned_anycast_ll_follows},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo config_tests[] = {
    {"setters and the whole-config check", test_cfg_setters},
    {"config file errors name the word and line", test_cfg_load_errors},
    {"applied as a diff: mode, fabric MAC, back", test_cfg_apply},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"anycast data plane", NULL, NULL, setup, teardown, dataplane_tests},
    {"anycast IPv6, two gateways", NULL, NULL, setup6, teardown6, ipv6_tests},
    {"anycast configuration", NULL, NULL, NULL, NULL, config_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
