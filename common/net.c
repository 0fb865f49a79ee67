/* common/net.c - strict text parsers and formatters for addresses. */
#include "net.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

const char *net_ip_fmt(uint32_t ip, char buf[NET_IP_STRLEN])
{
	snprintf(buf, NET_IP_STRLEN, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
	         ip & 0xff);
	return buf;
}

const char *net_mac_fmt(const uint8_t *m, char buf[NET_MAC_STRLEN])
{
	snprintf(buf, NET_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
	         m[5]);
	return buf;
}

/* Parse 1..3 decimal digits 0..255 without leading zeros ("01" is refused as octal-looking). */
static const char *parse_octet(const char *s, uint32_t *out)
{
	unsigned v = 0, n = 0;
	if (s[0] == '0' && isdigit((unsigned char)s[1]))
		return NULL;
	while (isdigit((unsigned char)*s) && n < 4) {
		v = v * 10 + (unsigned)(*s++ - '0');
		n++;
	}
	if (n == 0 || n > 3 || v > 255)
		return NULL;
	*out = v;
	return s;
}

static const char *parse_ip_prefix(const char *s, uint32_t *ip)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		uint32_t o;
		s = parse_octet(s, &o);
		if (!s)
			return NULL;
		v = v << 8 | o;
		if (i < 3 && *s++ != '.')
			return NULL;
	}
	*ip = v;
	return s;
}

bool net_ip_parse(const char *s, uint32_t *ip)
{
	const char *e = parse_ip_prefix(s, ip);
	return e && *e == '\0';
}

bool net_prefix_parse(const char *s, uint32_t *pfx, uint8_t *len)
{
	const char *e = parse_ip_prefix(s, pfx);
	if (!e || *e++ != '/')
		return false;
	uint32_t l;
	if (!isdigit((unsigned char)*e) || (e[0] == '0' && e[1] != '\0'))
		return false;
	char *end;
	unsigned long v = strtoul(e, &end, 10);
	if (*end != '\0' || v > 32)
		return false;
	l = (uint32_t)v;
	*len = (uint8_t)l;
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Accepts aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff and the Cisco/Huawei aabb.ccdd.eeff /
 * aabb-ccdd-eeff. */
bool net_mac_parse(const char *s, uint8_t mac[NET_ETH_ALEN])
{
	size_t n = strlen(s);
	int digits[12], nd = 0;
	if (n == 17) {
		for (size_t i = 0; i < n; i++) {
			if (i % 3 == 2) {
				if (s[i] != s[2] || (s[i] != ':' && s[i] != '-'))
					return false;
			} else if ((digits[nd++] = hexval((unsigned char)s[i])) < 0) {
				return false;
			}
		}
	} else if (n == 14) {
		for (size_t i = 0; i < n; i++) {
			if (i % 5 == 4) {
				if (s[i] != s[4] || (s[i] != '.' && s[i] != '-'))
					return false;
			} else if ((digits[nd++] = hexval((unsigned char)s[i])) < 0) {
				return false;
			}
		}
	} else {
		return false;
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(digits[2 * i] << 4 | digits[2 * i + 1]);
	return true;
}

const char *net_ip6_fmt(const struct in6_addr *a, char buf[NET_IP6_STRLEN])
{
	if (!inet_ntop(AF_INET6, a, buf, NET_IP6_STRLEN))
		snprintf(buf, NET_IP6_STRLEN, "?");
	return buf;
}

bool net_ip6_parse(const char *s, struct in6_addr *a)
{
	/* inet_pton accepts exactly RFC 4291 text forms, including an embedded IPv4 tail. */
	return strlen(s) < NET_IP6_STRLEN && inet_pton(AF_INET6, s, a) == 1;
}

bool net_ip6_prefix_parse(const char *s, struct in6_addr *a, uint8_t *len)
{
	const char *slash = strchr(s, '/');
	char addr[NET_IP6_STRLEN];
	size_t n = slash ? (size_t)(slash - s) : 0;
	if (!slash || n == 0 || n >= sizeof addr)
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	const char *l = slash + 1;
	unsigned v = 0;
	size_t digits = strspn(l, "0123456789");
	if (digits == 0 || digits > 3 || l[digits] != '\0' || (digits > 1 && l[0] == '0'))
		return false;
	for (size_t i = 0; i < digits; i++)
		v = v * 10 + (unsigned)(l[i] - '0');
	if (v > 128 || !net_ip6_parse(addr, a))
		return false;
	*len = (uint8_t)v;
	return true;
}
