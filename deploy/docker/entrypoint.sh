#!/bin/bash
# The distexec images' entry point: what Liberty's configuration cannot work out by itself, then
# the base image's own entry point (Open Liberty's docker-server.sh), which starts the server.
set -euo pipefail

# A worker's Liberty pool starts enough threads for every slot's command (liberty/worker/server.xml).
if [ -n "${MAX_CONCURRENT_TASKS:-}" ] && [ -z "${EXECUTOR_THREADS:-}" ]; then
  export EXECUTOR_THREADS=$((4 * MAX_CONCURRENT_TASKS + 8))
fi

# The master's REST API over HTTPS from the PEM files of API_TLS_DIR, which its gRPC API reads too.
if [ -n "${API_TLS_DIR:-}" ] && [ -x /opt/distexec/api-tls/api-tls.sh ]; then
  /opt/distexec/api-tls/api-tls.sh /config "$API_TLS_DIR"
fi

exec /opt/ol/helpers/runtime/docker-server.sh "$@"
