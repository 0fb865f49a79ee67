/*
 * gw/vxlan_inl.h - the decap rules (SPEC section 4) of every path that takes VXLAN from
 * the underlay: the main pipeline (gw/pipeline.c) drops a packet with the reason a check
 * returns, the workers' fast path (gw/fast.c) hands any packet a check refuses to the main
 * thread, which then drops it for that same reason. Each path reads its own tables (the
 * live ones, the forwarding snapshot) and passes what it found; the checks, their order
 * and their reasons live here once, inline (as gw/ip4_inl.h does for IPv4). The checks
 * of the inner frame are gw/l2_inl.h's.
 *
 *   outer destination -> VXLAN header -> VNI's bridge domain (a group must be its flood
 *   group) -> sender is its peer -> inner frame (gw/l2_inl.h)
 */
#ifndef GW_VXLAN_INL_H
#define GW_VXLAN_INL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/net.h"
#include "gw/drop.h"
#include "gw/pkt.h"
#include "vxlan/bd.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

/*
 * The outer destination is the VTEP address (one is set), or a multicast group: that one
 * must be the flood group of the VNI's bridge domain (gw_vx_bd_drop), known only later.
 */
static inline enum gw_drop gw_vx_outer_dst_drop(uint32_t outer_dst, uint32_t vtep, uint32_t vtep6)
{
	if (vx_vtep_is_group(outer_dst) || (outer_dst == vtep && vtep) ||
	    (outer_dst == vtep6 && vtep6))
		return 0;
	return GW_DROP_OUTER_DST;
}

/* A VXLAN header problem (enum vx_parse_err) as its drop reason. */
static inline enum gw_drop gw_vx_parse_drop(int err)
{
	switch (err) {
	case VX_PARSE_OK:
		return 0;
	case VX_PARSE_SHORT:
		return GW_DROP_VXLAN_SHORT;
	case VX_PARSE_NO_I:
		return GW_DROP_VXLAN_NO_I;
	case VX_PARSE_FLAGS:
		return GW_DROP_VXLAN_FLAGS;
	default:
		return GW_DROP_VXLAN_RESERVED;
	}
}

/*
 * The VXLAN header at data (len bytes of UDP payload): whole, the I flag set, and with
 * strict (the default policy) no other flag nor reserved bit. *vni is set when it passes.
 */
static inline enum gw_drop gw_vx_hdr_drop(const uint8_t *data, uint32_t len, bool strict,
                                          uint32_t *vni)
{
	int err = vx_hdr_parse(data, len, strict, vni);
	if (__builtin_expect(err == VX_PARSE_OK, 1))
		return 0;
	return gw_vx_parse_drop(err);
}

/*
 * The bridge domain of the VNI (bdx, BD_NONE: no bridge domain has it) may take a packet
 * sent to outer_dst: a packet to a multicast group only through that group (group: the
 * bridge domain's flood group, 0: none).
 */
static inline enum gw_drop gw_vx_bd_drop(uint32_t bdx, uint32_t outer_dst, uint32_t group)
{
	if (bdx == BD_NONE)
		return GW_DROP_NO_SUCH_VNI;
	if (vx_vtep_is_group(outer_dst) && outer_dst != group)
		return GW_DROP_OUTER_DST;
	return 0;
}

/*
 * The sending VTEP may send into the bridge domain (checked after gw_vx_bd_drop: accepting
 * a flood group's sender records it). accepted: bd_peer_accept on the main thread, which
 * takes one of its flood peers or, when it has a flood group, any VTEP, recorded as a
 * learned peer while there is room (BD_LEARNED_PEERS_MAX).
 */
static inline enum gw_drop gw_vx_peer_drop(bool accepted)
{
	return accepted ? 0 : GW_DROP_NO_SUCH_PEER;
}

/*
 * The same rule for a reader of the forwarding snapshot, which cannot record a learned
 * peer: a listed flood peer, or any VTEP when there is a flood group. The reader forwards
 * only from a source MAC learned behind that VTEP (gw_l2_learn_settled), so the main
 * thread accepted the VTEP, and it sees a packet of each such MAC once every third of the
 * ageing time (the fast path's refresh), which keeps the learned peer too.
 */
static inline bool gw_vx_peer_may_send(bool listed, uint32_t group)
{
	return listed || group != 0;
}

/*
 * RFC 6040 section 4.2 on the inner frame (len bytes at frame) of a packet whose outer
 * TOS / traffic class was outer_tos: an outer CE reaches an ECT inner packet (CE), an outer
 * ECT(1) an ECT(0) one, and drops a Not-ECT one. The inner header is rewritten in place.
 * A frame that carries no IP header is left alone (as Linux does). Most packets have
 * outer Not-ECT or ECT(0), which change nothing: one test.
 */
static inline enum gw_drop gw_vx_ecn_decap(uint8_t outer_tos, uint8_t *frame, uint32_t len)
{
	if (__builtin_expect(!(outer_tos & VX_ECN_ECT1), 1))
		return 0;
	int inner = vx_inner_tclass(frame, len);
	if (inner < 0)
		return 0;
	int ecn = vx_ecn_decap(outer_tos, (uint8_t)inner);
	if (ecn < 0)
		return GW_DROP_ECN_CE_NOT_ECT;
	if (ecn != (inner & VX_ECN_MASK))
		vx_inner_set_ecn(frame, len, (uint8_t)ecn);
	return 0;
}

/* What the outer header of a packet to the underlay is built from (a bridge domain's). */
struct gw_vx_encap {
	const struct vx_encap *e4;  /* the IPv4 template (destination patched); NULL: no source */
	const struct vx_encap6 *e6; /* the IPv6 one; NULL: no IPv6 source */
	const struct vx_vteps *names;
	int dscp; /* `vxlan dscp`: 0..63 or VX_DSCP_INHERIT */
};

/*
 * Whether a packet can be sent to VTEP (or group) vtep: there is a source of its family
 * and, for an IPv6 one, its name is held (*dst6: its address). False: drop it
 * (no_vtep_source).
 */
static inline bool gw_vx_reachable(const struct gw_vx_encap *x, uint32_t vtep,
                                   const struct in6_addr **dst6)
{
	if (__builtin_expect(!vx_vtep_is6(vtep), 1))
		return x->e4 != NULL;
	return x->e6 && (*dst6 = vx_vteps_addr(x->names, vtep)) != NULL;
}

/*
 * Prepends the outer header toward VTEP vtep (either family) to the inner frame at
 * p->data, with the DSCP of x and the inner packet's ECN (RFC 6040); an IPv6 one also
 * gets the inner flow's label (RFC 6438). The caller checked gw_vx_reachable, which gave
 * dst6 for an IPv6 VTEP.
 */
static inline void gw_vx_encap(const struct gw_vx_encap *x, struct gw_pkt *p, uint32_t vtep,
                               const struct in6_addr *dst6)
{
	uint8_t tc = vx_outer_tclass(x->dscp, vx_inner_tclass(p->data, p->len));
	uint16_t sport = vx_sport(p->flow_hash);
	if (__builtin_expect(!vx_vtep_is6(vtep), 1)) {
		p->data -= VX_ENCAP_LEN;
		vx_encap_write_dst(x->e4, p->data, (uint16_t)p->len, sport, vtep, tc);
		p->len += VX_ENCAP_LEN;
	} else {
		p->data -= VX_ENCAP6_LEN;
		vx_encap6_write(x->e6, p->data, (uint16_t)p->len, sport, dst6, tc,
		                vx_flow_label(p->flow_hash));
		p->len += VX_ENCAP6_LEN;
	}
	p->outer_dst = vtep;
}

#endif
