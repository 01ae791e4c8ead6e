// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The floor under netwatch's programs for bench/netwatch-overhead.sh: programs that return at once, on the same
 * hooks as netwatch.bpf.c (the two connect hooks on the cgroup2 root, four raw BTF tracepoints). Beside netwatch's
 * own, what a call costs with no work at all; with the kernel's bpf stats on, their clock reads included. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("cgroup/connect4")
int floor_connect4(void *ctx) { return 1; }

SEC("cgroup/connect6")
int floor_connect6(void *ctx) { return 1; }

SEC("tp_btf/tcp_retransmit_skb")
int floor_tcp_retransmit(void *ctx) { return 0; }

SEC("tp_btf/tcp_send_reset")
int floor_tcp_send_reset(void *ctx) { return 0; }

SEC("tp_btf/inet_sk_error_report")
int floor_tcp_error(void *ctx) { return 0; }

SEC("tp_btf/sk_data_ready")
int floor_dns_answer(void *ctx) { return 0; }
