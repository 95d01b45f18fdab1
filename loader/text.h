/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Alerts for humans (loader/text.c): no JSON in sight (strings as they are, arrays joined, control
 * characters shown as '?'), columns that fit the terminal, details folded onto indented lines,
 * severity in colour on a terminal only (log_color(): NO_COLOR turns it off). Not on a terminal
 * (a file, a pipe) every alert is one line, for grep and log tools.
 *
 *   full:    2026-12-04 20:14:57 high     shell_in_container   alert  web-1      sh[4242]
 *                why=interactive interactive=true entrypoint=false
 *   compact: 20:14:57 high     shell_in_container web-1 sh[4242] alert why=interactive ...
 */
#ifndef DCEA_LOADER_TEXT_H
#define DCEA_LOADER_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

enum text_style { TEXT_FULL, TEXT_COMPACT };

struct text_opts {
	enum text_style style;
	bool color;
	int width; /* columns; 0: 100; -1: no terminal, one line per alert, never cut or folded */
};

/* The terminal's width for fd: TIOCGWINSZ, else $COLUMNS, else 100; -1 if fd is no terminal. */
int text_width(int fd);
/* One alert (or container_start / admission record); lines joined by '\n', no final newline. */
void alert_format_text(json_object *a, char *buf, size_t size, const struct text_opts *o);
/* A JSON value as text: strings raw (control characters as '?'), arrays joined by ", ". */
void text_value(json_object *v, char *buf, size_t size);

#endif
