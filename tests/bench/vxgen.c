/*
 * vxgen — a small, cheap-per-packet frame blaster for the end-to-end benchmark
 * (tests/bench/e2e_bench.sh). It is NOT part of vxgw.
 *
 *   vxgen -i IFACE -f FRAMEFILE [-d SECONDS] [-n MAXPACKETS] [-r PPS]
 *
 * FRAMEFILE holds one complete Ethernet frame (no FCS), as raw bytes. vxgen copies it once
 * into every slot of an AF_PACKET PACKET_TX_RING (TPACKET_V2, PACKET_QDISC_BYPASS) and then
 * only flips slot status words and kicks the kernel with send(MSG_DONTWAIT): no per-packet
 * copy from user space and one system call per up to 256 frames. It stops after SECONDS
 * (default 5, at most 60) or MAXPACKETS (default 100,000,000), whichever comes first, and
 * prints one line:
 *
 *   vxgen: sent N packets in T s = R pps (B bytes each), ring full/EAGAIN E times
 *
 * When the receiving side is backed up (its input queue full: the frames are dropped and
 * counted there), send() fails with ENOBUFS or EAGAIN; vxgen then naps 50 us and goes on,
 * so it never dies on back-pressure (trafgen 0.6.8 does) and does not burn the CPU that the
 * rest of the lab's kernel work shares with it.
 *
 * -r PPS paces the sending to PPS packets/s: it wakes up about every 64 frames' time
 * (50 us .. 1 ms) and sends what is due by then (the benchmark's loss-rate search uses it
 * with -n, so that the count sent is exact).
 * The count printed includes frames the receiving queue dropped: it is what was offered.
 * Safety: it only ever sends on IFACE, which the benchmark creates inside a network namespace.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_SLOT  2048u
#define RING_FRAMES 4096u
#define BLOCK_SIZE  (FRAME_SLOT * 16u)
#define BATCH       256u

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: vxgen -i IFACE -f FRAMEFILE [-d SECONDS] [-n MAXPACKETS] [-r PPS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *file = NULL;
	double secs = 5.0, pps = 0.0;
	unsigned long long maxpkts = 100000000ull;
	int opt;

	while ((opt = getopt(argc, argv, "i:f:d:n:r:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'd':
			secs = atof(optarg);
			break;
		case 'n':
			maxpkts = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			pps = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (!ifname || !file || secs <= 0.0 || secs > 60.0 || maxpkts == 0)
		usage();

	unsigned char frame[FRAME_SLOT];
	FILE *f = fopen(file, "rb");
	if (!f) {
		perror(file);
		return 1;
	}
	size_t flen = fread(frame, 1, sizeof(frame), f);
	fclose(f);
	size_t hdr = TPACKET_ALIGN(sizeof(struct tpacket2_hdr));
	if (flen < 14 || flen > FRAME_SLOT - hdr) {
		fprintf(stderr, "vxgen: frame of %zu bytes: want 14..%zu\n", flen,
		        FRAME_SLOT - hdr);
		return 1;
	}

	int fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: send only, receive nothing */
	if (fd < 0) {
		perror("socket(AF_PACKET)");
		return 1;
	}
	int v = TPACKET_V2, one = 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0) {
		perror("PACKET_VERSION");
		return 1;
	}
	(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	/* A send buffer bigger than the ring's worth of skbs: back-pressure then comes from the
	 * receiver's queues (which drop when full), not from this socket's accounting. Only this
	 * socket is changed (no sysctl). */
	int sndbuf = 64 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	struct tpacket_req req = {
	    .tp_block_size = BLOCK_SIZE,
	    .tp_block_nr = RING_FRAMES * FRAME_SLOT / BLOCK_SIZE,
	    .tp_frame_size = FRAME_SLOT,
	    .tp_frame_nr = RING_FRAMES,
	};
	if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0) {
		perror("PACKET_TX_RING");
		return 1;
	}
	size_t ring_len = (size_t)req.tp_block_size * req.tp_block_nr;
	unsigned char *ring = mmap(NULL, ring_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (sll.sll_ifindex == 0) {
		fprintf(stderr, "vxgen: no interface %s\n", ifname);
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("bind");
		return 1;
	}
	for (unsigned i = 0; i < RING_FRAMES; i++) {
		struct tpacket2_hdr *h = (void *)(ring + (size_t)i * FRAME_SLOT);
		memcpy((unsigned char *)h + hdr, frame, flen);
		h->tp_len = (unsigned)flen;
		h->tp_status = TP_STATUS_AVAILABLE;
	}

	long backoff_ns = 50000;
	/* paced: naps of about 64 frames' time (50 us .. 1 ms), so a wake-up sends ~64 frames */
	long pace_ns = pps > 0.0 ? (long)(64e9 / pps) : backoff_ns;
	if (pace_ns < 50000)
		pace_ns = 50000;
	if (pace_ns > 1000000)
		pace_ns = 1000000;
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* naps of 50 us, not 50 us + 50 us slack */
	unsigned long long queued = 0, eagain = 0;
	unsigned idx = 0;
	double t0 = now_s(), tend = t0 + secs, t = t0;
	while (queued < maxpkts) {
		t = now_s();
		if (t >= tend)
			break;
		unsigned batch = BATCH;
		if (pps > 0.0) {
			/* paced: send only what is due by now, then nap 50 us (so bursts stay
			 * small) */
			double due = (t - t0) * pps - (double)queued;
			if (due < 1.0) {
				struct timespec ts = {0, pace_ns};
				nanosleep(&ts, NULL);
				continue;
			}
			if (due < (double)BATCH)
				batch = (unsigned)due;
		}
		unsigned n = 0;
		while (n < batch && queued < maxpkts) {
			struct tpacket2_hdr *h = (void *)(ring + (size_t)idx * FRAME_SLOT);
			unsigned st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
			if (st & (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING))
				break; /* the kernel still owns this slot: ring full */
			h->tp_len = (unsigned)flen;
			__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
			idx = (idx + 1) % RING_FRAMES;
			n++;
			queued++;
		}
		if (send(fd, NULL, 0, MSG_DONTWAIT) < 0) {
			if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR) {
				perror("send");
				break;
			}
			/* The receiver's queue is full (its frames were dropped and are counted
			 * there): nap 50 us, far less than it takes the receiver to drain a full
			 * queue, so that it never runs dry, while this CPU stays free for the
			 * kernel's work. */
			eagain++;
			struct timespec nap = {0, backoff_ns};
			nanosleep(&nap, NULL);
		} else if (n == 0) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			(void)poll(&p, 1, 1);
		}
	}
	/* Hand back what is still queued, waiting at most 1 s. */
	double tflush = now_s() + 1.0;
	for (;;) {
		int busy = 0;
		for (unsigned i = 0; i < RING_FRAMES && !busy; i++) {
			struct tpacket2_hdr *h = (void *)(ring + (size_t)i * FRAME_SLOT);
			if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
			    (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING))
				busy = 1;
		}
		if (!busy || now_s() > tflush)
			break;
		(void)send(fd, NULL, 0, MSG_DONTWAIT);
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		(void)poll(&p, 1, 1);
	}
	unsigned long long wrong = 0;
	for (unsigned i = 0; i < RING_FRAMES; i++) {
		struct tpacket2_hdr *h = (void *)(ring + (size_t)i * FRAME_SLOT);
		if (h->tp_status &
		    (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING | TP_STATUS_WRONG_FORMAT))
			wrong++;
	}
	double el = t - t0;
	unsigned long long sent = queued - wrong;
	printf("vxgen: sent %llu packets in %.3f s = %.0f pps (%zu bytes each), "
	       "ring full/EAGAIN %llu times\n",
	       sent, el, el > 0 ? (double)sent / el : 0.0, flen, eagain);
	munmap(ring, ring_len);
	close(fd);
	return 0;
}
