/* pktlab.c - see pktlab.h. */
#include "pktlab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp/nd.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

const uint8_t lab_up0_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x99, 0x01};
const uint8_t lab_upnh_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x99, 0x02};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void capture(struct lab *lab, uint16_t ifx, struct gw_pkt *p)
{
	lab->n_tx++;
	if (lab->capture && lab->n_cap < LAB_CAP_MAX) {
		struct lab_frame *f = &lab->cap[lab->n_cap++];
		f->ifx = ifx;
		f->outer_dst = ifx ? 0 : p->outer_dst;
		f->len = p->len;
		memcpy(f->bytes, p->data, p->len);
	}
	gw_pkt_free(gw_pool(lab->gw), p);
}

static void tx_underlay(void *ctx, struct gw_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		capture(ctx, 0, pkts[i]);
}

static void tx_eth(void *ctx, uint16_t ifx, struct gw_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		capture(ctx, ifx, pkts[i]);
}

static const struct gw_io_ops lab_io = {.tx_underlay = tx_underlay, .tx_eth = tx_eth};

static bool lab_bd(struct bd_table *bd, uint32_t id, uint32_t vni, uint32_t p1, uint32_t p2)
{
	return bd_add(bd, id) == 0 && bd_set_vni(bd, id, vni) == 0 &&
	       bd_flood_peer_add(bd, id, p1) == 0 && bd_flood_peer_add(bd, id, p2) == 0;
}

bool lab_init(struct lab *lab, const struct gw_params *params)
{
	memset(lab, 0, sizeof(*lab));
	lab->capture = true;
	lab->now = 1000000;
	lab->gw = gw_create(params, &lab_io, lab);
	if (!lab->gw)
		return false;
	struct gw *gw = lab->gw;
	gw_set_time(gw, lab->now);
	struct bd_table *bd = gw_bd(gw);
	return gw_set_vtep(gw, LAB_VTEP, 4789) == 0 &&
	       lab_bd(bd, 10, 5000, LAB_VTEP11, LAB_VTEP12) &&
	       lab_bd(bd, 20, 6000, LAB_VTEP12, LAB_VTEP13) &&
	       gw_bdif_add(gw, 10, &lab->bdif10) == 0 && gw_bdif_add(gw, 20, &lab->bdif20) == 0 &&
	       gw_eth_add(gw, "up0", lab_up0_mac, &lab->up0) == 0 &&
	       gw_if_addr_add(gw, lab->bdif10, LAB_GW10, 24) == 0 &&
	       gw_if_addr_add(gw, lab->bdif20, LAB_GW20, 24) == 0 &&
	       gw_if_addr_add(gw, lab->up0, LAB_UP, 30) == 0;
}

struct gw *lab_gw_empty(struct lab *lab)
{
	memset(lab, 0, sizeof(*lab));
	lab->gw = gw_create(NULL, &lab_io, lab);
	return lab->gw;
}

void lab_fini(struct lab *lab)
{
	gw_destroy(lab->gw);
	lab->gw = NULL;
}

void lab_reset_capture(struct lab *lab)
{
	lab->n_cap = 0;
}

unsigned lab_eth(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	struct net_eth *e = (struct net_eth *)buf;
	memcpy(e->dst, dst, 6);
	memcpy(e->src, src, 6);
	e->type = htons(type);
	return NET_ETH_HLEN;
}

unsigned lab_tag_frame(uint8_t *f, unsigned n, uint16_t tci)
{
	memmove(f + 16, f + 12, n - 12);
	f[12] = 0x81;
	f[13] = 0x00;
	f[14] = (uint8_t)(tci >> 8);
	f[15] = (uint8_t)tci;
	return n + NET_VLAN_HLEN;
}

unsigned lab_ip(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint16_t plen,
                bool df)
{
	struct net_ip *ip = (struct net_ip *)buf;
	memset(ip, 0, sizeof(*ip));
	ip->vhl = 0x45;
	ip->len = htons((uint16_t)(NET_IP_HLEN + plen));
	ip->id = htons(0x1234);
	ip->off = df ? htons(NET_IP_DF) : 0;
	ip->ttl = ttl;
	ip->proto = proto;
	ip->src = htonl(src);
	ip->dst = htonl(dst);
	ip->sum = net_csum(ip, NET_IP_HLEN);
	return NET_IP_HLEN;
}

