// A real MCP client (the official TypeScript SDK) driving `mcpd serve --mcp` over stdio.
// Usage: node sdk-client.mjs <command> [args...]   (server env: MCPD_* variables of this process are passed on)
// Prints one JSON object with what it observed; exits non-zero if any step failed.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { EmptyResultSchema } from "@modelcontextprotocol/sdk/types.js";

const [command, ...args] = process.argv.slice(2);
const env = { ...getDefaultEnvironment() };
for (const [k, v] of Object.entries(process.env)) if (k.startsWith("MCPD_")) env[k] = v;

const report = { steps: {} };
const step = async (name, fn) => {
  const started = performance.now();
  try {
    report.steps[name] = { ok: true, ...(await fn()), ms: Math.round(performance.now() - started) };
  } catch (e) {
    report.steps[name] = { ok: false, error: String(e?.message ?? e), code: e?.code, ms: Math.round(performance.now() - started) };
  }
};

const transport = new StdioClientTransport({ command, args, env, stderr: "inherit" });
const client = new Client({ name: "mcpd-e2e-sdk", version: "1.0.0" });
await step("connect", async () => {
  await client.connect(transport);
  return { server: client.getServerVersion(), protocol: transport.protocolVersion ?? null };
});
await step("listTools", async () => ({ tools: (await client.listTools()).tools.map((t) => t.name) }));
await step("callDaemonStatus", async () => {
  const r = await client.callTool({ name: "daemon_status", arguments: {} });
  return { isError: r.isError ?? false, pid: r.structuredContent?.pid, clients: r.structuredContent?.clients?.length };
});
await step("ping", async () => ({ result: await client.ping() }));
await step("unknownMethod", async () => {
  try {
    await client.request({ method: "mcpd/no-such-method", params: {} }, EmptyResultSchema);
    return { rejected: false };
  } catch (e) {
    return { rejected: true, code: e.code, message: e.message };
  }
});
await step("unknownTool", async () => {
  const r = await client.callTool({ name: "no_such_tool", arguments: {} }).catch((e) => ({ thrown: e.code }));
  return { isError: r.isError ?? false, thrown: r.thrown ?? null, text: r.content?.[0]?.text ?? null };
});
const hasDiag = report.steps.listTools?.tools?.includes("diag_sleep");
if (hasDiag) {
  await step("progress", async () => {
    const seen = [];
    await client.callTool({ name: "diag_sleep", arguments: { millis: 450 } }, undefined, {
      onprogress: (p) => seen.push(p.progress),
    });
    const monotonic = seen.every((v, i) => i === 0 || v > seen[i - 1]);
    return { notifications: seen.length, monotonic };
  });
  await step("cancellation", async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort("test cancels"), 300);
    let aborted = false;
    try {
      await client.callTool({ name: "diag_sleep", arguments: { millis: 20000 } }, undefined, { signal: controller.signal });
    } catch (e) {
      aborted = true;
    }
    const abortMs = Math.round(performance.now() - started);
    const after = await client.callTool({ name: "diag_echo", arguments: { text: "still here" } });
    return { aborted, abortMs, afterText: after.content?.[0]?.text };
  });
}
await client.close();
console.log(JSON.stringify(report));
process.exit(Object.values(report.steps).every((s) => s.ok) ? 0 : 1);
