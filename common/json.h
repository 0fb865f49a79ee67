/*
 * common/json.h - the one JSON string escape, for every `json` output (show commands,
 * packet trace). Names reaching JSON are validated where they enter, but escaping is
 * what makes the output well-formed whatever gets through.
 */
#ifndef VXGW_COMMON_JSON_H
#define VXGW_COMMON_JSON_H

#include <stdio.h>

/* How ch is written inside a JSON string literal: itself, \" or \\, or \u00XX. */
static inline const char *json_char(unsigned char ch, char buf[8])
{
	if (ch == '"' || ch == '\\')
		snprintf(buf, 8, "\\%c", ch);
	else if (ch < 0x20)
		snprintf(buf, 8, "\\u%04x", ch);
	else
		snprintf(buf, 8, "%c", ch);
	return buf;
}

#endif
