# mcpd's gateway keeper (ADR 0016, decision 1). Started by the daemon in a session of its own, with a pipe from the
# daemon as stdin. It reads "watch <pgid>" and "forget <pgid>" lines. At end of input -- the daemon exited, however it
# died, SIGKILL included -- it ends every watched process group: SIGTERM, then SIGKILL once $2 seconds have passed
# (or at once when every group is gone), then SIGKILL to any process left whose environment carries
# MCPD_GATEWAY_SCOPE=$1 (a grandchild that left its group). POSIX sh; the /proc scan runs where /proc exists.
trap '' HUP INT
scope="$1"
grace="${2:-2}"
groups=" "
while IFS=' ' read -r verb pgid; do
    case "$pgid" in ''|*[!0-9]*) continue ;; esac
    case "$verb" in
        watch) groups="$groups$pgid " ;;
        forget) groups=$(printf '%s' "$groups" | sed "s/ $pgid / /g") ;;
    esac
done
for g in $groups; do kill -TERM -- "-$g" 2>/dev/null; done
ticks=0
while [ "$ticks" -lt $((grace * 10)) ]; do
    alive=0
    for g in $groups; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
    ticks=$((ticks + 1))
done
for g in $groups; do kill -KILL -- "-$g" 2>/dev/null; done
if [ -n "$scope" ] && [ -d /proc ]; then
    for environ in /proc/[0-9]*/environ; do
        pid=${environ#/proc/}
        pid=${pid%/environ}
        [ "$pid" = "$$" ] && continue
        if tr '\000' '\n' < "$environ" 2>/dev/null | grep -qx "MCPD_GATEWAY_SCOPE=$scope"; then
            kill -KILL "$pid" 2>/dev/null
        fi
    done
fi