unsigned lab_icmp_echo(uint8_t *buf, uint16_t id, uint16_t seq, uint16_t plen)
{
	struct net_icmp *ic = (struct net_icmp *)buf;
	ic->type = 8;
	ic->code = 0;
	ic->sum = 0;
	ic->id = htons(id);
	ic->seq = htons(seq);
	for (unsigned i = 0; i < plen; i++)
		buf[NET_ICMP_HLEN + i] = (uint8_t)(i * 7 + 3);
	ic->sum = net_csum(buf, NET_ICMP_HLEN + plen);
	return NET_ICMP_HLEN + plen;
}

unsigned lab_ping_frame(uint8_t *buf, const uint8_t *dst_mac, const uint8_t *src_mac, uint32_t src,
                        uint32_t dst, uint8_t ttl, uint16_t plen, bool df)
{
	unsigned n = lab_eth(buf, dst_mac, src_mac, NET_ETHERTYPE_IP);
	n += lab_ip(buf + n, src, dst, NET_IPPROTO_ICMP, ttl, (uint16_t)(NET_ICMP_HLEN + plen), df);
	n += lab_icmp_echo(buf + n, 0x77, 1, plen);
	return n;
}

unsigned lab_arp_frame(uint8_t *buf, uint16_t op, const uint8_t *eth_dst, const uint8_t *sha,
                       uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	static const uint8_t zero[6];
	unsigned n = lab_eth(buf, eth_dst ? eth_dst : bcast, sha, NET_ETHERTYPE_ARP);
	struct arp_msg m = {.op = op, .spa = spa, .tpa = tpa};
	memcpy(m.sha, sha, 6);
	memcpy(m.tha, tha ? tha : zero, 6);
	arp_build(buf + n, &m);
	return n + ARP_PKT_LEN;
}

/* A datagram's payload as the driver hands it over, outer fields set. */
static struct gw_pkt *underlay_pkt(struct lab *lab, uint32_t vtep, uint32_t outer_dst, uint8_t tos,
                                   const uint8_t *payload, unsigned len)
{
	struct gw_pkt *p = gw_pkt_alloc(gw_pool(lab->gw));
	if (!p)
		abort();
	gw_pkt_set(p, payload, len);
	p->outer_src = vtep;
	p->outer_dst = outer_dst;
	p->outer_sport = 55555;
	p->outer_tos = tos;
	return p;
}

void lab_from_vtep_raw(struct lab *lab, uint32_t vtep, uint32_t outer_dst, const uint8_t *payload,
                       unsigned len)
{
	struct gw_pkt *p = underlay_pkt(lab, vtep, outer_dst, 0, payload, len);
	gw_input_underlay(lab->gw, &p, 1);
}

static unsigned vxlan_payload(uint8_t *buf, uint32_t vni, const uint8_t *frame, unsigned len)
{
	vx_hdr_build(buf, vni);
	memcpy(buf + VX_HDR_LEN, frame, len);
	return VX_HDR_LEN + len;
}

void lab_from_vtep_tos(struct lab *lab, uint32_t vtep, uint32_t vni, uint8_t tos,
                       const uint8_t *frame, unsigned len)
{
	uint8_t buf[GW_PKT_DATA];
	uint32_t dst = vx_vtep_is6(vtep) ? gw_vtep6_name(lab->gw) : LAB_VTEP;
	struct gw_pkt *p =
	    underlay_pkt(lab, vtep, dst, tos, buf, vxlan_payload(buf, vni, frame, len));
	gw_input_underlay(lab->gw, &p, 1);
}

void lab_from_vtep(struct lab *lab, uint32_t vtep, uint32_t vni, const uint8_t *frame, unsigned len)
{
	lab_from_vtep_tos(lab, vtep, vni, 0, frame, len);
}

bool lab_underlay6(struct lab *lab)
{
	struct in6_addr a = lab_a6(LAB_VTEP6_ADDR);
	return gw_set_vtep6(lab->gw, &a) == GW_OK;
}

uint32_t lab_vtep6(struct lab *lab, const char *addr)
{
	struct in6_addr a = lab_a6(addr);
	return gw_vtep_name(lab->gw, AF_INET6, &a);
}

