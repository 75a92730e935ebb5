#!/usr/bin/env bash
# Builds a real kube-apiserver (+ kube-controller-manager) v1.20.2 for tests, from Debian bookworm's
# `kubernetes` source package (full tree with vendor/), with Debian's Go; etcd comes from Debian's
# etcd-server. Everything arrives through apt; nothing else is downloaded.
# Usage: build-kube-apiserver.sh DIR   -> DIR/bin/{kube-apiserver,kube-controller-manager,etcd}
# Takes 6-15 minutes on 2 cores the first time; re-running with binaries in place returns at once.
# Also puts Debian's kubectl (kubernetes-client, the same 1.20) in DIR/bin, unpacked rather than
# installed, so it cannot clash with another kubectl on the machine.
# From ../shared/k8s of the workplace that set this project up; kept here so a fresh clone has it.
set -euo pipefail
W=${1:?usage: build-kube-apiserver.sh DIR}
mkdir -p "$W"/{apt/lists/partial,apt/archives/partial,src,bin}
W=$(cd "$W" && pwd)
if [ -x "$W/bin/kube-apiserver" ] && [ -e "$W/bin/etcd" ] && [ -x "$W/bin/kubectl" ]; then "$W/bin/kube-apiserver" --version; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q golang-go rsync golang-github-modern-go-reflect2-dev etcd-server >/dev/null
# A deb-src index in a private folder, on the same mirror as the system's own sources.
mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list)
echo "deb-src $mirror bookworm main" >"$W/apt/sources.list"
APTO="-o Dir::Etc::SourceList=$W/apt/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$W/apt/lists -o Dir::Cache::archives=$W/apt/archives"
apt-get $APTO update -q >/dev/null
if [ ! -x "$W/bin/kubectl" ]; then
  (cd "$W/apt/archives" && apt-get download -q kubernetes-client >/dev/null 2>&1 \
    && dpkg-deb -x kubernetes-client_*.deb "$W/kubectl-pkg" && cp "$W/kubectl-pkg/usr/bin/kubectl" "$W/bin/kubectl" \
    && rm -rf "$W/kubectl-pkg")
fi
if [ -x "$W/bin/kube-apiserver" ] && [ -e "$W/bin/etcd" ]; then "$W/bin/kube-apiserver" --version; exit 0; fi
cd "$W/src"
apt-get $APTO source --download-only -q kubernetes=1.20.5+really1.20.2-1.1+deb12u1 >/dev/null 2>&1
rm -rf k8s && dpkg-source -x kubernetes_1.20.5+really1.20.2-1.1+deb12u1.dsc k8s >/dev/null 2>&1
cd k8s
# Go >= 1.18 needs reflect2 >= 1.0.2; the vendored 1.0.1 panics on every POST with a map in its body.
rm -rf vendor/github.com/modern-go/reflect2 && mkdir -p vendor/github.com/modern-go/reflect2
cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go /usr/share/gocode/src/github.com/modern-go/reflect2/*.s vendor/github.com/modern-go/reflect2/
export GOFLAGS=-mod=vendor GOPROXY=off GOPATH="$W/gopath" HOME="$W/gopath"
export KUBE_GIT_VERSION=v1.20.2 KUBE_GIT_TREE_STATE=clean KUBE_GIT_COMMIT=debian
make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >"$W/make.log" 2>&1 || { tail -20 "$W/make.log"; exit 1; }
cp _output/bin/kube-apiserver _output/bin/kube-controller-manager "$W/bin/"
ln -sf "$(command -v etcd)" "$W/bin/etcd"
cd "$W" && rm -rf src/k8s
"$W/bin/kube-apiserver" --version
