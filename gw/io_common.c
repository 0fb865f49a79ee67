/* gw/io_common.c - see io_int.h. */
#include "gw/io_int.h"

#include <errno.h>

unsigned gw_io_send_vec(int fd, struct mmsghdr *m, unsigned n)
{
	unsigned i = 0, refused = 0;
	while (i < n) {
		int r = sendmmsg(fd, m + i, n - i, MSG_DONTWAIT);
		if (r > 0) {
			i += (unsigned)r;
		} else if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
			refused += n - i;
			break;
		} else if (errno != EINTR) {
			refused++;
			i++;
		}
	}
	return refused;
}
