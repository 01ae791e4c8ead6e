// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * netwatch.bpf.c - the host-wide TCP anomaly camera: every outgoing TCP connection on the host, no target
 * filter. Only TCP state and error paths are traced (tp_btf inet_sock_set_state, tcp_retransmit_skb,
 * tcp_send_reset; the error and a received reset are read at the close). A connection is tracked from SYN_SENT
 * (in the connecting task: tgid, comm and cgroup are taken there) to TCP_CLOSE in a 2-way set-associative array
 * (flows). At the close a connection that went wrong (SYN retransmits, a reset, an error) is classified and
 * summed in the kernel per (tgid, cgroup, destination) in an aggregation map the reader drains (double-buffered:
 * agg0/agg1, switched by `generation`), so a failing dependency costs a few atomic adds per connection and no
 * record; a healthy connection costs a slot and nothing else. A reset sent right after the close (SO_LINGER 0,
 * unread data: the kernel sends it after the CLOSE transition) is matched to the closed connection, whose slot
 * is kept until its address is reused. Only a new key the aggregation map has no room for becomes a ring-buffer
 * record (nw_flow), counted. Every program tests the transition values or its slot before it reads anything else.
 *
 * DNS answers name the destinations: tp_btf sk_data_ready copies the first NW_DNS_MAX bytes of every UDP
 * datagram from source port 53 and TCP data from peer port 53 queued to a socket (any process, any network
 * namespace) into the dns ring buffer; user space parses them. Other data costs a few loads and compares.
 * Records do not wake the reader until an eighth of a ring is waiting: the reader drains them on its poll timeout.
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
struct nw_key *const nw_btf_key __attribute__((unused));
struct nw_counts *const nw_btf_counts __attribute__((unused));
struct nw_dns *const nw_btf_dns __attribute__((unused));

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7


/* one cache line */
struct flow_state {
    __u64 cookie;              /* the socket address of the connection this slot tracks (0: free); claimed and
                                  freed by compare-and-swap */
    __u64 cgroup_id;
    __u64 since;               /* SYN_SENT time in jiffies (a clock read costs ~100 ns in a VM): the older of two
                                  live ways is evicted */
    __u32 tgid;
    __u32 syn_retransmits;
    __u32 retransmits;
    __u32 resets_sent;
    __u32 closed;              /* 1: closed healthy, kept for a reset sent after the close; reusable */
    __u32 portpair;            /* at the close: the socket's ports, to tell it from a new socket at its address */
    char comm[NW_COMM_LEN];
};

/*
 * The connections being tracked: a 2-way set-associative table indexed by a hash of the socket address, in a
 * plain array (lookups are inlined loads: no hashing helper, no bucket lock, no allocation). A new connection
 * takes a free or closed way of its set or evicts the older live one (counted in NW_CNT_FLOWS_FULL).
 */
#define NW_SETS 32768
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, NW_SETS * 2);
    __type(key, __u32);
    __type(value, struct flow_state);
} flows SEC(".maps");

/*
 * Anomalous connections summed per key, in two maps: the programs add to agg[generation], the reader switches
 * generation, waits until no program can still be adding to the other one (an RCU grace period: membarrier) and
 * drains it. Preallocated: adding to a known key is a lookup and atomic adds, a new key takes a free element.
 */
#define NW_AGG_MAX 8192
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, NW_AGG_MAX);
    __type(key, struct nw_key);
    __type(value, struct nw_counts);
} agg0 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, NW_AGG_MAX);
    __type(key, struct nw_key);
    __type(value, struct nw_counts);
} agg1 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} generation SEC(".maps");

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
 * The socket's address as a number, offset by a constant: a pointer minus a pointer is the one arithmetic the
 * verifier allows on pointers (for privileged programs, CAP_BPF + CAP_PERFMON), and it costs one instruction (a
 * probed read of the pointer cost ~50 ns per call here, a socket cookie an atomic write to a cold line of every
 * closing socket). Unique among live sockets, never 0; a tracked socket's slot is taken over when a new socket
 * gets its address.
 */
