// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * changegraph.bpf.c - follows a process tree in the kernel and reports what it does.
 *
 * Only tracepoints (tp_btf: raw BTF tracepoints sched_process_*, sys_enter, sys_exit): kprobes and fentry are not available everywhere
 * changegraph runs. A target map holds the followed tgids: a child is added at fork time, in-kernel,
 * before it runs, so even a process that lives 1 ms is seen; it is removed at exit.
 * Each syscall's arguments are saved at entry (pending map, per thread) and paired with the return
 * value at exit into one ring-buffer record. Reads/writes/sends/recvs are aggregated per (process,
 * fd) in an I/O table and flushed at close, dup2-over, exec and exit. Every record that cannot be put
 * into the ring buffer is counted (counters map), never lost silently.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "changegraph.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Never read: they put the record structs and enums of changegraph.h into this object's BTF, where the Java
 * layout test (io.changegraph.consumer.WireLayoutsTest) reads every size and offset, as compiled. */
struct cg_fork *const cg_btf_fork __attribute__((unused));
struct cg_exec *const cg_btf_exec __attribute__((unused));
struct cg_exit *const cg_btf_exit __attribute__((unused));
struct cg_syscall *const cg_btf_syscall __attribute__((unused));
struct cg_io *const cg_btf_io __attribute__((unused));
struct cg_tcp *const cg_btf_tcp __attribute__((unused));
struct cg_payload *const cg_btf_payload __attribute__((unused));
const enum cg_tcp_event cg_btf_tcp_event __attribute__((unused));
const enum cg_payload_dir cg_btf_payload_dir __attribute__((unused));
const enum cg_kind cg_btf_kind __attribute__((unused));
const enum cg_op cg_btf_op __attribute__((unused));

/* tunables, set by the loader before load */
const volatile __u32 recorder_tgid = 0;   /* never follow the recorder itself */
/* wake the consumer each time this much more is waiting (see output()): it polls every 50 ms anyway,
 * and a wakeup per record would cost a context switch per syscall of the traced work */
const volatile __u32 wakeup_bytes = 256 * 1024;
/* bytes of a connection's first send (and of each DNS answer) copied into cg_payload records: 0 = none */
const volatile __u32 payload_bytes = 512;

/*
 * Self-protection: the recorder's degradation level, written by user space at run time (no reload) when the
 * recorder costs the host too much (io.changegraph.controller.SelfProtection, docs/ops.md). Each level
 * includes the ones below it:
 *   1 CG_DEGRADE_DETAIL   no per-call detail: read-only opens (done or failed) and failed execs give no record
 *                         (I/O stays aggregated per fd; changes and attempted changes are all recorded)
 *   2 CG_DEGRADE_PAYLOAD  no payload capture (first sends, DNS answers)
 *   3 CG_DEGRADE_SUBTREES new children of a process without a controlling terminal are not followed (nor
 *                         reported: a child that is never followed would look as if it never exited)
 * What is skipped is counted (CG_CNT_DEGRADED). An array map: the verifier inlines its lookup.
 */
#define CG_DEGRADE_DETAIL 1
#define CG_DEGRADE_PAYLOAD 2
#define CG_DEGRADE_SUBTREES 3

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} cg_degrade SEC(".maps");

static __always_inline __u32 degrade_level(void)
{
    __u32 zero = 0;
    __u32 *level = bpf_map_lookup_elem(&cg_degrade, &zero);
    return level ? *level : 0;
}

#define SCRATCH_SIZE 32768                /* one record under construction, per CPU */
#define OFF_MASK (2 * CG_PATH_MAX - 1)    /* bounds string offsets for the verifier */
#define ARGS_MASK (2 * CG_ARGS_MAX - 1)

/* ops used only between entry and exit, never emitted */
#define OP_IO_READ  (CG_OP_MAX + 1)
#define OP_IO_WRITE (CG_OP_MAX + 2)
#define OP_IO_SENDFILE (CG_OP_MAX + 3)    /* sendfile(out, in, ...): read args[1], write args[0] */
#define OP_IO_COPY  (CG_OP_MAX + 4)       /* copy_file_range(in, off_in, out, ...): read args[0], write args[2] */

/* sizes are set by the loader (bpf_map__set_max_entries) from the user's tunables */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 65536);
    __type(key, __u32);    /* tgid */
    __type(value, __u8);
} targets SEC(".maps");

struct pending {
    __u64 args[6];
    __u32 op;
    __u32 nr;      /* the syscall number: where an I/O call's buffer is (plain, iovec, msghdr) */
};

/* per-thread, in the task itself: cheaper than a hash map keyed by tid (no insert and delete per call),
 * no size to run out of, freed with the thread; op 0 = nothing pending */
struct {
    __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, int);
    __type(value, struct pending);
} pending SEC(".maps");

/* what an fd's payload may be captured for (io_slot.want) */
#define WANT_FIRST_SEND 0x1    /* a TCP connection of a followed process, first send not captured yet */
#define WANT_DNS 0x2           /* a socket connected to port 53: every answer received */

