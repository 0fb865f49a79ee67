/*
 * gw/pkt.h - packet buffers and the pool they come from.
 *
 * A buffer is one fixed-size block: a small metadata header, headroom, then frame data.
 * The headroom lets the pipeline prepend the 36-byte outer IPv4/UDP/VXLAN header in place
 * (as VPP does with its pre-data area), so a routed packet is never copied: decap moves
 * `data` forward, encap moves it back. Buffers come from a preallocated pool; running out
 * is a counted drop, never an allocation on the packet path.
 */
#ifndef GW_PKT_H
#define GW_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GW_PKT_HEADROOM 128
#define GW_PKT_DATA     9216 /* jumbo frame + slack */
#define GW_VEC_MAX      256  /* packets per vector (batch) */

struct gw_pkt {
	uint8_t *data;   /* first byte of the current header */
	uint32_t len;    /* bytes from data */
	uint16_t rx_ifx; /* L3 interface the packet entered on (0: none yet / local) */
	uint16_t tx_ifx; /* L3 interface chosen for output */
	uint32_t bdx;    /* bridge domain (VXLAN side) */
	/* Outer addresses of a packet from the underlay, and the destination VTEP of one
	 * going to it: VTEP names (vxlan/vtep.h), an IPv4 address in host order or an IPv6
	 * VTEP's name. A sender the IPv6 table does not name is VX_VTEP6_UNKNOWN, its
	 * address kept by the driver at gw_pkt_outer6_src. */
	uint32_t outer_src;
	uint32_t outer_dst;
	uint16_t outer_sport;
	uint16_t l3_off; /* offset of the IPv4 header from data, once known */
	uint32_t flow_hash;
	uint16_t vrfx;       /* VRF it is routed in: the ingress interface's, 0 = default */
	uint8_t flags;       /* GW_PKT_* */
	uint8_t outer_tos;   /* outer IPv4 TOS / IPv6 traffic class of a packet from the underlay */
	uint32_t trace;      /* id of its packet-trace entry, 0: not traced (gw/trace.h) */
	struct gw_pkt *next; /* pool free list, ARP queue, trace */
	/* Line-aligned: the metadata above is one cache line in every buffer of the pool
	 * (unaligned, 9400-byte buffers put it across two in most), and the headroom ends on
	 * a line boundary. */
	_Alignas(64) uint8_t buf[GW_PKT_HEADROOM + GW_PKT_DATA];
};

/*
 * A piece of a sender's super-packet (TSO) that arrived whole over the underlay, cut to fit
 * a buffer (gw/gso.h): the pipeline cuts it further to fit the path (gw_ip4_segment), and
 * the workers' fast path leaves it to the main thread.
 */
#define GW_PKT_GSO 0x01

_Static_assert(offsetof(struct gw_pkt, buf) == 64, "packet metadata fits one cache line");

struct gw_pool;

struct gw_pool *gw_pool_create(uint32_t n_bufs);
void gw_pool_destroy(struct gw_pool *pool);
/* A buffer with data at the headroom and len 0, or NULL when the pool is empty. */
struct gw_pkt *gw_pkt_alloc(struct gw_pool *pool);
void gw_pkt_free(struct gw_pool *pool, struct gw_pkt *p);
uint32_t gw_pool_avail(const struct gw_pool *pool);
uint32_t gw_pool_size(const struct gw_pool *pool);
/* Bytes of the pool the kernel has made resident: buffers are touched on first use, so
 * this grows to the most ever in use at once, never beyond the pool. Any thread may ask. */
size_t gw_pool_resident(const struct gw_pool *pool);

/* Resets data to the headroom and copies len bytes in; len must be <= GW_PKT_DATA. */
void gw_pkt_set(struct gw_pkt *p, const void *bytes, uint32_t len);

/*
 * The outer IPv6 source of a packet from the underlay, written by the driver for every
 * IPv6 datagram: the first 16 bytes of the headroom, which no header prepended in front
 * of the inner frame ever reaches (the deepest is Ethernet + outer IPv6/UDP/VXLAN, 70
 * bytes, in front of the inner frame at GW_PKT_HEADROOM + 8).
 */
static inline uint8_t *gw_pkt_outer6_src(struct gw_pkt *p)
{
	return p->buf;
}

/* What a packet from the underlay carries besides its bytes (outer addresses, port and
 * TOS, the IPv6 source kept in the headroom), for a copy of it in another buffer. */
static inline void gw_pkt_copy_outer(struct gw_pkt *to, const struct gw_pkt *from)
{
	to->outer_src = from->outer_src;
	to->outer_dst = from->outer_dst;
	to->outer_sport = from->outer_sport;
	to->outer_tos = from->outer_tos;
	memcpy(gw_pkt_outer6_src(to), from->buf, 16); /* gw_pkt_outer6_src of from */
}

static inline uint32_t gw_pkt_headroom(const struct gw_pkt *p)
{
	return (uint32_t)(p->data - p->buf);
}

static inline uint32_t gw_pkt_tailroom(const struct gw_pkt *p)
{
	return (uint32_t)(sizeof(p->buf) - gw_pkt_headroom(p) - p->len);
}

#endif
