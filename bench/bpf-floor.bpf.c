// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The floor under netwatch's programs for bench/netwatch-overhead.sh: programs that return at once, on the same
 * four raw BTF tracepoints (netwatch.bpf.c). Their run time with the kernel's bpf stats on is what a call costs
 * with no work at all, the stats' own clock reads included. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/inet_sock_set_state")
int floor_tcp_state(void *ctx) { return 0; }

SEC("tp_btf/tcp_retransmit_skb")
int floor_tcp_retransmit(void *ctx) { return 0; }

SEC("tp_btf/tcp_send_reset")
int floor_tcp_send_reset(void *ctx) { return 0; }

SEC("tp_btf/sk_data_ready")
int floor_dns_answer(void *ctx) { return 0; }
