package io.changegraph.control;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The operator's side of the control plane: hosts, push (to the fleet or staged for a group / host glob), promote,
 * history and rollback. Every write is one etcd transaction that also rewrites the channel's history key, so the
 * history is that key's revisions (lost only if the operator compacts etcd). The caller validates the text first:
 * nothing here parses rules or configuration.
 */
public final class Fleet implements AutoCloseable {
    /** History entries read at most (each is one etcd request). */
    static final int HISTORY_LIMIT = 200;

    private final Client client;
    private final KV kv;

    private Fleet(Client client) {
        this.client = client;
        this.kv = client.getKVClient();
    }

    public static Fleet connect(ControlSettings settings) {
        return new Fleet(EtcdConnection.open(settings));
    }

    /** Every registered host, sorted by name. */
    public List<HostStatus> hosts() {
        GetResponse r = EtcdConnection.await(kv.get(Keys.bytes(Keys.HOSTS),
                GetOption.builder().isPrefix(true).build()), "reading the hosts");
        List<HostStatus> hosts = new ArrayList<>();
        for (KeyValue k : r.getKvs()) {
            try {
                hosts.add(HostStatus.fromJson(Keys.text(k.getValue())));
            } catch (IOException e) {
                // a key some other writer left: not a host of ours
            }
        }
        hosts.sort(Comparator.comparing(HostStatus::host));
        return List.copyOf(hosts);
    }

    /**
     * Hosts registered a while ago that are not now (their agent stopped or died), newest sighting each, sorted by
     * name: read from the registry as it was 1, 3, 10, 30 ... 10,000 etcd revisions back (as far as etcd has not
     * compacted; a host that came and went between two of those readings is missed), keeping those last seen within
     * {@code within}.
     */
    public List<HostStatus> recentlyDown(java.time.Duration within) {
        GetOption prefix = GetOption.builder().isPrefix(true).withKeysOnly(true).build();
        GetResponse now = EtcdConnection.await(kv.get(Keys.bytes(Keys.HOSTS), prefix), "reading the hosts");
        java.util.Set<String> up = new java.util.HashSet<>();
        now.getKvs().forEach(k -> up.add(Keys.text(k.getKey())));
        long revision = now.getHeader().getRevision();
        java.time.Instant since = java.time.Instant.now().minus(within);
        java.util.Map<String, HostStatus> down = new java.util.TreeMap<>();
        long previous = revision;
        for (long back : new long[] {1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000}) {
            long at = Math.max(1, revision - back);
            if (at == previous) {
                break;
            }
            previous = at;
            GetResponse then;
            try {
                then = EtcdConnection.await(kv.get(Keys.bytes(Keys.HOSTS), GetOption.builder().isPrefix(true)
                        .withRevision(at).build()), "reading the hosts' history");
            } catch (FleetException e) {
                break;   // compacted: no older sightings
            }
            for (KeyValue k : then.getKvs()) {
                if (up.contains(Keys.text(k.getKey()))) {
                    continue;
                }
                try {
                    HostStatus h = HostStatus.fromJson(Keys.text(k.getValue()));
                    HostStatus known = down.get(h.host());
                    if (h.updated().isAfter(since) && (known == null || h.updated().isAfter(known.updated()))) {
                        down.put(h.host(), h);
                    }
                } catch (IOException e) {
                    // not a host of ours
                }
            }
        }
        return List.copyOf(down.values());
    }

    /**
     * Writes validated text: for the whole fleet (the default, ending any gray release) or staged for a target.
     *
     * @return the release as written, with its revision
     */
    public Release push(Channel c, String content, Target target, String who) {
        Release r = Release.of(content, who, "push", target);
        return write(c, r, target.isFleet() ? Keys.fleetDefault(c) : Keys.staged(c), target.isFleet(), null);
    }

    /** The staged release becomes the fleet's default. */
    public Release promote(Channel c, String who) {
        KeyValue staged = get(Keys.staged(c), 0).orElseThrow(() -> new FleetException("no " + c.word()
                + " are staged: push with --group or --hosts first (see fleet " + c.word() + " history)"));
        Release s = parse(staged, c);
        Release r = s.as("promote " + s.digest() + " from " + s.target(), Target.fleet(), who);
        return write(c, r, Keys.fleetDefault(c), true, staged);
    }