void lab_from_vtep6(struct lab *lab, const char *src, uint32_t group6, uint32_t vni, uint8_t tos,
                    const uint8_t *frame, unsigned len)
{
	uint8_t buf[GW_PKT_DATA];
	struct in6_addr a = lab_a6(src);
	const struct vx_vteps *t = gw_vteps(lab->gw);
	uint32_t name = t ? vx_vteps_find(t, &a) : 0;
	uint32_t dst = group6 ? group6 : gw_vtep6_name(lab->gw);
	struct gw_pkt *p = underlay_pkt(lab, name ? name : VX_VTEP6_UNKNOWN, dst, tos, buf,
	                                vxlan_payload(buf, vni, frame, len));
	memcpy(gw_pkt_outer6_src(p), &a, sizeof(a));
	gw_input_underlay(lab->gw, &p, 1);
}

void lab_from_uplink(struct lab *lab, uint16_t ifx, const uint8_t *frame, unsigned len)
{
	struct gw_pkt *p = gw_pkt_alloc(gw_pool(lab->gw));
	if (!p)
		abort();
	gw_pkt_set(p, frame, len);
	gw_input_eth(lab->gw, ifx, &p, 1);
}

void lab_advance(struct lab *lab, uint64_t ms)
{
	uint64_t end = lab->now + ms;
	while (lab->now < end) {
		lab->now += lab->now + 100 <= end ? 100 : end - lab->now;
		gw_set_time(lab->gw, lab->now);
		gw_tick(lab->gw);
	}
}

void lab_host_arp(struct lab *lab, uint32_t vtep, uint32_t vni, uint32_t ip, const uint8_t *mac,
                  uint32_t gw_ip)
{
	uint8_t f[64];
	unsigned n = lab_arp_frame(f, ARP_OP_REQUEST, NULL, mac, ip, NULL, gw_ip);
	lab_from_vtep(lab, vtep, vni, f, n);
}

uint64_t lab_drops(const struct lab *lab, enum gw_drop why)
{
	struct gw_counters c;
	gw_get_counters(lab->gw, &c);
	return c.drops[why];
}

bool lab_pool_full(struct lab *lab)
{
	struct gw_pool *pool = gw_pool(lab->gw);
	return gw_pool_avail(pool) == gw_pool_size(pool);
}

/* ---------------------------------------------------------------- IPv6 */

struct in6_addr lab_a6(const char *s)
{
	struct in6_addr a;
	if (!net_ip6_parse(s, &a))
		abort(); /* a test's typo */
	return a;
}

bool lab_init6(struct lab *lab, const struct gw_params *params)
{
	if (!lab_init(lab, params))
		return false;
	struct gw *gw = lab->gw;
	struct in6_addr g10 = lab_a6("2001:db8:10::1"), g20 = lab_a6("2001:db8:20::1"),
	                up = lab_a6("2001:db8:f0::2");
	return gw_if_addr6_add(gw, lab->bdif10, &g10, 64) == GW_OK &&
	       gw_if_addr6_add(gw, lab->bdif20, &g20, 64) == GW_OK &&
	       gw_if_addr6_add(gw, lab->up0, &up, 64) == GW_OK &&
	       gw_if_set_mtu(gw, lab->up0, 1280) == GW_OK;
}

/* Ethernet + IPv6 + ICMPv6 (checksum set) with body (after the 4-byte type/code/sum). */
unsigned lab_icmp6_frame(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
                         const struct in6_addr *src, const struct in6_addr *dst, uint8_t hlim,
                         uint8_t type, const uint8_t *body, unsigned blen)
{
	unsigned n = lab_eth(buf, dmac, smac, NET_ETHERTYPE_IP6);
	struct net_ip6 ip = {.vtcfl = htonl(6u << 28),
	                     .plen = htons((uint16_t)(4 + blen)),
	                     .nxt = NET_IPPROTO_ICMP6,
	                     .hlim = hlim,
	                     .src = *src,
	                     .dst = *dst};
	memcpy(buf + n, &ip, sizeof(ip));
	uint8_t *icmp = buf + n + NET_IP6_HLEN;
	icmp[0] = type;
	icmp[1] = 0;
	icmp[2] = icmp[3] = 0;
	memcpy(icmp + 4, body, blen);
	uint16_t sum = net_csum_fold(
	    net_csum_partial(icmp, 4 + blen, net_ip6_pseudo_sum(src, dst, 4 + blen, 58)));
	memcpy(icmp + 2, &sum, 2);
	return n + NET_IP6_HLEN + 4 + blen;
}