/* one fd's aggregated I/O: the struct file it belongs to (0 = free) and the counters of a cg_io record */
struct io_slot {
    __u64 file;
    __u64 sk;      /* the socket's struct sock when want != 0 */
    __u32 want;    /* WANT_*, decided when the slot is taken */
    __u32 reserved;
    struct cg_io_counts c;
};

/* a TCP connection of a followed process, from SYN_SENT to TCP_CLOSE (key: struct sock *) */
struct conn {
    __u32 tgid;
    __u32 tid;
    __u32 syn_retransmits;
    __u32 retransmits;
    __u32 resets_received;
    __u32 resets_sent;
    __u32 error;
    __u32 first_send_done;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u64);
    __type(value, struct conn);
} conns SEC(".maps");

/* how many entries conns holds: the TCP programs run for every socket on the host, and while no connection of a
 * followed process is open (almost always) they return on this count, without a hash lookup. An array map: the
 * verifier inlines its lookup. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __s64);
} conns_live SEC(".maps");

static __always_inline __s64 *conns_live_count(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&conns_live, &zero);
}

/*
 * The followed connection this CPU closed last: an abortive close (SO_LINGER 0, unread data) sends its reset
 * right after the CLOSE transition, in the same call on the same CPU, when the connection has left conns; this
 * names it without a lookup on every other reset of the host.
 */
struct last_close {
    __u64 sk;
    __u32 tgid;
    __u32 tid;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct last_close);
} last_closed SEC(".maps");

/* true when conns may hold an entry (no lookup is worth making otherwise) */
static __always_inline bool any_conns(void)
{
    __s64 *n = conns_live_count();
    return !n || *n > 0;
}

struct io_table {
    struct io_slot slots[CG_IO_SLOTS];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 65536);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, __u32);    /* tgid */
    __type(value, struct io_table);
} io_tables SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct io_table);
} io_zero SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 16 * 1024 * 1024);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, CG_CNT_MAX);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

struct scratch {
    char buf[SCRATCH_SIZE];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct scratch);
} scratch_map SEC(".maps");

static __always_inline void count(__u32 which)
{
    __u64 *c = bpf_map_lookup_elem(&counters, &which);
    if (c)
        *c += 1;
}

static __always_inline bool followed(__u32 tgid)
{
    return bpf_map_lookup_elem(&targets, &tgid) != NULL;
}

static __always_inline void fill_header(struct cg_header *h, __u32 kind, __u32 size)
{
    __u64 id = bpf_get_current_pid_tgid();
    h->ts_ns = bpf_ktime_get_ns();
    h->kind = kind;
    h->tgid = id >> 32;
    h->tid = (__u32)id;
    h->size = size;
}

static __always_inline void *scratch(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&scratch_map, &zero);
}

static __always_inline void output(void *rec, __u64 size)
{
    /* wake the consumer when the waiting data crosses a multiple of wakeup_bytes, not on every record
     * past it: a lagging consumer (busy, preempted, collecting garbage) would otherwise cost each record
     * a forced wakeup (an irq_work), which on a VM more than doubles the record's in-kernel cost. Records
     * from two CPUs may cross together and both miss it; the consumer polls every 50 ms anyway. */
    __u64 waiting = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
    __u64 flags = (waiting + size) / wakeup_bytes != waiting / wakeup_bytes ? BPF_RB_FORCE_WAKEUP
                                                                             : BPF_RB_NO_WAKEUP;
    size &= (SCRATCH_SIZE - 1);
    if (bpf_ringbuf_output(&events, rec, size, flags))
        count(CG_CNT_RINGBUF_LOST);
}

/* the struct file behind fd in the current process, or NULL */
static __always_inline struct file *fd_file(int fd)
{
    struct task_struct *task = (struct task_struct *)bpf_get_current_task();
    struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
    struct file **fds;
    struct file *file = NULL;
    unsigned int max;

    if (!fdt || fd < 0)
        return NULL;
    max = BPF_CORE_READ(fdt, max_fds);
    if ((unsigned int)fd >= max)
        return NULL;
    fds = BPF_CORE_READ(fdt, fd);
    bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
    return file;
}

/* ---------------------------------------------------------------- process lifecycle */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
    __u32 ptgid = BPF_CORE_READ(parent, tgid);
    __u32 ctgid = BPF_CORE_READ(child, tgid);
    __u8 one = 1;
    struct cg_fork *r;

    if (ctgid == ptgid || !followed(ptgid))
        return 0;   /* a new thread, or not ours */
    if (degrade_level() >= CG_DEGRADE_SUBTREES && !BPF_CORE_READ(parent, signal, tty)) {
        count(CG_CNT_DEGRADED);   /* neither the child nor its subtree: no node that would never exit */
        return 0;
    }
    if (bpf_map_update_elem(&targets, &ctgid, &one, BPF_ANY))
        count(CG_CNT_TARGETS_FULL);
    r = scratch();
    if (!r)
        return 0;
    fill_header(&r->h, CG_KIND_FORK, sizeof(*r));
    r->h.tgid = ptgid;
    r->child_start_ns = BPF_CORE_READ(child, start_boottime);
    r->parent_start_ns = BPF_CORE_READ(parent, group_leader, start_boottime);
    r->child_tgid = ctgid;
    r->clone_flags_low = 0;
    output(r, sizeof(*r));
    return 0;
}

