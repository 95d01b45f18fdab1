// SPDX-License-Identifier: GPL-2.0-only
/* Alerts for humans: loader/text.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "loader/events.h"
#include "loader/text.h"

#define FULL_WIDTH 100 /* folded lines when the output is no terminal (STYLE 10) */
#define INDENT	   "    "

int text_width(int fd)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (!isatty(fd))
		return -1;
	if (!ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col >= 40)
		return ws.ws_col;
	if (cols && atoi(cols) >= 40)
		return atoi(cols);
	return FULL_WIDTH;
}

/* append to buf at *n, never past size (always terminated) */
static void put(char *buf, size_t size, size_t *n, const char *s, size_t len)
{
	if (*n + 1 >= size)
		return;
	if (len > size - 1 - *n)
		len = size - 1 - *n;
	memcpy(buf + *n, s, len);
	*n += len;
	buf[*n] = '\0';
}

static void put_clean(char *buf, size_t size, size_t *n, const char *s)
{
	for (; *s; s++) {
		char c = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;

		put(buf, size, n, &c, 1);
	}
}

static void value(json_object *v, char *buf, size_t size, size_t *n)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		break;
	case json_type_string:
		put_clean(buf, size, n, json_object_get_string(v));
		break;
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			if (i)
				put(buf, size, n, ", ", 2);
			value(json_object_array_get_idx(v, i), buf, size, n);
		}
		break;
	case json_type_object: {
		bool first = true;

		json_object_object_foreach(v, k, e) {
			if (!first)
				put(buf, size, n, " ", 1);
			first = false;
			put_clean(buf, size, n, k);
			put(buf, size, n, "=", 1);
			value(e, buf, size, n);
		}
		break;
	}
	default:
		put(buf, size, n, json_object_get_string(v), strlen(json_object_get_string(v)));
	}
}

void text_value(json_object *v, char *buf, size_t size)
{
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	value(v, buf, size, &n);
}

static const char *sev_color(const char *sev)
{
	if (!strcmp(sev, "critical"))
		return "\033[1;31m";
	if (!strcmp(sev, "high"))
		return "\033[31m";
	if (!strcmp(sev, "medium"))
		return "\033[33m";
	if (!strcmp(sev, "low"))
		return "\033[36m";
	return "\033[2m";
}

/* "k=v" items of what an alert says beyond its columns, each a NUL-terminated string in items */
static size_t detail_items(json_object *a, char *items, size_t size)
{
	const char *type = alert_str(a, "type");
	json_object *d = NULL, *c = NULL;
	size_t n = 0;
	char v[1024];

	json_object_object_get_ex(a, "container", &c);
	if (!strcmp(type, "container_start")) {
		text_value(json_object_object_get_ex(c, "image", &d) ? d : NULL, v, sizeof(v));
		put(items, size, &n, "image=", 6);
		put(items, size, &n, v, strlen(v) + 1);
		return n;
	}
	if (!strcmp(type, "admission")) {
		static const char *const keys[] = { "verdict", "fail",	     "warn",
						    "held_ms", "image_scan", "refused_by" };

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (!json_object_object_get_ex(a, keys[i], &d))
				continue;
			text_value(d, v, sizeof(v));
			if (!v[0])
				continue;
			put(items, size, &n, keys[i], strlen(keys[i]));
			put(items, size, &n, "=", 1);
			put(items, size, &n, v, strlen(v) + 1);
		}
		return n;
	}
	if (json_object_object_get_ex(a, "aggregated", &c) &&
	    json_object_object_get_ex(c, "count", &d)) {
		/* first: "N times" says this line stands for many */
		snprintf(v, sizeof(v), "repeated=%s", json_object_get_string(d));
		put(items, size, &n, v, strlen(v) + 1);
	}
	if (!json_object_object_get_ex(a, "details", &d) ||
	    !json_object_is_type(d, json_type_object))
		return n;
	json_object_object_foreach(d, k, e) {
		text_value(e, v, sizeof(v));
		if (!v[0])
			continue;
		put_clean(items, size, &n, k);
		put(items, size, &n, "=", 1);
		put(items, size, &n, v, strlen(v) + 1);
	}
	return n;
}

