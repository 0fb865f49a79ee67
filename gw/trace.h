/*
 * gw/trace.h - packet trace, as in VPP: `trace add N` marks the next N packets that
 * arrive, and every stage they pass through appends one fixed-size record of what it
 * decided (VNI, bridge domain, MAC, FIB entry, ARP entry, rewrite, encap, drop reason).
 * Records hold numbers only; text (or JSON) is made at `show trace` time by each stage's
 * formatter, so a traced packet costs a few stores per stage.
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
#include <netinet/in.h>
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

/*
 * The registry of stages: _(ENUM, "name as shown", formatter). Each stage's payload, the
 * hook that fills it and its formatter live in the file that emits the stage (VPP style:
 * the node owns its trace record); this list only gives the order, the names and the
 * formatter `show trace` calls for each.
 */
#define GW_TRACE_STAGES(_)                                                                         \
	_(UNDERLAY_RX, "underlay-rx", gw_tr_fmt_underlay_rx)       /* pipeline_trace.c */          \
	_(VXLAN_DECAP, "vxlan-decap", gw_tr_fmt_decap)             /* pipeline_trace.c */          \
	_(UPLINK_RX, "uplink-rx", gw_tr_fmt_uplink_rx)             /* pipeline_trace.c */          \
	_(L2_INPUT, "l2-input", gw_tr_fmt_l2_input)                /* pipeline_trace.c */          \
	_(L2_LEARN, "l2-learn", gw_tr_fmt_learn)                   /* pipeline_trace.c */          \
	_(ARP_INPUT, "arp-input", gw_tr_fmt_arp_input)             /* neigh.c */                   \
	_(IP4_INPUT, "ip4-input", gw_tr_fmt_ip4_input)             /* pipeline_trace.c */          \
	_(IP4_LOOKUP, "ip4-lookup", gw_tr_fmt_ip4_lookup)          /* pipeline_trace.c */          \
	_(IP4_ARP, "ip4-arp", gw_tr_fmt_ip4_arp)                   /* pipeline_trace.c */          \
	_(IP4_REWRITE, "ip4-rewrite", gw_tr_fmt_ip4_rewrite)       /* pipeline_trace.c */          \
	_(IP4_FRAGMENT, "ip4-fragment", gw_tr_fmt_ip4_fragment)    /* frag.c */                    \
	_(IP4_SEGMENT, "ip4-segment", gw_tr_fmt_segment)           /* frag.c */                    \
	_(IP6_SEGMENT, "ip6-segment", gw_tr_fmt_segment)           /* frag.c */                    \
	_(IP4_LOCAL, "ip4-local", gw_tr_fmt_ip4_local)             /* icmp.c */                    \
	_(IP6_INPUT, "ip6-input", gw_tr_fmt_ip6_input)             /* ip6.c */                     \
	_(IP6_LOOKUP, "ip6-lookup", gw_tr_fmt_ip6_lookup)          /* ip6.c */                     \
	_(IP6_ND, "ip6-nd", gw_tr_fmt_ip6_nd)                      /* ip6.c */                     \
	_(ACL, "acl", gw_tr_fmt_acl)                               /* acl.c */                     \
	_(BD_MAC_LOOKUP, "bd-mac-lookup", gw_tr_fmt_bd_mac_lookup) /* pipeline_trace.c */          \
	_(L2_FLOOD, "l2-flood", gw_tr_fmt_l2_flood)                /* pipeline_trace.c */          \
	_(L2_OUTPUT, "l2-output", gw_tr_fmt_l2_output)             /* pipeline_trace.c */          \
	_(VXLAN_ENCAP, "vxlan-encap", gw_tr_fmt_encap)             /* pipeline_trace.c */          \
	_(TX, "tx", gw_tr_fmt_tx)                                  /* pipeline_trace.c */          \
	_(DROP, "drop", gw_tr_fmt_drop)                            /* drop.c */

enum gw_trace_stage {
#define GW_TRACE_STAGE_ENUM(e, n, fmt) GW_TR_##e,
	GW_TRACE_STAGES(GW_TRACE_STAGE_ENUM)
#undef GW_TRACE_STAGE_ENUM
	    GW_TR_MAX
};

#define GW_TRACE_DATA_LEN 16

