/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * changegraph.h - the ring-buffer record layouts shared by changegraph.bpf.c and the Java side
 * (io.changegraph.consumer.WireLayouts mirrors them; LayoutMatchesCTest proves it against the
 * struct offsets as compiled). Data only: no kernel includes. Fields are ordered largest-first so
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

/* record kinds: the first field a decoder dispatches on */
enum cg_kind {
    CG_KIND_FORK = 1,
    CG_KIND_EXEC = 2,
    CG_KIND_EXIT = 3,
    CG_KIND_SYSCALL = 4,
    CG_KIND_IO = 5,
};

/* syscall operations carried by CG_KIND_SYSCALL; args[] are the syscall's own arguments */
enum cg_op {
    CG_OP_OPEN = 1,       /* open(path, flags, mode) */
    CG_OP_OPENAT,         /* openat(dirfd, path, flags, mode) */
    CG_OP_OPENAT2,        /* openat2(dirfd, path, how, size): args[2]=how.flags, args[3]=how.mode */
    CG_OP_CREAT,          /* creat(path, mode) */
    CG_OP_TRUNCATE,       /* truncate(path, length) */
    CG_OP_FTRUNCATE,      /* ftruncate(fd, length) */
    CG_OP_UNLINK,         /* unlink(path) */
    CG_OP_UNLINKAT,       /* unlinkat(dirfd, path, flags) */
    CG_OP_RENAME,         /* rename(old, new) */
    CG_OP_RENAMEAT,       /* renameat(olddirfd, old, newdirfd, new) */
    CG_OP_RENAMEAT2,      /* renameat2(olddirfd, old, newdirfd, new, flags) */
    CG_OP_MKDIR,          /* mkdir(path, mode) */
    CG_OP_MKDIRAT,        /* mkdirat(dirfd, path, mode) */
    CG_OP_RMDIR,          /* rmdir(path) */
    CG_OP_CHMOD,          /* chmod(path, mode) */
    CG_OP_FCHMOD,         /* fchmod(fd, mode) */
    CG_OP_FCHMODAT,       /* fchmodat(dirfd, path, mode) and fchmodat2(.., flags) */
    CG_OP_CHOWN,          /* chown(path, uid, gid) */
    CG_OP_LCHOWN,         /* lchown(path, uid, gid) */
    CG_OP_FCHOWN,         /* fchown(fd, uid, gid) */
    CG_OP_FCHOWNAT,       /* fchownat(dirfd, path, uid, gid, flags) */
    CG_OP_LINK,           /* link(old, new) */
    CG_OP_LINKAT,         /* linkat(olddirfd, old, newdirfd, new, flags) */
    CG_OP_SYMLINK,        /* symlink(target, linkpath) */
    CG_OP_SYMLINKAT,      /* symlinkat(target, newdirfd, linkpath) */
    CG_OP_CHDIR,          /* chdir(path) */
    CG_OP_FCHDIR,         /* fchdir(fd) */
    CG_OP_CLOSE,          /* close(fd) */
    CG_OP_CLOSE_RANGE,    /* close_range(first, last, flags) */
    CG_OP_DUP,            /* dup(fd) */
    CG_OP_DUP2,           /* dup2(old, new) */
    CG_OP_DUP3,           /* dup3(old, new, flags) */
    CG_OP_FCNTL,          /* fcntl(fd, cmd, arg) */
    CG_OP_PIPE,           /* pipe(fds) / pipe2(fds, flags): addr holds the two int fds */
    CG_OP_SOCKET,         /* socket(family, type, protocol) */
    CG_OP_SOCKETPAIR,     /* socketpair(family, type, protocol, fds): addr holds the two int fds */
    CG_OP_CONNECT,        /* connect(fd, addr, len): addr holds the sockaddr */
    CG_OP_BIND,           /* bind(fd, addr, len): addr holds the sockaddr */
    CG_OP_ACCEPT,         /* accept/accept4(fd, ...): ret is the new fd, addr the peer (read in-kernel) */
    CG_OP_KILL,           /* kill(pid, sig) */
    CG_OP_TKILL,          /* tkill(tid, sig) */
    CG_OP_TGKILL,         /* tgkill(tgid, tid, sig) */
    CG_OP_INIT_MODULE,    /* init_module(image, len, params) */
    CG_OP_FINIT_MODULE,   /* finit_module(fd, params, flags) */
    CG_OP_DELETE_MODULE,  /* delete_module(name, flags): str1 is the name */
    CG_OP_EXECVE,         /* a failed execve(path, ...): successful ones arrive as CG_KIND_EXEC */
    CG_OP_EXECVEAT,       /* a failed execveat(dirfd, path, ...) */
    CG_OP_SENDTO,         /* sendto(fd, buf, len, flags, addr, addrlen) with an address: addr holds it */
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

/* aggregated reads/writes/sends/recvs on one fd, flushed when the fd is closed or reused,
 * at exec and at exit */
struct cg_io {
    struct cg_header h;
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

#endif /* CHANGEGRAPH_H */
