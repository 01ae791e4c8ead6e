// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * netwatch.bpf.c - the host-wide TCP anomaly camera: every outgoing TCP connection on the host, no target
 * filter. Only TCP state and error paths are traced (tp_btf inet_sock_set_state, tcp_retransmit_skb,
 * tcp_send_reset; the error and a received reset are read at the close). A connection is tracked from SYN_SENT
 * (in the connecting task: tgid, comm and cgroup are taken there) to TCP_CLOSE in a 2-way set-associative array
 * (flows); at close one nw_flow record is sent only when something went wrong (SYN retransmits, a reset, an
 * error), so a healthy connection costs a slot and no record. Every program tests the transition values or its
 * slot before it reads anything else. Records do not wake the reader until an eighth of the ring is waiting: the
 * reader drains it on its poll timeout.
 *
 * DNS answers name the destinations: tp_btf sk_data_ready copies the first NW_DNS_MAX bytes of every UDP
 * datagram from source port 53 and TCP data from peer port 53 queued to a socket (any process, any network
 * namespace) into the dns ring buffer; user space parses them. Other data costs a few loads and compares.
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
    __u64 cookie;              /* the socket cookie of the connection this slot tracks (0: free); claimed and
                                  freed by compare-and-swap */
    __u64 cgroup_id;
    __u64 since_ns;            /* SYN_SENT time: the older of two full ways is evicted */
    __u32 tgid;
    __u32 syn_retransmits;
    __u32 retransmits;
    __u32 resets_sent;
    char comm[NW_COMM_LEN];
};

/*
 * The connections being tracked: a 2-way set-associative table indexed by a hash of the socket address, in a
 * plain array (lookups are inlined loads: no hashing helper, no bucket lock, no allocation). A new connection
 * takes a free way of its set or evicts the older one (counted in NW_CNT_FLOWS_FULL).
 */
#define NW_SETS 32768
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, NW_SETS * 2);
    __type(key, __u32);
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

static __always_inline __u32 set_of(__u64 cookie)
{
    __u64 h = cookie * 0x9E3779B97F4A7C15ULL;

    return (__u32)(h >> 49) * 2;                    /* 15 bits: NW_SETS sets of two ways */
}

/*
 * The socket's address as a number (the verifier allows no arithmetic on the pointer itself): one 8-byte read
 * of the pointer's own stack slot (a socket cookie would cost an atomic write to a cold line of every closing
 * socket). Unique among live sockets, never 0; a tracked socket frees its slot when it closes, before it is freed.
 */
static __always_inline __u64 sock_id(const struct sock *sk)
{
    const void *p = sk;
    __u64 id = 0;

    bpf_probe_read_kernel(&id, sizeof(id), &p);
    return id;
}

/* the tracked connection of a socket, or NULL: two loads and compares */
static __always_inline struct flow_state *tracked(const struct sock *sk)
{
    __u64 cookie = sock_id(sk);
    __u32 i = set_of(cookie);
    struct flow_state *f = bpf_map_lookup_elem(&flows, &i);

    if (f && f->cookie == cookie)
        return f;
    i++;
    f = bpf_map_lookup_elem(&flows, &i);
    return f && f->cookie == cookie ? f : 0;
}

