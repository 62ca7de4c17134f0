#!/usr/bin/env bash
# Installs podman (+ runc, catatonit, busybox-static), configures it for this
# machine (root, cgroup v1/cgroupfs, no registry access), imports a local
# busybox image built from busybox-static, and starts a Docker-compatible API
# service on a unix socket. Idempotent. Prints the socket path as the last
# stdout line.
#
# Env:
#   MCPD_TEST_PODMAN_SOCK  socket path (default /run/mcpd-test/podman.sock)
#   MCPD_PODMAN_STORAGE_DRIVER  force a storage driver (overlay|vfs); default:
#                          overlay if it works on this machine, else vfs.
set -euo pipefail

SOCK="${MCPD_TEST_PODMAN_SOCK:-/run/mcpd-test/podman.sock}"
RUN_DIR="/run/mcpd-test"
PID_FILE="$RUN_DIR/podman.pid"
LOG_FILE="$RUN_DIR/podman-service.log"
IMAGE="localhost/mcpd-busybox:latest"

log() { echo "setup-podman: $*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

# --- 1. packages ------------------------------------------------------------
need_pkgs=()
for p in podman runc catatonit busybox-static curl; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    need_pkgs+=("$p")
  fi
done
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  log "installing ${need_pkgs[*]} (apt-get)"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${need_pkgs[@]}" >&2
else
  log "packages already installed"
fi

# --- 2. configuration ---------------------------------------------------------
$SUDO mkdir -p /etc/containers "$RUN_DIR"

HARD_NOFILE="$(ulimit -Hn)"
if [ "$HARD_NOFILE" = "unlimited" ]; then HARD_NOFILE=1048576; fi
CATATONIT="$(command -v catatonit || echo /usr/bin/catatonit)"

write_if_changed() { # path, content on stdin
  local path="$1" tmp
  tmp="$(mktemp)"
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    return 1
  fi
  $SUDO install -m 0644 "$tmp" "$path"
  rm -f "$tmp"
  log "wrote $path"
  return 0
}

conf_changed=0
write_if_changed /etc/containers/containers.conf <<EOF && conf_changed=1 || true
# Written by mcpd scripts/setup-podman.sh
[containers]
default_ulimits = ["nofile=${HARD_NOFILE}:${HARD_NOFILE}", "nproc=4096:4096"]
init_path = "${CATATONIT}"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF

# No registries are reachable: don't try short-name resolution against any.
write_if_changed /etc/containers/registries.conf <<'EOF' && conf_changed=1 || true
# Written by mcpd scripts/setup-podman.sh (no registry access on this machine)
unqualified-search-registries = []
short-name-mode = "permissive"
EOF

if [ ! -f /etc/containers/policy.json ]; then
  write_if_changed /etc/containers/policy.json <<'EOF' || true
{ "default": [ { "type": "insecureAcceptAnything" } ] }
EOF
fi

# Storage driver: keep whatever storage.conf says once written; otherwise
# probe overlay (fast) and fall back to vfs.
overlay_works() {
  local d
  d="$(mktemp -d /var/tmp/mcpd-ovl.XXXXXX)"
  mkdir -p "$d/l" "$d/u" "$d/w" "$d/m"
  if $SUDO mount -t overlay overlay -o "lowerdir=$d/l,upperdir=$d/u,workdir=$d/w" "$d/m" 2>/dev/null; then
    $SUDO umount "$d/m"
    rm -rf "$d"
    return 0
  fi
  rm -rf "$d"
  return 1
}
if [ ! -f /etc/containers/storage.conf ] || [ -n "${MCPD_PODMAN_STORAGE_DRIVER:-}" ]; then
  driver="${MCPD_PODMAN_STORAGE_DRIVER:-}"
  if [ -z "$driver" ]; then
    if overlay_works; then driver=overlay; else driver=vfs; fi
  fi
  write_if_changed /etc/containers/storage.conf <<EOF && conf_changed=1 || true
# Written by mcpd scripts/setup-podman.sh
[storage]
driver = "${driver}"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
EOF
fi
log "storage driver: $(sed -n 's/^driver = "\(.*\)"/\1/p' /etc/containers/storage.conf)"

# --- 3. local busybox image (no registry) -------------------------------------
if $SUDO podman image exists "$IMAGE"; then
  log "image $IMAGE already present"
else
  log "building $IMAGE from busybox-static"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  root="$work/rootfs"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,proc,sys,dev,root,var,run}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  # Equivalent of `busybox --install -s`, but every applet lands in /bin.
  for app in $(/bin/busybox --list); do
    [ "$app" = busybox ] && continue
    ln -sf busybox "$root/bin/$app"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  tar -C "$root" -cf "$work/rootfs.tar" .
  $SUDO podman import \
    --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
    --change 'CMD ["/bin/sh"]' \
    "$work/rootfs.tar" "$IMAGE" >&2
  rm -rf "$work"
  trap - EXIT
fi

# --- 4. API service ---------------------------------------------------------
ping_ok() {
  [ -S "$SOCK" ] && [ "$(curl -s --max-time 2 --unix-socket "$SOCK" http://d/_ping 2>/dev/null || true)" = "OK" ]
}

# A service started from a directory that was deleted since (a CI clone removed and cloned again) answers _ping
# but cannot start containers ("conmon: Failed to get working directory"): restart it.
cwd_gone=0
if [ -f "$PID_FILE" ] && readlink "/proc/$(cat "$PID_FILE" 2>/dev/null)/cwd" 2>/dev/null | grep -q ' (deleted)$'; then
  log "our podman service runs in a deleted directory; restarting it"
  cwd_gone=1
fi

if ping_ok && [ "$conf_changed" -eq 0 ] && [ "$cwd_gone" -eq 0 ]; then
  log "podman service already answering on $SOCK"
else
  if [ -f "$PID_FILE" ]; then
    old="$(cat "$PID_FILE" 2>/dev/null || true)"
    if [ -n "$old" ] && kill -0 "$old" 2>/dev/null && \
       tr '\0' ' ' <"/proc/$old/cmdline" 2>/dev/null | grep -q 'podman system service'; then
      log "restarting our podman service (pid $old) to pick up new config"
      kill "$old" || true
      for _ in $(seq 1 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$PID_FILE"
  fi
  if ping_ok; then
    log "podman service (not started by us) already answering on $SOCK"
  else
    $SUDO mkdir -p "$(dirname "$SOCK")"
    rm -f "$SOCK"
    log "starting podman system service on $SOCK (log $LOG_FILE)"
    # From / so that the service (and every conmon it starts) outlives the directory this script ran in.
    (cd / && exec nohup setsid $SUDO podman system service --time=0 "unix://$SOCK" \
      </dev/null >>"$LOG_FILE" 2>&1) &
    echo $! >"$PID_FILE"
    for _ in $(seq 1 300); do
      ping_ok && break
      if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
        log "podman service exited; log follows"; tail -n 30 "$LOG_FILE" >&2 || true
        exit 1
      fi
      sleep 0.1
    done
    if ! ping_ok; then
      log "podman service did not answer _ping within 30 s; log follows"
      tail -n 30 "$LOG_FILE" >&2 || true
      exit 1
    fi
    log "podman service up (pid $(cat "$PID_FILE"))"
  fi
fi

echo "$SOCK"
