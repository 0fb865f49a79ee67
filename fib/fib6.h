/*
 * fib/fib6.h - IPv6 forwarding information base: routes, next hops, ECMP, LPM lookup.
 *
 * The IPv4 FIB's model (fib/fib.h) for 128-bit addresses, on the IPv6 LPM (fib/lpm6.h):
 * connected, local and static routes, recursive next hops one level deep, ECMP groups of
 * up to FIB_ECMP_MAX paths, null0, and lookup-only copies for other threads. Addresses are
 * struct in6_addr (network order, as on the wire and as the CLI parses them).
 *
 * Link-local addresses (fe80::/10) are never in the table: every interface has the same
 * fe80::/64, so the gateway answers its own link-local addresses by interface, and a
 * link-local next hop names its interface (struct fib6_nh.ifx) and is used as written.
 *
 * As the IPv4 FIB, not thread-safe: the owner serialises control calls and lookups; other
 * threads read fib6_fwd copies.
 */
#ifndef FIB_FIB6_H
#define FIB_FIB6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fib/fib.h" /* FIB_IFX_MAX, FIB_ECMP_MAX, enum fib_path_type, fib_source, fib_err */

/* A resolved forwarding path (what the data plane sees). */
struct fib6_path {
	uint8_t type;       /* enum fib_path_type */
	uint16_t ifx;       /* egress interface (ATTACHED, GATEWAY, LOCAL) */
	struct in6_addr nh; /* next hop (GATEWAY): global or link-local */
};

/* A configured static next hop, as the operator wrote it. */
struct fib6_nh {
	uint8_t kind;       /* enum fib_nh_kind: FIB_NH_IP or FIB_NH_NULL0 */
	struct in6_addr ip; /* FIB_NH_IP */
	/* FIB_NH_IP: 0 = resolve ip recursively (one level, as IPv4); else the next hop is ip
	 * on this interface as written (required for a link-local ip). */
	uint16_t ifx;
};

struct fib6;

struct fib6 *fib6_create(void);
void fib6_destroy(struct fib6 *fib);

/*
 * Connected: interface address addr/len on ifx installs the subnet as ATTACHED (len < 128)
 * and addr/128 as LOCAL. Link-local, multicast, unspecified and loopback addresses are
 * FIB_E_INVAL (the caller handles link-local itself). Static routes whose next hop falls
 * into the subnet resolve through it.
 */
int fib6_connected_add(struct fib6 *fib, const struct in6_addr *addr, uint8_t len, uint16_t ifx);
int fib6_connected_del(struct fib6 *fib, const struct in6_addr *addr, uint8_t len, uint16_t ifx);

/*
 * Static routes (pfx without host bits, len 0..128). One call, one next hop; several form
 * an ECMP group. A FIB_NH_IP next hop with ifx 0 resolves through a connected subnet or one
 * level through another static route (as fib_route_add); with ifx set it is a path
 * GATEWAY(ip, ifx) at once (the interface must carry IPv6 for it to be used: the caller
 * checks). An unresolved route stays configured and inactive until its next hop resolves.
 */
int fib6_route_add(struct fib6 *fib, const struct in6_addr *pfx, uint8_t len,
                   const struct fib6_nh *nh);
/* nh == NULL removes every static next hop of the prefix. */
int fib6_route_del(struct fib6 *fib, const struct in6_addr *pfx, uint8_t len,
                   const struct fib6_nh *nh);
/* Interface ifx is gone or lost IPv6: paths through it (static next hops that named it)
 * become inactive until it is back (fib6_if_up). */
void fib6_if_down(struct fib6 *fib, uint16_t ifx);
void fib6_if_up(struct fib6 *fib, uint16_t ifx);

/*
 * Data plane, as the IPv4 FIB: an opaque non-zero result per lookup (FIB_LOOKUP_MISS when
 * none), valid until the next control call; fib6_path_select picks one path of the group by
 * the flow hash (never NULL for a non-miss result).
 */
uint32_t fib6_lookup(const struct fib6 *fib, const struct in6_addr *dst);
void fib6_lookup_batch(const struct fib6 *fib, const struct in6_addr *const *dst, uint32_t *res,
                       size_t n);
const struct fib6_path *fib6_path_select(const struct fib6 *fib, uint32_t res, uint32_t hash);

/* A lookup-only copy for other threads: the same contract as struct fib_fwd (fib.h). */
struct fib6_fwd;
struct fib6_fwd *fib6_fwd_build(const struct fib6 *fib); /* NULL on allocation failure */
void fib6_fwd_free(struct fib6_fwd *f);                  /* NULL is a no-op */
uint32_t fib6_fwd_lookup(const struct fib6_fwd *f, const struct in6_addr *dst);
const struct fib6_path *fib6_fwd_path_select(const struct fib6_fwd *f, uint32_t res, uint32_t hash);
/* path[i] for dst[i] and hash[i], NULL for a miss. */
void fib6_fwd_route_batch(const struct fib6_fwd *f, const struct in6_addr *const *dst,
                          const uint32_t *hash, const struct fib6_path **path, size_t n);
size_t fib6_fwd_bytes(const struct fib6_fwd *f);
/* Moves on every change that can alter a lookup or path selection. */
uint64_t fib6_generation(const struct fib6 *fib);

struct fib6_route_info {
	struct in6_addr pfx;
	uint8_t len;
	uint8_t source;  /* enum fib_source of the winning source */
	bool active;     /* installed in the LPM */
	uint8_t n_paths; /* resolved paths (0 when inactive) */
	struct fib6_path paths[FIB_ECMP_MAX];
	uint8_t n_nh; /* configured static next hops */
	struct fib6_nh nh[FIB_ECMP_MAX];
};

/* Each route in ascending (pfx, len) order; cb non-zero stops the walk and is returned. */
int fib6_walk(const struct fib6 *fib, int (*cb)(const struct fib6_route_info *ri, void *arg),
              void *arg);
bool fib6_route_get(const struct fib6 *fib, const struct in6_addr *pfx, uint8_t len,
                    struct fib6_route_info *ri);
/* Longest active match for an address; false on a miss. */
bool fib6_route_match(const struct fib6 *fib, const struct in6_addr *addr,
                      struct fib6_route_info *ri);

/* As struct fib_stats. */
void fib6_get_stats(const struct fib6 *fib, struct fib_stats *st);

#endif
