// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * netwatch.bpf.c - the host-wide TCP anomaly camera: every outgoing TCP connection on the host, no target
 * filter. Only TCP state and error paths are traced (tp_btf inet_sock_set_state, tcp_retransmit_skb,
 * tcp_receive_reset, tcp_send_reset, inet_sk_error_report). A connection is tracked from SYN_SENT (in the
 * connecting task: tgid, comm and cgroup are taken there) to TCP_CLOSE in an LRU hash keyed by the socket;
 * at close one nw_flow record is sent only when something went wrong (SYN retransmits, a reset, an error),
 * so a healthy connection costs two hash operations and no record.
 *
 * DNS answers name the destinations: tp_btf netif_receive_skb copies the first NW_DNS_MAX bytes of every
 * received UDP or TCP segment from source port 53 (any process, any network namespace) into the dns ring
 * buffer; user space parses them. Every other packet costs a few loads and compares.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "netwatch.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* never read: puts the record into this object's BTF for the layout test */
struct nw_flow *const nw_btf_flow __attribute__((unused));
struct nw_dns *const nw_btf_dns __attribute__((unused));

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7

struct flow_state {
    __u64 cgroup_id;
    __u32 tgid;
    __u32 syn_retransmits;
    __u32 retransmits;
    __u32 resets_received;
    __u32 resets_sent;
    __u32 error;
    char comm[NW_COMM_LEN];
};

/* sized by the loader (bpf_map__set_max_entries); LRU: the oldest connection makes room */
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, __u64);
    __type(value, struct flow_state);
} flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1024 * 1024);
} records SEC(".maps");

/* DNS answers (struct nw_dns), apart from the flows so a burst of answers cannot crowd them out */
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 512 * 1024);
} dns SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, NW_CNT_MAX);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 which)
{
    __u64 *c = bpf_map_lookup_elem(&counters, &which);
    if (c)
        *c += 1;
}

