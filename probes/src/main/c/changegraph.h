/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * changegraph.h - the ring-buffer record layouts shared by changegraph.bpf.c and the Java side
 * (io.changegraph.consumer.WireLayouts mirrors them; WireLayoutsTest proves it against the BTF of
 * the built changegraph.bpf.o, as Tetragon's alignchecker does). Data only: no kernel includes. Fields are ordered largest-first so
 * the structs have no implicit padding; every record starts with struct cg_header.
 */
#ifndef CHANGEGRAPH_H
#define CHANGEGRAPH_H

#ifndef __VMLINUX_H__
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef int __s32;
typedef long long __s64;
#endif

#define CG_PATH_MAX 4096      /* per path string, including the NUL */
#define CG_ARGS_MAX 8192      /* bytes of the argv block kept per exec (power of two) */
#define CG_ADDR_MAX 128       /* sockaddr bytes kept (sizeof(struct sockaddr_storage)) */
#define CG_IO_SLOTS 16        /* aggregated-I/O slots per process (direct mapped by fd) */
#define CG_PAYLOAD_MAX 4096   /* payload bytes a cg_payload record can carry (the tunable payload_bytes is at most this) */

/* record kinds: the first field a decoder dispatches on */
enum cg_kind {
    CG_KIND_FORK = 1,
    CG_KIND_EXEC = 2,
    CG_KIND_EXIT = 3,
    CG_KIND_SYSCALL = 4,
    CG_KIND_IO = 5,
    CG_KIND_TCP = 6,
    CG_KIND_PAYLOAD = 7,
};

/* what a cg_tcp record reports about a connection of a followed process */
enum cg_tcp_event {
    CG_TCP_CONNECTING = 1,     /* entered SYN_SENT (in the connecting process: tgid is the owner from now on) */
    CG_TCP_ESTABLISHED = 2,    /* SYN_SENT -> ESTABLISHED */
    CG_TCP_CLOSED = 3,         /* reached TCP_CLOSE: the last record of the connection; error says why */
    CG_TCP_RESET_SENT = 4,     /* a reset sent right after a followed connection's TCP_CLOSE (an abortive close:
                                  SO_LINGER 0, unread data); only resets_sent (1), the socket and remote are filled */
};

/* cg_payload.direction */
enum cg_payload_dir {
    CG_PAYLOAD_FIRST_SEND = 1, /* the first bytes a followed process sent on a TCP connection it made */
    CG_PAYLOAD_DNS = 2,        /* bytes received on a socket connected to port 53 (a DNS answer) */
};

/*
 * The syscalls a CG_KIND_SYSCALL record can carry: the one table of them. Each row is
 *   X(OP, nr, str1, str2)   op CG_OP_<OP>, x86_64 syscall number nr, and which syscall arguments (1-based,
 *                           0 = none) are user strings copied into the record as str1 and str2
 *   ALIAS(OP, nr)           another syscall number decoded as the same op (pipe2 as pipe, ...)
 * It generates enum cg_op (values in row order from 1: io.changegraph.consumer.Op mirrors it, checked against
 * the BTF of the built object), the probe's syscall-number switch (syscall_op: at entry and at exit) and its
 * string-argument switch (string_args). args[] are the syscall's own arguments.
 */
#define CG_SYSCALLS(X, ALIAS) \
    X(OPEN,          2,   1, 0)   /* open(path, flags, mode) */ \
    X(OPENAT,        257, 2, 0)   /* openat(dirfd, path, flags, mode) */ \
    X(OPENAT2,       437, 2, 0)   /* openat2(dirfd, path, how, size): args[2]=how.flags, args[3]=how.mode */ \
    X(CREAT,         85,  1, 0)   /* creat(path, mode) */ \
    X(TRUNCATE,      76,  1, 0)   /* truncate(path, length) */ \
    X(FTRUNCATE,     77,  0, 0)   /* ftruncate(fd, length) */ \
    X(UNLINK,        87,  1, 0)   /* unlink(path) */ \
    X(UNLINKAT,      263, 2, 0)   /* unlinkat(dirfd, path, flags) */ \
    X(RENAME,        82,  1, 2)   /* rename(old, new) */ \
    X(RENAMEAT,      264, 2, 4)   /* renameat(olddirfd, old, newdirfd, new) */ \
    X(RENAMEAT2,     316, 2, 4)   /* renameat2(olddirfd, old, newdirfd, new, flags) */ \
    X(MKDIR,         83,  1, 0)   /* mkdir(path, mode) */ \
    X(MKDIRAT,       258, 2, 0)   /* mkdirat(dirfd, path, mode) */ \
    X(RMDIR,         84,  1, 0)   /* rmdir(path) */ \
    X(CHMOD,         90,  1, 0)   /* chmod(path, mode) */ \
    X(FCHMOD,        91,  0, 0)   /* fchmod(fd, mode) */ \
    X(FCHMODAT,      268, 2, 0)   /* fchmodat(dirfd, path, mode) */ \
    ALIAS(FCHMODAT,  452)         /* fchmodat2(dirfd, path, mode, flags) */ \
    X(CHOWN,         92,  1, 0)   /* chown(path, uid, gid) */ \
    X(LCHOWN,        94,  1, 0)   /* lchown(path, uid, gid) */ \
    X(FCHOWN,        93,  0, 0)   /* fchown(fd, uid, gid) */ \
    X(FCHOWNAT,      260, 2, 0)   /* fchownat(dirfd, path, uid, gid, flags) */ \
    X(LINK,          86,  1, 2)   /* link(old, new) */ \
    X(LINKAT,        265, 2, 4)   /* linkat(olddirfd, old, newdirfd, new, flags) */ \
    X(SYMLINK,       88,  1, 2)   /* symlink(target, linkpath) */ \
    X(SYMLINKAT,     266, 1, 3)   /* symlinkat(target, newdirfd, linkpath) */ \
    X(CHDIR,         80,  1, 0)   /* chdir(path) */ \
    X(FCHDIR,        81,  0, 0)   /* fchdir(fd) */ \
    X(CLOSE,         3,   0, 0)   /* close(fd) */ \
    X(CLOSE_RANGE,   436, 0, 0)   /* close_range(first, last, flags) */ \
    X(DUP,           32,  0, 0)   /* dup(fd) */ \
    X(DUP2,          33,  0, 0)   /* dup2(old, new) */ \
    X(DUP3,          292, 0, 0)   /* dup3(old, new, flags) */ \
    X(FCNTL,         72,  0, 0)   /* fcntl(fd, cmd, arg) */ \
    X(PIPE,          22,  0, 0)   /* pipe(fds): addr holds the two int fds */ \
    ALIAS(PIPE,      293)         /* pipe2(fds, flags) */ \
    X(SOCKET,        41,  0, 0)   /* socket(family, type, protocol) */ \
    X(SOCKETPAIR,    53,  0, 0)   /* socketpair(family, type, protocol, fds): addr holds the two int fds */ \
    X(CONNECT,       42,  0, 0)   /* connect(fd, addr, len): addr holds the sockaddr */ \
    X(BIND,          49,  0, 0)   /* bind(fd, addr, len): addr holds the sockaddr */ \
    X(ACCEPT,        43,  0, 0)   /* accept(fd, ...): ret is the new fd, addr the peer (read in-kernel) */ \
    ALIAS(ACCEPT,    288)         /* accept4(fd, ..., flags) */ \
    X(KILL,          62,  0, 0)   /* kill(pid, sig) */ \
    X(TKILL,         200, 0, 0)   /* tkill(tid, sig) */ \
    X(TGKILL,        234, 0, 0)   /* tgkill(tgid, tid, sig) */ \
    X(INIT_MODULE,   175, 3, 0)   /* init_module(image, len, params) */ \
    X(FINIT_MODULE,  313, 2, 0)   /* finit_module(fd, params, flags) */ \
    X(DELETE_MODULE, 176, 1, 0)   /* delete_module(name, flags): str1 is the name */ \
    X(EXECVE,        59,  1, 0)   /* a failed execve(path, ...): successful ones arrive as CG_KIND_EXEC */ \
    X(EXECVEAT,      322, 2, 0)   /* a failed execveat(dirfd, path, ...) */ \
    X(SENDTO,        44,  0, 0)   /* sendto(fd, buf, len, flags, addr, addrlen) with an address: addr holds it */

#define CG_OP_ENUM_ROW(op, nr, s1, s2) CG_OP_##op,
#define CG_NO_ROW(op, nr)

/* syscall operations carried by CG_KIND_SYSCALL, generated from CG_SYSCALLS */
enum cg_op {
    CG_OP_NONE = 0,
    CG_SYSCALLS(CG_OP_ENUM_ROW, CG_NO_ROW)
    CG_OP_MAX
};

/* cg_syscall.flags bits */
#define CG_F_STR1_TRUNCATED 0x1
#define CG_F_STR2_TRUNCATED 0x2
#define CG_F_INODE_VALID    0x4

/* cg_exec.flags bits */
#define CG_EXEC_ARGS_TRUNCATED 0x1

/* indices of the per-CPU counter array "counters" */
enum cg_counter {
    CG_CNT_RINGBUF_LOST = 0,  /* a record could not be reserved/output: lost */
    CG_CNT_TARGETS_FULL = 1,  /* a child could not be added to the target map: not followed */
    CG_CNT_PENDING_FULL = 2,  /* a syscall's arguments could not be saved at entry: lost */
    CG_CNT_IO_FULL = 3,       /* the I/O aggregation map was full: I/O of one call lost */
    CG_CNT_CONNS_FULL = 4,    /* the connection map was full: a connection's TCP outcome not followed */
    CG_CNT_DEGRADED = 5,      /* not recorded on purpose: a self-protection step (cg_degrade) was on */
    CG_CNT_MAX = 8,
};

struct cg_header {
    __u64 ts_ns;     /* CLOCK_MONOTONIC ns (bpf_ktime_get_ns) */
    __u32 kind;      /* enum cg_kind */
    __u32 tgid;      /* process */
    __u32 tid;       /* thread */
    __u32 size;      /* whole record, header included */
};

/* a new process (not a thread) was forked by a followed one: the child is followed from now on */
struct cg_fork {
    struct cg_header h;        /* tgid/tid: the parent */
    __u64 child_start_ns;      /* child's task->start_boottime */
    __u64 parent_start_ns;     /* parent's group leader start_boottime */
    __u32 child_tgid;
    __u32 clone_flags_low;     /* reserved: 0 */
};

/* a successful exec; data[] = filename (filename_len bytes incl. NUL) then the argv block */
struct cg_exec {
    struct cg_header h;
    __u64 start_ns;            /* process start_boottime */
    __u32 uid;
    __u32 euid;
    __u32 gid;
    __u32 egid;
    __u32 args_total;          /* arg_end - arg_start: the full argv size, even when truncated */
    __u16 filename_len;
    __u16 args_len;            /* bytes of argv kept (NUL-separated) */
    __u32 flags;               /* CG_EXEC_* */
    __u32 reserved;
    char data[];
};

/* a process (thread group) ended */
struct cg_exit {
    struct cg_header h;
    __u64 start_ns;
    __s32 exit_code;           /* wait(2) status: (code << 8) | signal */
    __u32 reserved;
};

/* one syscall, entry arguments paired with the exit's return value; data[] = str1, str2, addr */
struct cg_syscall {
    struct cg_header h;
    __s64 ret;
    __u64 args[6];
    __u64 inode;               /* inode of the file the call produced or acted on, when CG_F_INODE_VALID */
    __u32 op;                  /* enum cg_op */
    __u32 dev;                 /* st_dev of that inode (kernel encoding) */
    __u16 str1_len;            /* bytes incl. NUL, 0 when absent */
    __u16 str2_len;
    __u16 addr_len;
    __u16 flags;               /* CG_F_* */
    char data[];
};

/* the counters of aggregated reads/writes/sends/recvs on one fd: a cg_io record's body, and the
 * probe's per-fd slot that accumulates them */
struct cg_io_counts {
    __u64 read_bytes;
    __u64 write_bytes;
    __u64 inode;
    __u32 reads;
    __u32 writes;
    __u32 read_failed;
    __u32 write_failed;
    __s32 fd;
    __u32 dev;
    __u32 mode;                /* i_mode of the file (S_IFMT bits tell regular/socket/char...) */
    __u32 reserved;
};

/* aggregated I/O on one fd, flushed when the fd is closed or reused, at exec and at exit */
struct cg_io {
    struct cg_header h;
    struct cg_io_counts c;
};

/*
 * One TCP connection a followed process made (sock:inet_sock_set_state, tcp:tcp_retransmit_skb,
 * tcp:tcp_receive_reset, tcp:tcp_send_reset, sock:inet_sk_error_report), at CONNECTING, ESTABLISHED and
 * CLOSED. Counters are cumulative over the connection's life; h.tgid is the process that connected.
 */
struct cg_tcp {
    struct cg_header h;
    __u64 sk;                  /* the connection's identity while it lives (the kernel socket's address) */
    __u64 bytes_acked;         /* data bytes sent and acknowledged (tcp_sock.bytes_acked without the SYN and FIN) */
    __u64 bytes_received;      /* data bytes received (tcp_sock.bytes_received without a received FIN) */
    __u8 daddr[16];            /* remote address: 4 bytes for AF_INET, 16 for AF_INET6 (network order) */
    __u32 event;               /* enum cg_tcp_event */
    __u32 syn_retransmits;     /* SYNs retransmitted while in SYN_SENT */
    __u32 retransmits;         /* other segments retransmitted */
    __u32 resets_received;
    __u32 resets_sent;
    __u32 error;               /* sk_err (or the last error reported) at CLOSED: ECONNREFUSED, ETIMEDOUT, ... */
    __u32 old_state;           /* the state the connection left (TCP_SYN_SENT = 2 for a connect that never made it) */
    __u16 family;              /* AF_INET or AF_INET6 */
    __u16 dport;               /* remote port, host order */
};

/* the first bytes of a payload (see enum cg_payload_dir); data[] = len bytes */
struct cg_payload {
    struct cg_header h;
    __u64 sk;
    __u8 daddr[16];            /* the socket's remote address, as in cg_tcp */
    __s32 fd;
    __u32 total;               /* bytes the call moved (more than len when cut) */
    __u16 len;                 /* bytes in data[] */
    __u16 direction;           /* enum cg_payload_dir */
    __u16 family;
    __u16 dport;
    char data[];
};

_Static_assert(sizeof(struct cg_header) == 24, "cg_header has no padding");
_Static_assert(sizeof(struct cg_fork) == 48, "cg_fork has no padding");
_Static_assert(sizeof(struct cg_exec) == 64, "cg_exec has no padding");
_Static_assert(sizeof(struct cg_exit) == 40, "cg_exit has no padding");
_Static_assert(sizeof(struct cg_syscall) == 104, "cg_syscall has no padding");
_Static_assert(sizeof(struct cg_io_counts) == 56, "cg_io_counts has no padding");
_Static_assert(sizeof(struct cg_io) == 80, "cg_io has no padding");
_Static_assert(sizeof(struct cg_tcp) == 96, "cg_tcp has no padding");
_Static_assert(sizeof(struct cg_payload) == 64, "cg_payload has no padding");

#endif /* CHANGEGRAPH_H */
