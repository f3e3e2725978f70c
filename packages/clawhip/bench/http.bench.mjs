// HTTP POST /event throughput of the clawhip daemon (full path: parse, normalize, route, render,
// durable spool with fdatasync before the 202, background delivery to a local webhook) against a
// bare node:http server that only reads and parses the body; both in child processes, same run,
// same load generator (autocannon), alternating rounds.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "../dist/cli.js");
const DURATION = Number(process.env.CLAWHIP_BENCH_SECONDS ?? 5);
const CONNECTIONS = 16;

const BARE_SERVER = `
const { createServer } = require("node:http");
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    let status = 202;
    try { JSON.parse(Buffer.concat(chunks).toString("utf8")); } catch { status = 400; }
    const text = JSON.stringify({ ok: status === 202 });
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ url: "http://127.0.0.1:" + server.address().port })));
`;

function startChild(args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolvePromise({ child, url: JSON.parse(out.split("\n")[0]).url });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

let delivered = 0;
const webhook = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    delivered += 1;
    res.writeHead(204).end();
  });
});
await new Promise((r) => webhook.listen(0, "127.0.0.1", r));
const dir = mkdtempSync(join(tmpdir(), "clawhip-bench-"));
const configToml = (fsync) => `[daemon]
spool_fsync = ${fsync}

[[routes]]
event = "session.*"
filter = { tool = "omc" }
webhook = "http://127.0.0.1:${webhook.address().port}/api/webhooks/1/bench"

[delivery]
rate_per_sec = 1000000
rate_burst = 100000
`;
writeFileSync(join(dir, "fsync.toml"), configToml(true));
writeFileSync(join(dir, "nofsync.toml"), configToml(false));
// Ingress alone: the event matches no route and there is no default channel, so nothing is spooled
// or delivered (the daemon logs "not routed"); this isolates parse → normalize → route → render.
writeFileSync(join(dir, "ingress.toml"), '[[routes]]\nevent = "github.*"\nchannel = "unused"\n');

const body = JSON.stringify({
  type: "post-tool-use",
  payload: {
    timestamp: "2026-03-09T18:01:58.000Z",
    signal: { routeKey: "test.failed", toolName: "Bash", command: "pnpm vitest run", summary: "2 failed, 10 passed" },
    context: { sessionId: "issue-65", projectPath: "/repo/clawhip-worktrees/issue-65", projectName: "clawhip" },
  },
});

function load(url) {
  return new Promise((resolvePromise, reject) => {
    autocannon(
      {
        url: `${url}/event`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        connections: CONNECTIONS,
        duration: DURATION,
      },
      (error, result) => (error ? reject(error) : resolvePromise(result)),
    );
  });
}

const bare = await startChild(["-e", BARE_SERVER]);
const serve = (name) =>
  startChild([cli, "serve", "--port", "0", "--json", "--config", join(dir, `${name}.toml`), "--state-dir", join(dir, name)]);
const servers = { bare, fsync: await serve("fsync"), nofsync: await serve("nofsync"), ingress: await serve("ingress") };
const results = { bare: [], fsync: [], nofsync: [], ingress: [] };
try {
  for (const server of Object.values(servers)) await load(server.url);
  for (let round = 0; round < 2; round += 1) {
    for (const [name, server] of Object.entries(servers)) results[name].push(await load(server.url));
  }
} finally {
  for (const server of Object.values(servers)) server.child.kill();
  webhook.close();
}

const summary = (rs) => {
  const rps = rs.reduce((a, r) => a + r.requests.average, 0) / rs.length;
  const p50 = rs.reduce((a, r) => a + r.latency.p50, 0) / rs.length;
  const p99 = rs.reduce((a, r) => a + r.latency.p99, 0) / rs.length;
  const bad = rs.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0);
  return { rps, p50, p99, bad };
};
const b = summary(results.bare);
const line = (label, s) =>
  `${label} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  non-2xx/errors ${s.bad}`;
console.log(
  `${CONNECTIONS} keep-alive connections, ${DURATION} s per round, 2 rounds each (after a warm-up round), ${body.length}-byte OMC event`,
);
console.log(line("bare node:http (read + JSON.parse):         ", b));
for (const [name, label] of [
  ["fsync", "clawhip /event, spool fdatasync (default):  "],
  ["nofsync", "clawhip /event, spool_fsync = false:        "],
  ["ingress", "clawhip /event, ingress only (no delivery): "],
]) {
  const c = summary(results[name]);
  console.log(line(label, c));
  console.log(
    `  ratio ${(c.rps / b.rps).toFixed(2)}× the bare server's req/s (target ≥ 0.7×) ${c.rps / b.rps >= 0.7 ? "OK" : "UNDER TARGET"}`,
  );
}
console.log(`deliveries received by the local webhook during the run: ${delivered}`);
rmSync(dir, { recursive: true, force: true });
