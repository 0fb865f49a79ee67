/*
 * fib/fwd.h - internal to fib/: building the lookup-only copy behind fib_fwd_build()
 * (fib.h) from the FIB's LPM and group table, which only fib.c can reach.
 */
#ifndef FIB_FWD_H
#define FIB_FWD_H

#include "fib/fib.h"
#include "fib/group.h"
#include "fib/lpm.h"

struct fib_fwd *fib_fwd_copy(const struct fib_lpm *lpm, const struct fib_groups *gs);

#endif
