#!/usr/bin/env bash
# A local distexec cluster: one master (or several) and N workers as Open Liberty servers on 127.0.0.1.
#
#   scripts/local-cluster.sh up             build if needed, start the servers that are not running
#                                           (running ones are left alone), wait until ready
#   scripts/local-cluster.sh restart NAME   stop one server (master, worker-1, ...) and start it again
#   scripts/local-cluster.sh down           stop exactly the servers `up` started
#   scripts/local-cluster.sh status         each server with its PID and URL
#
# Settings (environment):
#   DISTEXEC_HOME          data, logs and the admin token, admin.token (default: .local-cluster/ in the
#                          checkout, git-ignored)
#   WORKERS                number of workers (default 2)
#   WORKER_JAVA_HOME       the JDK the workers run on (default: the newest Java 22+ under /usr/lib/jvm,
#                          else Liberty's default java; "system" for that one). On 22+ a worker
#                          starts tasks with posix_spawn through the FFM API instead of ProcessBuilder
#                          and setsid: a third of the CPU per process (issue 16)
#   MASTERS                number of masters (default 1). With 2 or more they share a PostgreSQL
#                          (started from Debian's binaries in DISTEXEC_HOME/postgres on PG_PORT,
#                          default 55432, unless STORE_URL names one): one leads, the others stand by
#                          and take over within LEADER_LEASE_SECONDS (default 5) when it goes.
#                          master-2, master-3, ... take the first master's ports plus 100, 200, ...
#                          unless MASTER_HTTP_PORTS, MASTER_GRPC_PORTS, MASTER_CLUSTER_PORTS and
#                          MASTER_MANAGEMENT_PORTS list them (space-separated, one per master)
#   MASTER_HTTP_PORT       master REST API port (default 9080)
#   MASTER_MANAGEMENT_PORT master health probes, /metrics and /openapi (default 9070)
#   MASTER_GRPC_PORT       master gRPC port, the client API (default 50051)
#   MASTER_CLUSTER_PORT    master's port for workers: registration, mutual TLS (default 50050)
#   WORKER_HTTP_PORTS      space-separated, one per worker (default 9081 9082 ...)
#   WORKER_GRPC_PORTS      space-separated, one per worker (default 50052 50053 ...)
#   READY_TIMEOUT          seconds to wait for readiness (default 120)
#   CLUSTER_TLS            1 (default): master and workers authenticate each other with mutual TLS,
#                          from a CA made in DISTEXEC_HOME/tls; 0: plaintext on loopback (benchmarks)
#   API_TLS                0 (default): the master's REST and gRPC API are plaintext, on loopback;
#                          1: both serve TLS with a certificate from the cluster CA (DISTEXEC_HOME/
#                          tls/api; more names in API_TLS_NAMES, e.g. DNS:my-host). bin/distctl
#                          trusts it by itself; curl needs --cacert DISTEXEC_HOME/api-ca.crt
#   FAST_START             1 (default): JIT flags that start the servers ~3x faster on small machines
#                          but lower their peak speed; 0 for long runs and benchmarks
#   PLUGINS_DIR            workers' executor plugins (default: DISTEXEC_HOME/plugins, holding the
#                          `script` executor built by this project)
#   STORE_URL              the master's job store: a JDBC URL (jdbc:postgresql://...) or `memory`;
#                          default: an embedded SQLite database in DISTEXEC_HOME/data, kept across `down`/`up`
#   STORE_USER, STORE_PASSWORD   database login for STORE_URL
#   JVM_ARGS               extra JVM options for every server (e.g. -Xlog:gc:file=/tmp/gc-%p.log)
#   Any master/worker setting (MAX_CONCURRENT_JOBS, HEARTBEAT_TIMEOUT_SECONDS, LOAD_BALANCER,
#   MAX_CONCURRENT_TASKS, HEARTBEAT_INTERVAL_SECONDS, DRAIN_GRACE_SECONDS, OUTPUT_CAP_BYTES,
#   COMMAND_ALLOWLIST, TASK_ENV_PASSTHROUGH, TASK_USER, TASK_ENV_ALLOW, ...) set in the environment is
#   passed to the servers.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOME_DIR=${DISTEXEC_HOME:-$ROOT/.local-cluster}
WLP=$ROOT/target/liberty/wlp
export WLP_USER_DIR=$HOME_DIR/usr
WORKERS=${WORKERS:-2}
MASTER_HTTP_PORT=${MASTER_HTTP_PORT:-9080}
MASTER_MANAGEMENT_PORT=${MASTER_MANAGEMENT_PORT:-$((MASTER_HTTP_PORT - 10))}
MASTER_GRPC_PORT=${MASTER_GRPC_PORT:-50051}
MASTER_CLUSTER_PORT=${MASTER_CLUSTER_PORT:-$((MASTER_GRPC_PORT - 1))}
# Unset, MASTERS is what the last `up` made (so that `down` and `status` see every master).
if [ -z "${MASTERS:-}" ]; then
  MASTERS=1
  while [ -d "$WLP_USER_DIR/servers/master-$((MASTERS + 1))" ]; do MASTERS=$((MASTERS + 1)); done
