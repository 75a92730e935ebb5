-- Authenticated callers: who submitted each job, the API tokens, and the audit trail.

-- The submitter's name; NULL for jobs stored before callers were authenticated.
ALTER TABLE jobs ADD COLUMN owner VARCHAR(255);
CREATE INDEX jobs_by_owner ON jobs (owner, seq);
-- Idempotency keys are scoped by owner now ("<length>:<owner>:<key>"), which makes them longer.
ALTER TABLE jobs ALTER COLUMN idempotency_key SET DATA TYPE VARCHAR(1024);

-- API tokens: only the SHA-256 of each secret is kept (the secret is shown once, at creation).
CREATE TABLE api_tokens (
  name VARCHAR(64) NOT NULL,
  token_hash CHAR(64) PRIMARY KEY,
  roles VARCHAR(255) NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  created_by VARCHAR(255) NOT NULL,
  revoked_at TIMESTAMP(6) WITH TIME ZONE
);
CREATE INDEX api_tokens_by_name ON api_tokens (name);

-- The audit trail: append-only, each entry chained to the one before by its hash (AuditChain).
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  actor VARCHAR(255) NOT NULL,
  action VARCHAR(64) NOT NULL,
  target VARCHAR(1024) NOT NULL,
  address VARCHAR(255) NOT NULL,
  outcome VARCHAR(1024) NOT NULL,
  prev_hash CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL
);
-- The chain's head, one row: appenders lock it, so entries are chained one after another even
-- with several masters on one database.
CREATE TABLE audit_head (
  id INT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash CHAR(64) NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