static __always_inline void flush_slot(__u32 tgid, struct io_slot *s)
{
    struct cg_io *r;

    if (!s->file)
        return;
    if (s->c.reads || s->c.writes) {
        r = scratch();
        if (r) {
            fill_header(&r->h, CG_KIND_IO, sizeof(*r));
            r->h.tgid = tgid;
            r->c = s->c;
            r->c.reserved = 0;
            output(r, sizeof(*r));
        }
    }
    __builtin_memset(s, 0, sizeof(*s));
}

static __always_inline void flush_all(__u32 tgid)
{
    struct io_table *t = bpf_map_lookup_elem(&io_tables, &tgid);
    if (!t)
        return;
    for (int i = 0; i < CG_IO_SLOTS; i++)
        flush_slot(tgid, &t->slots[i]);
}

static __always_inline void flush_fd(__u32 tgid, int fd)
{
    struct io_table *t = bpf_map_lookup_elem(&io_tables, &tgid);
    struct io_slot *s;
    if (!t || fd < 0)
        return;
    s = &t->slots[fd & (CG_IO_SLOTS - 1)];
    if (s->file && s->c.fd == fd)
        flush_slot(tgid, s);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    __u32 tgid = BPF_CORE_READ(p, tgid);
    struct cg_exec *r;
    const struct cred *cred;
    struct mm_struct *mm;
    unsigned long arg_start, arg_end, total, len;
    long n;
    __u32 off;

    if (!followed(tgid))
        return 0;
    flush_all(tgid);   /* close-on-exec fds go away without close() */
    r = scratch();
    if (!r)
        return 0;
    fill_header(&r->h, CG_KIND_EXEC, 0);
    r->start_ns = BPF_CORE_READ(p, group_leader, start_boottime);
    cred = BPF_CORE_READ(p, cred);
    r->uid = BPF_CORE_READ(cred, uid.val);
    r->euid = BPF_CORE_READ(cred, euid.val);
    r->gid = BPF_CORE_READ(cred, gid.val);
    r->egid = BPF_CORE_READ(cred, egid.val);
    r->flags = 0;
    r->reserved = 0;

    n = bpf_probe_read_kernel_str(r->data, CG_PATH_MAX, BPF_CORE_READ(bprm, filename));
    if (n < 0)
        n = 0;
    off = n & OFF_MASK;
    r->filename_len = off;

    mm = BPF_CORE_READ(p, mm);
    arg_start = BPF_CORE_READ(mm, arg_start);
    arg_end = BPF_CORE_READ(mm, arg_end);
    total = arg_end > arg_start ? arg_end - arg_start : 0;
    len = total;
    if (len > CG_ARGS_MAX) {
        len = CG_ARGS_MAX;
        r->flags |= CG_EXEC_ARGS_TRUNCATED;
    }
    len &= ARGS_MASK;
    if (len && bpf_probe_read_user(r->data + off, len, (void *)arg_start))
        len = 0;
    r->args_total = total;
    r->args_len = len;
    r->h.size = sizeof(*r) + off + len;
    output(r, sizeof(*r) + off + len);
    return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
    __u32 tgid = BPF_CORE_READ(p, tgid);
    struct signal_struct *sig;
    struct cg_exit *r;
    int code;

    if (!followed(tgid))
        return 0;
    /* a thread killed inside a syscall never reaches sys_exit: its pending slot goes with the task */
    sig = BPF_CORE_READ(p, signal);
    if (BPF_CORE_READ(sig, live.counter) != 0)
        return 0;   /* another thread of the group is still running */
    flush_all(tgid);
    bpf_map_delete_elem(&io_tables, &tgid);
    bpf_map_delete_elem(&targets, &tgid);
    if (BPF_CORE_READ(sig, flags) & 0x4 /* SIGNAL_GROUP_EXIT */)
        code = BPF_CORE_READ(sig, group_exit_code);
    else
        code = BPF_CORE_READ(p, exit_code);
    r = scratch();
    if (!r)
        return 0;
    fill_header(&r->h, CG_KIND_EXIT, sizeof(*r));
    r->h.tgid = tgid;
    r->start_ns = BPF_CORE_READ(p, group_leader, start_boottime);
    r->exit_code = code;
    r->reserved = 0;
    output(r, sizeof(*r));
    return 0;
}

/* ---------------------------------------------------------------- syscalls */

