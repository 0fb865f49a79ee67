/* pool_guard.h - ASan poisoning of free packet buffers for the fuzz targets (pool_guard.c). */
#ifndef TESTS_FUZZ_POOL_GUARD_H
#define TESTS_FUZZ_POOL_GUARD_H

#include <stdint.h>

#include "gw/pkt.h"

/* Poisons every (free) buffer of a freshly created pool. */
void pool_guard_arm(struct gw_pool *pool);

extern uint64_t pool_guard_allocs, pool_guard_frees;

#endif
