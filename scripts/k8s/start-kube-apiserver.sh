#!/usr/bin/env bash
# Starts etcd + kube-apiserver on loopback for tests; writes RUN_DIR/kubeconfig and PIDs.
# Usage: BIN_DIR=DIR/bin RUN_DIR=DIR/run [API_PORT=16443 ETCD_PORT=23790 CONTROLLER_MANAGER=1] start-kube-apiserver.sh
# CONTROLLER_MANAGER=1 also starts kube-controller-manager (Deployments get ReplicaSets and Pods,
# which stay Pending: there is no scheduler or kubelet. A test can play the kubelet by patching
# pods/status, e.g. Running with Ready true/false; on scale-in the ReplicaSet controller removes
# not-ready pods first. v1.20 ignores pod-deletion-cost, which Kubernetes honours from 1.22).
# Stop with: kill $(cat RUN_DIR/*.pid)
# Tokens: admin-token (system:masters); master-token (the distexec master's service account,
# system:serviceaccount:distexec:distexec-master, for RBAC tests).
# From ../shared/k8s of the workplace that set this project up; kept here so a fresh clone has it.
set -euo pipefail
BIN=${BIN_DIR:?BIN_DIR} R=${RUN_DIR:?RUN_DIR}
ETCD_PORT=${ETCD_PORT:-23790} API_PORT=${API_PORT:-16443}
mkdir -p "$R/certs"
[ -f "$R/sa.key" ] || openssl genrsa -out "$R/sa.key" 2048 2>/dev/null
openssl rsa -in "$R/sa.key" -pubout -out "$R/sa.pub" 2>/dev/null
printf '%s\n' "admin-token,admin,1,system:masters" \
  "master-token,system:serviceaccount:distexec:distexec-master,2,system:serviceaccounts" >"$R/tokens.csv"
"$BIN/etcd" --name test --data-dir "$R/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" \
  --initial-cluster "test=http://127.0.0.1:$((ETCD_PORT + 10))" >"$R/etcd.log" 2>&1 &
echo $! >"$R/etcd.pid"
"$BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" --insecure-port=0 \
  --cert-dir="$R/certs" --token-auth-file="$R/tokens.csv" --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$R/sa.pub" \
  --service-account-signing-key-file="$R/sa.key" --api-audiences=https://kubernetes.default.svc \
  --service-cluster-ip-range=10.96.0.0/24 --disable-admission-plugins=ServiceAccount >"$R/apiserver.log" 2>&1 &
echo $! >"$R/apiserver.pid"
for i in $(seq 1 60); do
  if curl -sk -H "Authorization: Bearer admin-token" "https://127.0.0.1:$API_PORT/readyz" 2>/dev/null | grep -q ok; then
    echo "kube-apiserver ready on https://127.0.0.1:$API_PORT after ${i}s"; break
  fi
  sleep 1
done
# The API server creates the "default" namespace shortly after it is ready: wait for it too.
for _ in $(seq 1 30); do
  curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer admin-token" \
    "https://127.0.0.1:$API_PORT/api/v1/namespaces/default" | grep -q 200 && break
  sleep 1
done
cat >"$R/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "https://127.0.0.1:$API_PORT", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: admin-token}}, {name: master-sa, user: {token: master-token}}]
contexts: [{name: admin, context: {cluster: test, user: admin}}, {name: master-sa, context: {cluster: test, user: master-sa, namespace: distexec}}]
current-context: admin
KC
if [ "${CONTROLLER_MANAGER:-0}" = 1 ]; then
  "$BIN/kube-controller-manager" --kubeconfig="$R/kubeconfig" --leader-elect=false \
    --controllers=deployment,replicaset,garbagecollector,namespace,serviceaccount-token,serviceaccount,disruption \
    --service-account-private-key-file="$R/sa.key" --root-ca-file="$R/certs/apiserver.crt" \
    --use-service-account-credentials=false --port=0 --secure-port=0 >"$R/controller-manager.log" 2>&1 &
  echo $! >"$R/controller-manager.pid"
  echo "kube-controller-manager started (log: $R/controller-manager.log)"
fi
