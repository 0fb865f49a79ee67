/*
 * gw/pipeline_trace.h - the trace records of the stages gw/pipeline.c runs: what each one
 * keeps of its decision (the payload), the hook that writes it and the codes of the
 * stages with more than one outcome. The formatters are in pipeline_trace.c, named in
 * GW_TRACE_STAGES (gw/trace.h).
 */
#ifndef GW_PIPELINE_TRACE_H
#define GW_PIPELINE_TRACE_H

#include <stdint.h>

#include "gw/trace.h"

/* ip4-arp outcomes (gw_trace_rec.code) */
enum gw_trace_arp_code {
	GW_TR_ARP_HIT = 0,  /* entry found: MAC and state */
	GW_TR_ARP_MISS,     /* no MAC: handed to ARP (a drop record follows if it is not held) */
	GW_TR_ARP_RESOLVED, /* held packet released by the reply */
};

/* l2-learn code: bd_mac_learn's result, or this for the same source as the packet before
 * (not looked up) */
#define GW_TR_LEARN_MEMO 0xff

struct gw_tr_rx { /* underlay-rx */
	uint32_t src, dst, vni;
	uint16_t sport, len;
};
struct gw_tr_decap { /* vxlan-decap */
	uint32_t vni, bd_id;
};
struct gw_tr_learn { /* l2-learn */
	uint8_t mac[6];
	uint32_t dest, bd_id; /* dest: a VTEP or a port (bd_dest_is_port) */
};
struct gw_tr_flood {                  /* l2-flood */
	uint32_t bd_id, ports, vteps; /* copies to local ports and to VTEPs (or the group) */
};
struct gw_tr_l2out { /* l2-output (the record's ifx: the port) */
	uint16_t vlan;
	uint32_t len;
};
struct gw_tr_eth { /* uplink-rx, l2-input, ip4-rewrite (ttl after, IPv4 only) */
	uint8_t dst[6], src[6];
	uint16_t type;
	uint8_t ttl;
};
struct gw_tr_ip4 { /* ip4-input */
	uint32_t src, dst;
	uint16_t len;
	uint8_t ttl, proto;
};
struct gw_tr_fib { /* ip4-lookup (code: fib path type, 0 miss) in the FIB of VRF vrfx */
	uint32_t dst, pfx, nh;
	uint8_t plen;
	uint16_t vrfx;
};
struct gw_tr_arp { /* ip4-arp */
	uint32_t ip;
	uint8_t mac[6];
	uint8_t state;
};
struct gw_tr_bdmac { /* bd-mac-lookup (vtep 0: unknown, flooded; or a port) */
	uint8_t mac[6];
	uint32_t bd_id, vtep;
};
struct gw_tr_encap { /* vxlan-encap */
	uint32_t vtep, vni;
	uint16_t sport, len;
};
struct gw_tr_tx { /* tx */
	uint32_t len;
};

struct gw;
struct fib;

/* underlay-rx (ifx 0) or uplink-rx: the first record of a packet gw_trace_input marks. */
GW_TRACE_HOOK void gw_trace_rx(struct gw *gw, const struct gw_pkt *p, uint16_t ifx);
GW_TRACE_HOOK void gw_trace_decap(struct gw *gw, const struct gw_pkt *p, uint32_t vni);
GW_TRACE_HOOK void gw_trace_learn(struct gw *gw, const struct gw_pkt *p, const uint8_t *mac,
                                  uint32_t dest, int result);
GW_TRACE_HOOK void gw_trace_l2_flood(struct gw *gw, const struct gw_pkt *p, uint32_t bdx,
                                     uint32_t ports, uint32_t vteps);
GW_TRACE_HOOK void gw_trace_l2_output(struct gw *gw, const struct gw_pkt *p, uint16_t ifx);
GW_TRACE_HOOK void gw_trace_l2(struct gw *gw, const struct gw_pkt *p, uint16_t ifx);
GW_TRACE_HOOK void gw_trace_ip4(struct gw *gw, const struct gw_pkt *p);
/* res: the lookup result for the packet's destination (data at its IPv4 header). */
GW_TRACE_HOOK void gw_trace_fib(struct gw *gw, const struct gw_pkt *p, const struct fib *fib,
                                uint32_t res);
/* mac NULL for GW_TR_ARP_MISS. */
GW_TRACE_HOOK void gw_trace_arp(struct gw *gw, const struct gw_pkt *p, uint16_t ifx, uint32_t nh,
                                const uint8_t *mac, enum gw_trace_arp_code code);
/* The decision of list gw->acls[slot] on p through ifx in direction dir: entry i. */
GW_TRACE_HOOK void gw_trace_acl(struct gw *gw, const struct gw_pkt *p, uint16_t ifx, uint16_t slot,
                                int dir, uint32_t i);
GW_TRACE_HOOK void gw_trace_rewrite(struct gw *gw, const struct gw_pkt *p, uint16_t ifx);
/* In p's egress bridge domain (p->bdx); vtep 0: unknown, flooded. */
GW_TRACE_HOOK void gw_trace_bd_mac(struct gw *gw, const struct gw_pkt *p, uint32_t vtep);
GW_TRACE_HOOK void gw_trace_encap(struct gw *gw, const struct gw_pkt *p, uint32_t vtep,
                                  uint32_t vni);
GW_TRACE_HOOK void gw_trace_tx(struct gw *gw, const struct gw_pkt *p, uint16_t ifx);

#endif
