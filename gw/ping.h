/*
 * gw/ping.h - ICMP and ICMPv6 echo requests sent by the gateway itself (the CLI's `ping`).
 *
 * A ping is a session of `count` probes sent one at a time, as Cisco IOS does: the next
 * probe leaves as soon as the previous one is answered or has timed out. Each probe ends
 * in one mark: '!' echo reply, '.' timeout, 'U' destination unreachable (also when the
 * gateway's own ARP or ND for the next hop fails, or the route vanished), 'M' could not
 * fragment (IPv4) or packet too big (IPv6), '&' TTL or hop limit exceeded, 'Q' source
 * quench (IPv4 only), '?' another error (IPv6: parameter problem). IPv6 keeps IPv4's
 * marks, as issue 14 asks, so that one reading serves both families (IOS's `ping ipv6`
 * has letters of its own for these errors).
 *
 * Replies are matched by identifier (one per session, over both families) and sequence
 * number (the probe's number), and time-stamped on arrival with the gateway's clock
 * (gw_set_time).
 * Everything runs on the thread that owns the gateway: replies through the pipeline,
 * timeouts through gw_tick. Callbacks are never called from gw_ping_start or
 * gw_ping_cancel; a callback may cancel or stop any session, its own included.
 */
#ifndef GW_PING_H
#define GW_PING_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "gw/gw.h"

#define GW_PING_SESSIONS_MAX  8      /* pings running at once, over all CLI sessions */
#define GW_PING_COUNT_MAX     100000 /* probes in one ping */
#define GW_PING_SIZE_MIN      36     /* IPv4 datagram bytes: headers + 8 bytes of data */
#define GW_PING6_SIZE_MIN     48     /* IPv6 packet bytes: headers + 8 bytes of data */
#define GW_PING_SIZE_MAX      9000
#define GW_PING_SIZE_DEFAULT  100
#define GW_PING_COUNT_DEFAULT 5
#define GW_PING_TIMEOUT_MAX   3600 /* seconds */

enum gw_ping_family { GW_PING_IPV4 = 0, GW_PING_IPV6 };

struct gw_ping_req {
	uint32_t vrf;   /* VRF index (gw_vrf_find); 0: the default one */
	uint8_t family; /* enum gw_ping_family: which of dst/src or dst6/src6 */
	uint32_t dst;   /* IPv4, host order */
	uint32_t src;   /* IPv4: a gateway address to send from; 0: chosen (see src_ifx) */
	struct in6_addr dst6;
	struct in6_addr src6; /* IPv6: a gateway address to send from; :: chosen (see src_ifx) */
	/* With no source address: an address of this interface (0: the egress one's). IPv6:
	 * also the link a link-local dst6 is on (required for one). */
	uint16_t src_ifx;
	uint32_t count; /* 1..GW_PING_COUNT_MAX */
	/* The IPv4 datagram or IPv6 packet size, GW_PING_SIZE_MIN (IPv4) or GW_PING6_SIZE_MIN
	 * (IPv6) ..GW_PING_SIZE_MAX */
	uint32_t size;
	uint32_t timeout_ms; /* per probe */
};

struct gw_ping_result {
	uint32_t sent, received;
	uint32_t rtt_min, rtt_max; /* ms, over the replies */
	uint64_t rtt_sum;
};

struct gw_ping_ops {
	void (*probe)(void *arg, char mark, uint32_t rtt_ms);
	/* The session is over (its id no longer valid) when this is called. */
	void (*done)(void *arg, const struct gw_ping_result *r);
};

/*
 * Starts a ping and sends its first probe; *id identifies it. Errors: GW_E_INVAL (a field
 * out of range, an unknown VRF, a source that is no address of the gateway or an
 * interface without one, a link-local dst6 without src_ifx), GW_E_NOENT (no route to dst),
 * GW_E_FULL (too many running), GW_E_NOMEM.
 */
int gw_ping_start(struct gw *gw, const struct gw_ping_req *req, const struct gw_ping_ops *ops,
                  void *arg, uint32_t *id);
/*
 * Ends a ping early (the operator's abort): a settled probe is still reported, the one in
 * flight is not counted, and done() is called before this returns.
 */
void gw_ping_stop(struct gw *gw, uint32_t id);
/* Stops a ping without calling its callbacks; unknown or finished ids are ignored. */
void gw_ping_cancel(struct gw *gw, uint32_t id);
/* The source address an IPv4 ping with this request would use (0: none). */
uint32_t gw_ping_source(struct gw *gw, const struct gw_ping_req *req);
/* The same for an IPv6 ping, in *src (false: none). */
bool gw_ping_source6(struct gw *gw, const struct gw_ping_req *req, struct in6_addr *src);

#endif