/* the reader is woken only once an eighth of the ring is waiting; otherwise it drains the ring on its poll timeout */
static __always_inline __u64 wakeup(void *ring)
{
    return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= bpf_ringbuf_query(ring, BPF_RB_RING_SIZE) / 8
            ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void emit(const struct sock *sk, struct flow_state *f, __u32 old_state)
{
    struct nw_flow *r;
    int err = sk->sk_err;
    __u32 error = err > 0 ? err : 0;
    /*
     * The error a connection closes with is set just before the close (tcp_reset, tcp_write_err, ICMP in
     * SYN_SENT), so it is read here instead of on every error report; a reset the connection accepted always
     * closes it with ECONNREFUSED (SYN_SENT), EPIPE (CLOSE_WAIT) or ECONNRESET: counted from that error
     * instead of on every received reset. (ECONNREFUSED from an ICMP port unreachable counts one too; a refusal's
     * reset is not counted as a reset by the readers.)
     */
    __u32 resets_received = error == 111 /* ECONNREFUSED */ || error == 104 /* ECONNRESET */ || error == 32 /* EPIPE */;

    if (!f->syn_retransmits && !f->retransmits && !resets_received && !f->resets_sent && !error)
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
    r->resets_received = resets_received;
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
    struct flow_state *f, *g;
    __u32 i;
    __u64 old, cookie;

    if (newstate == TCP_SYN_SENT) {
        if (BPF_CORE_READ_BITFIELD(sk, sk_protocol) != 6 /* IPPROTO_TCP */)
            return 0;
        cookie = sock_id(sk);
        i = set_of(cookie);
        f = bpf_map_lookup_elem(&flows, &i);
        i++;
        g = bpf_map_lookup_elem(&flows, &i);
        if (!f || !g)
            return 0;
        if (f->cookie && (!g->cookie || g->since_ns < f->since_ns))
            f = g;                                  /* the free way, or the older of two taken ones */
        old = f->cookie;
        if (old)
            count(NW_CNT_FLOWS_FULL);               /* evicted */
        if (__sync_val_compare_and_swap(&f->cookie, old, cookie) != old)
            return 0;                               /* another CPU took it meanwhile: not tracked */
        f->since_ns = bpf_ktime_get_ns();
        f->tgid = bpf_get_current_pid_tgid() >> 32;
        f->cgroup_id = bpf_get_current_cgroup_id();
        bpf_get_current_comm(f->comm, sizeof(f->comm));
        f->syn_retransmits = 0;
        f->retransmits = 0;
        f->resets_sent = 0;
        return 0;
    }
    if (newstate != TCP_CLOSE)
        return 0;
    f = tracked(sk);
    if (!f)
        return 0;
    old = f->cookie;
    emit(sk, f, oldstate);
    __sync_val_compare_and_swap(&f->cookie, old, 0);
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

/*
 * A DNS answer a socket of the host was handed (UDP from source port 53, or TCP from peer port 53): its DNS
 * message into the dns ring buffer. sk_data_ready fires once per datagram or data segment queued to a socket
 * (never for SYNs, ACKs or resets: a connect costs nothing here). Cheapest first: the protocol and, for TCP, the
 * peer port are loads from the socket; a UDP datagram's source port is one 2-byte read of its header. The
 * datagram is the tail of the socket's receive queue, its data pulled to the DNS message.
 */
SEC("tp_btf/sk_data_ready")
int BPF_PROG(nw_dns_answer, const struct sock *sk)
{
    __u16 proto = BPF_CORE_READ_BITFIELD(sk, sk_protocol);
    struct sk_buff *skb;
    unsigned char *data;
    __u8 port[2];
    __u32 total, len, tcp;
    __u64 n;
    struct nw_dns *r;

    if (proto == 6) {
        if (sk->__sk_common.skc_dport != bpf_htons(53))
            return 0;
        tcp = 1;
    } else if (proto == 17) {
        tcp = 0;
    } else {
        return 0;
    }
    skb = sk->sk_receive_queue.prev;
    if (!skb || (void *)skb == (void *)&sk->sk_receive_queue)
        return 0;                                   /* empty (taken by the reader meanwhile) */
    data = skb->data;
    if (!tcp) {
        if (bpf_probe_read_kernel(port, 2, skb->head + skb->transport_header))
            return 0;
        if (port[0] != 0 || port[1] != 53)          /* source port 53: an answer */
            return 0;
    }
    total = skb->len - skb->data_len;               /* only the linear part is read */
    if (total < 12 + tcp * 2)
        return 0;                                   /* no DNS header */
    len = total < NW_DNS_MAX ? total : NW_DNS_MAX;
    r = bpf_ringbuf_reserve(&dns, sizeof(*r), 0);
    if (!r) {
        count(NW_CNT_DNS_LOST);
        return 0;
    }
    r->ts_ns = bpf_ktime_get_ns();
    r->total = skb->len;
    r->tcp = tcp;
    __builtin_memset(r->pad, 0, sizeof(r->pad));
    n = len;
    barrier_var(n);   /* the bound below is checked on the register passed to the helper */
    if (n > NW_DNS_MAX || bpf_probe_read_kernel(r->data, n, data))
        n = 0;
    r->len = n;
    bpf_ringbuf_submit(r, wakeup(&dns));
    return 0;
}
