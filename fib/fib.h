/*
 * fib/fib.h - IPv4 forwarding information base: routes, next hops, ECMP, LPM lookup.
 *
 * Addresses are host byte order. Interfaces are the gateway's dense interface indexes
 * ("ifx", 1..FIB_IFX_MAX; 0 means none); the FIB does not know what an interface is.
 *
 * The control plane (add/del) and the lookup are not thread-safe against each other:
 * the owner (the main loop) serialises them. Other threads read immutable copies
 * (struct fib_fwd below) that the owner builds after a change and publishes.
 */
#ifndef FIB_FIB_H
#define FIB_FIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FIB_IFX_MAX     4095
#define FIB_ECMP_MAX    16 /* paths in one ECMP group */
#define FIB_LOOKUP_MISS 0  /* fib_lookup() result when no route matches */

/* What a forwarding path does with a packet. */
enum fib_path_type {
	FIB_PATH_DROP = 1, /* null0: discard silently (counted) */
	FIB_PATH_LOCAL,    /* an address of the gateway: deliver to the gateway itself */
	FIB_PATH_ATTACHED, /* connected subnet: the destination itself is the neighbour */
	FIB_PATH_GATEWAY,  /* via next hop `nh` on interface `ifx` */
};

/* A resolved forwarding path (what the data plane sees). */
struct fib_path {
	uint8_t type; /* enum fib_path_type */
	uint16_t ifx; /* egress interface (ATTACHED, GATEWAY, LOCAL) */
	uint32_t nh;  /* next-hop address (GATEWAY) */
};

/* Where a route came from; a lower value wins when several sources hold one prefix. */
enum fib_source {
	FIB_SRC_LOCAL = 0,     /* /32 of an interface address */
	FIB_SRC_CONNECTED = 1, /* subnet of an interface address */
	FIB_SRC_STATIC = 2,    /* ip route ... */
};

/* A configured static next hop, as the operator wrote it. */
enum fib_nh_kind {
	FIB_NH_IP = 1, /* ip route P/L A.B.C.D: resolved recursively (one level) */
	FIB_NH_NULL0,  /* ip route P/L null0 */
};

struct fib_nh {
	uint8_t kind; /* enum fib_nh_kind */
	uint32_t ip;  /* FIB_NH_IP */
};

enum fib_err {
	FIB_OK = 0,
	FIB_E_INVAL = -1,  /* bad prefix (host bits set, len > 32), bad ifx, bad kind */
	FIB_E_EXISTS = -2, /* that exact route / path is already there */
	FIB_E_NOENT = -3,  /* no such route / path */
	FIB_E_NOMEM = -4,
	FIB_E_FULL = -5, /* more than FIB_ECMP_MAX paths */
};

struct fib;

struct fib *fib_create(void);
void fib_destroy(struct fib *fib);
const char *fib_strerror(int err);

/*
 * Connected: an interface address addr/len on ifx installs the subnet as ATTACHED
 * (unless len is 31 or 32 where there is no subnet to speak of: /31 still attached) and
 * addr/32 as LOCAL. Static routes whose next hop falls into the subnet resolve through it.
 */
int fib_connected_add(struct fib *fib, uint32_t addr, uint8_t len, uint16_t ifx);
int fib_connected_del(struct fib *fib, uint32_t addr, uint8_t len, uint16_t ifx);

/*
 * Static routes. Each call adds one next hop to prefix/len; several next hops for one
 * prefix form an ECMP group. pfx must have no host bits set. Returns enum fib_err.
 * Next hops of kind FIB_NH_IP are resolved one level deep: through a connected subnet
 * (path: GATEWAY via that ip on that interface), or through another static route whose
 * paths are themselves resolved via connected subnets (path: that route's gateways).
 * A route none of whose next hops resolves stays configured but inactive (not in the LPM)
 * and becomes active when the next hop becomes reachable (connected added).
 */
int fib_route_add(struct fib *fib, uint32_t pfx, uint8_t len, const struct fib_nh *nh);
/* nh == NULL removes every static next hop of the prefix. */
int fib_route_del(struct fib *fib, uint32_t pfx, uint8_t len, const struct fib_nh *nh);