/*
 * Syscalls arrive on the two raw BTF tracepoints sys_enter/sys_exit and are dispatched by number:
 * five links in all, attached and detached in milliseconds (one perf-event tracepoint per syscall
 * costs an RCU grace period each to detach). Uninteresting syscalls return after one switch.
 * Numbers are x86_64's; 32-bit compat syscalls are not decoded.
 */
#define CG_NR_CASE(op, nr, s1, s2) case nr: return CG_OP_##op;
#define CG_ALIAS_CASE(op, nr) case nr: return CG_OP_##op;

static __always_inline __u32 syscall_op(long id, __u64 arg4)
{
    if (id == 44 && !arg4)
        return OP_IO_WRITE;   /* sendto without an address is a write; with one it names a remote */
    switch (id) {
    case 0: case 17: case 19: case 295: case 327: case 45: case 47:
        return OP_IO_READ;    /* read pread64 readv preadv preadv2 recvfrom recvmsg */
    case 1: case 18: case 20: case 296: case 328: case 46:
        return OP_IO_WRITE;   /* write pwrite64 writev pwritev pwritev2 sendmsg */
    case 40: return OP_IO_SENDFILE;
    case 326: return OP_IO_COPY;                         /* copy_file_range: cat and cp use it */
    CG_SYSCALLS(CG_NR_CASE, CG_ALIAS_CASE)               /* every op of the table in changegraph.h */
    }
    return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
    __u64 arg4;
    __u32 tgid, op;
    struct pending *p;

    arg4 = id == 44 ? regs->r8 : 0;
    op = syscall_op(id, arg4);
    if (!op)
        return 0;
    /* of fcntl, only F_DUPFD (0), F_SETFD (2) and F_DUPFD_CLOEXEC (1030) change the fd table: shells
     * call F_GETFD/F_GETFL/F_SETFL far more often, and those records would tell the consumer nothing */
    if (op == CG_OP_FCNTL && regs->si != 0 && regs->si != 2 && regs->si != 1030)
        return 0;
    tgid = bpf_get_current_pid_tgid() >> 32;
    if (tgid == recorder_tgid || !followed(tgid))
        return 0;
    p = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
    if (!p) {
        count(CG_CNT_PENDING_FULL);   /* no memory for this thread's slot */
        return 0;
    }
    /* x86_64 syscall arguments: di, si, dx, r10, r8, r9 (direct loads through the BTF-typed regs) */
    p->args[0] = regs->di;
    p->args[1] = regs->si;
    p->args[2] = regs->dx;
    p->args[3] = regs->r10;
    p->args[4] = regs->r8;
    p->args[5] = regs->r9;
    p->op = op;
    p->nr = id;
    return 0;
}

/* which payload of this socket file is wanted (WANT_*), and its struct sock */
static __always_inline __u32 payload_want(struct file *file, __u32 mode, __u64 *skp)
{
    struct socket *sock;
    struct sock *sk;
    __u16 family, proto;
    __u32 want = 0;

    if (!payload_bytes || (mode & 0170000) != 0140000 /* S_IFSOCK */)
        return 0;
    sock = BPF_CORE_READ(file, private_data);
    sk = BPF_CORE_READ(sock, sk);
    if (!sk)
        return 0;
    family = BPF_CORE_READ(sk, __sk_common.skc_family);
    if (family != 2 && family != 10)
        return 0;
    /* a bitfield before 5.6, a u16 since: the probed read handles both */
    proto = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
    if ((proto == 6 || proto == 17) && BPF_CORE_READ(sk, __sk_common.skc_dport) == bpf_htons(53))
        want |= WANT_DNS;
    if (proto == 6) {
        __u64 key = (__u64)sk;
        struct conn *c = bpf_map_lookup_elem(&conns, &key);
        if (c && !c->first_send_done)
            want |= WANT_FIRST_SEND;
    }
    *skp = (__u64)sk;
    return want;
}

static __always_inline struct io_slot *account_io(__u32 tgid, int fd, bool write, long ret)
{
    struct io_table *t = bpf_map_lookup_elem(&io_tables, &tgid);
    struct file *file;
    struct io_slot *s;
    struct inode *inode;

    if (!t) {
        __u32 zero = 0;
        struct io_table *z = bpf_map_lookup_elem(&io_zero, &zero);
        if (!z)
            return NULL;
        if (bpf_map_update_elem(&io_tables, &tgid, z, BPF_NOEXIST) && 0)
            return NULL;
        t = bpf_map_lookup_elem(&io_tables, &tgid);
        if (!t) {
            count(CG_CNT_IO_FULL);
            return NULL;
        }
    }
    file = fd_file(fd);
    if (!file)
        return NULL;   /* already closed by another thread: nothing to attribute it to */
    s = &t->slots[fd & (CG_IO_SLOTS - 1)];
    if (s->file != (__u64)file || s->c.fd != fd) {
        flush_slot(tgid, s);
        inode = BPF_CORE_READ(file, f_inode);
        s->file = (__u64)file;
        s->c.fd = fd;
        s->c.inode = BPF_CORE_READ(inode, i_ino);
        s->c.mode = BPF_CORE_READ(inode, i_mode);
        s->c.dev = BPF_CORE_READ(inode, i_sb, s_dev);
        s->sk = 0;
        s->want = payload_want(file, s->c.mode, &s->sk);
    }
    if (write) {
        s->c.writes++;
        if (ret < 0)
            s->c.write_failed++;
        else
            s->c.write_bytes += ret;
    } else {
        s->c.reads++;
        if (ret < 0)
            s->c.read_failed++;
        else
            s->c.read_bytes += ret;
    }
    return s;
}

