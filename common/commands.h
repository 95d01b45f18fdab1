/* SPDX-License-Identifier: GPL-2.0-only */
/* Subcommand entry points: each parses its own options and returns the process exit code. */
#ifndef DCEA_COMMANDS_H
#define DCEA_COMMANDS_H

int cmd_run(int argc, char **argv);    /* loader/run.c */
int cmd_reload(int argc, char **argv); /* loader/run.c */
int cmd_events(int argc, char **argv); /* loader/events_cmd.c */
int cmd_status(int argc, char **argv); /* loader/status.c */
int cmd_stop(int argc, char **argv);   /* loader/status.c */
int cmd_verify(int argc, char **argv); /* loader/verify.c */
int cmd_policy(int argc, char **argv); /* policy/cmd.c */
int cmd_scan(int argc, char **argv);   /* scanners/scan.c */
int cmd_db(int argc, char **argv);     /* scanners/db_cmd.c */

#endif
