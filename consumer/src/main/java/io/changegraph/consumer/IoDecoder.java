package io.changegraph.consumer;

import io.changegraph.repository.model.Event;
import io.changegraph.repository.model.FileRef;
import io.changegraph.repository.model.ObjectRef;
import io.changegraph.repository.model.ProcessNode;
import io.changegraph.repository.model.Verb;
import java.lang.foreign.StructLayout;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code cg_io}: reads and writes aggregated on one fd. Files (and devices) give read/write events,
 * sockets with a known peer give recv/send; pipes, anonymous inodes and sockets with no known peer
 * give none (there is no object to name).
 *
 * <p>The fd is looked up in the process's table; an entry counts only if it agrees with the kernel's
 * view (file type from {@code mode}, and the inode when both are known). Failing that, the entry last
 * closed at that fd number is taken if its inode is known and the same (the kernel flushes when an fd
 * is closed or reused, so the flush may follow the close). A regular file or device still unknown becomes
 * {@code <unresolved fd N inode I>}: visible, never a guess.
 */
final class IoDecoder implements RecordDecoder {
    static final int S_IFMT = 0170000;
    static final int S_IFSOCK = 0140000;
    static final int S_IFLNK = 0120000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 060000;
    static final int S_IFDIR = 040000;
    static final int S_IFCHR = 020000;
    static final int S_IFIFO = 010000;

    private final ProcessTable processes;
    private final EventEmitter events;

    IoDecoder(ProcessTable processes, EventEmitter events) {
        this.processes = processes;
        this.events = events;
    }

    @Override
    public StructLayout layout() {
        return WireLayouts.CG_IO;
    }

    @Override
    public void decode(RecordView record, RecordHeader header) {
        Counts reads = new Counts(record.u32(WireLayouts.IO_READS_AT),
                record.i64(WireLayouts.IO_READ_BYTES_AT), record.u32(WireLayouts.IO_READ_FAILED_AT));
        Counts writes = new Counts(record.u32(WireLayouts.IO_WRITES_AT),
                record.i64(WireLayouts.IO_WRITE_BYTES_AT), record.u32(WireLayouts.IO_WRITE_FAILED_AT));
        reads.check("read");
        writes.check("write");
        int fd = record.i32(WireLayouts.IO_FD_AT);
        long inode = record.i64(WireLayouts.IO_INODE_AT);
        int type = record.i32(WireLayouts.IO_MODE_AT) & S_IFMT;

        TrackedProcess process = processes.get(header.tgid(), 0);
        FdTable fds = process.fds();
        Optional<FdEntry> entry = fds.get(fd).filter(e -> agrees(e, type, inode))
                .or(() -> fds.lastClosed(fd).filter(e -> e.inode() != 0 && e.inode() == inode
                        && agrees(e, type, inode)));
        Instant time = events.time(header.tsNs());
        ProcessNode subject = process.node();
        if (entry.isPresent()) {
            FdEntry known = entry.get();
            switch (known.kind()) {
                case FILE -> emit(time, subject, known.path().ref(inode != 0 ? inode : known.inode()), reads, writes,
                        Verb.READ, Verb.WRITE);
                case SOCKET -> {
                    if (known.remote() != null) {
                        emit(time, subject, known.remote(), reads, writes, Verb.RECV, Verb.SEND);
                    }
                }
                case PIPE, OTHER -> { }
            }
        } else if (type == S_IFREG || type == S_IFCHR || type == S_IFBLK) {
            FileRef unknown = new FileRef("<unresolved fd " + fd + " inode " + inode + ">", inode, false);
            emit(time, subject, unknown, reads, writes, Verb.READ, Verb.WRITE);
        }
    }

    private void emit(Instant time, ProcessNode subject, ObjectRef object, Counts in, Counts out, Verb inVerb,
                      Verb outVerb) {
        if (in.calls() > 0) {
            events.emit(new Event(time, subject, inVerb, object, in.calls(), in.bytes(), in.failed(), null));
        }
        if (out.calls() > 0) {
            events.emit(new Event(time, subject, outVerb, object, out.calls(), out.bytes(), out.failed(), null));
        }
    }

    /** Does a table entry describe the file the kernel flushed? Mode 0 / inode 0 mean "not reported". */
    private static boolean agrees(FdEntry entry, int type, long inode) {
        if (entry.inode() != 0 && inode != 0 && entry.inode() != inode) {
            return false;
        }
        return switch (entry.kind()) {
            case FILE -> type == 0 || type == S_IFREG || type == S_IFCHR || type == S_IFBLK || type == S_IFDIR
                    || type == S_IFLNK;
            case SOCKET -> type == 0 || type == S_IFSOCK;
            case PIPE -> type == 0 || type == S_IFIFO;
            case OTHER -> true;
        };
    }

    private record Counts(long calls, long bytes, long failed) {
        void check(String what) {
            if (bytes < 0 || failed > calls) {
                throw new DroppedRecordException("impossible I/O counters", "I/O record with " + calls + " "
                        + what + "s, " + failed + " failed, " + bytes + " bytes");
            }
        }
    }
}
