-- Several masters on one store: one leads (dispatches, follows tasks), the others stand by.

-- The lease: who leads, in which term, where workers reach it, until when (the database's clock).
CREATE TABLE leader_lease (
  id INT PRIMARY KEY,
  holder VARCHAR(255),
  incarnation VARCHAR(64),
  term BIGINT NOT NULL,
  cluster_address VARCHAR(255),
  since TIMESTAMP(6) WITH TIME ZONE,
  expires_at TIMESTAMP(6) WITH TIME ZONE
);
INSERT INTO leader_lease (id, term) VALUES (1, 0);

-- The fence: the newest term. Every job write of a leader reads it with a shared lock and is
-- refused when it names a newer term than the writer's; taking the lease updates it, which waits
-- for the writes under way. Apart from leader_lease, whose renewals would queue behind those locks.
CREATE TABLE leader_fence (
  id INT PRIMARY KEY,
  term BIGINT NOT NULL
);
INSERT INTO leader_fence (id, term) VALUES (1, 0);

-- Every master that checked in, for GET /api/v1/cluster.
CREATE TABLE masters (
  name VARCHAR(255) PRIMARY KEY,
  api_address VARCHAR(255) NOT NULL,
  cluster_address VARCHAR(255) NOT NULL,
  started_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  seen_at TIMESTAMP(6) WITH TIME ZONE NOT NULL
);

-- The workers as the leader last saw them (they register with the leader alone), so that every
-- master can list them. Replaced whole by the leader every few seconds.
CREATE TABLE worker_board (
  id VARCHAR(255) PRIMARY KEY,
  address VARCHAR(255) NOT NULL,
  http_url VARCHAR(2048) NOT NULL,
  max_tasks INT NOT NULL,
  executors VARCHAR(8000) NOT NULL,
  labels VARCHAR(16000) NOT NULL,
  registered_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  last_heartbeat_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
  active_tasks INT NOT NULL,
  in_flight INT NOT NULL,
  draining BOOLEAN NOT NULL,
  drain_requested BOOLEAN NOT NULL,
  unreachable BOOLEAN NOT NULL
);
