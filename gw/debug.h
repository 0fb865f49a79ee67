/*
 * gw/debug.h - `debug` toggles: rate-limited log lines from the places that decide,
 * as `debug arp` / `debug ip packet` on a router. Runtime state of the gateway, never
 * part of the configuration; all off at start.
 *
 *   arp        ARP received, answered, asked, resolved, given up (gw/neigh.c)
 *   vxlan      VXLAN/bridging drops with the outer source and VNI, MAC learned or moved
 *   ip-packet  IPv4 drops with addresses and reason, ICMP errors and echo replies sent
 *
 * At most GW_DEBUG_RATE lines a second are logged (LOG_DEBUG); the rest are counted and
 * reported in one line when logging resumes, so a flood cannot drown the log.
 */
#ifndef GW_DEBUG_H
#define GW_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "gw/drop.h"
#include "gw/pkt.h"

#define GW_DEBUG_RATE 100

enum gw_debug_flag {
	GW_DEBUG_ARP = 1u << 0,
	GW_DEBUG_VXLAN = 1u << 1,
	GW_DEBUG_IP = 1u << 2,
	GW_DEBUG_ALL = GW_DEBUG_ARP | GW_DEBUG_VXLAN | GW_DEBUG_IP,
};

/* In struct gw. */
struct gw_debug_state {
	uint32_t flags;
	uint32_t in_window;     /* lines logged in the current second */
	uint64_t window_ms;     /* start of that second */
	uint64_t suppressed;    /* lines not logged since the last one that was */
	uint64_t total_dropped; /* lines ever suppressed, for show debugging */
};

struct gw;

void gw_debug_set(struct gw *gw, uint32_t flags, bool on);
uint32_t gw_debug_flags(const struct gw *gw);
uint64_t gw_debug_suppressed(const struct gw *gw);
/* "arp", "vxlan", "ip packet" for one flag. */
const char *gw_debug_name(enum gw_debug_flag f);

/* Call sites test the flag first (GW_DEBUG_ON) so that nothing is formatted when off. */
#define GW_DEBUG_ON(gw, flag) __builtin_expect(((gw)->debug.flags & (flag)) != 0, 0)
void gw_debug_log(struct gw *gw, const char *fmt, ...) __attribute__((cold, format(printf, 2, 3)));
/* A drop, logged when its reason's area (vxlan or ip) is being debugged. */
__attribute__((cold)) void gw_debug_drop(struct gw *gw, const struct gw_pkt *p, enum gw_drop why);
/* A MAC learned behind dest, a VTEP or a port (r: bd_mac_learn's result; only new and
 * moved entries are logged). */
__attribute__((cold)) void gw_debug_learn(struct gw *gw, const struct gw_pkt *p, const uint8_t *mac,
                                          uint32_t dest, int r);

#endif
