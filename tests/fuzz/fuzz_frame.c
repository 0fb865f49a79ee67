/*
 * fuzz_frame.c - libFuzzer target for gw_frame_udp_parse (gw/io/frame.c).
 *
 * Input: an Ethernet frame as an AF_XDP socket hands it over. It is parsed twice, each time
 * from a copy of exactly its length (ASan sees any read past it): IPv6 zero checksums
 * refused and allowed. The two must agree but for a zero IPv6 checksum. A datagram found
 * must lie within the frame after its headers, match its UDP header, and leave the frame
 * with a good outer UDP checksum (or none); parsed again, the written frame is the same
 * datagram with nothing left to complete, and stays as it is. A frame is written only when
 * a checksum was completed. Any violation abort()s, which libFuzzer reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/net.h"
#include "fuzz_check.h"
#include "gw/io/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A parse of a copy of the input. */
struct run {
	uint8_t *f;
	enum gw_frame_verdict v;
	struct gw_frame_udp u;
};

static struct run run(const uint8_t *data, uint32_t len, bool zero_csum6_ok)
{
	struct run r = {.f = malloc(len ? len : 1)};
	CHECK(r.f, "out of memory");
	memcpy(r.f, data, len);
	memset(&r.u, 0, sizeof(r.u));
	r.v = gw_frame_udp_parse(r.f, len, zero_csum6_ok, &r.u);
	CHECK(r.v <= GW_FRAME_ZERO_CSUM6, "verdict %d", r.v);
	return r;
}

static bool same_udp(const struct gw_frame_udp *a, const struct gw_frame_udp *b)
{
	return a->family == b->family && a->src4 == b->src4 && a->dst4 == b->dst4 &&
	       net_ip6_eq(&a->src6, &b->src6) && net_ip6_eq(&a->dst6, &b->dst6) &&
	       a->sport == b->sport && a->dport == b->dport && a->tos == b->tos &&
	       a->off == b->off && a->len == b->len;
}

/* Whether the UDP checksum of the datagram u found in f verifies (0: none). */
static bool outer_csum_ok(const uint8_t *f, const struct gw_frame_udp *u)
{
	const uint8_t *udp = f + u->off - NET_UDP_HLEN;
	uint32_t ulen = u->len + NET_UDP_HLEN, ph;
	if (!udp[6] && !udp[7])
		return true;
	if (u->family == 6) {
		ph = net_ip6_pseudo_sum(&u->src6, &u->dst6, ulen, NET_IPPROTO_UDP);
	} else {
		uint32_t addrs[2] = {htonl(u->src4), htonl(u->dst4)};
		ph = net_csum_partial(addrs, 8, htons(NET_IPPROTO_UDP) + htons((uint16_t)ulen));
	}
	return net_csum_fold(net_csum_partial(udp, ulen, ph)) == 0;
}

/* A datagram found in the frame r.f of len bytes, parsed from data. */
static void check_datagram(const struct run *r, const uint8_t *data, uint32_t len)
{
	const struct gw_frame_udp *u = &r->u;
	uint32_t hdrs = NET_ETH_HLEN + (u->family == 6 ? NET_IP6_HLEN : NET_IP_HLEN) + NET_UDP_HLEN;
	CHECK(u->family == 4 || u->family == 6, "family %u", u->family);
	CHECK(u->off >= hdrs && u->off <= len && u->len <= len - u->off, "off %u len %u of %u",
	      u->off, u->len, len);
	struct net_udp h;
	memcpy(&h, r->f + u->off - NET_UDP_HLEN, sizeof(h));
	CHECK(ntohs(h.len) == u->len + NET_UDP_HLEN && ntohs(h.sport) == u->sport &&
	          ntohs(h.dport) == u->dport,
	      "UDP header");
	CHECK(u->csum_done <= 2, "csum_done %u", u->csum_done);
	CHECK(!u->csum_done == !memcmp(r->f, data, len), "written with csum_done %u", u->csum_done);
	CHECK(outer_csum_ok(r->f, u), "outer UDP checksum");
	struct run again = run(r->f, len, true);
	CHECK(again.v == GW_FRAME_UDP && again.u.csum_done == 0 && same_udp(&again.u, u),
	      "parsed again: verdict %d, csum_done %u", again.v, again.u.csum_done);
	CHECK(!memcmp(again.f, r->f, len), "written again");
	free(again.f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > UINT16_MAX)
		return 0;
	uint32_t len = (uint32_t)size;
	struct run strict = run(data, len, false), lax = run(data, len, true);
	if (strict.v == GW_FRAME_ZERO_CSUM6)
		CHECK(lax.v == GW_FRAME_UDP && lax.u.family == 6, "zero checksum allowed: %d",
		      lax.v);
	else
		CHECK(lax.v == strict.v, "verdicts %d and %d", strict.v, lax.v);
	if (strict.v == GW_FRAME_UDP) {
		check_datagram(&strict, data, len);
		CHECK(same_udp(&strict.u, &lax.u) && strict.u.csum_done == lax.u.csum_done &&
		          !memcmp(strict.f, lax.f, len),
		      "the two parses differ");
	}
	if (lax.v == GW_FRAME_UDP)
		check_datagram(&lax, data, len);
	free(strict.f);
	free(lax.f);
	return 0;
}