    /** The text written at revision {@code revision} (see {@link #history}) becomes the fleet's default again. */
    public Release rollback(Channel c, long revision, String who) {
        String notThere = "revision " + revision + " is not in the " + c.word() + " history: pick one from"
                + " 'changegraph fleet " + c.word() + " history'";
        Optional<KeyValue> at;
        try {
            at = get(Keys.history(c), revision);
        } catch (FleetException e) {
            if (e.getMessage().contains("future revision") || e.getMessage().contains("compacted")) {
                throw new FleetException(notThere + (e.getMessage().contains("compacted")
                        ? " (etcd has compacted it away)" : ""));
            }
            throw e;
        }
        KeyValue old = at.filter(k -> k.getModRevision() == revision).orElseThrow(() -> new FleetException(notThere));
        Release r = parse(old, c).as("rollback to " + revision, Target.fleet(), who);
        return write(c, r, Keys.fleetDefault(c), true, null);
    }

    /** Newest first: every push, promote and rollback still in etcd's history. */
    public List<HistoryEntry> history(Channel c) {
        List<HistoryEntry> list = new ArrayList<>();
        Optional<KeyValue> k = get(Keys.history(c), 0);
        while (k.isPresent() && list.size() < HISTORY_LIMIT) {
            KeyValue kv0 = k.get();
            list.add(HistoryEntry.of(parse(kv0, c)));
            long before = kv0.getModRevision() - 1;
            if (before < 1 || kv0.getVersion() <= 1) {
                break;
            }
            k = get(Keys.history(c), before);
        }
        return List.copyOf(list);
    }

    /** The fleet default and the staged release, when there are. */
    public List<Release> current(Channel c) {
        List<Release> list = new ArrayList<>();
        get(Keys.fleetDefault(c), 0).ifPresent(k -> list.add(parse(k, c)));
        get(Keys.staged(c), 0).ifPresent(k -> list.add(parse(k, c)));
        return List.copyOf(list);
    }

    private Release write(Channel c, Release r, String key, boolean clearStaged, KeyValue expectStaged) {
        ByteSequence value = Keys.bytes(r.toJson());
        List<Op> ops = new ArrayList<>();
        ops.add(Op.put(Keys.bytes(key), value, PutOption.DEFAULT));
        if (clearStaged) {
            ops.add(Op.delete(Keys.bytes(Keys.staged(c)), DeleteOption.DEFAULT));
        }
        ops.add(Op.put(Keys.bytes(Keys.history(c)), value, PutOption.DEFAULT));
        var txn = kv.txn();
        if (expectStaged != null) {
            txn = txn.If(new Cmp(Keys.bytes(Keys.staged(c)), Cmp.Op.EQUAL,
                    CmpTarget.modRevision(expectStaged.getModRevision())));
        }
        TxnResponse t = EtcdConnection.await(txn.Then(ops.toArray(Op[]::new)).commit(), "writing the " + c.word());
        if (!t.isSucceeded()) {
            throw new FleetException("the staged " + c.word() + " changed while promoting: look at 'changegraph fleet "
                    + c.word() + " history' and promote again");
        }
        return r.withRevision(t.getHeader().getRevision());
    }

    private Optional<KeyValue> get(String key, long revision) {
        GetOption.Builder o = GetOption.builder();
        if (revision > 0) {
            o.withRevision(revision);
        }
        GetResponse r = EtcdConnection.await(kv.get(Keys.bytes(key), o.build()), "reading " + key);
        return r.getKvs().stream().findFirst();
    }

    private static Release parse(KeyValue k, Channel c) {
        try {
            return Release.fromJson(Keys.text(k.getValue()), k.getModRevision());
        } catch (IOException e) {
            throw new FleetException(Keys.text(k.getKey()) + " holds no changegraph " + c.word() + " release: "
                    + e.getMessage());
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
