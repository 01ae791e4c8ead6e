// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * netwatch.bpf.c - the host-wide TCP anomaly camera: every outgoing TCP connection on the host, no target
 * filter. Nothing runs on a healthy connection's state changes: the connecting process is noted once, when it
 * calls connect() (cgroup/connect4 and cgroup/connect6 on the root of the cgroup2 tree, which every socket of the
 * host is under; they always allow the connect), in a slot of a 2-way set-associative table found by the
 * socket's address and recognised by its cookie (unique for the host's uptime: a slot never names a later
 * socket at that address). Everything else is on TCP's
 * error paths (tp_btf tcp_retransmit_skb, tcp_send_reset, inet_sk_error_report): each anomaly of a connection
 * that has a slot is summed at once, in the kernel, per (tgid, cgroup, destination) in an aggregation map the
 * reader drains (double-buffered: agg0/agg1, switched by `generation`); a connection is counted once, at its
 * first anomaly. A failing dependency costs a few atomic adds per anomaly and no record; a healthy connection
 * costs the connect hook and nothing else (the tracepoint on every state change cost ~1.5 % of a loopback
 * connect storm by its calls alone). Only a new key the aggregation map has no room for becomes a ring-buffer
 * record (nw_flow), counted.
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

#define TCP_SYN_SENT 2
#define TCP_CLOSE 7

/* one cache line: who opened a connection */
struct conn_owner {
    __u64 id;                  /* the socket's address, as sock_id gives it (0: free); claimed by compare-and-swap */
    __u64 sk;                  /* the socket's address itself, to tell whether that socket is still open */
    __u64 cookie;              /* the socket's cookie: a later socket at the same address has another one */
    __u64 cgroup_id;
    __u64 since;               /* connect time in jiffies (a clock read costs ~100 ns in a VM): the older of two
                                  ways is taken first */
    __u32 tgid;
    __u32 reported;            /* 1 once the connection was counted in nw_counts.connections */
    char comm[NW_COMM_LEN];
};

/*
 * The connections' owners: a 2-way set-associative table indexed by a hash of the socket's address, in a plain
 * array (lookups are inlined loads: no hashing helper, no bucket lock, no allocation). Nothing frees a slot (no
 * program sees a close); a socket's slot is found by its address and recognised by its cookie. A connect takes the
 * way of its own address (the socket that had it is gone: its memory is this socket now — TCP sockets' memory is
 * reused at once, so a busy host mostly lands here and reads nothing else), else a free way, else one whose socket
 * is gone (closed, or its memory another socket's: two probed reads), and only when both ways' sockets are still
 * open the older one (counted in NW_CNT_FLOWS_FULL: that connection's later anomalies are not seen).
 */
#define NW_SETS 32768
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, NW_SETS * 2);
    __type(key, __u32);
    __type(value, struct conn_owner);
} owners SEC(".maps");

/*
 * Anomalies summed per key, in two maps: the programs add to agg[generation], the reader switches generation,
 * waits until no program can still be adding to the other one (an RCU grace period: membarrier) and drains it.
 * Preallocated: adding to a known key is a lookup and atomic adds, a new key takes a free element.
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

static __always_inline __u32 set_of(__u64 id)
{
    __u64 h = id * 0x9E3779B97F4A7C15ULL;

    return (__u32)(h >> 49) * 2;                    /* 15 bits: NW_SETS sets of two ways */
}

/*
 * The socket's address as a number, offset by a constant: a pointer minus a pointer is the one arithmetic the
 * verifier allows on pointers (for privileged programs, CAP_BPF + CAP_PERFMON), and it costs one instruction.
 * Unique among live sockets, never 0.
 */
static __always_inline __u64 sock_id(const void *sk)
{
    return (__u64)sk - (__u64)(const void *)&generation;
}

