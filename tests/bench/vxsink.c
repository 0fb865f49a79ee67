/*
 * vxsink — a cheap counting sink for the end-to-end benchmark (tests/bench/e2e_bench.sh).
 * It is NOT part of vxgw.
 *
 *   vxsink -i IFACE [-a ADDR] [-6 INNER_DST] [-p DST] [-d SECONDS] [-c COUNTFILE]
 *
 * Attaches a small XDP program (a few dozen instructions, built at start from a list of field
 * checks) to IFACE (native mode: a veth in the benchmark's lab) that drops the VXLAN packets
 * carrying the generator's inner UDP datagrams to port 9 — what the gateway routed — and
 * counts them in a BPF array map; with -a, only those whose outer destination is ADDR (the
 * VTEP they were routed to). The inner datagram is IPv4 without options, or with -6 IPv6
 * without extension headers to INNER_DST (the host behind that VTEP). Everything else (ARP
 * and ND, also inside VXLAN; pings; router advertisements) passes. So what it counts costs
 * almost nothing more (no bridge, no decapsulation behind it). e2e_bench.sh attaches it to
 * the underlay port facing the gateway (the veth peer of the gateway's ul0), or with
 * SINK_AT=vtep2 to VTEP2's ul0. With -p DST it counts plain frames instead, as a host on an
 * uplink receives them: IPv4 without options to DST, UDP to port 9, no VXLAN
 * (uplink_bench.sh, on ext0, the veth peer of the gateway's up0).
 *
 * The program stays attached while vxsink runs: at most SECONDS (default 30, max 600), or
 * until SIGINT/SIGTERM. Closing the BPF link (on any exit, even SIGKILL) detaches it.
 * Every 10 ms, and once at exit, it writes "COUNT NANOSECONDS" to COUNTFILE if given (the
 * count so far and the CLOCK_REALTIME time it was read at, in ns; atomically: a temporary
 * file, then rename), so a reader gets an exact rate from two samples; at exit it prints
 * "vxsink: N packets dropped".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static int write_count(const char *path, unsigned long long n, const struct timespec *ts)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%llu %lld%09ld\n", n, (long long)ts->tv_sec, ts->tv_nsec);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* Where the fields are in a VXLAN frame as the gateway sends it: outer Ethernet, IPv4 without
 * options, UDP, VXLAN, inner Ethernet, then the inner IP header. */
enum {
	SINK_OUTER_IP = 14,
	SINK_OUTER_UDP = SINK_OUTER_IP + 20,
	SINK_INNER_ETH = SINK_OUTER_UDP + 8 + 8,
	SINK_INNER_IP = SINK_INNER_ETH + 14,
	SINK_INNER_UDP4 = SINK_INNER_IP + 20,
	SINK_INNER_UDP6 = SINK_INNER_IP + 40,
};

#define SINK_CHECKS_MAX 16
#define SINK_PROG_MAX   (5 + 3 * SINK_CHECKS_MAX + 13)

/* One field check: the SIZE-byte field at OFF (ANDed with MASK unless that is all ones) must
 * equal VALUE, both as a load gives them (the field's bytes in memory order, so VALUE is
 * built from network-order bytes). */
struct sink_check {
	uint8_t size;
	uint16_t off;
	uint32_t mask;
	uint32_t value;
};

struct sink_match {
	struct sink_check check[SINK_CHECKS_MAX];
	unsigned n;
};

static void sink_add(struct sink_match *m, uint8_t size, uint16_t off, uint32_t mask,
                     uint32_t value)
{
	if (m->n >= SINK_CHECKS_MAX) {
		fprintf(stderr, "vxsink: more than %d checks\n", SINK_CHECKS_MAX);
		exit(1);
	}
	m->check[m->n++] = (struct sink_check){size, off, mask, value};
}

static void sink_add_u16(struct sink_match *m, uint16_t off, uint16_t host_value)
{
	sink_add(m, 2, off, 0xffffffffu, htons(host_value));
}

/* WORDS 32-bit words of ADDR (network order) at OFF */
static void sink_add_addr(struct sink_match *m, uint16_t off, const void *addr, unsigned words)
{
	for (unsigned i = 0; i < words; i++) {
		uint32_t w;
		memcpy(&w, (const unsigned char *)addr + 4 * i, 4);
		sink_add(m, 4, (uint16_t)(off + 4 * i), 0xffffffffu, w);
	}
}