/*
 * One stage's decision: a common header and the stage's payload, whose layout only the
 * stage's own files know (read it with gw_trace_cdata()). 24 bytes.
 */
struct gw_trace_rec {
	uint8_t stage; /* enum gw_trace_stage */
	uint8_t code;  /* outcome, per stage */
	uint16_t ifx;  /* interface concerned, 0 none */
	uint32_t ms;   /* since the packet arrived */
	_Alignas(4) uint8_t data[GW_TRACE_DATA_LEN];
};
_Static_assert(sizeof(struct gw_trace_rec) == 24, "trace records stay small");

/* A stage's payload type must fit the record: put this beside its definition. */
#define GW_TRACE_PAYLOAD_FITS(type)                                                                \
	_Static_assert(sizeof(type) <= GW_TRACE_DATA_LEN && _Alignof(type) <= 4,                   \
	               #type " fits a trace record")

/* The payload of r, to be cast to its stage's payload type: each record is written and
 * read only through that one type (and the build has -fno-strict-aliasing). */
static inline void *gw_trace_data(struct gw_trace_rec *r)
{
	return r->data;
}

static inline const void *gw_trace_cdata(const struct gw_trace_rec *r)
{
	return r->data;
}

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
 * ("\"vni\":5000,\"bridge_domain\":10"), stage name not included; returns buf. Each stage's
 * formatter (GW_TRACE_STAGES) lists its fields once, so the two outputs cannot disagree. */
const char *gw_trace_format(struct gw *gw, const struct gw_trace_rec *r, char *buf, size_t len);
const char *gw_trace_format_json(struct gw *gw, const struct gw_trace_rec *r, char *buf,
                                 size_t len);

/* ---- for the stages' formatters: each field once, out as text or as JSON ---- */
struct gw_trace_fmt {
	struct gw *gw;
	char *buf;
	size_t len, used;
	bool json;
	unsigned n; /* fields so far */
};

/* Keys are written as in text ("bridge-domain"), with '_' for '-' in JSON. */
void gw_trace_put_num(struct gw_trace_fmt *f, const char *key, unsigned long v);
/* A string value: names from the configuration and fixed words, escaped for JSON. */
void gw_trace_put_str(struct gw_trace_fmt *f, const char *key, const char *v);
void gw_trace_put_ip(struct gw_trace_fmt *f, const char *key, uint32_t ip);
/* A VTEP or group of either family, by its name (vxlan/vtep.h). */
void gw_trace_put_vtep(struct gw_trace_fmt *f, const char *key, uint32_t vtep);
void gw_trace_put_ip6(struct gw_trace_fmt *f, const char *key, const struct in6_addr *ip);
void gw_trace_put_mac(struct gw_trace_fmt *f, const char *key, const uint8_t *mac);
/* The interface's name; ifx 0 is the underlay. */
void gw_trace_put_if(struct gw_trace_fmt *f, const char *key, uint16_t ifx);

#define GW_TRACE_STAGE_FMT(e, n, fmt)                                                              \
	void fmt(struct gw_trace_fmt *f, const struct gw_trace_rec *r);
GW_TRACE_STAGES(GW_TRACE_STAGE_FMT)
#undef GW_TRACE_STAGE_FMT

/* ---- for the stages' hooks: each hook only under gw_traced(p) ---- */
/* Cold: the compiler keeps the calls out of the hot code and out of its inlining budget. */
#define GW_TRACE_HOOK __attribute__((cold))

static inline bool gw_traced(const struct gw_pkt *p)
{
	return __builtin_expect(p->trace != 0, 0);
}

/* A new record of stage for p, payload zeroed, or NULL when there is nowhere to put it
 * (entry cleared since, or full). */
struct gw_trace_rec *gw_trace_rec_new(struct gw *gw, const struct gw_pkt *p,
                                      enum gw_trace_stage stage, uint16_t ifx);

/* Marks packets of a vector arriving on ifx (0: the underlay) while budget lasts; each
 * one's first record is its arrival (gw_trace_rx, pipeline_trace.c). */
GW_TRACE_HOOK void gw_trace_input(struct gw *gw, struct gw_pkt **pkts, unsigned n, uint16_t ifx);

/* internal: frees the buffer (gw_destroy). */
void gw_trace_fini(struct gw *gw);

#endif
