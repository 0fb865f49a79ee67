/*
 * test_workers.c - the data-plane workers' own counts (show dataplane) and the count of
 * snapshots published, with real worker threads on real sockets.
 *
 * Needs root: the program moves itself into a private network namespace
 * (unshare(CLONE_NEWNET)) where only lo exists, and the workers receive on 127.0.0.1.
 * What arrives there is not VXLAN, so each datagram is punted to the main thread: the
 * workers count it as received and handed over. Without root every test prints SKIP.
 */
#include "cu_main.h"

#include "gw/workers/worker.h"
#include "pktlab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LOOPBACK 0x7f000001u

static bool have_ns;
static uint16_t port;
static struct lab L;

static int suite_init(void)
{
	port = (uint16_t)(20000 + getpid() % 20000);
	if (geteuid() != 0) {
		printf("\nSKIP: test_workers needs root (a network namespace, raw sockets)\n");
		return 0;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("\nSKIP: test_workers: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 0;
	}
	have_ns = system("ip link set lo up") == 0;
	return 0;
}

static void no_notify(void *ctx)
{
	(void)ctx;
}

static struct gw_workers *start(unsigned n)
{
	char err[GW_IO_ERRLEN] = "";
	struct gw_workers *ws =
	    gw_workers_start(L.gw, n, LOOPBACK, port, NULL, NULL, 0, no_notify, NULL, err);
	if (!ws)
		printf("\nworkers: %s\n", err);
	return ws;
}

/* n datagrams that are not VXLAN to the workers' port, from one source port each time */
static bool send_junk(unsigned n)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {
	    .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(LOOPBACK)};
	bool ok = fd >= 0;
	for (unsigned i = 0; ok && i < n; i++)
		ok = sendto(fd, "not vxlan", 9, 0, (struct sockaddr *)&sa, sizeof(sa)) == 9;
	if (fd >= 0)
		close(fd);
	return ok;
}

static uint64_t received(const struct gw_workers *ws)
{
	struct gw_worker_info wi;
	uint64_t rx = 0;
	for (unsigned i = 0; gw_workers_info(ws, i, &wi); i++)
		rx += wi.rx;
	return rx;
}

/* Waits (at most 3 s) until the workers received want since their counts started; the
 * main thread takes what they punted meanwhile, as the daemon does. */
static uint64_t wait_received(struct gw_workers *ws, uint64_t want)
{
	for (int i = 0; i < 300 && received(ws) < want; i++) {
		gw_workers_drain(ws, L.gw, 1024);
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
	gw_workers_drain(ws, L.gw, 1024);
	return received(ws);
}

static bool lab_up(void)
{
	struct gw_params p;
	gw_params_default(&p);
	if (!have_ns || !lab_init(&L, &p)) {
		printf("SKIP ");
		return false;
	}
	L.capture = false;
	return true;
}

static void test_clear_counters_restarts_worker_counts(void)
{
	if (!lab_up())
		return;
	struct gw_workers *ws = start(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
	CU_ASSERT_TRUE(send_junk(20));
	CU_ASSERT_EQUAL(wait_received(ws, 20), 20);
	struct gw_worker_info wi;
	CU_ASSERT_TRUE_FATAL(gw_workers_info(ws, 0, &wi));
	CU_ASSERT_EQUAL(wi.punted, 20);
	CU_ASSERT_EQUAL(wi.forwarded, 0);

	/* as the CLI does it: the workers folded in, the counters cleared, a fold before the
	 * next show */
	gw_workers_fold(ws, L.gw);
	gw_clear_counters(L.gw);
	CU_ASSERT_EQUAL(received(ws), 20); /* the workers never see the clear itself */
	gw_workers_fold(ws, L.gw);
	CU_ASSERT_TRUE(gw_workers_info(ws, 0, &wi));
	CU_ASSERT_EQUAL(wi.id, 0);
	CU_ASSERT_EQUAL(wi.rx, 0);
	CU_ASSERT_EQUAL(wi.punted, 0);
	CU_ASSERT_EQUAL(wi.punt_drops, 0);

	/* and they count again from there, the next clear too */
	CU_ASSERT_TRUE(send_junk(7));
	CU_ASSERT_EQUAL(wait_received(ws, 7), 7);
	gw_workers_fold(ws, L.gw);
	CU_ASSERT_TRUE(gw_workers_info(ws, 0, &wi));
	CU_ASSERT_EQUAL(wi.punted, 7);
	gw_clear_counters(L.gw);
	gw_workers_fold(ws, L.gw);
	CU_ASSERT_EQUAL(received(ws), 0);
	CU_ASSERT_TRUE(send_junk(3));
	CU_ASSERT_EQUAL(wait_received(ws, 3), 3);
	gw_workers_stop(ws, L.gw);
	lab_fini(&L);
}

static void test_publications_outlive_the_workers(void)
{
	if (!lab_up())
		return;
	CU_ASSERT_EQUAL(gw_workers_publications(L.gw), 0);
	struct gw_workers *ws = start(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
	uint64_t first = gw_workers_publications(L.gw);
	CU_ASSERT_EQUAL(first, 1); /* the snapshot the workers start with */
	/* a commit: published at once */
	CU_ASSERT_EQUAL(gw_workers_publish(ws, L.gw, true, L.now), 0);
	CU_ASSERT_EQUAL(gw_workers_publications(L.gw), first + 1);
	CU_ASSERT_TRUE(send_junk(5));
	CU_ASSERT_EQUAL(wait_received(ws, 5), 5);
	gw_workers_stop(ws, L.gw);
	CU_ASSERT_EQUAL(gw_workers_publications(L.gw), first + 1);

	/* another count: a new set of workers goes on from there, with counts of its own */
	ws = start(2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
	CU_ASSERT_EQUAL(gw_workers_count(ws), 2);
	CU_ASSERT_EQUAL(gw_workers_publications(L.gw), first + 2);
	CU_ASSERT_EQUAL(received(ws), 0);
	CU_ASSERT_EQUAL(gw_workers_publish(ws, L.gw, true, L.now), 0);
	CU_ASSERT_EQUAL(gw_workers_publications(L.gw), first + 3);
	/* clear counters leaves it alone: it is no traffic counter */
	gw_clear_counters(L.gw);
	gw_workers_fold(ws, L.gw);
	CU_ASSERT_EQUAL(gw_workers_publications(L.gw), first + 3);
	gw_workers_stop(ws, L.gw);
	lab_fini(&L);
}

static CU_TestInfo tests[] = {
    {"clear counters restarts the workers' own counts", test_clear_counters_restarts_worker_counts},
    {"snapshots published outlive a set of workers", test_publications_outlive_the_workers},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"workers", suite_init, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
