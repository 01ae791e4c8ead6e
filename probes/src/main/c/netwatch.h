/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * netwatch.h - the record of the host-wide TCP anomaly camera (netwatch.bpf.c). Mirrored by
 * io.changegraph.probes.NetwatchProbe.Flow; its size and offsets are checked against the BTF of the built
 * object (NetwatchLayoutTest).
 */
#ifndef NETWATCH_H
#define NETWATCH_H

#define NW_COMM_LEN 16

/* one TCP connection of any process on the host that closed with an anomaly */
struct nw_flow {
    __u64 ts_ns;               /* bpf_ktime_get_ns() at close */
    __u64 cgroup_id;           /* cgroup v2 id of the connecting task (0 when there is none) */
    __u8 daddr[16];            /* remote address: 4 bytes for AF_INET, 16 for AF_INET6 (network order) */
    __u32 tgid;                /* the process that entered SYN_SENT */
    __u32 syn_retransmits;     /* SYNs retransmitted while in SYN_SENT */
    __u32 retransmits;         /* other segments retransmitted */
    __u32 resets_received;
    __u32 resets_sent;
    __u32 error;               /* sk_err (or the last error reported) at close: ECONNREFUSED, ETIMEDOUT, ... */
    __u32 old_state;           /* the state the connection left (TCP_SYN_SENT = 2: it never got established) */
    __u16 family;              /* AF_INET or AF_INET6 */
    __u16 dport;               /* remote port, host order */
    char comm[NW_COMM_LEN];    /* the connecting task's comm */
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
    NW_CNT_FLOWS_FULL = 1,     /* a tracked connection evicted from the flows table (its set was full) */
    NW_CNT_DNS_LOST = 2,       /* a DNS answer the dns ring buffer had no room for */
    NW_CNT_MAX = 3,
};

#endif