/* The frames the gateway routed to OUTER_DST (NULL: any VTEP): VXLAN carrying inner UDP to
 * port 9, IPv4, or IPv6 to INNER6_DST if that is not NULL. */
static void sink_match_routed(struct sink_match *m, const struct in_addr *outer_dst,
                              const struct in6_addr *inner6_dst)
{
	m->n = 0;
	sink_add_u16(m, 12, ETH_P_IP);
	sink_add(m, 1, SINK_OUTER_IP, 0xffffffffu, 0x45); /* IPv4 without options */
	sink_add(m, 1, SINK_OUTER_IP + 9, 0xffffffffu, IPPROTO_UDP);
	if (outer_dst)
		sink_add_addr(m, SINK_OUTER_IP + 16, outer_dst, 1);
	sink_add_u16(m, SINK_OUTER_UDP + 2, 4789);
	if (inner6_dst) {
		sink_add_u16(m, SINK_INNER_ETH + 12, ETH_P_IPV6);
		sink_add(m, 1, SINK_INNER_IP, 0xf0, 0x60);                   /* version 6 */
		sink_add(m, 1, SINK_INNER_IP + 6, 0xffffffffu, IPPROTO_UDP); /* no ext. header */
		sink_add_addr(m, SINK_INNER_IP + 24, inner6_dst, 4);
		sink_add_u16(m, SINK_INNER_UDP6 + 2, 9);
	} else {
		sink_add_u16(m, SINK_INNER_ETH + 12, ETH_P_IP);
		sink_add(m, 1, SINK_INNER_IP, 0xffffffffu, 0x45);
		sink_add(m, 1, SINK_INNER_IP + 9, 0xffffffffu, IPPROTO_UDP);
		sink_add_u16(m, SINK_INNER_UDP4 + 2, 9);
	}
}

/* What the gateway routed out of an uplink toward DST: IPv4 without options, UDP to port 9. */
static void sink_match_plain(struct sink_match *m, const struct in_addr *dst)
{
	m->n = 0;
	sink_add_u16(m, 12, ETH_P_IP);
	sink_add(m, 1, SINK_OUTER_IP, 0xffffffffu, 0x45);
	sink_add(m, 1, SINK_OUTER_IP + 9, 0xffffffffu, IPPROTO_UDP);
	sink_add_addr(m, SINK_OUTER_IP + 16, dst, 1);
	sink_add_u16(m, SINK_OUTER_UDP + 2, 9);
}

static unsigned sink_min_len(const struct sink_match *m)
{
	unsigned len = 0;
	for (unsigned i = 0; i < m->n; i++)
		if (m->check[i].off + m->check[i].size > len)
			len = m->check[i].off + m->check[i].size;
	return len;
}

static uint8_t sink_load_size(uint8_t size)
{
	return size == 1 ? BPF_B : size == 2 ? BPF_H : BPF_W;
}

/* The XDP program of match M into PROG (SINK_PROG_MAX instructions); returns its length.
 * r1 = struct xdp_md *; XDP_DROP = 1, XDP_PASS = 2. The frame must hold every field checked
 * (one bound check up front); a field that differs jumps to "pass"; a frame that passes every
 * check is counted in MAP and dropped. The compares are 32-bit (JMP32), so a value with bit 31
 * set is not sign-extended against the zero-extended load. */
