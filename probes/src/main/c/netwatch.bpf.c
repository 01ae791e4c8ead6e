// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * netwatch.bpf.c - the host-wide TCP anomaly camera: every outgoing TCP connection on the host, no target
 * filter. Only TCP state and error paths are traced (tp_btf inet_sock_set_state, tcp_retransmit_skb,
 * tcp_receive_reset, tcp_send_reset, inet_sk_error_report). A connection is tracked from SYN_SENT (in the
 * connecting task: tgid, comm and cgroup are taken there) to TCP_CLOSE in the socket's own storage (sk_storage:
 * no hashing, freed with the socket); at close one nw_flow record is sent only when something went wrong (SYN
 * retransmits, a reset, an error), so a healthy connection costs one storage allocation and no record. Every
 * program tests the transition values or the socket's storage pointer before it reads anything else. Records do
 * not wake the reader until the ring holds NW_WAKEUP_AT bytes: the reader drains it on its poll timeout.
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

/* ring buffer fill (bytes) above which a record wakes the reader; below it the reader drains on its poll timeout */
#define NW_WAKEUP_AT (64 * 1024)

struct flow_state {
    __u64 cgroup_id;
    __u32 tgid;
    __u32 syn_retransmits;
    __u32 retransmits;
    __u32 resets_received;
    __u32 resets_sent;
    __u32 error;
    __u32 active;              /* 1 from SYN_SENT to TCP_CLOSE */
    char comm[NW_COMM_LEN];
};

/*
 * Per-socket storage: the connection's state lives with its socket (no hashing, no LRU, freed with the socket),
 * bounded by the host's sockets; only sockets that entered SYN_SENT (outgoing connections) get one.
 */
struct {
    __uint(type, BPF_MAP_TYPE_SK_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, int);
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

/* the tracked connection of a socket, or NULL (an accepted or not-TCP socket has no storage: one pointer test) */
static __always_inline struct flow_state *tracked(const struct sock *sk)
{
    struct flow_state *f = bpf_sk_storage_get(&flows, (void *)sk, 0, 0);

    return f && f->active ? f : 0;
}

/* the reader is woken only when the ring fills up; otherwise it drains the ring on its poll timeout */
static __always_inline __u64 wakeup(void *ring)
{
    return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= NW_WAKEUP_AT ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void emit(const struct sock *sk, struct flow_state *f, __u32 old_state)
{
    struct nw_flow *r;
    int err = sk->sk_err;
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
    r->family = sk->__sk_common.skc_family;
    r->dport = bpf_ntohs(sk->__sk_common.skc_dport);
    if (r->family == 2) {
        __u32 *d = (__u32 *)r->daddr;
        d[0] = sk->__sk_common.skc_daddr;
        d[1] = 0;
        d[2] = 0;
        d[3] = 0;
    } else {
        bpf_core_read(r->daddr, 16, &sk->__sk_common.skc_v6_daddr);
    }
    r->tgid = f->tgid;
    r->syn_retransmits = f->syn_retransmits;
    r->retransmits = f->retransmits;
    r->resets_received = f->resets_received;
    r->resets_sent = f->resets_sent;
    r->error = error;
    r->old_state = old_state;
    __builtin_memcpy(r->comm, f->comm, NW_COMM_LEN);
    bpf_ringbuf_submit(r, wakeup(&records));
}

/* the transition values first: only entering SYN_SENT and entering TCP_CLOSE read anything */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(nw_tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
    struct flow_state *f;

    if (newstate == TCP_SYN_SENT) {
        if (BPF_CORE_READ_BITFIELD(sk, sk_protocol) != 6 /* IPPROTO_TCP */)
            return 0;
        f = bpf_sk_storage_get(&flows, (void *)sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
        if (!f) {
            count(NW_CNT_FLOWS_FULL);
            return 0;
        }
        f->tgid = bpf_get_current_pid_tgid() >> 32;
        f->cgroup_id = bpf_get_current_cgroup_id();
        bpf_get_current_comm(f->comm, sizeof(f->comm));
        f->syn_retransmits = 0;
        f->retransmits = 0;
        f->resets_received = 0;
        f->resets_sent = 0;
        f->error = 0;
        f->active = 1;
        return 0;
    }
    if (newstate != TCP_CLOSE)
        return 0;
    f = tracked(sk);
    if (!f)
        return 0;
    f->active = 0;
    emit(sk, f, oldstate);
    return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(nw_tcp_retransmit, const struct sock *sk)
{
    struct flow_state *f = tracked(sk);

    if (!f)
        return 0;
    if (sk->__sk_common.skc_state == TCP_SYN_SENT)
        __sync_fetch_and_add(&f->syn_retransmits, 1);
    else
        __sync_fetch_and_add(&f->retransmits, 1);
    return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(nw_tcp_receive_reset, struct sock *sk)
{
    struct flow_state *f = tracked(sk);

    if (f)
        __sync_fetch_and_add(&f->resets_received, 1);
    return 0;
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(nw_tcp_send_reset, const struct sock *sk)
{
    struct flow_state *f;

    if (!sk)
        return 0;
    f = tracked(sk);
    if (f)
        __sync_fetch_and_add(&f->resets_sent, 1);
    return 0;
}

SEC("tp_btf/inet_sk_error_report")
int BPF_PROG(nw_sk_error_report, const struct sock *sk)
{
    struct flow_state *f = tracked(sk);
    int err;

    if (!f)
        return 0;
    err = sk->sk_err;
    if (err > 0)
        f->error = err;
    return 0;
}

/*
 * a received packet from source port 53 (UDP, or TCP carrying DNS): its DNS message into the dns ring buffer.
 * Cheapest first: skb->protocol and the lengths are direct loads (a BTF-typed argument); the IPv4 header and the
 * ports come in one read (IHL 5, the usual case); any other packet returns after that one read.
 */
SEC("tp_btf/netif_receive_skb")
int BPF_PROG(nw_dns_answer, struct sk_buff *skb)
{
    __u8 ip[44], l4[20];
    __u16 proto = bpf_ntohs(skb->protocol);
    unsigned char *data;
    __u32 linear, off, l4proto, total, len;
    __u64 n;
    struct nw_dns *r;

    if (proto != 0x0800 && proto != 0x86DD)
        return 0;
    data = skb->data;
    linear = skb->len - skb->data_len;
    if (proto == 0x0800) {                          /* IPv4 */
        if (linear < 28 || bpf_probe_read_kernel(ip, 24, data))
            return 0;
        if (ip[9] != 17 && ip[9] != 6)
            return 0;
        if (ip[0] == 0x45) {                        /* no options: the ports were in the same read */
            if (ip[20] != 0 || ip[21] != 53)
                return 0;
        }
        if ((ip[0] >> 4) != 4 || ((ip[6] & 0x1f) | ip[7]))
            return 0;                               /* not v4, or a later fragment */
        off = (ip[0] & 0x0f) * 4;
        l4proto = ip[9];
        total = ((__u32)ip[2] << 8 | ip[3]);
    } else {                                        /* IPv6, no extension headers */
        if (linear < 48 || bpf_probe_read_kernel(ip, 44, data))
            return 0;
        l4proto = ip[6];
        if (l4proto != 17 && l4proto != 6)
            return 0;
        if (ip[40] != 0 || ip[41] != 53)
            return 0;
        off = 40;
        total = 40 + ((__u32)ip[4] << 8 | ip[5]);
    }
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
    bpf_ringbuf_submit(r, wakeup(&dns));
    return 0;
}
