#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Default vmtest payload: the LSM canary. With bpf in lsm= the canary must be denied; without it
# the probe must find the LSM unusable by the same denial test (the program still attaches).
case ${VMTEST_LSM_BPF:-} in
1) expect=deny ;;
0) expect=unavailable ;;
*) expect= ;;
esac
exec /vmtest/lsm_probe ${expect:+--expect $expect}
