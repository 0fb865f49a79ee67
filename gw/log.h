/*
 * gw/log.h - the daemon's log: stderr in the foreground, syslog otherwise.
 */
#ifndef GW_LOG_H
#define GW_LOG_H

#include <stdbool.h>
#include <syslog.h>

void gw_log_init(const char *ident, bool to_stderr);
void gw_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
