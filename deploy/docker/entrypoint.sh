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

# Liberty 26 starts its LTPA service (mpMetrics brings the security features in) and logs the
# error CWWKS4118E at every start unless the LTPA keys have a password (open-liberty#34866).
# distexec uses no LTPA token: a random password, kept beside the keys in /output, quiets it.
if [ -z "${ltpa_keys_password:-}" ] && [ -z "${keystore_password:-}" ] && [ -w /output ]; then
  if [ ! -s /output/ltpa.password ]; then
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >/output/ltpa.password)
  fi
  ltpa_keys_password=$(cat /output/ltpa.password)
  export ltpa_keys_password
fi

exec /opt/ol/helpers/runtime/docker-server.sh "$@"
