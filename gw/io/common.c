/* gw/io/common.c - see io_int.h. */
#include "gw/io/io_int.h"

#include <errno.h>
#include <stdlib.h>

unsigned gw_io_send_msgs(int fd, struct mmsghdr *m, unsigned n, const uint16_t *pkts,
                         struct gw_io_send_err *first)
{
	unsigned i = 0, refused = 0;
	while (i < n) {
		int r = sendmmsg(fd, m + i, n - i, MSG_DONTWAIT);
		if (r > 0) {
			i += (unsigned)r;
		} else if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
			for (; i < n; i++)
				refused += pkts ? pkts[i] : 1;
			break;
		} else if (errno != EINTR) {
			if (first && first->msg < 0)
				*first = (struct gw_io_send_err){.msg = (int)i, .err = errno};
			refused += pkts ? pkts[i] : 1;
			i++;
		}
	}
	return refused;
}

unsigned gw_io_send_vec(int fd, struct mmsghdr *m, unsigned n)
{
	return gw_io_send_msgs(fd, m, n, NULL, NULL);
}

#define RXB_ROUNDS (GW_VEC_MAX / GW_RXB_MSGS) /* recvmmsg calls per gw_rxb_recv, at most */

struct gw_rxb *gw_rxb_open(uint32_t pre)
{
	if (pre > GW_RXB_PRE)
		return NULL;
	struct gw_rxb *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	/* Untouched until a message reaches into it: mostly address space, not memory. */
	b->spill = malloc((size_t)GW_RXB_MSGS * GW_RXB_SPILL);
	if (!b->spill) {
		free(b);
		return NULL;
	}
	b->pre = pre;
	b->fd = -1;
	return b;
}

void gw_rxb_discard(struct gw_rxb *b)
{
	for (; b && b->next < b->count; b->next++)
		gw_pkt_free(b->pool, b->pkts[b->next]);
}

void gw_rxb_close(struct gw_rxb *b)
{
	if (!b)
		return;
	gw_rxb_discard(b);
	free(b->spill);
	free(b);
}

/* Up to n (<= GW_RXB_MSGS) messages from fd into b (which holds none); how many came
 * (fewer also when the pool is short). */
static unsigned rxb_fill(struct gw_rxb *b, int fd, uint32_t tag, struct gw_pool *pool, unsigned n)
{
	unsigned a = 0;
	while (a < n && (b->pkts[a] = gw_pkt_alloc(pool)) != NULL)
		a++;
	for (unsigned i = 0; i < a; i++) {
		struct iovec *v = b->iov[i];
		unsigned nv = 0;
		if (b->pre)
			v[nv++] = (struct iovec){.iov_base = b->pre_buf[i], .iov_len = b->pre};
		v[nv++] = (struct iovec){.iov_base = b->pkts[i]->data, .iov_len = GW_PKT_DATA};
		v[nv++] = (struct iovec){.iov_base = b->spill + (size_t)i * GW_RXB_SPILL,
		                         .iov_len = GW_RXB_SPILL};
		b->msgs[i].msg_hdr = (struct msghdr){
		    .msg_name = &b->addrs[i],
		    .msg_namelen = sizeof(b->addrs[i]),
		    .msg_iov = v,
		    .msg_iovlen = nv,
		    .msg_control = b->ctl[i].buf,
		    .msg_controllen = sizeof(b->ctl[i].buf),
		};
		b->msgs[i].msg_len = 0;
	}
	/* EAGAIN is the normal "nothing more"; any other error concerns one message at most
	 * (recvmmsg reports it after the ones it got), so both simply end this batch. */
	int r = a ? recvmmsg(fd, b->msgs, a, MSG_DONTWAIT, NULL) : 0;
	unsigned got = r > 0 ? (unsigned)r : 0;
	for (unsigned i = got; i < a; i++)
		gw_pkt_free(pool, b->pkts[i]);
	b->next = 0;
	b->count = got;
	b->fd = fd;
	b->tag = tag;
	b->pool = pool;
	return got;
}

/* Hands out held messages into out[k..max) while they fit; returns the new k. */
static unsigned rxb_drain(struct gw_rxb *b, gw_rxb_take_fn take, void *drv, struct gw_pkt **out,
                          unsigned k, unsigned max)
{
	for (; b->next < b->count; b->next++) {
		unsigned got = take(drv, b, b->next, out + k, max - k, max);
		if (got == GW_RXB_WAIT)
			break;
		k += got;
	}
	return k;
}

unsigned gw_rxb_recv(struct gw_rxb *b, int fd, uint32_t tag, struct gw_pool *pool,
                     gw_rxb_take_fn take, void *drv, struct gw_pkt **pkts, unsigned max)
{
	unsigned k = 0;
	if (max > GW_VEC_MAX)
		max = GW_VEC_MAX;
	if (gw_rxb_held(b)) {
		k = rxb_drain(b, take, drv, pkts, 0, max);
		if (gw_rxb_held(b))
			return k;
	}
	for (unsigned round = 0; round < RXB_ROUNDS && k < max; round++) {
		unsigned ask = max - k < GW_RXB_MSGS ? max - k : GW_RXB_MSGS;
		unsigned got = rxb_fill(b, fd, tag, pool, ask);
		if (got == 0)
			break;
		k = rxb_drain(b, take, drv, pkts, k, max);
		if (gw_rxb_held(b) || got < ask)
			break; /* a message waits (vector full, pool short), or the socket is empty
			        */
	}
	return k;
}