/* which arguments are user strings (1-based index, 0 = none) for a syscall op: from CG_SYSCALLS */
#define CG_STRING_CASE(op, nr, a1, a2) case CG_OP_##op: *s1 = a1; *s2 = a2; break;

static __always_inline void string_args(__u32 op, int *s1, int *s2)
{
    *s1 = 0;
    *s2 = 0;
    switch (op) {
    CG_SYSCALLS(CG_STRING_CASE, CG_NO_ROW)
    }
}

static __always_inline __u64 pick(struct pending *p, int i)
{
    switch (i) {
    case 1: return p->args[0];
    case 2: return p->args[1];
    case 3: return p->args[2];
    case 4: return p->args[3];
    case 5: return p->args[4];
    }
    return 0;
}

/* the peer of an accepted socket, written as a sockaddr_in/in6 */
static __always_inline __u32 peer_sockaddr(int fd, char *out)
{
    struct file *file = fd_file(fd);
    struct socket *sock;
    struct sock *sk;
    __u16 family;

    if (!file)
        return 0;
    sock = BPF_CORE_READ(file, private_data);
    sk = BPF_CORE_READ(sock, sk);
    if (!sk)
        return 0;
    family = BPF_CORE_READ(sk, __sk_common.skc_family);
    __builtin_memset(out, 0, 28);
    *(__u16 *)out = family;
    *(__u16 *)(out + 2) = BPF_CORE_READ(sk, __sk_common.skc_dport);
    if (family == 2 /* AF_INET */) {
        *(__u32 *)(out + 4) = BPF_CORE_READ(sk, __sk_common.skc_daddr);
        return 16;
    }
    if (family == 10 /* AF_INET6 */) {
        bpf_core_read(out + 8, 16, &sk->__sk_common.skc_v6_daddr);   /* all 16 bytes, not sizeof(*out) */
        return 28;
    }
    return 2;
}

static __always_inline void set_inode(struct cg_syscall *r, int fd)
{
    struct file *file = fd_file(fd);
    struct inode *inode;
    if (!file)
        return;
    inode = BPF_CORE_READ(file, f_inode);
    r->inode = BPF_CORE_READ(inode, i_ino);
    r->dev = BPF_CORE_READ(inode, i_sb, s_dev);
    r->flags |= CG_F_INODE_VALID;
}

/* the socket's remote address and port into a cg_payload/cg_tcp-style (daddr, family, dport) */
static __always_inline void remote_of(const struct sock *sk, __u8 *daddr, __u16 *family, __u16 *dport)
{
    *family = BPF_CORE_READ(sk, __sk_common.skc_family);
    *dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
    __builtin_memset(daddr, 0, 16);
    /* bpf_core_read with explicit sizes: BPF_CORE_READ_INTO would copy sizeof(*daddr), one byte */
    if (*family == 2)
        bpf_core_read(daddr, 4, &sk->__sk_common.skc_daddr);
    else
        bpf_core_read(daddr, 16, &sk->__sk_common.skc_v6_daddr);
}

/*
 * The first bytes an I/O call moved, when its socket wants them (io_slot.want): a followed connection's first
 * send, or a DNS answer. Only the call's first buffer (first iovec) is looked at.
 */
