/*
 * fib/group.h - internal to fib/: deduplicated ECMP next-hop groups.
 *
 * A group is a canonical (sorted, duplicate-free) set of 1..FIB_ECMP_MAX resolved paths.
 * Routes with the same path set share one group, reference-counted; its id is what the
 * LPM stores and what fib_lookup() returns. Ids are dense (freed ids are reused) so the
 * data plane reaches a group with one array index. The IPv6 FIB has the same table over
 * its own paths (group6.h); both are expansions of group_tmpl.h and group_impl.h.
 */
#ifndef FIB_GROUP_H
#define FIB_GROUP_H

#include "fib/fib.h"

#include <stddef.h>
#include <stdint.h>

#define FIB_GROUPS_MAX 65535u /* the LPM holds at most this many distinct values */

#define GT_PATH   struct fib_path
#define GT_(name) fib_##name
#include "fib/group_tmpl.h"
#undef GT_
#undef GT_PATH

#endif
