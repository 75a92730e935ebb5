-- The embedded store's schema in SQLite, at version 9 of db/migration (a new store starts here;
-- later versions get a script in each folder). Times are microseconds since the epoch (UTC), as
-- TIMESTAMP(6) keeps them elsewhere; BLOB for BYTEA; seq is the row id, given in insertion order.
CREATE TABLE jobs (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  max_attempts INTEGER NOT NULL,
  retry_exit_codes TEXT NOT NULL,
  worker_id TEXT,
  attempt INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  exit_code INTEGER,
  stdout BLOB,
  stderr BLOB,
  output_truncated BOOLEAN NOT NULL,
  error TEXT NOT NULL,
  stdout_bytes INTEGER NOT NULL,
  stderr_bytes INTEGER NOT NULL,
  cpu_time_millis INTEGER,
  peak_rss_bytes INTEGER,
  processes_killed INTEGER NOT NULL,
  wall_time_millis INTEGER,
  idempotency_key TEXT UNIQUE,
  fingerprint TEXT,
  owner TEXT,
  command_line TEXT
);
CREATE INDEX jobs_by_status ON jobs (status, seq);
CREATE INDEX jobs_by_finished_at ON jobs (finished_at);
CREATE INDEX jobs_by_owner ON jobs (owner, seq);

CREATE TABLE job_transitions (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  n INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  worker_id TEXT,
  attempt INTEGER NOT NULL,
  error TEXT NOT NULL,
  exit_code INTEGER,
  PRIMARY KEY (job_id, n)
) WITHOUT ROWID;

CREATE TABLE api_tokens (
  name TEXT NOT NULL,
  token_hash TEXT PRIMARY KEY,
  roles TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at INTEGER,
  expires_at INTEGER
);
CREATE INDEX api_tokens_by_name ON api_tokens (name);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  address TEXT NOT NULL,
  outcome TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE leader_lease (
  id INTEGER PRIMARY KEY,
  holder TEXT,
  incarnation TEXT,
  term INTEGER NOT NULL,
  cluster_address TEXT,
  since INTEGER,
  expires_at INTEGER
);
INSERT INTO leader_lease (id, term) VALUES (1, 0);

CREATE TABLE leader_fence (
  id INTEGER PRIMARY KEY,
  term INTEGER NOT NULL
);
INSERT INTO leader_fence (id, term) VALUES (1, 0);

CREATE TABLE masters (
  name TEXT PRIMARY KEY,
  api_address TEXT NOT NULL,
  cluster_address TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  seen_at INTEGER NOT NULL
);