/* An echo request of plen bytes of payload. */
unsigned lab_echo6_frame(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
                         const struct in6_addr *src, const struct in6_addr *dst, uint8_t hlim,
                         unsigned plen)
{
	uint8_t body[1600] = {0x12, 0x34, 0x00, 0x01};
	for (unsigned i = 4; i < 4 + plen; i++)
		body[i] = (uint8_t)i;
	return lab_icmp6_frame(buf, dmac, smac, src, dst, hlim, NET_ICMP6_ECHO_REQUEST, body,
	                       4 + plen);
}

/* NS for target from src (with the source link-layer option). */
unsigned lab_ns_frame(uint8_t *buf, const uint8_t *smac, const struct in6_addr *src,
                      const struct in6_addr *target)
{
	struct in6_addr group;
	uint8_t gmac[6], body[4 + 16 + 8] = {0};
	nd_solicited_node(target, &group);
	nd_mcast_mac(&group, gmac);
	memcpy(body + 4, target, 16);
	body[20] = ND_OPT_SLLA;
	body[21] = 1;
	memcpy(body + 22, smac, 6);
	return lab_icmp6_frame(buf, gmac, smac, src, &group, 255, NET_ICMP6_NS, body, sizeof(body));
}

/* Solicited NA for target (ours to claim: the host's) with the target link-layer option. */
unsigned lab_na_frame(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
                      const struct in6_addr *src, const struct in6_addr *dst,
                      const struct in6_addr *target)
{
	uint8_t body[4 + 16 + 8] = {ND_NA_SOLICITED | ND_NA_OVERRIDE};
	memcpy(body + 4, target, 16);
	body[20] = ND_OPT_TLLA;
	body[21] = 1;
	memcpy(body + 22, smac, 6);
	return lab_icmp6_frame(buf, dmac, smac, src, dst, 255, NET_ICMP6_NA, body, sizeof(body));
}

/* The ICMPv6 checksum of the message after ip6 verifies. */
bool lab_icmp6_ok(const uint8_t *ip6)
{
	struct net_ip6 h;
	memcpy(&h, ip6, sizeof(h));
	uint32_t len = ntohs(h.plen);
	struct in6_addr src = h.src, dst = h.dst;
	uint32_t sum = net_ip6_pseudo_sum(&src, &dst, len, 58);
	return net_csum_fold(net_csum_partial(ip6 + NET_IP6_HLEN, len, sum)) == 0;
}

const uint8_t *lab_frame_ip6(const struct lab_frame *f)
{
	unsigned off = f->ifx ? NET_ETH_HLEN : LAB_OUTER_HLEN + NET_ETH_HLEN;
	if (f->len < off + NET_IP6_HLEN || lab_rd16(f->bytes + off - 2) != NET_ETHERTYPE_IP6)
		return NULL;
	return f->bytes + off;
}

/* ---------------------------------------------------------------- access lists */

int lab_acl_rule(int fam, const char *line, struct acl_rule *r, char *err)
{
	char buf[256];
	const char *argv[32];
	int argc = 0;
	snprintf(buf, sizeof(buf), "%s", line);
	for (char *save, *t = strtok_r(buf, " ", &save); t && argc < 32;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	return acl_rule_parse(fam, argc, argv, r, err);
}

int lab_acl_rules(int fam, const char *const *lines, struct acl_rule *r)
{
	int n = 0;
	for (; lines[n]; n++) {
		char err[ACL_ERRLEN];
		if (n == LAB_ACL_ENTRIES || lab_acl_rule(fam, lines[n], &r[n], err)) {
			fprintf(stderr, "%s: %s\n", lines[n],
			        n == LAB_ACL_ENTRIES ? "too many" : err);
			return -1;
		}
		if (!r[n].seq)
			r[n].seq = (uint32_t)(n + 1) * ACL_SEQ_STEP;
	}
	return n;
}

int lab_acl_set(struct gw *gw, int fam, const char *name, const char *const *lines)
{
	struct acl_rule r[LAB_ACL_ENTRIES];
	int n = lab_acl_rules(fam, lines, r);
	return n < 0 ? -1 : gw_acl_set(gw, fam, name, r, (unsigned)n);
}
