/*
 * gw/io/frame.h - an underlay frame taken as the kernel's UDP socket would have delivered
 * it. AF_XDP hands the gateway whole Ethernet frames that no kernel code has checked, so
 * the checks the kernel's IP and UDP receive made for the socket driver are made here:
 * lengths, the IPv4 header checksum, no fragment, the UDP checksum.
 *
 * Checksums left to a NIC: a frame a local sender (a Linux VTEP in a container, a netns)
 * put on a veth still carries CHECKSUM_PARTIAL work, which XDP does not see. The inner
 * TCP/UDP checksum may hold only the pseudo-header sum: it is completed first
 * (gw_gso_csum_complete), because a Linux VTEP's outer IPv6 UDP checksum counts it as
 * complete already (local checksum offload). The outer UDP checksum may itself be partial
 * (the VTEP left it to the NIC: the field holds the pseudo-header sum): it is then
 * accepted as the kernel's socket path accepts it, and completed.
 */
#ifndef GW_IO_FRAME_H
#define GW_IO_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* A datagram's addresses and payload, as a socket would report them. */
struct gw_frame_udp {
	unsigned family;       /* 4 or 6 */
	uint32_t src4, dst4;   /* IPv4, host order */
	struct in6_addr src6;  /* IPv6 */
	struct in6_addr dst6;  /* IPv6 */
	uint16_t sport, dport; /* host order */
	uint8_t tos;           /* IPv4 TOS, IPv6 traffic class */
	uint32_t off, len;     /* the UDP payload: offset from the frame's start, length */
	unsigned csum_done;    /* checksums left to a NIC and completed here (0-2) */
};

enum gw_frame_verdict {
	GW_FRAME_UDP = 0,    /* a good datagram: *out filled */
	GW_FRAME_NOT_UDP,    /* not an unfragmented IPv4/IPv6 UDP datagram (a fragment, an
	                      * extension header, another protocol, a VLAN tag) */
	GW_FRAME_MALFORMED,  /* truncated, bad IPv4 header (version, IHL, checksum, length),
	                      * UDP length beyond the IP payload or below 8 */
	GW_FRAME_BAD_CSUM,   /* UDP checksum wrong */
	GW_FRAME_ZERO_CSUM6, /* IPv6 UDP checksum 0 and zero_csum6_ok false (RFC 6936) */
};

/*
 * Checks frame (len bytes from its Ethernet header) and, for a good datagram, fills *out.
 * May write the frame: an inner checksum left partial is completed, a partial outer one
 * too. Trailing bytes past the IP length (Ethernet padding) are ignored.
 */
enum gw_frame_verdict gw_frame_udp_parse(uint8_t *frame, uint32_t len, bool zero_csum6_ok,
                                         struct gw_frame_udp *out);

#endif
