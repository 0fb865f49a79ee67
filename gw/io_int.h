/*
 * gw/io_int.h - what the I/O drivers share.
 */
#ifndef GW_IO_INT_H
#define GW_IO_INT_H

#include <sys/socket.h>

/*
 * sendmmsg stops at the first datagram the kernel refuses and returns how many went
 * before it; the error itself comes back from the next call, which starts at that one.
 * A full queue (EAGAIN, ENOBUFS) refuses the rest of the vector: retrying now would only
 * spin. Any other error (no route, too big) belongs to that datagram alone: skip it.
 * Returns how many were refused.
 */
unsigned gw_io_send_vec(int fd, struct mmsghdr *m, unsigned n);

#endif
