/*
 * fib_testlib.h - what the FIB's unit tests (test_fib.c, test_fib_fwd.c) share: a seeded
 * xorshift generator that FIB_TEST_SEED perturbs, sizes from the environment, and
 * shorthands for addresses and next hops. Header-only: each test has its own generator.
 */
#ifndef FIB_TESTLIB_H
#define FIB_TESTLIB_H

#include <stdint.h>
#include <stdlib.h>

#include "common/net.h"
#include "fib/fib.h"

static uint64_t rng_state;

/* A positive number from the environment variable `name`, else dflt. */
static inline size_t env_size(const char *name, size_t dflt)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return dflt;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	return *end || v == 0 ? dflt : (size_t)v;
}

static inline void rng_seed(uint64_t seed)
{
	seed ^= net_hash64(env_size("FIB_TEST_SEED", 0));
	rng_state = seed ? seed : 1;
}

static inline uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static inline uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return (uint32_t)a << 24 | b << 16 | c << 8 | d;
}

static inline struct fib_nh nh_ip(uint32_t a)
{
	return (struct fib_nh){.kind = FIB_NH_IP, .ip = a};
}

static inline struct fib_nh nh_null0(void)
{
	return (struct fib_nh){.kind = FIB_NH_NULL0};
}

#endif
