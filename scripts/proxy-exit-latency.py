#!/usr/bin/env python3
"""How long a proxy takes to exit once its host ends it (hosts report, section 3(b); ADR 0012).

Starts a daemon in a private state dir, then for each way a host ends its server (stdin EOF: Codex, opencode;
SIGTERM: Gemini, Codex; SIGINT: Claude Code) runs N proxies through bin/mcpd with a host's minimal environment:
initialize, one ping, then the ending; the time is from the ending to the proxy's exit as waitpid sees it.
Usage: scripts/proxy-exit-latency.py [runs per row, default 10]
"""
import json, os, signal, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MCPD = os.path.join(ROOT, "bin", "mcpd")
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
state = tempfile.mkdtemp(prefix="mcpd-exit-", dir="/tmp")
env = {k: os.environ[k] for k in ("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER") if k in os.environ}
env.update(MCPD_STATE_DIR=state, MCPD_ENGINES="diagnostics", MCPD_DAEMON_IDLE_TIMEOUT="60s")


def session():
    p = subprocess.Popen([MCPD, "serve", "--mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=ROOT)
    for i, (method, params) in enumerate([("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                                          "clientInfo": {"name": "exit-latency", "version": "1"}}),
                                          ("ping", None)], start=1):
        msg = {"jsonrpc": "2.0", "id": i, "method": method}
        if params:
            msg["params"] = params
        p.stdin.write((json.dumps(msg) + "\n").encode())
        p.stdin.flush()
        json.loads(p.stdout.readline())
    return p


def ended(how):
    p = session()
    begun = time.monotonic()
    if how == "stdin EOF":
        p.stdin.close()
    else:
        p.send_signal(signal.SIGTERM if how == "SIGTERM" else signal.SIGINT)
    os.waitpid(p.pid, 0)
    took = (time.monotonic() - begun) * 1000
    p.returncode = 0  # reaped above
    return took


try:
    subprocess.run([MCPD, "daemon", "start"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print("| proxy exit after | runs | median | p90 | max |")
    print("|---|---|---|---|---|")
    for how in ("stdin EOF", "SIGTERM", "SIGINT"):
        times = sorted(ended(how) for _ in range(RUNS))
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        print(f"| {how} | {RUNS} | {statistics.median(times):.0f} ms | {p90:.0f} ms | {times[-1]:.0f} ms |")
finally:
    subprocess.run([MCPD, "daemon", "stop"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
