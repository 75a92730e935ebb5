-- Jobs and their history. Portable SQL for PostgreSQL and H2 (in PostgreSQL mode).
CREATE TABLE jobs (
  id VARCHAR(64) PRIMARY KEY,
  -- Insertion order: listings are newest first and page by it.
  seq BIGINT GENERATED ALWAYS AS IDENTITY NOT NULL UNIQUE,
  status VARCHAR(16) NOT NULL,
  -- The job's TaskSpec (distexec.v1, protobuf): what to run, stored as given.
  spec BYTEA NOT NULL,
  max_attempts INT NOT NULL,
  retry_exit_codes VARCHAR(1000) NOT NULL,
  worker_id VARCHAR(255),
  attempt INT NOT NULL,
  created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  started_at TIMESTAMP(6) WITH TIME ZONE,
  finished_at TIMESTAMP(6) WITH TIME ZONE,
  exit_code INT,
  stdout BYTEA,
  stderr BYTEA,
  output_truncated BOOLEAN NOT NULL,
  error VARCHAR(8000) NOT NULL,
  stdout_bytes BIGINT NOT NULL,
  stderr_bytes BIGINT NOT NULL,
  cpu_time_millis BIGINT,
  peak_rss_bytes BIGINT,
  processes_killed INT NOT NULL,
  wall_time_millis BIGINT,
  idempotency_key VARCHAR(255) UNIQUE,
  fingerprint VARCHAR(64)
);

CREATE INDEX jobs_by_status ON jobs (status, seq);
CREATE INDEX jobs_by_finished_at ON jobs (finished_at);

CREATE TABLE job_transitions (
  job_id VARCHAR(64) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  n INT NOT NULL,
  changed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  status VARCHAR(16) NOT NULL,
  worker_id VARCHAR(255),
  attempt INT NOT NULL,
  error VARCHAR(8000) NOT NULL,
  exit_code INT,
  PRIMARY KEY (job_id, n)
);
