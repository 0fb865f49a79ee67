/*
 * gw/trace.h - packet trace, as in VPP: `trace add N` marks the next N packets that
 * arrive, and every stage they pass through appends one fixed-size record of what it
 * decided (VNI, bridge domain, MAC, FIB entry, ARP entry, rewrite, encap, drop reason).
 * Records hold numbers only; text (or JSON) is made at `show trace` time by the format
 * functions here, so a traced packet costs a few stores per stage.
 *
 * Cost when tracing is off: one branch per input vector (is there a budget?) and, per
 * stage, a test of the packet's own `trace` field (gw_traced(), predicted not taken).
 *
 * What belongs to one entry: an entry is one received packet. Everything the gateway
 * does because of it appends to that entry, marked by its own records: the buffer
 * reused in place (echo reply, ARP reply), flood copies (one vxlan-encap record per
 * VTEP), fragments (an ip4-fragment record each) and the ICMP error it caused. The
 * budget thus counts received packets only, and a packet held by ARP keeps writing into
 * its entry when the reply releases it (its records carry the time since arrival).
 *
 * Memory is bounded: at most GW_TRACE_MAX_PKTS entries of GW_TRACE_RECS records; `trace
 * add` never lets budget plus entries exceed that, so the buffer never wraps. Entry ids
 * only grow, also across `clear trace`, so a held packet whose entry was cleared finds
 * no entry instead of writing into a newer one.
 *
 * Everything here runs on the thread that owns the gateway.
 */
#ifndef GW_TRACE_H
#define GW_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gw/drop.h"
#include "gw/pkt.h"

#define GW_TRACE_MAX_PKTS 1000
#define GW_TRACE_RECS     32

/* Which input `trace add` takes packets from. */
enum gw_trace_input {
	GW_TRACE_IN_ANY = 0,
	GW_TRACE_IN_UNDERLAY,
	GW_TRACE_IN_ETHERNET,
};

/* _(ENUM, "name as shown") */
#define GW_TRACE_STAGES(_)                                                                         \
	_(UNDERLAY_RX, "underlay-rx")                                                              \
	_(VXLAN_DECAP, "vxlan-decap")                                                              \
	_(MAC_LEARN, "mac-learn")                                                                  \
	_(UPLINK_RX, "uplink-rx")                                                                  \
	_(L2_INPUT, "l2-input")                                                                    \
	_(ARP_INPUT, "arp-input")                                                                  \
	_(IP4_INPUT, "ip4-input")                                                                  \
	_(IP4_LOOKUP, "ip4-lookup")                                                                \
	_(IP4_ARP, "ip4-arp")                                                                      \
	_(IP4_REWRITE, "ip4-rewrite")                                                              \
	_(IP4_FRAGMENT, "ip4-fragment")                                                            \
	_(IP4_SEGMENT, "ip4-segment")                                                              \
	_(IP4_LOCAL, "ip4-local")                                                                  \
	_(BD_MAC_LOOKUP, "bd-mac-lookup")                                                          \
	_(VXLAN_ENCAP, "vxlan-encap")                                                              \
	_(TX, "tx")                                                                                \
	_(DROP, "drop")

enum gw_trace_stage {
#define GW_TRACE_STAGE_ENUM(e, n) GW_TR_##e,
	GW_TRACE_STAGES(GW_TRACE_STAGE_ENUM)
#undef GW_TRACE_STAGE_ENUM
	    GW_TR_MAX
};

/* Outcomes (gw_trace_rec.code) of the stages that have more than one. */
enum gw_trace_arp_code {
	GW_TR_ARP_HIT = 0,  /* entry found: MAC and state */
	GW_TR_ARP_MISS,     /* no MAC: handed to ARP (a drop record follows if it is not held) */
	GW_TR_ARP_RESOLVED, /* held packet released by the reply */
};

enum gw_trace_local_code {
	GW_TR_LOCAL_ECHO_REPLY = 0,
	GW_TR_LOCAL_ARP_REPLY,   /* request for our address answered */
	GW_TR_LOCAL_ARP_LEARNED, /* reply to us: neighbour learned */
	GW_TR_LOCAL_ICMP_ERROR,  /* ICMP error generated (type, code) */
	GW_TR_LOCAL_ICMP_QUIET,  /* ICMP error suppressed (rule or rate limit) */
};

