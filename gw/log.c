/* gw/log.c - see log.h. */
#include "gw/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static bool log_stderr = true;

void gw_log_init(const char *ident, bool to_stderr)
{
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static const char *prio_name(int prio)
{
	switch (prio) {
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_DEBUG:
		return "debug";
	default:
		return "info";
	}
}

void gw_log(int prio, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (log_stderr) {
		struct timespec ts;
		struct tm tm;
		char stamp[32];
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld vxgwd %s: ", stamp, ts.tv_nsec / 1000000,
		        prio_name(prio));
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}