static __always_inline __u64 sock_id(const struct sock *sk)
{
    return (__u64)(const void *)sk - (__u64)(const void *)&generation;
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

/* adds one connection's counts to its key's, or inserts them; -1 when the map has no room for a new key */
static __always_inline int aggregate(void *map, const struct nw_key *k, const struct nw_counts *d)
{
    struct nw_counts *c = bpf_map_lookup_elem(map, k);

    if (!c) {
        if (!bpf_map_update_elem(map, k, d, BPF_NOEXIST))
            return 0;
        c = bpf_map_lookup_elem(map, k);            /* another CPU inserted it meanwhile, or the map is full */
        if (!c)
            return -1;
    }
    __sync_fetch_and_add(&c->connections, 1);
    if (d->syn_retransmits)
        __sync_fetch_and_add(&c->syn_retransmits, d->syn_retransmits);
    if (d->retransmits)
        __sync_fetch_and_add(&c->retransmits, d->retransmits);
    if (d->refused)
        __sync_fetch_and_add(&c->refused, 1);
    if (d->timed_out)
        __sync_fetch_and_add(&c->timed_out, 1);
    if (d->resets_received)
        __sync_fetch_and_add(&c->resets_received, 1);
    if (d->resets_sent)
        __sync_fetch_and_add(&c->resets_sent, d->resets_sent);
    return 0;
}

/* one anomalous connection of slot f (socket sk) into the current aggregation map, or a ring record */
static __always_inline void report(const struct sock *sk, const struct flow_state *f, struct nw_counts *d)
{
    struct nw_key k;
    struct nw_flow *r;
    __u32 zero = 0, *gen;
    int rc;

    k.cgroup_id = f->cgroup_id;
    k.tgid = f->tgid;
    k.family = sk->__sk_common.skc_family;
    k.dport = bpf_ntohs(sk->__sk_common.skc_dport);
    if (k.family == 2) {
        __u32 *a = (__u32 *)k.daddr;
        a[0] = sk->__sk_common.skc_daddr;
        a[1] = 0;
        a[2] = 0;
        a[3] = 0;
    } else {
        bpf_core_read(k.daddr, 16, &sk->__sk_common.skc_v6_daddr);
    }
    __builtin_memcpy(d->comm, f->comm, NW_COMM_LEN);
    gen = bpf_map_lookup_elem(&generation, &zero);
    if (gen && *gen)
        rc = aggregate(&agg1, &k, d);
    else
        rc = aggregate(&agg0, &k, d);
    if (!rc)
        return;
    count(NW_CNT_AGG_FULL);
    r = bpf_ringbuf_reserve(&records, sizeof(*r), 0);
    if (!r) {
        count(NW_CNT_RINGBUF_LOST);
        return;
    }
    __builtin_memcpy(&r->key, &k, sizeof(k));
    __builtin_memcpy(&r->counts, d, sizeof(*d));
    bpf_ringbuf_submit(r, wakeup(&records));
}

/*
 * A tracked connection closes: when something went wrong it is classified and reported and its slot freed;
 * a healthy one keeps its slot (closed) for a reset sent right after the close.
 */
static __always_inline void on_close(const struct sock *sk, struct flow_state *f, __u32 old_state)
{
    struct nw_counts d = {};
    int err = sk->sk_err;
    __u32 error = err > 0 ? err : 0;
    __u64 cookie = f->cookie;

    /*
     * The error a connection closes with is set just before the close (tcp_reset, tcp_write_err, ICMP in
     * SYN_SENT), so it is read here instead of on every error report; a reset the connection accepted always
     * closes it with ECONNREFUSED (SYN_SENT: a refusal, as is an ICMP port unreachable there), EPIPE
     * (CLOSE_WAIT) or ECONNRESET: counted from that error instead of on every received reset.
     */
    d.refused = error == 111 /* ECONNREFUSED */ && old_state == TCP_SYN_SENT;
    d.timed_out = error == 110 /* ETIMEDOUT */;
    d.resets_received = error == 104 /* ECONNRESET */ || error == 32 /* EPIPE */ || (error == 111 && !d.refused);
    d.syn_retransmits = f->syn_retransmits;
    d.retransmits = f->retransmits;
    d.resets_sent = f->resets_sent;
    if (!d.syn_retransmits && !d.retransmits && !d.resets_sent && !error) {
        f->portpair = sk->__sk_common.skc_portpair;
        f->closed = 1;                              /* healthy: no report, the slot kept for a late reset */
        return;
    }
    d.connections = 1;
    if (__sync_val_compare_and_swap(&f->cookie, cookie, 0) != cookie)
        return;                                     /* evicted meanwhile */
    report(sk, f, &d);
}

/* the transition values first: only entering SYN_SENT and entering TCP_CLOSE read anything */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(nw_tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
    struct flow_state *f, *g;
    struct task_struct *task;
    __u64 old, cookie, *to;
    __u32 i;

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
        if (g->cookie == cookie)
            f = g;                                  /* a closed slot of an earlier socket at this address */
        else if (f->cookie != cookie && f->cookie && !f->closed
                 && (!g->cookie || g->closed || g->since < f->since))
            f = g;                                  /* a free or closed way, or the older of two live ones */
        old = f->cookie;
        if (old && !f->closed)
            count(NW_CNT_FLOWS_FULL);               /* evicted */
        if (__sync_val_compare_and_swap(&f->cookie, old, cookie) != old) {
            count(NW_CNT_FLOWS_FULL);               /* another CPU took it meanwhile: not tracked, never silently */
            return 0;
        }
        f->since = bpf_jiffies64();
        f->tgid = bpf_get_current_pid_tgid() >> 32;
        f->cgroup_id = bpf_get_current_cgroup_id();
        task = bpf_get_current_task_btf();          /* comm: two loads (bpf_get_current_comm's copy cost ~60 ns) */
        to = (__u64 *)f->comm;
        to[0] = *(const __u64 *)&task->comm[0];
        to[1] = *(const __u64 *)&task->comm[8];
        f->syn_retransmits = 0;
        f->retransmits = 0;
        f->resets_sent = 0;
        f->closed = 0;
        return 0;
    }
    if (newstate != TCP_CLOSE)
        return 0;
    f = tracked(sk);
    if (f && !f->closed)
        on_close(sk, f, oldstate);
    return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(nw_tcp_retransmit, const struct sock *sk)
{
    struct flow_state *f = tracked(sk);

    if (!f || f->closed)
        return 0;
    if (sk->__sk_common.skc_state == TCP_SYN_SENT)
        __sync_fetch_and_add(&f->syn_retransmits, 1);
    else
        __sync_fetch_and_add(&f->retransmits, 1);
    return 0;
}

/*
 * A reset this host sends for a socket: counted in its open connection, or — sent right after the close, as
 * SO_LINGER 0 and a close with unread data do — reported as one anomalous connection of its closed slot (the
 * ports tell it from a new socket that got the same address).
 */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(nw_tcp_send_reset, const struct sock *sk)
{
    struct nw_counts d = {};
    struct flow_state *f;
    __u64 cookie;

    if (!sk)
        return 0;
    f = tracked(sk);
    if (!f)
        return 0;
    if (!f->closed) {
        __sync_fetch_and_add(&f->resets_sent, 1);
        return 0;
    }
    if (f->portpair != sk->__sk_common.skc_portpair)
        return 0;
    cookie = f->cookie;
    if (__sync_val_compare_and_swap(&f->cookie, cookie, 0) != cookie)
        return 0;                                   /* reused meanwhile */
    d.connections = 1;
    d.resets_sent = 1;
    report(sk, f, &d);
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