fi
PG_PORT=${PG_PORT:-55432}
# As root, PostgreSQL runs as the postgres user, which may not enter DISTEXEC_HOME (its owner's
# alone): its folder is then one of its own under /tmp, named after DISTEXEC_HOME.
if [ "$(id -u)" = 0 ]; then
  PG_DIR=${PG_DIR:-/tmp/distexec-postgres-$(printf '%s' "$HOME_DIR" | md5sum | cut -c1-8)}
else
  PG_DIR=${PG_DIR:-$HOME_DIR/postgres}
fi
# The database login's password: made once, kept in DISTEXEC_HOME (its user's alone), because a
# task running as another user on this machine reaches 127.0.0.1 too.
PG_PASSWORD_FILE=$HOME_DIR/postgres.password
READY_TIMEOUT=${READY_TIMEOUT:-120}
PASS_THROUGH=(MAX_CONCURRENT_JOBS HEARTBEAT_TIMEOUT_SECONDS HEARTBEAT_INTERVAL_SECONDS LOAD_BALANCER LOG_LEVEL
  MAX_CONCURRENT_TASKS DRAIN_GRACE_SECONDS OUTPUT_CAP_BYTES COMMAND_ALLOWLIST TASK_ENV_PASSTHROUGH SCRIPT_DIR
  STORE_URL STORE_USER STORE_PASSWORD STORE_POOL_SIZE JOB_RETENTION_HOURS EXECUTOR_THREADS
  MAX_JOB_SPEC_BYTES DEFAULT_TIMEOUT_SECONDS MAX_TIMEOUT_SECONDS JVM_ARGS TASK_USER TASK_ENV_ALLOW TASK_DIR
  TOKENS_FILE ALLOWED_ORIGINS ALLOWED_HOSTS MP_JWT_VERIFY_PUBLICKEY_LOCATION MP_JWT_VERIFY_ISSUER
  MP_JWT_VERIFY_AUDIENCES LEADER_LEASE_SECONDS LEADER_ELECTION LEADER_LEASE_NAME POD_NAMESPACE KUBECONFIG
  SCALER SCALER_DEPLOYMENT SCALER_INTERVAL_SECONDS SCALER_MIN_WORKERS SCALER_MAX_WORKERS SCALER_MAX_STEP_OUT
  SCALER_MAX_STEP_IN SCALER_OUT_WINDOW_SECONDS SCALER_IN_WINDOW_SECONDS SCALER_IDLE_SECONDS SCALER_SLOTS_PER_WORKER)
# A worker's Liberty pool must start enough threads for every slot's command (see liberty/worker/server.xml).
if [ -n "${MAX_CONCURRENT_TASKS:-}" ] && [ -z "${EXECUTOR_THREADS:-}" ]; then
  EXECUTOR_THREADS=$((4 * MAX_CONCURRENT_TASKS + 8))