static __always_inline void capture_payload(__u32 tgid, struct io_slot *s, struct pending *p, long ret, bool write)
{
    __u64 buf = 0, room = ret, key = s->sk;
    struct cg_payload *r;
    struct conn *c = NULL;
    __u32 len;

    if (write) {
        if (!(s->want & WANT_FIRST_SEND))
            return;
        s->want &= ~WANT_FIRST_SEND;   /* one try per slot, whatever happens */
        c = bpf_map_lookup_elem(&conns, &key);
        if (!c || c->first_send_done)
            return;
        c->first_send_done = 1;
    } else if (!(s->want & WANT_DNS)) {
        return;
    }
    if (degrade_level() >= CG_DEGRADE_PAYLOAD) {
        count(CG_CNT_DEGRADED);
        return;
    }
    switch (p->nr) {
    case 0: case 1: case 17: case 18: case 44: case 45:   /* read write pread64 pwrite64 sendto recvfrom */
        buf = p->args[1];
        break;
    case 46: case 47: {                                    /* sendmsg recvmsg: msghdr.msg_iov */
        struct user_msghdr m;
        if (bpf_probe_read_user(&m, sizeof(m), (void *)p->args[1]))
            return;
        p->args[1] = (__u64)m.msg_iov;
    }
        /* fall through */
    default: {                                             /* readv writev preadv pwritev preadv2 pwritev2 */
        struct iovec v;
        if (!p->args[1] || bpf_probe_read_user(&v, sizeof(v), (void *)p->args[1]))
            return;
        buf = (__u64)v.iov_base;
        if (v.iov_len < room)
            room = v.iov_len;
    }
    }
    if (!buf)
        return;
    len = room < payload_bytes ? room : payload_bytes;
    if (len > CG_PAYLOAD_MAX)
        len = CG_PAYLOAD_MAX;
    r = scratch();
    if (!r)
        return;
    fill_header(&r->h, CG_KIND_PAYLOAD, 0);
    r->h.tgid = tgid;
    r->sk = key;
    remote_of((const struct sock *)key, r->daddr, &r->family, &r->dport);
    r->fd = s->c.fd;
    r->total = ret;
    r->direction = write ? CG_PAYLOAD_FIRST_SEND : CG_PAYLOAD_DNS;
    len &= (2 * CG_PAYLOAD_MAX - 1);
    if (len > CG_PAYLOAD_MAX || bpf_probe_read_user(r->data, len, (void *)buf))
        len = 0;
    r->len = len;
    r->h.size = sizeof(*r) + len;
    output(r, sizeof(*r) + len);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
    long nr = regs->orig_ax;   /* BTF-typed pointer: a direct load, no helper call */
    __u32 tgid;
    struct pending *pp;
    struct pending p;
    struct cg_syscall *r;
    long n;
    __u32 off = 0, alen = 0;
    int s1, s2;

    if (!syscall_op(nr, 1))
        return 0;   /* not a syscall we follow: no map lookup at all */
    pp = bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0, 0);
    if (!pp || !pp->op)
        return 0;
    p = *pp;
    pp->op = 0;
    tgid = bpf_get_current_pid_tgid() >> 32;

    switch (p.op) {
    case OP_IO_READ:
    case OP_IO_WRITE: {
        bool write = p.op == OP_IO_WRITE;
        struct io_slot *s = account_io(tgid, (int)p.args[0], write, ret);
        if (s && s->want && ret > 0)
            capture_payload(tgid, s, &p, ret, write);
        return 0;
    }
    case OP_IO_SENDFILE:
        account_io(tgid, (int)p.args[1], false, ret);
        account_io(tgid, (int)p.args[0], true, ret);
        return 0;
    case OP_IO_COPY:
        account_io(tgid, (int)p.args[0], false, ret);
        account_io(tgid, (int)p.args[2], true, ret);
        return 0;
    case CG_OP_EXECVE:
    case CG_OP_EXECVEAT:
        if (ret >= 0)
            return 0;   /* success is reported by sched_process_exec */
        break;
    case CG_OP_CLOSE:
        flush_fd(tgid, (int)p.args[0]);
        break;
    case CG_OP_CLOSE_RANGE: {
        struct io_table *t = bpf_map_lookup_elem(&io_tables, &tgid);
        if (t && !(p.args[2] & 4 /* CLOSE_RANGE_CLOEXEC */)) {
            for (int i = 0; i < CG_IO_SLOTS; i++) {
                struct io_slot *s = &t->slots[i];
                if (s->file && (__u64)s->c.fd >= p.args[0] && (__u64)s->c.fd <= p.args[1])
                    flush_slot(tgid, s);
            }
        }
        break;
    }
    case CG_OP_DUP2:
    case CG_OP_DUP3:
        if (ret >= 0)
            flush_fd(tgid, (int)p.args[1]);   /* the old file behind newfd was closed */
        break;
    }
    if (degrade_level() >= CG_DEGRADE_DETAIL && (p.op == CG_OP_EXECVE || p.op == CG_OP_EXECVEAT   /* failed ones */
            || ((p.op == CG_OP_OPEN || p.op == CG_OP_OPENAT)
                && !(p.args[p.op == CG_OP_OPEN ? 1 : 2] & (3 | 0100 | 01000))))) {   /* O_ACCMODE O_CREAT O_TRUNC */
        count(CG_CNT_DEGRADED);   /* detail: a read-only open (done or failed), a failed exec */
        return 0;
    }

    r = scratch();
    if (!r)
        return 0;
    fill_header(&r->h, CG_KIND_SYSCALL, 0);
    r->ret = ret;
    r->args[0] = p.args[0];
    r->args[1] = p.args[1];
    r->args[2] = p.args[2];
    r->args[3] = p.args[3];
    r->args[4] = p.args[4];
    r->args[5] = p.args[5];
    r->inode = 0;
    r->op = p.op;
    r->dev = 0;
    r->str1_len = 0;
    r->str2_len = 0;
    r->addr_len = 0;
    r->flags = 0;

    if (p.op == CG_OP_OPENAT2 && p.args[2]) {
        /* struct open_how { u64 flags; u64 mode; u64 resolve; } */
        bpf_probe_read_user(&r->args[2], 16, (void *)p.args[2]);
    }

    string_args(p.op, &s1, &s2);
    if (s1) {
        n = bpf_probe_read_user_str(r->data, CG_PATH_MAX, (void *)pick(&p, s1));
        if (n < 0)
            n = 0;
        if (n == CG_PATH_MAX)
            r->flags |= CG_F_STR1_TRUNCATED;
        off = n & OFF_MASK;
        r->str1_len = off;
    }
    if (s2) {
        n = bpf_probe_read_user_str(r->data + off, CG_PATH_MAX, (void *)pick(&p, s2));
        if (n < 0)
            n = 0;
        if (n == CG_PATH_MAX)
            r->flags |= CG_F_STR2_TRUNCATED;
        r->str2_len = n & OFF_MASK;
        off = (off + (n & OFF_MASK)) & (2 * OFF_MASK + 1);
    }

    switch (p.op) {
    case CG_OP_CONNECT:
    case CG_OP_BIND:
    case CG_OP_SENDTO: {
        __u64 ptr = p.op == CG_OP_SENDTO ? p.args[4] : p.args[1];
        __u64 len = p.op == CG_OP_SENDTO ? p.args[5] : p.args[2];
        if (len > CG_ADDR_MAX)
            len = CG_ADDR_MAX;
        len &= (2 * CG_ADDR_MAX - 1);
        if (ptr && len && !bpf_probe_read_user(r->data + off, len, (void *)ptr))
            alen = len;
        break;
    }
    case CG_OP_ACCEPT:
        if (ret >= 0)
            alen = peer_sockaddr((int)ret, r->data + off);
        break;
    case CG_OP_PIPE:
    case CG_OP_SOCKETPAIR: {
        __u64 ptr = p.op == CG_OP_PIPE ? p.args[0] : p.args[3];
        if (ret >= 0 && ptr && !bpf_probe_read_user(r->data + off, 8, (void *)ptr))
            alen = 8;
        break;
    }
    case CG_OP_OPEN:
    case CG_OP_OPENAT:
    case CG_OP_OPENAT2:
    case CG_OP_CREAT:
        if (ret >= 0)
            set_inode(r, (int)ret);
        break;
    }
    r->addr_len = alen;
    r->h.size = sizeof(*r) + off + alen;
    output(r, sizeof(*r) + off + alen);
    return 0;
}