/*
 * The owner of a socket's connection, or NULL: loads and compares. A socket without a cookie never passed the
 * connect hook (which gives it one): an accepted socket, or one connected before netwatch started. That is told
 * from the socket's own cache line, before the table's are read.
 */
static __always_inline struct conn_owner *owner_of(const struct sock *sk)
{
    __u64 cookie = sk->__sk_common.skc_cookie.counter;
    __u64 id = sock_id(sk);
    __u32 i = set_of(id);
    struct conn_owner *o;

    if (!cookie)
        return 0;
    o = bpf_map_lookup_elem(&owners, &i);
    if (!o || o->id != id) {
        i++;
        o = bpf_map_lookup_elem(&owners, &i);
        if (!o || o->id != id)
            return 0;
    }
    return o->cookie == cookie ? o : 0;
}

/*
 * Whether the socket a slot names is still open: its memory still holds that cookie (a freed socket's memory
 * reused by another socket holds another one) and it has not closed. Read without a reference (a probed read
 * never faults), so a freed socket whose memory was not reused yet reads as closed: its last state.
 */
static __always_inline int still_open(const struct conn_owner *o)
{
    const struct sock *sk = (const struct sock *)o->sk;
    __u64 cookie = 0;
    __u8 state = TCP_CLOSE;

    if (!o->id)
        return 0;
    if (bpf_core_read(&cookie, sizeof(cookie), &sk->__sk_common.skc_cookie) || cookie != o->cookie)
        return 0;
    if (bpf_core_read(&state, sizeof(state), &sk->__sk_common.skc_state))
        return 0;
    return state != TCP_CLOSE;
}

/* the reader is woken only once an eighth of the ring is waiting; otherwise it drains the ring on its poll timeout */
static __always_inline __u64 wakeup(void *ring)
{
    return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >= bpf_ringbuf_query(ring, BPF_RB_RING_SIZE) / 8
            ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* adds one anomaly's counts to its key's, or inserts them; -1 when the map has no room for a new key */
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
    if (d->connections)
        __sync_fetch_and_add(&c->connections, 1);
    if (d->syn_retransmits)
        __sync_fetch_and_add(&c->syn_retransmits, 1);
    if (d->retransmits)
        __sync_fetch_and_add(&c->retransmits, 1);
    if (d->refused)
        __sync_fetch_and_add(&c->refused, 1);
    if (d->timed_out)
        __sync_fetch_and_add(&c->timed_out, 1);
    if (d->resets_received)
        __sync_fetch_and_add(&c->resets_received, 1);
    if (d->resets_sent)
        __sync_fetch_and_add(&c->resets_sent, 1);
    return 0;
}

/*
 * One anomaly (d: one of its counters 1) of the connection of socket sk, owned by o, into the current aggregation
 * map, or a ring record; the connection itself counted with its first anomaly.
 */
