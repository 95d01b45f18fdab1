// SPDX-License-Identifier: GPL-2.0-only
/* Owner of the shared map definitions (see common.bpf.h) and of the license. */
#define DCEA_MAPS_OWNER
#include "bpf/path.bpf.h"
#include "bpf/routes.bpf.h"

char LICENSE[] SEC("license") = "GPL";
