/*
 * gw/gso.h - what the sender's NIC was to do, done here: checksum completion and
 * segmentation of super-packets.
 *
 * A Linux host with the kernel's default offloads (tx checksum offload and TSO on a veth,
 * a virtio NIC, ...) hands its interface TCP and UDP packets whose L4 checksum field holds
 * only the pseudo-header sum (CHECKSUM_PARTIAL: "left for the NIC"), and TCP super-packets
 * of up to 64 KiB (TSO/GSO: "cut into MSS-sized segments on the wire"). Over veth, bridges
 * and the kernel's own VXLAN devices nothing finishes that work before the packet reaches
 * us: a kernel VTEP encapsulates the super-packet whole, and our UDP socket receives it as
 * one datagram (without its segment size: the kernel reports that only for UDP GRO). The
 * gateway is where the packet leaves the host's offload domain, so it does what the NIC
 * would have done, and every packet leaves complete.
 *
 *  - gw_gso_csum_complete: the underlay's UDP socket says nothing about the inner frame, so
 *    the bytes decide: a checksum field that equals the pseudo-header sum and does not
 *    verify is a partial one (a corrupt packet matches that by chance once in 65536; it is
 *    then made valid, which an end-to-end check upstream would have caught anyway).
 *  - gw_gso_csum_at: the uplinks' AF_PACKET sockets get the kernel's own word for it (a
 *    virtio-net header: where the sum starts, where it goes).
 *  - gw_gso_segment: cuts a TCP (or, with a known size, UDP) super-packet as TSO/USO would.
 *
 * Both families: IPv4, and IPv6 with TCP or UDP after the fixed header or after up to 8
 * hop-by-hop (first only), routing (with no segments left: else the pseudo-header's
 * destination is not the fixed header's) and destination options headers. Fragments, and
 * what has more or other extension headers, are left as they are (checksum) or refused
 * (segmentation).
 */
#ifndef GW_GSO_H
#define GW_GSO_H

#include <stdbool.h>
#include <stdint.h>

#include "gw/drop.h"
#include "gw/pkt.h"

/*
 * Completes the TCP or UDP checksum of the unfragmented IPv4 or IPv6 packet at ip (len
 * bytes readable from there; the family by its version) when its field holds the
 * pseudo-header sum and the packet does not verify as it is. Returns true when it wrote the
 * checksum.
 */
bool gw_gso_csum_complete(uint8_t *ip, uint32_t len);

/* A TCP or UDP checksum as gw_gso_csum_verify found it. */
enum gw_gso_csum {
	GW_GSO_CSUM_OK,        /* it verifies */
	GW_GSO_CSUM_COMPLETED, /* it held the pseudo-header sum (left for a NIC): completed */
	GW_GSO_CSUM_BAD,       /* neither: wrong */
};

/*
 * Verifies the proto (TCP or UDP) checksum of the IPv4 or IPv6 (ver) packet at ip, whose L4
 * header starts hl bytes in (IPv6: the pseudo-header's addresses are the fixed header's)
 * and is, with its payload, l4len readable bytes (at least its header). A field holding the
 * pseudo-header sum that does not verify is completed, as gw_gso_csum_complete does; a UDP
 * checksum of 0 ("none") is the caller's to accept or not.
 */
enum gw_gso_csum gw_gso_csum_verify(uint8_t *ip, unsigned ver, uint32_t hl, uint8_t proto,
                                    uint32_t l4len);

/*
 * Finishes the checksum the kernel left for a NIC in a frame of len bytes: the one's
 * complement of the sum from byte `start` to the end, stored at start + off (the field
 * holds the pseudo-header sum). False (nothing written) when that is outside the frame.
 */
bool gw_gso_csum_at(uint8_t *frame, uint32_t len, uint32_t start, uint32_t off);

/*
 * A super-packet as received: its first head_len bytes in p (from p->data), the rest (len -
 * head_len bytes) in tail. l3: offset of its IPv4 or IPv6 header; what comes before it (VXLAN
 * and Ethernet headers, an 802.1Q tag) is copied into every segment as it is. Every header
 * up to the L4 payload must be in the head.
 */
struct gw_gso_src {
	struct gw_pkt *p;
	uint32_t len, head_len;
	const uint8_t *tail;
	uint32_t l3;
};

/*
 * How many segments of at most `payload` bytes of L4 payload gw_gso_segment would make of
 * the packet, 0 when it cannot: not an unfragmented IPv4 or IPv6 TCP or UDP packet with its
 * headers in the head, its length beyond the frame's, no payload, or payload 0.
 */
unsigned gw_gso_count(const struct gw_gso_src *s, uint32_t payload);

/*
 * Cuts the packet into gw_gso_count segments, as TSO (TCP) or USO (UDP) would: the headers
 * copied into each, IPv4 length, ID (+1 a segment) and header checksum or IPv6 payload
 * length (extension headers copied as they are), TCP sequence number
 * and flags (FIN and PSH on the last segment only, CWR on the first only), UDP length, and
 * each L4 checksum computed in full. Segment 0 stays in p; the others come from pool and
 * inherit p's metadata. Returns the count written to out (at most max), or 0 with *why set
 * (GW_DROP_GSO_UNSUPPORTED, GW_DROP_NO_BUFFER), p untouched.
 */
unsigned gw_gso_segment(const struct gw_gso_src *s, uint32_t payload, struct gw_pool *pool,
                        struct gw_pkt **out, unsigned max, enum gw_drop *why);

/*
 * The L4 payload a segment of the IPv4 or IPv6 packet at ip may carry within mtu bytes (IP
 * header, IPv6 extension headers and L4 header off), the packet readable to the length its
 * header gives (one in a buffer, as the pipeline has it). 0: none fits, or it cannot be cut.
 */
uint32_t gw_gso_payload_for_mtu(const uint8_t *ip, uint32_t mtu);

/* The same for the packet of a source, reading its headers from the head only. */
uint32_t gw_gso_src_payload_for_mtu(const struct gw_gso_src *s, uint32_t mtu);

/*
 * The L4 protocol of the IPv4 or IPv6 packet at ip (len bytes readable): IPv4's protocol,
 * IPv6's next header past the extension headers walked as above (a fragment header's 44
 * when one ends them); 0 when they cannot be walked within len, or no IP.
 */
uint8_t gw_gso_l4_proto(const uint8_t *ip, uint32_t len);

#endif