static __always_inline void report(const struct sock *sk, struct conn_owner *o, struct nw_counts *d)
{
    struct nw_key k;
    struct nw_flow *r;
    __u32 zero = 0, *gen;
    int rc;

    d->connections = !o->reported && !__sync_lock_test_and_set(&o->reported, 1);
    if (!d->connections && !d->syn_retransmits && !d->retransmits && !d->refused && !d->timed_out
        && !d->resets_received && !d->resets_sent)
        return;                                     /* another error of a connection counted before: nothing new */
    k.cgroup_id = o->cgroup_id;
    k.tgid = o->tgid;
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
    __builtin_memcpy(d->comm, o->comm, NW_COMM_LEN);
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
 * A TCP socket's connect() (or sendto with MSG_FASTOPEN), in the calling task, before the SYN is sent: its owner
 * into a way of its address's set (see owners). Always allows the connect.
 */
static __always_inline int on_connect(struct bpf_sock_addr *ctx)
{
    struct conn_owner *f, *g, *t;
    struct bpf_sock *sk = ctx->sk;
    __u64 id, old;
    __u32 i;

    if (!sk || ctx->type != 1 /* SOCK_STREAM */ || ctx->protocol != 6 /* IPPROTO_TCP */)
        return 1;
    id = sock_id(sk);
    i = set_of(id);
    f = bpf_map_lookup_elem(&owners, &i);
    i++;
    g = bpf_map_lookup_elem(&owners, &i);
    if (!f || !g)
        return 1;
    if (g->id == id || (f->id != id && (!g->id || (f->id && g->since < f->since)))) {
        t = f;                                      /* f: this address's way, else a free one, else the older */
        f = g;
        g = t;
    }
    if (f->id != id && f->id && still_open(f)) {
        if (!still_open(g))
            f = g;                                  /* the newer way's socket is gone: it is taken instead */
        else
            count(NW_CNT_FLOWS_FULL);               /* both open: the older one's later anomalies go unseen */
    }
    old = f->id;
    if (__sync_val_compare_and_swap(&f->id, old, id) != old) {
        count(NW_CNT_FLOWS_FULL);                   /* another CPU took it meanwhile: not seen, never silently */
        return 1;
    }
    f->sk = (__u64)sk;
    f->cookie = bpf_get_socket_cookie(ctx);
    f->since = bpf_jiffies64();
    f->tgid = bpf_get_current_pid_tgid() >> 32;
    f->cgroup_id = bpf_get_current_cgroup_id();
    bpf_get_current_comm(f->comm, sizeof(f->comm));
    f->reported = 0;
    return 1;
}

SEC("cgroup/connect4")
int nw_connect4(struct bpf_sock_addr *ctx)
{
    return on_connect(ctx);
}

SEC("cgroup/connect6")
int nw_connect6(struct bpf_sock_addr *ctx)
{
    return on_connect(ctx);
}

/* a retransmitted segment: a SYN while in SYN_SENT, or any other */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(nw_tcp_retransmit, const struct sock *sk)
{
    struct conn_owner *o = owner_of(sk);
    struct nw_counts d = {};

    if (!o)
        return 0;
    if (sk->__sk_common.skc_state == TCP_SYN_SENT)
        d.syn_retransmits = 1;
    else
        d.retransmits = 1;
    report(sk, o, &d);
    return 0;
}

/* a reset this host sends for a connection: also the one an SO_LINGER 0 close sends after the close */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(nw_tcp_send_reset, const struct sock *sk)
{
    struct conn_owner *o;
    struct nw_counts d = {};

    if (!sk)
        return 0;
    o = owner_of(sk);
    if (!o)
        return 0;
    d.resets_sent = 1;
    report(sk, o, &d);
    return 0;
}

/*
 * A connection's error (the kernel reports it to the socket's owner): ECONNREFUSED (a reset or an ICMP port
 * unreachable answered the SYN), ETIMEDOUT (SYN or data retransmits gave up, keepalive), ECONNRESET or EPIPE (a
 * received reset closed it), or another (EHOSTUNREACH, ...: counted as an anomalous connection). An error report
 * without an error (a timestamp or zero-copy notice queued to the error queue) is not one, nor is the ECONNRESET
 * an abortive close (SO_LINGER 0, connect(AF_UNSPEC)) reports on its own socket after it sent its reset: that
 * disconnect has cleared the peer's port first.
 */
SEC("tp_btf/inet_sk_error_report")
int BPF_PROG(nw_tcp_error, const struct sock *sk)
{
    struct conn_owner *o;
    struct nw_counts d = {};
    int err = sk->sk_err;

    if (err <= 0 || !sk->__sk_common.skc_dport)
        return 0;
    o = owner_of(sk);
    if (!o)
        return 0;
    d.refused = err == 111 /* ECONNREFUSED */;
    d.timed_out = err == 110 /* ETIMEDOUT */;
    d.resets_received = err == 104 /* ECONNRESET */ || err == 32 /* EPIPE */;
    report(sk, o, &d);
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