/*
 * Data plane. fib_lookup() returns an opaque non-zero result for the longest matching
 * active prefix, FIB_LOOKUP_MISS when none. The result stays valid until the next
 * control-plane call. fib_path_select() picks one path of the result's ECMP group by
 * the flow hash (stable for a given group and hash); never NULL for a non-miss result.
 */
uint32_t fib_lookup(const struct fib *fib, uint32_t dst);
void fib_lookup_batch(const struct fib *fib, const uint32_t *dst, uint32_t *res, size_t n);
const struct fib_path *fib_path_select(const struct fib *fib, uint32_t res, uint32_t hash);

/*
 * An immutable, lookup-only copy of a FIB: what the data plane of another thread reads. It
 * shares nothing with the FIB it was built from (later changes to the FIB do not affect it),
 * so any number of threads may read it concurrently without synchronisation.
 *
 * Why a copy rather than updating the lookup structure in place under RCU: a commit rewrites
 * a DXR chunk inside its block, which a concurrent reader could see half written, and frees
 * the unit array it outgrows or repacks under any reader still in it. Making every update
 * reader-safe would cost the control plane and the lookups alike, while routes only change
 * at configuration rate. Copying the lookup arrays is a few
 * memcpy()s (milliseconds for 1M routes), and the copy is read by exactly the same lookup
 * code as the FIB, at the same speed.
 *
 * fib_fwd_build() reads the FIB, so only its owner calls it (between control calls); the
 * copy reflects the last successful commit. fib_fwd_lookup() and fib_fwd_path_select() give
 * the same path (type, ifx, nh) as fib_lookup() and fib_path_select() on the FIB at build
 * time, for every address and hash; the results themselves are the copy's own numbers (its
 * live groups, densely), meaningful only to this copy.
 */
struct fib_fwd;
struct fib_fwd *fib_fwd_build(const struct fib *fib); /* NULL on allocation failure */
void fib_fwd_free(struct fib_fwd *f);                 /* NULL is a no-op */
uint32_t fib_fwd_lookup(const struct fib_fwd *f, uint32_t dst);
void fib_fwd_lookup_batch(const struct fib_fwd *f, const uint32_t *dst, uint32_t *res, size_t n);
/* As fib_path_select: never NULL for a non-miss result of this copy. */
const struct fib_path *fib_fwd_path_select(const struct fib_fwd *f, uint32_t res, uint32_t hash);
/* Both at once for n packets: path[i] for dst[i] and flow hash[i], NULL for a miss. */
void fib_fwd_route_batch(const struct fib_fwd *f, const uint32_t *dst, const uint32_t *hash,
                         const struct fib_path **path, size_t n);
size_t fib_fwd_bytes(const struct fib_fwd *f); /* memory it holds */
/* Incremented by every change that can alter a lookup or path selection (route / connected
 * add and del, recursive re-resolution, ...): the owner rebuilds its copy when this moved. */
uint64_t fib_generation(const struct fib *fib);

/* Introspection for show commands and tests. */
struct fib_route_info {
	uint32_t pfx;
	uint8_t len;
	uint8_t source;  /* enum fib_source of the winning source */
	bool active;     /* installed in the LPM */
	uint8_t n_paths; /* resolved paths (0 when inactive) */
	struct fib_path paths[FIB_ECMP_MAX];
	uint8_t n_nh; /* configured static next hops (for running-config) */
	struct fib_nh nh[FIB_ECMP_MAX];
};

/* Calls cb for each route in ascending (pfx, len) order; stops early if cb returns non-zero. */
int fib_walk(const struct fib *fib, int (*cb)(const struct fib_route_info *ri, void *arg),
             void *arg);
/* Exact-match query for one prefix; false when absent. */
bool fib_route_get(const struct fib *fib, uint32_t pfx, uint8_t len, struct fib_route_info *ri);
/* Longest match for an address including inactive routes' absence; false on miss. */
bool fib_route_match(const struct fib *fib, uint32_t addr, struct fib_route_info *ri);

struct fib_stats {
	size_t routes;      /* prefixes present (any source) */
	size_t active;      /* prefixes installed in the LPM */
	size_t groups;      /* distinct ECMP groups in use */
	size_t lpm_bytes;   /* memory held by the lookup structure */
	size_t total_bytes; /* memory held by the whole FIB */
};
void fib_get_stats(const struct fib *fib, struct fib_stats *st);

#endif