/* ---------------------------------------------------------------- TCP connections of followed processes */

/*
 * A connection is followed from its SYN_SENT (sock:inet_sock_set_state runs then in the connecting task, so
 * the followed process is the current one) to TCP_CLOSE, in the conns map keyed by the socket; the other
 * tracepoints only count into an entry that exists. conns_live counts the entries: while it is 0 (no followed
 * connection open: almost always, on a busy host) every program returns before any hash lookup or socket read. These are raw BTF tracepoints: their arguments are the kernel's (struct sock *, ...), read
 * with CO-RE, so the tracefs event structs that differ across kernels (trace_event_raw_tcp_retransmit_skb
 * here, ..._tcp_event_sk_skb on older ones) are never read. Connections accepted by a followed process
 * are not followed (their state changes run in softirq context, with no process to match).
 */
#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE 7

static __always_inline void tcp_record(const struct sock *sk, struct conn *c, __u32 event, __u32 old_state)
{
    struct cg_tcp *r = scratch();
    struct tcp_sock *tp = (struct tcp_sock *)sk;
    __u64 acked, sent, received;
    unsigned long flags;
    int err;

    if (!r)
        return;
    fill_header(&r->h, CG_KIND_TCP, sizeof(*r));
    r->h.tgid = c->tgid;
    r->h.tid = c->tid;
    r->sk = (__u64)sk;
    /*
     * Data bytes only: the kernel's counters also count the sequence numbers of the SYN (bytes_acked, once
     * acknowledged) and of an acknowledged FIN (bytes_acked) or a received one (bytes_received, SOCK_DONE set).
     * An acknowledged FIN is cut by bytes_sent (data sent, retransmits included).
     */
    acked = BPF_CORE_READ(tp, bytes_acked);
    sent = BPF_CORE_READ(tp, bytes_sent);
    acked = acked ? acked - 1 : 0;
    r->bytes_acked = acked < sent ? acked : sent;
    received = BPF_CORE_READ(tp, bytes_received);
    flags = BPF_CORE_READ(sk, __sk_common.skc_flags);
    if (received && (flags & (1UL << bpf_core_enum_value(enum sock_flags, SOCK_DONE))))
        received--;
    r->bytes_received = received;
    remote_of(sk, r->daddr, &r->family, &r->dport);
    r->event = event;
    r->syn_retransmits = c->syn_retransmits;
    r->retransmits = c->retransmits;
    r->resets_received = c->resets_received;
    r->resets_sent = c->resets_sent;
    err = BPF_CORE_READ(sk, sk_err);
    r->error = err > 0 ? err : c->error;
    r->old_state = old_state;
    output(r, sizeof(*r));
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
    __u64 key = (__u64)sk;
    struct conn *c;
    __s64 *live;
    long err;

    /* every TCP state change on the host comes here: the common cases return before reading the socket */
    if (newstate == TCP_SYN_SENT) {
        __u64 id = bpf_get_current_pid_tgid();
        __u32 tgid = id >> 32;
        struct conn fresh = {.tgid = tgid, .tid = (__u32)id};
        if (tgid == recorder_tgid || !followed(tgid))
            return 0;
        if (BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) != 6 /* IPPROTO_TCP */)
            return 0;
        err = bpf_map_update_elem(&conns, &key, &fresh, BPF_NOEXIST);
        if (err == -17 /* EEXIST: the same socket connects again */)
            err = bpf_map_update_elem(&conns, &key, &fresh, BPF_EXIST);
        else if (!err && (live = conns_live_count()))
            __sync_fetch_and_add(live, 1);
        if (err) {
            count(CG_CNT_CONNS_FULL);
            return 0;
        }
        c = bpf_map_lookup_elem(&conns, &key);
        if (c)
            tcp_record(sk, c, CG_TCP_CONNECTING, oldstate);
        return 0;
    }
    if (!any_conns())
        return 0;
    c = bpf_map_lookup_elem(&conns, &key);   /* only sockets of followed connects are in it: all TCP */
    if (!c)
        return 0;
    if (oldstate == TCP_SYN_SENT && newstate == TCP_ESTABLISHED) {
        tcp_record(sk, c, CG_TCP_ESTABLISHED, oldstate);
    } else if (newstate == TCP_CLOSE) {
        __u32 zero = 0;
        struct last_close *lc = bpf_map_lookup_elem(&last_closed, &zero);

        tcp_record(sk, c, CG_TCP_CLOSED, oldstate);
        if (lc) {
            lc->sk = key;
            lc->tgid = c->tgid;
            lc->tid = c->tid;
        }
        if (!bpf_map_delete_elem(&conns, &key) && (live = conns_live_count()))
            __sync_fetch_and_add(live, -1);
    }
    return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(on_tcp_retransmit, const struct sock *sk)
{
    __u64 key = (__u64)sk;
    struct conn *c = any_conns() ? bpf_map_lookup_elem(&conns, &key) : NULL;

    if (!c)
        return 0;
    if (BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_SYN_SENT)
        __sync_fetch_and_add(&c->syn_retransmits, 1);
    else
        __sync_fetch_and_add(&c->retransmits, 1);
    return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(on_tcp_receive_reset, struct sock *sk)
{
    __u64 key = (__u64)sk;
    struct conn *c = any_conns() ? bpf_map_lookup_elem(&conns, &key) : NULL;

    if (c)
        __sync_fetch_and_add(&c->resets_received, 1);
    return 0;
}

/*
 * A reset the host sends: counted in its followed connection. An abortive close (SO_LINGER 0, or a close with
 * unread data) sends its reset right after the CLOSE transition, when the connection has left conns: the
 * connection this CPU closed last (last_closed) gets it as one CG_TCP_RESET_SENT record, which user space adds to
 * that connection's edge. Any other reset costs a per-CPU array load more.
 */
SEC("tp_btf/tcp_send_reset")
int BPF_PROG(on_tcp_send_reset, const struct sock *sk)
{
    __u64 key = (__u64)sk;
    struct last_close *lc;
    struct conn *c;
    struct cg_tcp *r;
    __u32 zero = 0;

    if (!sk)
        return 0;   /* a reset for a segment no socket wanted */
    if (any_conns()) {
        c = bpf_map_lookup_elem(&conns, &key);
        if (c) {
            __sync_fetch_and_add(&c->resets_sent, 1);
            return 0;
        }
    }
    lc = bpf_map_lookup_elem(&last_closed, &zero);
    if (!lc || lc->sk != key)
        return 0;
    lc->sk = 0;
    r = scratch();
    if (!r)
        return 0;
    __builtin_memset(r, 0, sizeof(*r));
    fill_header(&r->h, CG_KIND_TCP, sizeof(*r));
    r->h.tgid = lc->tgid;
    r->h.tid = lc->tid;
    r->sk = key;
    remote_of(sk, r->daddr, &r->family, &r->dport);
    r->event = CG_TCP_RESET_SENT;
    r->resets_sent = 1;
    r->old_state = TCP_CLOSE;
    output(r, sizeof(*r));
    return 0;
}

SEC("tp_btf/inet_sk_error_report")
int BPF_PROG(on_sk_error_report, const struct sock *sk)
{
    __u64 key = (__u64)sk;
    struct conn *c = any_conns() ? bpf_map_lookup_elem(&conns, &key) : NULL;
    int err;

    if (!c)
        return 0;
    err = BPF_CORE_READ(sk, sk_err);
    if (err > 0)
        c->error = err;
    return 0;
}