static __always_inline void emit(const struct sock *sk, struct flow_state *f, __u32 old_state)
{
    struct nw_flow *r;
    int err = BPF_CORE_READ(sk, sk_err);
    __u32 error = err > 0 ? err : f->error;

    if (!f->syn_retransmits && !f->retransmits && !f->resets_received && !f->resets_sent && !error)
        return;   /* a healthy connection: no record */
    r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
    if (!r) {
        count(NW_CNT_RINGBUF_LOST);
        return;
    }
    r->ts_ns = bpf_ktime_get_ns();
    r->cgroup_id = f->cgroup_id;
    r->family = BPF_CORE_READ(sk, __sk_common.skc_family);
    r->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
    __builtin_memset(r->daddr, 0, sizeof(r->daddr));
    if (r->family == 2)
        bpf_core_read(r->daddr, 4, &sk->__sk_common.skc_daddr);
    else
        bpf_core_read(r->daddr, 16, &sk->__sk_common.skc_v6_daddr);
    r->tgid = f->tgid;
    r->syn_retransmits = f->syn_retransmits;
    r->retransmits = f->retransmits;
    r->resets_received = f->resets_received;
    r->resets_sent = f->resets_sent;
    r->error = error;
    r->old_state = old_state;
    __builtin_memcpy(r->comm, f->comm, NW_COMM_LEN);
    bpf_ringbuf_submit(r, 0);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(nw_tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
    __u64 key = (__u64)sk;
    struct flow_state *f;

    if (BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != 6 /* IPPROTO_TCP */)
        return 0;
    if (newstate == TCP_SYN_SENT) {
        struct flow_state fresh = {};
        fresh.tgid = bpf_get_current_pid_tgid() >> 32;
        fresh.cgroup_id = bpf_get_current_cgroup_id();
        bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
        if (bpf_map_update_elem(&flows, &key, &fresh, BPF_ANY))
            count(NW_CNT_FLOWS_FULL);
        return 0;
    }
    if (newstate != TCP_CLOSE)
        return 0;
    f = bpf_map_lookup_elem(&flows, &key);
    if (!f)
        return 0;
    emit(sk, f, oldstate);
    bpf_map_delete_elem(&flows, &key);
    return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(nw_tcp_retransmit, const struct sock *sk)
{
    __u64 key = (__u64)sk;
    struct flow_state *f = bpf_map_lookup_elem(&flows, &key);

    if (!f)
        return 0;
    if (BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_SYN_SENT)
        __sync_fetch_and_add(&f->syn_retransmits, 1);
    else
        __sync_fetch_and_add(&f->retransmits, 1);
    return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(nw_tcp_receive_reset, struct sock *sk)
{
    __u64 key = (__u64)sk;
    struct flow_state *f = bpf_map_lookup_elem(&flows, &key);

    if (f)
        __sync_fetch_and_add(&f->resets_received, 1);
    return 0;
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(nw_tcp_send_reset, const struct sock *sk)
{
    __u64 key = (__u64)sk;
    struct flow_state *f;

    if (!sk)
        return 0;
    f = bpf_map_lookup_elem(&flows, &key);
    if (f)
        __sync_fetch_and_add(&f->resets_sent, 1);
    return 0;
}

SEC("tp_btf/inet_sk_error_report")
int BPF_PROG(nw_sk_error_report, const struct sock *sk)
{
    __u64 key = (__u64)sk;
    struct flow_state *f = bpf_map_lookup_elem(&flows, &key);
    int err;

    if (!f)
        return 0;
    err = BPF_CORE_READ(sk, sk_err);
    if (err > 0)
        f->error = err;
    return 0;
}

/* a received packet from source port 53 (UDP, or TCP carrying DNS): its DNS message into the dns ring buffer */
SEC("tp_btf/netif_receive_skb")
int BPF_PROG(nw_dns_answer, struct sk_buff *skb)
{
    __u8 ip[40], l4[20];
    unsigned char *data = BPF_CORE_READ(skb, data);
    __u32 linear = BPF_CORE_READ(skb, len) - BPF_CORE_READ(skb, data_len);
    __u16 proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
    __u32 off, l4proto, total, len;
    __u64 n;
    struct nw_dns *r;

    if (proto == 0x0800) {                          /* IPv4 */
        if (linear < 28 || bpf_probe_read_kernel(ip, 20, data))
            return 0;
        if ((ip[0] >> 4) != 4 || ((ip[6] & 0x1f) | ip[7]))
            return 0;                               /* not v4, or a later fragment */
        off = (ip[0] & 0x0f) * 4;
        l4proto = ip[9];
        total = ((__u32)ip[2] << 8 | ip[3]);
    } else if (proto == 0x86DD) {                   /* IPv6, no extension headers */
        if (linear < 48 || bpf_probe_read_kernel(ip, 40, data))
            return 0;
        off = 40;
        l4proto = ip[6];
        total = 40 + ((__u32)ip[4] << 8 | ip[5]);
    } else {
        return 0;
    }
    if (l4proto != 17 && l4proto != 6)
        return 0;
    if (off < 20 || off > 60 || bpf_probe_read_kernel(l4, 4, data + off))
        return 0;
    if (l4[0] != 0 || l4[1] != 53)                  /* source port 53: an answer */
        return 0;
    if (l4proto == 17) {
        off += 8;
    } else {
        if (bpf_probe_read_kernel(l4, 13, data + off))
            return 0;
        off += (l4[12] >> 4) * 4;                   /* TCP data offset */
    }
    if (total > linear)
        total = linear;                             /* only the linear part is read */
    if (total <= off + 12)
        return 0;                                   /* no DNS header: a bare ACK, a SYN, ... */
    total -= off;
    len = total < NW_DNS_MAX ? total : NW_DNS_MAX;
    r = bpf_ringbuf_reserve(&dns, sizeof(*r), 0);
    if (!r) {
        count(NW_CNT_DNS_LOST);
        return 0;
    }
    r->ts_ns = bpf_ktime_get_ns();
    r->total = total;
    r->tcp = l4proto == 6;
    __builtin_memset(r->pad, 0, sizeof(r->pad));
    n = len;
    barrier_var(n);   /* the bound below is checked on the register passed to the helper */
    if (n > NW_DNS_MAX || bpf_probe_read_kernel(r->data, n, data + off))
        n = 0;
    r->len = n;
    bpf_ringbuf_submit(r, 0);
    return 0;
}