fi
SCRIPT_PLUGIN=$ROOT/executor-script/target/distexec-executor-script.jar
read -r -a WORKER_HTTP <<<"${WORKER_HTTP_PORTS:-$(seq -s ' ' $((MASTER_HTTP_PORT + 1)) $((MASTER_HTTP_PORT + WORKERS)))}"
read -r -a WORKER_GRPC <<<"${WORKER_GRPC_PORTS:-$(seq -s ' ' $((MASTER_GRPC_PORT + 1)) $((MASTER_GRPC_PORT + WORKERS)))}"

log() { printf '%s\n' "$*" >&2; }
die() { log "local-cluster: $*"; exit 1; }

masters() { echo master; for i in $(seq 2 "$MASTERS"); do echo "master-$i"; done; }
servers() { masters; for i in $(seq 1 "$WORKERS"); do echo "worker-$i"; done; }
is_master() { [ "${1%%-*}" = master ]; }
# master-N's ports: the Nth of MASTER_*_PORTS, or the first master's plus 100 * (N - 1).
read -r -a M_HTTP <<<"${MASTER_HTTP_PORTS:-}"
read -r -a M_GRPC <<<"${MASTER_GRPC_PORTS:-}"
read -r -a M_CLUSTER <<<"${MASTER_CLUSTER_PORTS:-}"
read -r -a M_MANAGEMENT <<<"${MASTER_MANAGEMENT_PORTS:-}"
master_index() { if [ "$1" = master ]; then echo 0; else echo $((${1#master-} - 1)); fi; }
# master_port LIST-NAME BASE NAME
master_port() {
  local -n list=$1
  local i; i=$(master_index "$3")
  echo "${list[$i]:-$(($2 + i * 100))}"
}
http_port() { if is_master "$1"; then master_port M_HTTP "$MASTER_HTTP_PORT" "$1"; else echo "${WORKER_HTTP[$((${1#worker-} - 1))]}"; fi; }
# The port of a server's health probes: the master's management port, a worker's only HTTP port.
probe_port() { if is_master "$1"; then master_port M_MANAGEMENT "$MASTER_MANAGEMENT_PORT" "$1"; else http_port "$1"; fi; }
grpc_port() { if is_master "$1"; then master_port M_GRPC "$MASTER_GRPC_PORT" "$1"; else echo "${WORKER_GRPC[$((${1#worker-} - 1))]}"; fi; }
cluster_port() { master_port M_CLUSTER "$MASTER_CLUSTER_PORT" "$1"; }
# Every master's cluster port, for the workers: they go to whichever leads.
cluster_addresses() { for m in $(masters); do printf '127.0.0.1:%s\n' "$(cluster_port "$m")"; done | paste -sd, -; }
# (grep reads everything: with -q it would stop early, and pipefail would fail on the SIGPIPE.)
is_server() { servers | grep -x -- "$1" >/dev/null; }

build_if_needed() {
  local master_war=$ROOT/master-war/target/distexec-master.war worker_war=$ROOT/worker-war/target/distexec-worker.war
  if [ -x "$WLP/bin/server" ] && [ -f "$master_war" ] && [ -f "$worker_war" ] && [ -f "$SCRIPT_PLUGIN" ] \
    && compgen -G "$ROOT/master-war/target/liberty-lib/kubernetes/client-java-*.jar" >/dev/null; then return; fi
  log "building distexec (first run: downloads dependencies and the Liberty runtime, a few minutes)..."
  (cd "$ROOT" && ./mvnw -q -B install -DskipTests) || die "build failed; run ./mvnw install -DskipTests to see why"
}

# The admin token: made once, kept in DISTEXEC_HOME (readable by this user only), handed to the
# master as ADMIN_TOKEN_FILE. bin/distctl and the Java client's Credentials find it there.
ADMIN_TOKEN_FILE=$HOME_DIR/admin.token
ensure_admin_token() {
  # The cluster's folder (data, keys, token, logs) is its user's alone: tasks of a root worker run
  # as TASK_USER and must not read the store or the keys.
  mkdir -p "$HOME_DIR" && chmod 700 "$HOME_DIR"
  [ -s "$ADMIN_TOKEN_FILE" ] && return
  (umask 077 && printf 'dxt_%s\n' "$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')" >"$ADMIN_TOKEN_FILE")
  log "made the admin token: $ADMIN_TOKEN_FILE"
}
# The cluster's own CA and a certificate per server (scripts/cluster-certs.sh): master and workers
# authenticate each other with mutual TLS even on one machine.
TLS_DIR=$HOME_DIR/tls
ensure_certs() {
  local nodes=()
  for m in $(masters); do nodes+=("master:$m"); done
  if [ "${API_TLS:-0}" = 1 ]; then nodes+=(api:api); fi
  for i in $(seq 1 "$WORKERS"); do nodes+=("worker:worker-$i"); done
  "$ROOT/scripts/cluster-certs.sh" "$TLS_DIR" "${nodes[@]}" || die "could not make the cluster certificates"
  # The CA clients trust for the API: present exactly while the API serves TLS (bin/distctl uses it).
  if [ "${API_TLS:-0}" = 1 ]; then cp "$TLS_DIR/ca.crt" "$HOME_DIR/api-ca.crt"; else rm -f "$HOME_DIR/api-ca.crt"; fi
}
# The API's base URL, and curl's options to reach it.
api_url() {
  local port; port=$(http_port "${1:-master}")
  if [ "${API_TLS:-0}" = 1 ]; then echo "https://127.0.0.1:$port"; else echo "http://127.0.0.1:$port"; fi
}
api_curl() { if [ "${API_TLS:-0}" = 1 ]; then curl --cacert "$HOME_DIR/api-ca.crt" "$@"; else curl "$@"; fi; }

# api_tls SERVER_DIR: the REST API over HTTPS from the same files the gRPC API uses (API_TLS_DIR):
# liberty/master/api-tls/api-tls.sh makes Liberty's keystore and the drop-in that turns the HTTP
# port into an HTTPS one.
api_tls() {
  "$ROOT/liberty/master/api-tls/api-tls.sh" "$1" "$TLS_DIR/api" || die "could not give the API its TLS"
}
tls_setting() { [ "${CLUSTER_TLS:-1}" = 0 ] || echo "CLUSTER_TLS_DIR=$TLS_DIR/$1"; }
auth_header() { printf 'Authorization: Bearer %s' "$(cat "$ADMIN_TOKEN_FILE")"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# create_server NAME KIND(master|worker) WAR ENV-LINES...
create_server() {
  local name=$1 kind=$2 war=$3; shift 3
  local dir=$WLP_USER_DIR/servers/$name
  # What a previous configuration added (the API's TLS) goes; this one's settings decide anew.
  rm -rf "$dir/configDropins" "$dir/resources/security/api.p12"
  mkdir -p "$dir/apps"
  cp "$ROOT/liberty/$kind/"*.xml "$dir/"
  if [ "${FAST_START:-1}" = 1 ]; then
    cat "$ROOT/liberty/jvm.options" "$ROOT/liberty/jvm-fast-start.options" >"$dir/jvm.options"
  else
    cp "$ROOT/liberty/jvm.options" "$dir/jvm.options"
  fi
  # A kind's own options (liberty/worker/jvm.options) come after the shared ones.
  if [ -f "$ROOT/liberty/$kind/jvm.options" ]; then
    cat "$ROOT/liberty/$kind/jvm.options" >>"$dir/jvm.options"
  fi
  cp "$war" "$dir/apps/"
  # The master's Kubernetes client, a library beside its WAR (liberty/master/master-runtime.xml).
  if [ "$kind" = master ]; then
    rm -rf "$dir/lib/kubernetes" && mkdir -p "$dir/lib/kubernetes"
    cp "$ROOT/master-war/target/liberty-lib/kubernetes/"*.jar "$dir/lib/kubernetes/"
  fi
  # Liberty 26 starts its LTPA service (mpMetrics brings the security features in) and logs the
  # error CWWKS4118E at every start unless the LTPA keys have a password (open-liberty#34866).
  # distexec uses no LTPA token: a random password per server, kept with it, quiets the error.
  [ -s "$dir/ltpa.password" ] || (umask 077 && openssl rand -hex 24 >"$dir/ltpa.password")
  # Written unreadable to others from the start: it may hold STORE_PASSWORD and holds the above.
  (
    umask 077
    {
      printf '%s\n' "$@"
      for var in "${PASS_THROUGH[@]}"; do
        if [ -n "${!var:-}" ]; then printf '%s=%s\n' "$var" "${!var}"; fi
      done
      printf 'ltpa_keys_password=%s\n' "$(cat "$dir/ltpa.password")"
    } >"$dir/server.env"
  )
  chmod 600 "$dir/server.env" # an older file keeps its mode on rewrite
}

running_pid() {
  local pid_file=$WLP_USER_DIR/servers/.pid/$1.pid
  [ -f "$pid_file" ] || return 1
  local pid; pid=$(cat "$pid_file")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

wait_ready() {
  local name=$1 port=$2 deadline=$((SECONDS + READY_TIMEOUT))
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health/ready" 2>/dev/null; do
    local log=$WLP_USER_DIR/servers/$name/logs/messages.log
    if ! running_pid "$name" >/dev/null; then
      die "$name stopped while starting; see $log"
    fi
    # The application failed to start (a bad setting, a port in use): say why and stop waiting.
    local failure
    # (|| true: no match is the normal case, and must not end the script under set -e.)
    failure=$( (grep -h " E \(SRVE0283E\|CWWKZ0002E\|CWWKZ0004E\)" "$log" 2>/dev/null || true) | head -1 \
      | sed 's/.*Exception: //')
    if [ -n "$failure" ]; then
      die "$name's application did not start: $failure (see $log; '$0 down' stops the others)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      die "$name not ready after ${READY_TIMEOUT}s; see $WLP_USER_DIR/servers/$name/logs/messages.log"
    fi
    sleep 0.25
  done
}

# The store of several masters: a PostgreSQL of their own, from Debian's binaries (or PG_BIN), in
# DISTEXEC_HOME/postgres, made once and kept across down/up like the embedded store.
pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local v; v=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [ -n "$v" ] || die "MASTERS=$MASTERS needs PostgreSQL: install Debian's postgresql package, or set STORE_URL"
  echo "/usr/lib/postgresql/$v/bin"
}
# As root, PostgreSQL runs as the postgres user (it refuses root).
pg_run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
shared_store() { [ "$MASTERS" -gt 1 ] && [ -z "${STORE_URL:-}" ]; }
start_postgres() {
  shared_store || return 0
  local bin; bin=$(pg_bin)
  if [ -f "$PG_DIR/data/PG_VERSION" ] && [ ! -s "$PG_PASSWORD_FILE" ]; then
    # Left by a DISTEXEC_HOME that was deleted (as root the database lives outside it): start anew.
    pg_run "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    rm -rf "$PG_DIR" && mkdir -p "$PG_DIR" && chmod 700 "$PG_DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '+/=\n' >"$PG_PASSWORD_FILE")
    # initdb reads the password from a file of the server's user, removed at once.
    (umask 077 && cp "$PG_PASSWORD_FILE" "$PG_DIR/pw")
    if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR/pw"; fi
    pg_run "$bin/initdb" -D "$PG_DIR/data" -U distexec --auth=scram-sha-256 --pwfile="$PG_DIR/pw" -E UTF8 \
      >"$PG_DIR/initdb.log" 2>&1 || { rm -f "$PG_DIR/pw"; die "initdb failed; see $PG_DIR/initdb.log"; }
    rm -f "$PG_DIR/pw"
  fi
  export PGPASSWORD; PGPASSWORD=$(cat "$PG_PASSWORD_FILE")
  if pg_run "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then return 0; fi
  port_free "$PG_PORT" || die "port $PG_PORT (PostgreSQL) is in use; set PG_PORT"
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT for $MASTERS masters ..."
  pg_run "$bin/pg_ctl" -D "$PG_DIR/data" -w -t 60 -l "$PG_DIR/server.log" \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
    || die "PostgreSQL did not start; see $PG_DIR/server.log"
  # (runuser keeps PGPASSWORD: it is not a login shell.)
  pg_run "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U distexec -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'distexec'" | grep -q 1 \
    || pg_run "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U distexec distexec \
    || die "could not create the database"
}
stop_postgres() {
  [ -f "$PG_DIR/data/PG_VERSION" ] || return 0
  local bin; bin=$(pg_bin)
  if pg_run "$bin/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; then
    pg_run "$bin/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null
  fi
}
store_settings() {
  if shared_store; then
    echo "STORE_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/distexec"
    echo "STORE_USER=distexec"
    echo "STORE_PASSWORD=$(cat "$PG_PASSWORD_FILE")"
  fi
}

# configure NAME: writes the server's folder (its logs are kept)
configure() {
  local name=$1 plugins=${PLUGINS_DIR:-}
  if [ -z "$plugins" ]; then
    plugins=$HOME_DIR/plugins
    mkdir -p "$plugins" && cp "$SCRIPT_PLUGIN" "$plugins/"
  fi
  if is_master "$name"; then
    create_server "$name" master "$ROOT/master-war/target/distexec-master.war" \
      "HTTP_PORT=$(http_port "$name")" "MANAGEMENT_PORT=$(probe_port "$name")" "MASTER_ADDRESS=127.0.0.1:$(grpc_port "$name")" "DATA_DIR=$HOME_DIR/data" \
      "ADMIN_TOKEN_FILE=$ADMIN_TOKEN_FILE" "CLUSTER_ADDRESS=127.0.0.1:$(cluster_port "$name")" "MASTER_ID=$name" \
      "$(tls_setting "$name")" "$([ "${API_TLS:-0}" = 1 ] && echo "API_TLS_DIR=$TLS_DIR/api")" $(store_settings)
    if [ "${API_TLS:-0}" = 1 ]; then api_tls "$WLP_USER_DIR/servers/$name"; fi
  else
    local java_home; java_home=$(worker_java_home)
    create_server "$name" worker "$ROOT/worker-war/target/distexec-worker.war" \
      "HTTP_PORT=$(http_port "$name")" "WORKER_ID=$name" "WORKER_ADDRESS=127.0.0.1:$(grpc_port "$name")" \
      "MASTER_ADDRESS=$(cluster_addresses)" "PLUGINS_DIR=$plugins" "$(tls_setting "$name")" "$java_home"
    # On Java 22+ the worker calls posix_spawn through the FFM API, a restricted method the JDK warns
    # about unless native access is granted (not in the shared file: the images run on Java 17).
    if [ -n "$java_home" ]; then
      echo "--enable-native-access=ALL-UNNAMED" >>"$WLP_USER_DIR/servers/$name/jvm.options"
    fi
    class_archive "$name" "${java_home#JAVA_HOME=}"
  fi
}

# class_archive NAME JAVA_HOME: a worker on Java 19+ keeps the classes it loads (the JDK's, Liberty's,
# its WAR's: 12,000 of 12,850) in a class data sharing archive that the JVM writes when the server
# stops (once: ~7 s and 75 MB) and maps at every later start: a worker is ready in ~5 s instead of
# ~6.6 (issue 16). One archive for every worker of a build of the WAR on one JDK, in the user's cache
# (the tests' clusters share it too); a JVM whose archive is unusable runs without and writes a new
# one. Liberty's bootstrap agent must be off for the JVM to write it (start_server). The images get
# the same from OpenJ9's shared class cache, which Liberty's configure.sh fills at build.
class_archive() {
  local name=$1 java_home=$2 version key dir=${XDG_CACHE_HOME:-$HOME/.cache}/distexec/cds
  version=$(java_version "$java_home")
  [ -n "$version" ] && [ "$version" -ge 19 ] || return 0
  key=$(cat "$ROOT/worker-war/target/distexec-worker.war" "$java_home/release" | cksum | cut -d' ' -f1)
  mkdir -p "$dir"
  # The newest four archives stay (another checkout or JDK may use them); older ones go.
  find "$dir" -name 'worker-*.jsa' -printf '%T@ %p\n' | sort -rn | tail -n +5 | cut -d' ' -f2- | xargs -r -d '\n' rm -f
  printf '%s\n' "-XX:+AutoCreateSharedArchive" "-XX:SharedArchiveFile=$dir/worker-$key.jsa" \
    >>"$WLP_USER_DIR/servers/$name/jvm.options"
}

# start_server NAME: `server start`. Workers start without Liberty's bootstrap agent: it only feeds
# the HTTP and servlet metrics of a server whose HTTP serves probes, and with an agent the JVM
# refuses to write a class archive (class_archive). The masters keep it for their API's metrics.
start_server() {
  if is_master "$1"; then
    "$WLP/bin/server" start "$1"
  else
    WLP_SKIP_BOOTSTRAP_AGENT=1 "$WLP/bin/server" start "$1"
  fi
}

# java_version JAVA_HOME: the JDK's feature version (17, 25, ...) from its release file, or nothing.
java_version() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }

# worker_java_home: JAVA_HOME=... for the workers' server.env: WORKER_JAVA_HOME, else the newest
# Java 22+ under /usr/lib/jvm (its FFM API lets a worker start tasks with posix_spawn, a third of
# ProcessBuilder's cost per process), else nothing (Liberty's default java).
worker_java_home() {
  local home=${WORKER_JAVA_HOME:-} best=0 dir version
  if [ -z "$home" ]; then
    for dir in /usr/lib/jvm/*/; do
      version=$(java_version "$dir")
      if [ -n "$version" ] && [ "$version" -ge 22 ] && [ "$version" -gt "$best" ] && [ -x "$dir/bin/java" ]; then
        best=$version home=${dir%/}
      fi
    done
  fi
  if [ -n "$home" ] && [ "$home" != system ]; then echo "JAVA_HOME=$home"; fi
}

# start_and_wait NAME...: starts the servers at once, then waits until each is ready
start_and_wait() {
  log "starting $* in $HOME_DIR ..."
  local pids=()
  for name in "$@"; do
    start_server "$name" >"$HOME_DIR/$name.start.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { cat "$HOME_DIR"/*.start.log >&2; die "a server did not start"; }
  done
  for name in "$@"; do wait_ready "$name" "$(probe_port "$name")"; done
  # Ready workers have registered; wait until a master (the leader) lists all of them.
  local deadline=$((SECONDS + 30))
  until workers_listed; do
    [ $SECONDS -lt $deadline ] || die "the master does not list all $WORKERS workers"
    sleep 0.25
  done
}
workers_listed() {
  local m
  for m in $(masters); do
    running_pid "$m" >/dev/null || continue
    if [ "$(api_curl -fsS -H "$(auth_header)" "$(api_url "$m")/api/v1/workers" 2>/dev/null | grep -o '"id"' | wc -l)" -ge "$WORKERS" ]; then
      return 0
    fi
  done
  return 1
}

up() {
  [ "${#WORKER_HTTP[@]}" -ge "$WORKERS" ] && [ "${#WORKER_GRPC[@]}" -ge "$WORKERS" ] \
    || die "WORKER_HTTP_PORTS and WORKER_GRPC_PORTS need one port per worker ($WORKERS)"
  local to_start=()
  for name in $(servers); do
    if running_pid "$name" >/dev/null; then
      log "$name is running already: left alone"
    else
      to_start+=("$name")
    fi
  done
  if [ ${#to_start[@]} -eq 0 ]; then
    log "every server is running"
    status
    return
  fi
  for name in "${to_start[@]}"; do
    local ports=("$(http_port "$name")" "$(grpc_port "$name")")
    is_master "$name" && ports+=("$(cluster_port "$name")" "$(probe_port "$name")")
    for port in "${ports[@]}"; do
      port_free "$port" || die "port $port ($name) is in use; choose others (see the settings at the top of $0)"
    done
  done
  build_if_needed
  ensure_admin_token
  ensure_certs
  start_postgres
  local start=$SECONDS
  for name in "${to_start[@]}"; do
    rm -rf "${WLP_USER_DIR:?}/servers/$name"
    configure "$name"
  done
  start_and_wait "${to_start[@]}"
  # bin/distctl's default: every master's gRPC address, the first that answers is used.
  for m in $(masters); do printf '127.0.0.1:%s\n' "$(grpc_port "$m")"; done | paste -sd, - >"$HOME_DIR/masters"
  log "ready in $((SECONDS - start)) s"
  status
  cat >&2 <<MSG

Try it (every call needs a token; the admin token is in $ADMIN_TOKEN_FILE):
  bin/distctl run -- echo hello world
  curl -s$([ "${API_TLS:-0}" = 1 ] && echo " --cacert $HOME_DIR/api-ca.crt") -X POST $(api_url)/api/v1/jobs -H "Authorization: Bearer \$(cat $ADMIN_TOKEN_FILE)" \\
       -H 'Content-Type: application/json' -d '{"command":"echo","args":["hello","world"]}'
Watch it in a browser: $(api_url)/console/ (sign in with the token in $ADMIN_TOKEN_FILE)
Stop it:
  $0 down
MSG
}

restart() {
  local name=${1:-}
  is_server "$name" || die "restart which server? one of: $(servers | tr '\n' ' ')"
  build_if_needed
  ensure_admin_token
  ensure_certs
  start_postgres
  local start=$SECONDS
  if running_pid "$name" >/dev/null; then
    log "stopping $name ..."
    "$WLP/bin/server" stop "$name" >/dev/null 2>&1 || true
  fi
  configure "$name"
  start_and_wait "$name"
  log "$name ready in $((SECONDS - start)) s"
}

stop_servers() {
  for name in "$@"; do
    if running_pid "$name" >/dev/null; then
      "$WLP/bin/server" stop "$name" >/dev/null 2>&1 &
    fi
  done
  wait
}

down() {
  local any=0
  for name in $(servers); do running_pid "$name" >/dev/null && any=1; done
  # Workers first, so that they drain and deregister while the masters still answer.
  stop_servers $(servers | grep -v '^master')
  stop_servers $(masters)
  stop_postgres
  if [ $any = 1 ]; then log "stopped"; else log "nothing was running"; fi
}

status() {
  printf '%-10s %-8s %-9s %s\n' SERVER PID STATE URL
  for name in $(servers); do
    local pid state url="http://127.0.0.1:$(http_port "$name")"
    if is_master "$name"; then url=$(api_url "$name"); fi
    if pid=$(running_pid "$name"); then
      if curl -fsS -o /dev/null "http://127.0.0.1:$(probe_port "$name")/health/ready" 2>/dev/null; then
        state=ready
      else
        state=starting
      fi
    else
      pid=- state=stopped
    fi
    printf '%-10s %-8s %-9s %s\n' "$name" "$pid" "$state" "$url"
  done
  for m in $(masters); do
    echo "$m management (probes, /metrics, /openapi): http://127.0.0.1:$(probe_port "$m")"
    echo "$m gRPC: 127.0.0.1:$(grpc_port "$m") (workers: $(cluster_port "$m"), $([ "${CLUSTER_TLS:-1}" = 0 ] && echo plaintext || echo mutual TLS))"
  done
  if shared_store; then echo "store: PostgreSQL on 127.0.0.1:$PG_PORT ($PG_DIR)"; fi
  echo "logs: $WLP_USER_DIR/servers/<server>/logs/messages.log"
}

case "${1:-}" in
  up) up ;;
  restart) restart "${2:-}" ;;
  down) down ;;
  status) status ;;
  *) log "usage: $0 up|restart NAME|down|status"; exit 2 ;;
esac