static unsigned sink_prog(struct bpf_insn *prog, const struct sink_match *m, int map)
{
	unsigned n = 0, to_pass[SINK_CHECKS_MAX + 1], np = 0;
	prog[n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0);   /* r2 = data */
	prog[n++] = INSN(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 4, 0);   /* r3 = end */
	prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0); /* r4 = r2 */
	prog[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, (int32_t)sink_min_len(m));
	to_pass[np++] = n;
	prog[n++] = INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 0, 0); /* too short */
	for (unsigned i = 0; i < m->n; i++) {
		const struct sink_check *c = &m->check[i];
		prog[n++] = INSN(BPF_LDX | BPF_MEM | sink_load_size(c->size), 5, 2, c->off, 0);
		if (c->mask != 0xffffffffu)
			prog[n++] = INSN(BPF_ALU | BPF_AND | BPF_K, 5, 0, 0, (int32_t)c->mask);
		to_pass[np++] = n;
		prog[n++] = INSN(BPF_JMP32 | BPF_JNE | BPF_K, 5, 0, 0, (int32_t)c->value);
	}
	prog[n++] = INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0);                  /* key = 0 */
	prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);                /* r2 = fp */
	prog[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4);                /* r2 = &key */
	prog[n++] = INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map); /* r1 = map */
	prog[n++] = INSN(0, 0, 0, 0, 0); /* (ld_imm64, 2nd half) */
	prog[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
	prog[n++] = INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2, 0);           /* NULL: drop */
	prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1);         /* r1 = 1 */
	prog[n++] = INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 1, 0, BPF_ADD); /* *r0 += 1 */
	prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);         /* drop: r0 = XDP_DROP */
	prog[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	unsigned pass = n;
	prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 2); /* pass: r0 = XDP_PASS */
	prog[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (unsigned i = 0; i < np; i++) /* a jump's offset counts from the next instruction */
		prog[to_pass[i]].off = (int16_t)(pass - (to_pass[i] + 1));
	return n;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *countfile = NULL;
	double secs = 30.0;
	int opt;

	struct in_addr outer_dst, plain_dst;
	struct in6_addr inner6_dst;
	int have_outer = 0, have_inner6 = 0, have_plain = 0;
	while ((opt = getopt(argc, argv, "i:d:c:a:6:p:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'd':
			secs = atof(optarg);
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &outer_dst) != 1)
				goto usage;
			have_outer = 1;
			break;
		case '6':
			if (inet_pton(AF_INET6, optarg, &inner6_dst) != 1)
				goto usage;
			have_inner6 = 1;
			break;
		case 'p':
			if (inet_pton(AF_INET, optarg, &plain_dst) != 1)
				goto usage;
			have_plain = 1;
			break;
		case 'c':
			countfile = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!ifname || secs <= 0.0 || secs > 600.0 || (have_plain && (have_outer || have_inner6)))
		goto usage;
	struct sink_match match;
	if (have_plain)
		sink_match_plain(&match, &plain_dst);
	else
		sink_match_routed(&match, have_outer ? &outer_dst : NULL,
		                  have_inner6 ? &inner6_dst : NULL);
	unsigned ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "vxsink: no interface %s\n", ifname);
		return 1;
	}

	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	int map = (int)sys_bpf(BPF_MAP_CREATE, &a);
	if (map < 0) {
		perror("vxsink: BPF_MAP_CREATE");
		return 1;
	}

	struct bpf_insn prog[SINK_PROG_MAX];
	unsigned insns = sink_prog(prog, &match, map);
	static char log[65536];
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = insns;
	a.license = (uintptr_t) "GPL";
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	int pfd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (pfd < 0) {
		fprintf(stderr, "vxsink: BPF_PROG_LOAD: %s\n%s\n", strerror(errno), log);
		return 1;
	}

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (unsigned)pfd;
	a.link_create.target_ifindex = ifindex;
	a.link_create.attach_type = BPF_XDP;
	a.link_create.flags = 0;
	int lfd = (int)sys_bpf(BPF_LINK_CREATE, &a);
	if (lfd < 0) {
		perror("vxsink: BPF_LINK_CREATE (XDP)");
		return 1;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	unsigned long long count = 0;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		uint32_t key = 0;
		uint64_t val = 0;
		memset(&a, 0, sizeof(a));
		a.map_fd = (unsigned)map;
		a.key = (uintptr_t)&key;
		a.value = (uintptr_t)&val;
		struct timespec now;
		if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) == 0)
			count = val;
		clock_gettime(CLOCK_REALTIME, &now);
		if (countfile)
			(void)write_count(countfile, count, &now);
		clock_gettime(CLOCK_MONOTONIC, &t);
		double el =
		    (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) * 1e-9;
		if (stop || el >= secs)
			break;
		struct timespec nap = {0, 10000000};
		nanosleep(&nap, NULL);
	}
	close(lfd); /* detaches the program */
	printf("vxsink: %llu packets dropped\n", count);
	return 0;
usage:
	fprintf(stderr, "usage: vxsink -i IFACE [-a ADDR] [-6 INNER_DST] [-p DST] [-d SECONDS] [-c "
	                "COUNTFILE]\n");
	return 2;
}
