/* test_net.c - the shared address parsers/formatters and checksum helpers. */
#include "common/net.h"
#include "cu_main.h"

static void test_ip_parse(void)
{
	uint32_t ip;
	CU_ASSERT(net_ip_parse("192.0.2.1", &ip) && ip == 0xc0000201u);
	CU_ASSERT(net_ip_parse("0.0.0.0", &ip) && ip == 0);
	CU_ASSERT(net_ip_parse("255.255.255.255", &ip) && ip == 0xffffffffu);
	const char *bad[] = {"",         "1.2.3",    "1.2.3.4.5",  "256.1.1.1",
	                     "1.2.3.4 ", " 1.2.3.4", "01.2.3.4",   "1..2.3",
	                     "a.b.c.d",  "1.2.3.-4", "1.2.3.4/24", "1234.1.1.1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_FALSE(net_ip_parse(bad[i], &ip));
}

static void test_prefix_parse(void)
{
	uint32_t p;
	uint8_t l;
	CU_ASSERT(net_prefix_parse("10.1.0.0/16", &p, &l) && p == 0x0a010000u && l == 16);
	CU_ASSERT(net_prefix_parse("0.0.0.0/0", &p, &l) && p == 0 && l == 0);
	CU_ASSERT(net_prefix_parse("10.1.10.1/32", &p, &l) && l == 32);
	const char *bad[] = {"10.0.0.0",    "10.0.0.0/",   "10.0.0.0/33", "10.0.0.0/08",
	                     "10.0.0.0/1a", "10.0.0.0/-1", "/8",          "10.0.0.0/ 8"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_FALSE(net_prefix_parse(bad[i], &p, &l));
}

static void test_mac_parse_fmt(void)
{
	uint8_t m[6];
	char buf[NET_MAC_STRLEN];
	CU_ASSERT(net_mac_parse("02:11:22:33:44:55", m));
	CU_ASSERT_STRING_EQUAL(net_mac_fmt(m, buf), "02:11:22:33:44:55");
	CU_ASSERT(net_mac_parse("0211.2233.4455", m));
	CU_ASSERT_STRING_EQUAL(net_mac_fmt(m, buf), "02:11:22:33:44:55");
	CU_ASSERT(net_mac_parse("02-11-22-33-44-AB", m) && m[5] == 0xab);
	const char *bad[] = {"",
	                     "02:11:22:33:44",
	                     "02:11:22:33:44:55:66",
	                     "02:11-22:33:44:55",
	                     "0g:11:22:33:44:55",
	                     "0211.2233.445",
	                     "02112233445566"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_FALSE(net_mac_parse(bad[i], m));
}

static void test_csum(void)
{
	/* RFC 1071 example bytes */
	const uint8_t d[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	uint32_t s = net_csum_partial(d, sizeof(d), 0);
	CU_ASSERT_EQUAL(ntohs(net_csum_fold(s)), (uint16_t)~0xddf2);
	/* incremental update equals a full recomputation, for many random words */
	uint8_t hdr[20];
	uint32_t x = 12345;
	for (int t = 0; t < 10000; t++) {
		for (int i = 0; i < 20; i++) {
			x = x * 1103515245u + 12345u;
			hdr[i] = (uint8_t)(x >> 16);
		}
		hdr[10] = hdr[11] = 0;
		uint16_t sum = net_csum(hdr, 20), old, new_;
		memcpy(hdr + 10, &sum, 2);
		memcpy(&old, hdr + 8, 2);
		hdr[8] = (uint8_t)(x >> 8);
		memcpy(&new_, hdr + 8, 2);
		uint16_t inc = net_csum_update16(sum, old, new_);
		hdr[10] = hdr[11] = 0;
		uint16_t full = net_csum(hdr, 20);
		/* 0x0000 and 0xffff are the same value in one's complement */
		CU_ASSERT(inc == full || (inc == 0xffff && full == 0) ||
		          (inc == 0 && full == 0xffff));
	}
}

/* The 16-bit loop net_csum_partial was before it summed 8 bytes a load: the reference. */
static uint32_t csum_partial_16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (; len > 1; p += 2, len -= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		sum += w;
	}
	if (len) {
		uint16_t w = 0;
		memcpy(&w, p, 1);
		sum += w;
	}
	return sum;
}

/* The same folded checksum as the 16-bit loop for every length, alignment and start sum,
 * the all-zero buffer (0, not 0xffff, before folding) and the all-ones one included. */
static void test_csum_wide(void)
{
	static uint8_t buf[9100];
	uint32_t x = 777;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	int bad = 0;
	for (int t = 0; t < 20000; t++) {
		x = x * 1103515245u + 12345u;
		size_t len = t < 64 ? (size_t)t : x % 9001, off = (x >> 20) % 8;
		uint32_t start = t % 3 ? 0 : x >> 8; /* a caller's sum so far */
		uint32_t wide = net_csum_partial(buf + off, len, start);
		bad += net_csum_fold(wide) != net_csum_fold(csum_partial_16(buf + off, len, start));
		bad += wide > 0xffff;
	}
	CU_ASSERT_EQUAL(bad, 0);
	static const uint8_t zeros[64];
	uint8_t ones[64];
	memset(ones, 0xff, sizeof(ones));
	for (size_t len = 0; len <= 64; len++) {
		CU_ASSERT_EQUAL(net_csum(zeros, len), 0xffff);
		CU_ASSERT_EQUAL(net_csum_fold(net_csum_partial(ones, len, 0)),
		                net_csum_fold(csum_partial_16(ones, len, 0)));
	}
}

static CU_TestInfo tests[] = {
    {"ip parse", test_ip_parse},
    {"prefix parse", test_prefix_parse},
    {"mac parse/format", test_mac_parse_fmt},
    {"checksums", test_csum},
    {"checksums 8 bytes a load agree with 16", test_csum_wide},
    CU_TEST_INFO_NULL,
};
static CU_SuiteInfo suites[] = {{"net", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
CU_MAIN(suites)
