#!/usr/bin/env bash
# Certificates for the mutual TLS between a master and its workers, from a CA of their own, and
# for the master's API when it serves TLS (role api).
#
#   scripts/cluster-certs.sh DIR ROLE:NAME...     e.g.  DIR master:master worker:worker-1 api:api
#                                                       DIR worker-pool:distexec-worker
#
# Makes DIR/ca.crt and DIR/ca.key (once; kept for later nodes), and for each node a folder
# DIR/NAME with tls.crt, tls.key and ca.crt: the layout of a Kubernetes TLS Secret, which is what
# CLUSTER_TLS_DIR names. Each certificate's CN is the node's name (a worker's WORKER_ID) and its
# subjectAltName holds its role, DNS:distexec-master or DNS:distexec-worker. An api certificate is
# a server's only: its subjectAltName is the names clients dial, DNS:localhost and IP:127.0.0.1, and
# those in API_TLS_NAMES (comma-separated, e.g. DNS:distexec.example.com). A worker-pool certificate
# is a worker certificate shared by workers named when they start (a Kubernetes Deployment's pods):
# its CN is NAME-*, and it speaks for any worker id that starts with NAME-. Existing node folders
# are left alone. For development and tests; a real cluster's CA is its own (e.g. cert-manager).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 DIR ROLE:NAME..." >&2; exit 2; }
command -v openssl >/dev/null || { echo "cluster-certs: needs openssl (Debian/Ubuntu: apt-get install openssl)" >&2; exit 1; }
DIR=$1; shift
mkdir -p "$DIR"
chmod 700 "$DIR"
if [ ! -s "$DIR/ca.crt" ]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -keyout "$DIR/ca.key" -out "$DIR/ca.crt" -subj "/CN=distexec cluster CA $(date +%s)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi
for node in "$@"; do
  role=${node%%:*} name=${node#*:}
  case "$role" in
    master|worker) names="DNS:distexec-$role" usage="serverAuth,clientAuth" cn=$name ;;
    worker-pool) names="DNS:distexec-worker" usage="serverAuth,clientAuth" cn="$name-*" ;;
    api) names="DNS:localhost,IP:127.0.0.1${API_TLS_NAMES:+,$API_TLS_NAMES}" usage="serverAuth" cn=$name ;;
    *) echo "cluster-certs: role must be master, worker, worker-pool or api, got '$role'" >&2; exit 2 ;;
  esac
  out=$DIR/$name
  [ -s "$out/tls.crt" ] && continue
  mkdir -p "$out"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$out/tls.key" -out "$out/tls.csr" -subj "/CN=$cn" 2>/dev/null
  openssl x509 -req -in "$out/tls.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial \
    -days 825 -out "$out/tls.crt" -extfile <(printf '%s\n' \
      "subjectAltName=$names" "extendedKeyUsage=$usage" \
      "keyUsage=critical,digitalSignature" "basicConstraints=CA:FALSE") 2>/dev/null
  rm -f "$out/tls.csr"
  cp "$DIR/ca.crt" "$out/ca.crt"
  chmod 600 "$out/tls.key"
done