#define GW_TR_LEARN_MEMO 0xff /* mac-learn: same source as the packet before (not looked up) */

/* One stage's decision. 24 bytes; the union member is chosen by stage. */
struct gw_trace_rec {
	uint8_t stage; /* enum gw_trace_stage */
	uint8_t code;  /* outcome, per stage (see above) */
	uint16_t ifx;  /* interface concerned, 0 none */
	uint32_t ms;   /* since the packet arrived */
	union {
		struct { /* underlay-rx */
			uint32_t src, dst, vni;
			uint16_t sport, len;
		} rx;
		struct { /* vxlan-decap */
			uint32_t vni, bd_id;
		} decap;
		struct { /* mac-learn (code: bd_mac_learn result) */
			uint8_t mac[6];
			uint32_t vtep, bd_id;
		} learn;
		struct { /* uplink-rx, l2-input, ip4-rewrite (ttl after, IPv4 only) */
			uint8_t dst[6], src[6];
			uint16_t type;
			uint8_t ttl;
		} eth;
		struct { /* ip4-input */
			uint32_t src, dst;
			uint16_t len;
			uint8_t ttl, proto;
		} ip4;
		struct { /* ip4-local: what the gateway answered or generated */
			uint32_t src, dst;
			uint8_t type, code; /* ICMP */
		} local;
		struct { /* ip4-lookup (code: fib path type, 0 miss) in the FIB of VRF vrfx */
			uint32_t dst, pfx, nh;
			uint8_t plen;
			uint16_t vrfx;
		} fib;
		struct { /* ip4-arp, arp-input */
			uint32_t ip;
			uint8_t mac[6];
			uint8_t state;
		} arp;
		struct { /* bd-mac-lookup (vtep 0: unknown, flooded) */
			uint8_t mac[6];
			uint32_t bd_id, vtep;
		} bdmac;
		struct { /* vxlan-encap */
			uint32_t vtep, vni;
			uint16_t sport, len;
		} encap;
		struct { /* ip4-fragment */
			uint16_t off, len;
		} frag;
		struct { /* ip4-segment: a segment cut from a super-packet */
			uint16_t len, mss;
		} seg;
		struct { /* tx */
			uint32_t len;
		} tx;
		struct { /* drop: reason is an enum gw_drop */
			uint16_t reason;
		} drop;
	} u;
};
_Static_assert(sizeof(struct gw_trace_rec) == 24, "trace records stay small");

/* One traced packet. */
struct gw_trace_pkt {
	uint32_t id;     /* the packet's number since the daemon started */
	uint8_t input;   /* GW_TRACE_IN_UNDERLAY or GW_TRACE_IN_ETHERNET */
	uint8_t n_recs;  /* records kept */
	uint16_t n_lost; /* records past GW_TRACE_RECS, not kept */
	uint64_t t_ms;   /* arrival, on the gateway's clock */
	struct gw_trace_rec rec[GW_TRACE_RECS];
};

/* The trace state inside struct gw. */
struct gw_trace_state {
	struct gw_trace_pkt *pkts;
	uint32_t n, cap; /* entries used, allocated */
	uint32_t budget; /* packets still to mark */
	uint32_t base;   /* id of pkts[0] */
	uint8_t input;   /* enum gw_trace_input */
};

struct gw;

/* ---- for the CLI ---- */
/* Traces n more packets (1..GW_TRACE_MAX_PKTS), from that input: the input applies to the
 * whole remaining budget (the last call decides). Returns how many
 * were added (less than n when the buffer's room ran out), -1 when n is out of range, -2
 * without memory. */
