/*
 * fib/fwd6.h - internal to fib/: building the lookup-only copy behind fib6_fwd_build()
 * (fib6.h) from the IPv6 FIB's LPM and group table, and the batched lookup from the
 * packets' addresses that the FIB and its copies share.
 */
#ifndef FIB_FWD6_H
#define FIB_FWD6_H

#include "fib/fib6.h"
#include "fib/group6.h"
#include "fib/lpm6.h"

struct fib6_fwd *fib6_fwd_copy(const struct fib_lpm6 *lpm, const struct fib6_groups *gs);
/* res[i] for *dst[i], through the LPM's prefetching batch. */
void fib6_view_lookup_in6(const struct fib_lpm6_view *v, const struct in6_addr *const *dst,
                          uint32_t *res, size_t n);

#endif
