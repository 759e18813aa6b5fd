-- The anti-flood gate's state that several instances on this database must share (Gate/GateState.cs,
-- Storage/Postgres/PostgresGateStore.cs). PostgreSQL only: on SQLite one process serves the board and
-- the gate keeps this in memory; SQLite's 0008 is PostgreSQL's 0009.
-- "gate" names the gate: 'posts' or 'reports'. Times are Unix seconds, as elsewhere.

-- One signing secret per gate and key rotation period: the first instance to need a period's key
-- writes one, every other reads it back. Periods before the previous are deleted.
CREATE TABLE gate_keys (
    gate text NOT NULL CHECK (gate IN ('posts', 'reports')),
    period bigint NOT NULL,
    secret bytea NOT NULL CHECK (length(secret) = 32),
    PRIMARY KEY (gate, period)
);

-- Tickets used once, on any instance, kept until they expire (then their signature check refuses them anyway).
CREATE TABLE gate_spent (
    gate text NOT NULL CHECK (gate IN ('posts', 'reports')),
    ticket text NOT NULL,
    expires bigint NOT NULL,
    PRIMARY KEY (gate, ticket)
);
CREATE INDEX gate_spent_expiry ON gate_spent (gate, expires);

-- Accepted posts and rejected attempts per slice of the gate's window (a thirtieth of it), added up
-- by every instance: the level is measured from these, the same everywhere. Old slices are deleted.
CREATE TABLE gate_counts (
    gate text NOT NULL CHECK (gate IN ('posts', 'reports')),
    tally text NOT NULL CHECK (tally IN ('accepted', 'rejected')),
    slice bigint NOT NULL,
    count bigint NOT NULL CHECK (count >= 0),
    PRIMARY KEY (gate, tally, slice)
);
