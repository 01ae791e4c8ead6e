/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * netwatch.h - the records and map entries of the host-wide TCP anomaly camera (netwatch.bpf.c). Mirrored by
 * io.changegraph.probes.NetwatchProbe (KEY, COUNTS, FLOW, DNS); sizes and offsets are checked against the BTF of
 * the built object (NetwatchLayoutTest).
 */
#ifndef NETWATCH_H
#define NETWATCH_H

#define NW_COMM_LEN 16

/*
 * What anomalous connections are summed by in the kernel: the connecting process, its cgroup and the destination.
 * The key of the aggregation maps (agg0, agg1).
 */
struct nw_key {
    __u64 cgroup_id;           /* cgroup v2 id of the connecting task (0 when there is none) */
    __u8 daddr[16];            /* remote address: 4 bytes for AF_INET, 16 for AF_INET6 (network order) */
    __u32 tgid;                /* the process that entered SYN_SENT */
    __u16 family;              /* AF_INET or AF_INET6 */
    __u16 dport;               /* remote port, host order */
};

/*
 * The anomalous connections of one key since the reader last drained it, classified in the kernel at the close
 * (the only place that knows the state a connection left and the error it closed with). The value of the
 * aggregation maps; counters are added atomically.
 */
struct nw_counts {
    __u64 connections;         /* connections that closed with any anomaly below, or another error */
    __u64 syn_retransmits;     /* SYNs retransmitted while in SYN_SENT */
    __u64 retransmits;         /* other segments retransmitted */
    __u64 refused;             /* closed in SYN_SENT with ECONNREFUSED (a reset or ICMP port unreachable) */
    __u64 timed_out;           /* closed with ETIMEDOUT (SYN or data retransmits gave up, keepalive) */
    __u64 resets_received;     /* an established connection closed by a received reset (ECONNRESET, EPIPE) */
    __u64 resets_sent;         /* resets this end sent */
    char comm[NW_COMM_LEN];    /* the connecting task's comm (of the key's first connection) */
};

/* one key's counts: the ring-buffer record, sent only when the aggregation map had no room for a new key */
struct nw_flow {
    struct nw_key key;
    struct nw_counts counts;
};

#define NW_DNS_MAX 512         /* bytes of a DNS answer copied (the classic UDP message limit) */

/* the first bytes of a DNS answer (source port 53, UDP or TCP) any interface of the host received */
struct nw_dns {
    __u64 ts_ns;               /* bpf_ktime_get_ns() when the packet was received */
    __u32 len;                 /* bytes in data (at most NW_DNS_MAX) */
    __u32 total;               /* the message's length in the packet (more than len: cut) */
    __u8 tcp;                  /* 1: over TCP (data starts with the 2-byte length prefix) */
    __u8 pad[7];
    __u8 data[NW_DNS_MAX];     /* the DNS message from its header on */
};

/* counters map indexes */
enum nw_counter {
    NW_CNT_RINGBUF_LOST = 0,   /* a record the ring buffer had no room for */
    NW_CNT_FLOWS_FULL = 1,     /* a connection not tracked to its close: evicted from the flows table (its set was
                                  full), or its slot taken by another CPU while it claimed it */
    NW_CNT_DNS_LOST = 2,       /* a DNS answer the dns ring buffer had no room for */
    NW_CNT_AGG_FULL = 3,       /* a new key the aggregation map had no room for (sent as a ring record instead) */
    NW_CNT_MAX = 4,
};

#endif
