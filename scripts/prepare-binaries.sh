#!/usr/bin/env bash
# Installs etcd, containerd, runc and the image tools from Debian, and builds kube-apiserver,
# kube-controller-manager, kube-scheduler, the kubelet, kube-proxy and kubectl v1.20.2 from Debian's
# `kubernetes` source package, once per machine (kubectl, whose `apply -k` the install test runs, is
# not on every machine). The binaries are cached outside
# the repository (YUNBANG_CACHE, default ~/.cache/yunbang) so later runs start in seconds.
# Why from source: no binary package exists and only the npm registry and Debian are reachable.
set -euo pipefail

CACHE="${YUNBANG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/yunbang}"
BIN="$CACHE/kube-1.20.2/bin"
step() { printf '[prepare] %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated = 0 ]; then step "apt-get update"; $SUDO apt-get update -qq; apt_updated=1; fi
  step "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# nginx-light: the gateway's load balancer, run as a child process (never as the system service).
# pebble: an ACME test CA, for the gateway's ACME test (npm test only; small).
apt_install etcd-server openssl nginx-light pebble
# prometheus and prometheus-alertmanager: apps' metrics and alerts, run as child processes of the
# local stack and of the tests that need them (never as the system services the packages install).
apt_install prometheus prometheus-alertmanager
# The real node: containerd + runc run the pods, the CNI plugins give them a bridge, iptables serves
# kube-proxy; mmdebstrap + umoci make images from Debian's packages, docker-registry holds them,
# buildah is the local stand-in for Kaniko; iproute2 makes the node's network namespace.
apt_install containerd runc containernetworking-plugins iptables iproute2 mmdebstrap umoci \
  docker-registry buildah skopeo
# `prepare-binaries.sh packages`: the packages only (bootstrap.mjs then starts the images beside the compile).
if [ "${1:-}" = packages ]; then exit 0; fi

TARGETS="kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl"
# Only what is missing is compiled (a cache from before kubectl was added builds kubectl alone).
missing=""
for t in $TARGETS; do [ -x "$BIN/$t" ] || missing="$missing $t"; done
if [ -z "$missing" ]; then
  step "$TARGETS cached in $BIN"
  exit 0
fi
TARGETS="${missing# }"

step "building $TARGETS v1.20.2 from Debian's source package"
step "this happens once per machine and takes about 10 minutes on 2 cores"
if ! grep -rqs "deb-src" /etc/apt/sources.list.d/ /etc/apt/sources.list 2>/dev/null; then
  # The source entries are the machine's own `deb` entries with the type changed, so whatever mirror
  # this machine uses serves the sources too and no host is written into the repository.
  step "enabling Debian source packages (deb-src) from this machine's apt sources"
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      if [ -f "$f" ]; then sed -E 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' "$f"; echo; fi
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      if [ -f "$f" ]; then grep -E '^deb[[:space:]]' "$f" | sed -E 's/^deb[[:space:]]/deb-src /' || true; fi
    done
  } | $SUDO tee /etc/apt/sources.list.d/yunbang-debsrc.sources.tmp >/dev/null
  # One-line entries and deb822 stanzas cannot share a file: split them by format.
  tmp=/etc/apt/sources.list.d/yunbang-debsrc.sources.tmp
  if grep -qE '^deb-src ' "$tmp"; then
    grep -E '^deb-src ' "$tmp" | $SUDO tee /etc/apt/sources.list.d/yunbang-debsrc.list >/dev/null
  fi
  if grep -q '^Types:' "$tmp"; then
    grep -vE '^deb-src ' "$tmp" | $SUDO tee /etc/apt/sources.list.d/yunbang-debsrc.sources >/dev/null
  fi
  $SUDO rm -f "$tmp"
  apt_updated=0
fi
apt_install golang-go dpkg-dev rsync golang-github-modern-go-reflect2-dev
if [ $apt_updated = 0 ]; then $SUDO apt-get update -qq; fi

WORK="$CACHE/kube-build"
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"
step "downloading the kubernetes source package"
apt-get source --download-only kubernetes >/dev/null 2>&1
step "unpacking (applies Debian's patches)"
dpkg-source -x kubernetes_*.dsc src >/dev/null
cd src
mkdir -p .go/src/k8s.io && ln -sf ../../.. .go/src/k8s.io/kubernetes
# The vendored modern-go/reflect2 v1.0.1 crashes under Go >= 1.18 a few seconds after start
# (unexpected fault address in mapiternext); Debian's 1.0.2 works.
rm -rf vendor/github.com/modern-go/reflect2
cp -r /usr/share/gocode/src/github.com/modern-go/reflect2 vendor/github.com/modern-go/reflect2
rm -f vendor/github.com/modern-go/reflect2/go.mod
step "compiling (go build; progress below is make's own)"
mkdir -p "$WORK/home"
GOPATH="$PWD/.go" CGO_ENABLED=0 HOME="$WORK/home" GOFLAGS=-mod=vendor \
  make WHAT="$(for t in $TARGETS; do printf 'cmd/%s ' "$t"; done)" 2>&1 | sed -u 's/^/[prepare]   /'
mkdir -p "$BIN"
for t in $TARGETS; do cp "_output/bin/$t" "$BIN/"; done
cd "$CACHE"; rm -rf "$WORK"
step "cached in $BIN"
