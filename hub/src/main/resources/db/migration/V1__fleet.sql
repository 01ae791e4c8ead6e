-- The fleet hub's schema (docs/fleet.md, "Schema and storage"). Text columns that are matched with LIKE
-- (host and command globs) are COLLATE "C", so a btree index serves prefix patterns whatever the database's
-- locale, and sort order is byte order (deterministic).

-- every host that ever pushed; its identity is its client certificate's CN
CREATE TABLE hosts (
    host        text COLLATE "C" PRIMARY KEY,
    first_seen  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now()
);

-- one row per recorded session; id is unique fleet-wide (a host cannot write a session id another host owns)
CREATE TABLE sessions (
    host             text COLLATE "C" NOT NULL REFERENCES hosts (host),
    id               text COLLATE "C" NOT NULL,
    user_name        text NOT NULL,
    uid              integer NOT NULL CHECK (uid >= 0),
    command          jsonb NOT NULL,                  -- argv as a JSON array
    command_line     text COLLATE "C" NOT NULL,       -- argv joined by spaces (what --command GLOB matches)
    command_base     text COLLATE "C" NOT NULL,       -- the same with argv[0] cut to its file name (matched too)
    started          timestamptz NOT NULL,
    ended            timestamptz,
    state            text NOT NULL CHECK (state IN ('live', 'ended', 'interrupted')),
    record           jsonb NOT NULL,                  -- the agent's session record as pushed (pid, tty, counters...)
    summary          jsonb,                           -- latest changegraph-summary/v1 section, as pushed
    alerts           jsonb,                           -- latest alerts, as pushed
    next_seq         bigint NOT NULL DEFAULT 0 CHECK (next_seq >= 0),  -- events 0..next_seq-1 are held
    alerts_critical  integer NOT NULL DEFAULT 0,
    alerts_warning   integer NOT NULL DEFAULT 0,
    alerts_info      integer NOT NULL DEFAULT 0,
    behaviours       integer NOT NULL DEFAULT 0,
    updated          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (host, id),
    CONSTRAINT sessions_id_unique UNIQUE (id)
);
-- the fleet sessions list is newest first, optionally by host (exact or prefix glob), by owner uid, by user
CREATE INDEX sessions_started ON sessions (started DESC, host, id);
CREATE INDEX sessions_host_started ON sessions (host, started DESC);
CREATE INDEX sessions_uid_started ON sessions (uid, started DESC);
CREATE INDEX sessions_user_started ON sessions (user_name, started DESC);

-- the session journal: seq is the 0-based index of the event in the host's journal; the key makes a resend a no-op
CREATE TABLE events (
    host        text COLLATE "C" NOT NULL,
    session_id  text COLLATE "C" NOT NULL,
    seq         bigint NOT NULL CHECK (seq >= 0),
    event       jsonb NOT NULL,
    PRIMARY KEY (host, session_id, seq),
    FOREIGN KEY (host, session_id) REFERENCES sessions (host, id) ON DELETE CASCADE
);

-- the full changegraph/v1 document once the session ended: gzip-compressed JSON (see docs/fleet.md for why
-- not jsonb: measured on a real deploy graph)
CREATE TABLE graphs (
    host        text COLLATE "C" NOT NULL,
    session_id  text COLLATE "C" NOT NULL,
    encoding    text NOT NULL CHECK (encoding = 'gzip'),
    json_bytes  bigint NOT NULL,                      -- size of the JSON before compression
    graph       bytea NOT NULL,
    pushed      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (host, session_id),
    FOREIGN KEY (host, session_id) REFERENCES sessions (host, id) ON DELETE CASCADE
);
