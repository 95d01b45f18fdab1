/* SPDX-License-Identifier: GPL-2.0-only */
/* dcea-escape route ...: tests/helpers/routes.c */
#ifndef DCEA_TEST_ROUTES_H
#define DCEA_TEST_ROUTES_H
int route_main(int argc, char **argv);
#endif
