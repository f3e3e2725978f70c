// HTTP POST /event throughput of the clawhip daemon (`clawhip serve`: parse, normalize, route,
// render, spool write before the 202, background delivery to a local webhook) against a bare
// node:http server that only reads and parses the body. Every server is a child process started
// fresh for each round (so a spool backlog from one round does not weigh on the next); rounds
// alternate between the servers, all loaded by the same autocannon settings in this process. The
// local webhook runs in its own child process so that delivering does not slow the load generator.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { alternatingRounds, EVENT_BODY, loadEvents, resultLine, startChild, stopChild, summary, WEBHOOK } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "../dist/cli.js");
const DURATION = Number(process.env.CLAWHIP_BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.CLAWHIP_BENCH_ROUNDS ?? 3);
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

const webhook = await startChild(process.execPath, ["-e", WEBHOOK], "pipe");
const dir = mkdtempSync(join(tmpdir(), "clawhip-bench-"));
const route = `[[routes]]
event = "session.*"
filter = { tool = "omc" }
webhook = "${webhook.url}/api/webhooks/1/bench"
`;
const variants = {
  // The shipped defaults: spool_fsync = "interval", and the default per-target rate limit (5/s, like
  // Discord's own), so the spool absorbs the burst and delivers it at the target's pace.
  default: route,
  always: `[daemon]\nspool_fsync = "always"\n\n${route}`,
  // Delivery unthrottled: clawhip also sends every accepted event to the webhook during the run.
  unthrottled: `${route}\n[delivery]\nrate_per_sec = 1000000\nrate_burst = 100000\n`,
};
for (const [name, toml] of Object.entries(variants)) writeFileSync(join(dir, `${name}.toml`), toml);

let run = 0;
async function measure(name) {
  run += 1;
  const server =
    name === "bare"
      ? await startChild(process.execPath, ["-e", BARE_SERVER])
      : await startChild(process.execPath, [
          cli,
          "serve",
          "--port",
          "0",
          "--json",
          "--config",
          join(dir, `${name}.toml`),
          "--state-dir",
          join(dir, `state-${run}`),
        ]);
  try {
    await loadEvents(server.url, CONNECTIONS, 1);
    return await loadEvents(server.url, CONNECTIONS, DURATION);
  } finally {
    await stopChild(server.child);
  }
}

// CLAWHIP_BENCH_VARIANTS=default,always picks variants (the bare baseline always runs).
const chosen = process.env.CLAWHIP_BENCH_VARIANTS?.split(",") ?? Object.keys(variants);
const names = ["bare", ...Object.keys(variants).filter((name) => chosen.includes(name))];
const { results, delivered } = await alternatingRounds(names, ROUNDS, measure, webhook);
rmSync(dir, { recursive: true, force: true });

const bare = summary(results.bare);
const line = (label, s) => resultLine(label, 46, s);
console.log(
  `${CONNECTIONS} keep-alive connections, ${DURATION} s per round after a 1 s warm-up, ${ROUNDS} alternating rounds, ${EVENT_BODY.length}-byte OMC event`,
);
console.log(line("bare node:http (read + JSON.parse)", bare));
const labels = {
  default: 'clawhip, defaults (spool_fsync = "interval")',
  always: 'clawhip, spool_fsync = "always"',
  unthrottled: "clawhip, defaults + unthrottled delivery",
};
for (const [name, label] of Object.entries(labels)) {
  if (!names.includes(name)) continue;
  const s = summary(results[name]);
  const ratio = s.rps / bare.rps;
  console.log(line(label, s));
  console.log(
    `  ratio ${ratio.toFixed(2)}× the bare server's ${bare.rps.toFixed(0)} req/s${name === "default" ? ` (target ≥ 0.7×) ${ratio >= 0.7 ? "OK" : "UNDER TARGET"}` : ""}`,
  );
}
console.log(`deliveries received by the local webhook during the run: ${delivered}`);