void alert_format_text(json_object *a, char *buf, size_t size, const struct text_opts *o)
{
	const char *type = alert_str(a, "type"), *sev = alert_str(a, "severity");
	const char *rule = alert_str(a, "rule"), *action = alert_str(a, "action");
	const char *col = o->color ? sev_color(sev) : "", *end = o->color ? "\033[0m" : "";
	char when[24], ct[24], proc[40], items[4096], head[1024];
	json_object *c = NULL;
	int width = o->width;
	size_t n = 0, nitems, line;

	if (!strcmp(type, "container_start") || !strcmp(type, "admission")) {
		sev = "info";
		rule = type;
		col = o->color ? sev_color(sev) : "";
	}
	if (!*action)
		action = "-";
	json_object_object_get_ex(a, "container", &c);
	snprintf(ct, sizeof(ct), "%.20s",
		 *alert_str(c, "name") ? alert_str(c, "name")
		 : *alert_str(c, "id") ? alert_str(c, "id")
				       : "host");
	for (char *p = ct; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	if (*alert_str(a, "comm") && *alert_str(a, "pid") && strcmp(alert_str(a, "pid"), "0"))
		snprintf(proc, sizeof(proc), "%.15s[%s]", alert_str(a, "comm"),
			 alert_str(a, "pid"));
	else
		snprintf(proc, sizeof(proc), "%s",
			 *alert_str(a, "source") ? alert_str(a, "source") : "-");
	for (char *p = proc; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	nitems = detail_items(a, items, sizeof(items));
	buf[0] = '\0';

	if (o->style == TEXT_COMPACT) {
		/* time of day, then what happened where; cut to the terminal's width */
		snprintf(when, sizeof(when), "%.8s",
			 strlen(alert_str(a, "time")) > 11 ? alert_str(a, "time") + 11 : "");
		snprintf(head, sizeof(head), "%s %-8s %s %s %s %s", when, sev, rule, ct, proc,
			 action);
		for (size_t i = 0; i < nitems; i += strlen(items + i) + 1) {
			size_t len = strlen(head);

			snprintf(head + len, sizeof(head) - len, " %s", items + i);
		}
		if (width > 0 && strlen(head) > (size_t)width) {
			head[width - 1] = '\0';
			strcat(head, "~");
		}
		/* colour only the severity: 9 characters in (after "HH:MM:SS ") */
		snprintf(buf, size, "%.9s%s%.8s%s%s", head, col, head + 9, end,
			 strlen(head) > 17 ? head + 17 : "");
		return;
	}

	/* full: aligned columns on one line, the details folded under it (or after it: no tty).
	 * A terminal narrower than FULL_WIDTH gets the time of day without the date, and a line
	 * still too long is cut there ('~'): a terminal never wraps it. */
	if (!width)
		width = FULL_WIDTH;
	if (width > 0 && width < 40)
		width = 40; /* what text_width() gives at least: the time and severity always fit */
	if (width > 0 && width < FULL_WIDTH)
		snprintf(when, sizeof(when), "%.8s",
			 strlen(alert_str(a, "time")) > 11 ? alert_str(a, "time") + 11 : "");
	else
		snprintf(when, sizeof(when), "%-19.19s", alert_str(a, "time"));
	if (strlen(when) > 10 && when[10] == 'T')
		when[10] = ' ';
	snprintf(head, sizeof(head), "%s %-8s %-20s %-6s %-20.20s %s", when, sev, rule, action, ct,
		 proc);
	if (width > 0 && strlen(head) > (size_t)width) {
		head[width - 1] = '\0';
		strcat(head, "~");
	}
	/* colour only the severity, the 8 characters after the time */
	line = strlen(when) + 1;
	put(buf, size, &n, head, line);
	put(buf, size, &n, col, strlen(col));
	put(buf, size, &n, head + line, 8);
	put(buf, size, &n, end, strlen(end));
	put(buf, size, &n, head + line + 8, strlen(head + line + 8));
	if (width < 0) {
		for (size_t i = 0; i < nitems; i += strlen(items + i) + 1) {
			put(buf, size, &n, i ? " " : "  ", i ? 1 : 2);
			put(buf, size, &n, items + i, strlen(items + i));
		}
		return;
	}
	line = width; /* nothing more fits on the first line: details start on the next */
	for (size_t i = 0; i < nitems; i += strlen(items + i) + 1) {
		const char *it = items + i;
		size_t len = strlen(it);

		if (line + 1 + len > (size_t)width) {
			put(buf, size, &n, "\n" INDENT, 1 + strlen(INDENT));
			line = strlen(INDENT);
		} else {
			put(buf, size, &n, " ", 1);
			line++;
		}
		/* an item longer than a line goes on below, cut at its last space or after its
		 * last comma that fits (a list of names is not broken inside a name) */
		while (line + len > (size_t)width && width > (int)strlen(INDENT) + 10) {
			size_t room = width - line, cut = room;

			while (cut > room / 2 && it[cut] != ' ' && it[cut - 1] != ',')
				cut--;
			if (it[cut] != ' ' && it[cut - 1] != ',')
				cut = room;
			put(buf, size, &n, it, cut);
			put(buf, size, &n, "\n" INDENT "  ", 3 + strlen(INDENT));
			it += cut + (it[cut] == ' ');
			len = strlen(it);
			line = strlen(INDENT) + 2;
		}
		put(buf, size, &n, it, len);
		line += len;
	}
}
