#!/usr/bin/env bash
# Installs what the TCP tests use: `ss` (iproute2) to see the kernel's keepalive timers (B-T4), `iptables` to make
# a peer vanish on loopback without a FIN or RST, and `openssl` for the TLS test's self-signed certificates. Idempotent. Where iptables cannot be changed
# (no root, no CAP_NET_ADMIN) that one test skips itself and says why.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

missing=()
command -v ss >/dev/null 2>&1 || missing+=(iproute2)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if ((${#missing[@]})); then
  echo "setup-network-tools: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v ss
command -v iptables
command -v openssl
