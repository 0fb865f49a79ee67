/*
 * common/mem.h - memory helpers shared by the modules.
 */
#ifndef VXGW_COMMON_MEM_H
#define VXGW_COMMON_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Faults in, writable, the whole pages of [p, p + bytes): for a freshly allocated block
 * about to be written whole. A large block is a mapping of its own (vxgwd keeps them out
 * of the heap), whose pages would otherwise each fault on first touch - twice for a page
 * first read (mapped to the zero page) and then written. One call costs a fraction of
 * that. Best effort: without MADV_POPULATE_WRITE (Linux 5.14) they fault on use.
 */
static inline void mem_populate(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1), e = ((uintptr_t)p + bytes) & ~(pg - 1);
	if (p && e > a)
		(void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)bytes;
#endif
}

/* Resident bytes of this process (0 when /proc is not there): what tests and benchmarks
 * measure a structure's real cost by, pages it never touched left out. */
static inline size_t mem_rss_bytes(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

#endif