int gw_trace_add(struct gw *gw, uint32_t n, enum gw_trace_input input);
/* Forgets the entries and the budget. */
void gw_trace_clear(struct gw *gw);
uint32_t gw_trace_budget(const struct gw *gw);
uint32_t gw_trace_count(const struct gw *gw);
/* Entry i (0 = oldest), or NULL. */
const struct gw_trace_pkt *gw_trace_get(const struct gw *gw, uint32_t i);
const char *gw_trace_stage_name(enum gw_trace_stage s);
const char *gw_trace_input_name(enum gw_trace_input in);
/* One record as text ("vni 5000 -> bridge-domain 10") or as the members of a JSON object
 * ("\"vni\":5000,\"bridge_domain\":10"), stage name not included; returns buf. */
const char *gw_trace_format(struct gw *gw, const struct gw_trace_rec *r, char *buf, size_t len);
const char *gw_trace_format_json(struct gw *gw, const struct gw_trace_rec *r, char *buf,
                                 size_t len);

/* ---- for the pipeline: each hook only under gw_traced(p) ---- */
/* Cold: the compiler keeps the calls out of the hot code and out of its inlining budget. */
#define GW_TRACE_HOOK __attribute__((cold))

static inline bool gw_traced(const struct gw_pkt *p)
{
	return __builtin_expect(p->trace != 0, 0);
}

/* Marks packets of a vector arriving on ifx (0: the underlay) while budget lasts. */
GW_TRACE_HOOK void gw_trace_input(struct gw *gw, struct gw_pkt **pkts, unsigned n, uint16_t ifx);
GW_TRACE_HOOK void gw_trace_decap(struct gw *gw, const struct gw_pkt *p, uint32_t vni);
GW_TRACE_HOOK void gw_trace_learn(struct gw *gw, const struct gw_pkt *p, const uint8_t *mac,
                                  int result);
GW_TRACE_HOOK void gw_trace_l2(struct gw *gw, const struct gw_pkt *p, uint16_t ifx);
GW_TRACE_HOOK void gw_trace_arp_input(struct gw *gw, const struct gw_pkt *p, uint16_t op,
                                      uint32_t spa, const uint8_t *sha);
GW_TRACE_HOOK void gw_trace_ip4(struct gw *gw, const struct gw_pkt *p);
struct fib;
/* res: the lookup result for the packet's destination (data at its IPv4 header). */
GW_TRACE_HOOK void gw_trace_fib(struct gw *gw, const struct gw_pkt *p, const struct fib *fib,
                                uint32_t res);
/* mac NULL for GW_TR_ARP_MISS. */
GW_TRACE_HOOK void gw_trace_arp(struct gw *gw, const struct gw_pkt *p, uint16_t ifx, uint32_t nh,
                                const uint8_t *mac, enum gw_trace_arp_code code);
GW_TRACE_HOOK void gw_trace_rewrite(struct gw *gw, const struct gw_pkt *p, uint16_t ifx);
GW_TRACE_HOOK void gw_trace_fragment(struct gw *gw, const struct gw_pkt *p);
/* p: one segment cut from a super-packet with at most mss bytes of payload each. */
GW_TRACE_HOOK void gw_trace_segment(struct gw *gw, const struct gw_pkt *p, uint32_t mss);
/* type/code: the ICMP message for ECHO_REPLY, ICMP_ERROR and ICMP_QUIET. */
GW_TRACE_HOOK void gw_trace_local(struct gw *gw, const struct gw_pkt *p,
                                  enum gw_trace_local_code what, uint8_t type, uint8_t code);
/* In p's egress bridge domain (p->bdx); vtep 0: unknown, flooded. */
GW_TRACE_HOOK void gw_trace_bd_mac(struct gw *gw, const struct gw_pkt *p, uint32_t vtep);
GW_TRACE_HOOK void gw_trace_encap(struct gw *gw, const struct gw_pkt *p, uint32_t vtep,
                                  uint32_t vni);
GW_TRACE_HOOK void gw_trace_tx(struct gw *gw, const struct gw_pkt *p, uint16_t ifx);
GW_TRACE_HOOK void gw_trace_drop(struct gw *gw, const struct gw_pkt *p, enum gw_drop why);

/* internal: frees the buffer (gw_destroy). */
void gw_trace_fini(struct gw *gw);

#endif
