/*
 * cli/listen.c - the TCP listening socket of a management server (telnet, metrics),
 * bound when a configuration is prepared so that a bad address fails the commit before
 * anything changes; and the access-class check of a client that connects to one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/cli_int.h"

int cli_tcp_listen(uint32_t addr, uint16_t port, const char *what, char *err, size_t errlen)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(addr);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0 &&
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 16) == 0)
		return fd;
	int e = errno; /* inet_ntop and close must not change what is reported */
	char ip[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
	snprintf(err, errlen, "%s listen %s %u: %s", what, ip, port, strerror(e));
	if (fd >= 0)
		close(fd);
	return -1;
}

bool cli_tcp_permitted(struct gw *gw, const char *acl, const struct sockaddr_in *peer,
                       const struct sockaddr_in *local)
{
	if (!acl[0])
		return true;
	const struct acl_cls *k = gw ? gw_acl_cls(gw, ACL_IP4, acl) : NULL;
	if (!k || peer->sin_family != AF_INET)
		return false; /* a list that cannot be read permits nothing, as an empty one */
	/* the client's first segment: a SYN, neither established nor a fragment */
	struct acl_key key = {
	    .src_lo = ntohl(peer->sin_addr.s_addr),
	    .dst_lo = ntohl(local->sin_addr.s_addr),
	    .sport = ntohs(peer->sin_port),
	    .dport = ntohs(local->sin_port),
	    .proto = IPPROTO_TCP,
	};
	return acl_cls_permits(k, acl_cls_match(k, &key));
}
