/* Prints every record field's offset and size as compiled, for the Java layout test. */
#include <stddef.h>
#include <stdio.h>
#include "changegraph.h"

#define F(s, f) printf(#s "." #f "=%zu:%zu\n", offsetof(struct s, f), sizeof(((struct s *)0)->f))
#define S(s) printf(#s "=%zu\n", sizeof(struct s))

int main(void)
{
    S(cg_header); F(cg_header, ts_ns); F(cg_header, kind); F(cg_header, tgid); F(cg_header, tid); F(cg_header, size);
    S(cg_fork); F(cg_fork, h); F(cg_fork, child_start_ns); F(cg_fork, parent_start_ns); F(cg_fork, child_tgid);
    F(cg_fork, clone_flags_low);
    S(cg_exec); F(cg_exec, h); F(cg_exec, start_ns); F(cg_exec, uid); F(cg_exec, euid); F(cg_exec, gid);
    F(cg_exec, egid); F(cg_exec, args_total); F(cg_exec, filename_len); F(cg_exec, args_len); F(cg_exec, flags);
    F(cg_exec, reserved);
    S(cg_exit); F(cg_exit, h); F(cg_exit, start_ns); F(cg_exit, exit_code); F(cg_exit, reserved);
    S(cg_syscall); F(cg_syscall, h); F(cg_syscall, ret); F(cg_syscall, args); F(cg_syscall, inode);
    F(cg_syscall, op); F(cg_syscall, dev); F(cg_syscall, str1_len); F(cg_syscall, str2_len);
    F(cg_syscall, addr_len); F(cg_syscall, flags);
    S(cg_io); F(cg_io, h); F(cg_io, read_bytes); F(cg_io, write_bytes); F(cg_io, inode); F(cg_io, reads);
    F(cg_io, writes); F(cg_io, read_failed); F(cg_io, write_failed); F(cg_io, fd); F(cg_io, dev); F(cg_io, mode);
    F(cg_io, reserved);
    printf("CG_PATH_MAX=%d\nCG_ARGS_MAX=%d\nCG_ADDR_MAX=%d\n", CG_PATH_MAX, CG_ARGS_MAX, CG_ADDR_MAX);
    return 0;
}
