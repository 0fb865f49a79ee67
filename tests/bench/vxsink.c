/*
 * vxsink — a cheap counting sink for the end-to-end benchmark (tests/bench/e2e_bench.sh).
 * It is NOT part of vxgw.
 *
 *   vxsink -i IFACE [-a ADDR] [-d SECONDS] [-c COUNTFILE]
 *
 * Attaches a 37-instruction XDP program to IFACE (native mode: a veth in the benchmark's
 * lab) that drops the VXLAN packets carrying the generator's inner IPv4/UDP datagrams to
 * port 9 — what the gateway routed — and counts them in a BPF array map; with -a, only
 * those whose outer destination is ADDR (the VTEP they were routed to). Everything else
 * (ARP, also inside VXLAN; pings) passes. So what it counts costs almost nothing more
 * (no bridge, no decapsulation behind it). e2e_bench.sh attaches it to the underlay port
 * facing the gateway (the veth peer of the gateway's ul0), or with SINK_AT=vtep2 to VTEP2's ul0.
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

int main(int argc, char **argv)
{
	const char *ifname = NULL, *countfile = NULL;
	double secs = 30.0;
	int opt;

	int32_t dst_addr = 0, dst_mask = 0; /* outer destination, network order as loaded */
	while ((opt = getopt(argc, argv, "i:d:c:a:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'd':
			secs = atof(optarg);
			break;
		case 'a': {
			struct in_addr ia;
			if (inet_pton(AF_INET, optarg, &ia) != 1)
				goto usage;
			memcpy(&dst_addr, &ia, 4);
			dst_mask = -1;
			break;
		}
		case 'c':
			countfile = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!ifname || secs <= 0.0 || secs > 600.0)
		goto usage;
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

	/* r1 = struct xdp_md *; XDP_DROP = 1, XDP_PASS = 2. A jump's offset counts from the next
	 * instruction: "drop" is instruction 33, "pass" 35. Dropped (and counted): Ethernet,
	 * IPv4 without options (to ADDR if -a), UDP to 4789, VXLAN, inner Ethernet, inner IPv4
	 * without options, UDP to port 9 (discard) — the generator's frames after routing.
	 * Everything else passes (ARP, also inside VXLAN, and pings: the gateway still resolves
	 * the host behind the VTEP, and the lab's other traffic is not counted). */
	struct bpf_insn prog[] = {
	    INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0),         /* 0 r2 = data */
	    INSN(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 4, 0),         /* 1 r3 = data_end */
	    INSN(BPF_ALU64 | BPF_MOV | BPF_X, 4, 2, 0, 0),       /* 2 r4 = r2 */
	    INSN(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, 88),      /* 3 r4 += 88 */
	    INSN(BPF_JMP | BPF_JGT | BPF_X, 4, 3, 30, 0),        /* 4 shorter than 88 bytes */
	    INSN(BPF_LDX | BPF_MEM | BPF_H, 5, 2, 12, 0),        /* 5 outer ethertype */
	    INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 28, 0x0008),   /* 6 != IPv4 (LE) */
	    INSN(BPF_LDX | BPF_MEM | BPF_B, 5, 2, 14, 0),        /* 7 outer version/IHL */
	    INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 26, 0x45),     /* 8 IP options or not v4 */
	    INSN(BPF_LDX | BPF_MEM | BPF_B, 5, 2, 23, 0),        /* 9 outer protocol */
	    INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 24, 17),       /* 10 != UDP */
	    INSN(BPF_LDX | BPF_MEM | BPF_W, 5, 2, 30, 0),        /* 11 outer destination address */
	    INSN(BPF_ALU | BPF_AND | BPF_K, 5, 0, 0, dst_mask),  /* 12 (mask 0 without -a) */
	    INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 21, dst_addr), /* 13 != -a ADDR */
	    INSN(BPF_LDX | BPF_MEM | BPF_H, 5, 2, 36, 0),        /* 14 outer UDP dport */
	    INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 19, 0xb512),   /* 15 != 4789 (LE) */
	    INSN(BPF_LDX | BPF_MEM | BPF_H, 5, 2, 62, 0),        /* 16 inner ethertype */
	    INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 17, 0x0008),   /* 17 != IPv4 (LE) */
	    INSN(BPF_LDX | BPF_MEM | BPF_B, 5, 2, 64, 0),        /* 18 inner version/IHL */
	    INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 15, 0x45),     /* 19 IP options or not v4 */
	    INSN(BPF_LDX | BPF_MEM | BPF_B, 5, 2, 73, 0),        /* 20 inner protocol */
	    INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 13, 17),       /* 21 != UDP */
	    INSN(BPF_LDX | BPF_MEM | BPF_H, 5, 2, 86, 0),        /* 22 inner UDP dport */
	    INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 11, 0x0900),   /* 23 != 9 (LE) */
	    INSN(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 0),        /* 24 key = 0 */
	    INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),      /* 25 r2 = fp */
	    INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),      /* 26 r2 = &key */
	    INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, map), /* 27 r1 = map */
	    INSN(0, 0, 0, 0, 0), /* 28 (ld_imm64, 2nd half) */
	    INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem), /* 29 map_lookup_elem */
	    INSN(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2, 0),                 /* 30 NULL: drop */
	    INSN(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 1),               /* 31 r1 = 1 */
	    INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 0, 1, 0, BPF_ADD),       /* 32 *r0 += 1 */
	    INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1), /* 33 drop: r0 = XDP_DROP */
	    INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),          /* 34 */
	    INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 2), /* 35 pass: r0 = XDP_PASS */
	    INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),          /* 36 */
	};

	static char log[65536];
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_XDP;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = sizeof(prog) / sizeof(prog[0]);
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
	fprintf(stderr, "usage: vxsink -i IFACE [-a ADDR] [-d SECONDS] [-c COUNTFILE]\n");
	return 2;
}
