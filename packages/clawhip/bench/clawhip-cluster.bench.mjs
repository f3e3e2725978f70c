// `pnpm bench clawhip-cluster`: POST /event throughput of clawhip in cluster mode (the 202 waits for
// the JetStream publish ack) with one daemon and with three daemons sharing one nats-server, next to
// one daemon on the embedded file spool, in the same run. Delivery is unthrottled in every variant, so
// the daemons also deliver to a local webhook (its own process) while they take the load. Each round
// starts its servers fresh (a nats-server with a throwaway store for the cluster variants) and the
// rounds alternate. The load is 18 keep-alive connections in total: against three daemons, 6 each
// (three autocannon instances at once; req/s summed, p99 the worst of the three).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { alternatingRounds, EVENT_BODY, loadEvents, resultLine, startChild, stopChild, summary, WEBHOOK } from "./support.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "../dist/cli.js");
const NATS_SERVER = process.env.NATS_SERVER_BIN ?? "/usr/sbin/nats-server";
const DURATION = Number(process.env.CLAWHIP_BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.CLAWHIP_BENCH_ROUNDS ?? 3);
const CONNECTIONS = 18;

function freePort() {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePromise(port));
    });
  });
}

async function startNats(storeDir) {
  const port = await freePort();
  const child = spawn(NATS_SERVER, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  await new Promise((resolvePromise, reject) => {
    let log = "";
    child.once("error", (error) => reject(new Error(`cannot run ${NATS_SERVER} (scripts/setup-system.sh installs it): ${error.message}`)));
    child.once("exit", (code) => reject(new Error(`nats-server exited with ${code}: ${log}`)));
    child.stderr.on("data", (chunk) => {
      log += chunk;
      if (log.includes("Server is ready")) resolvePromise();
    });
  });
  child.removeAllListeners("exit");
  return { child, url: `nats://127.0.0.1:${port}` };
}

const webhook = await startChild(process.execPath, ["-e", WEBHOOK], "pipe");
const dir = mkdtempSync(join(tmpdir(), "clawhip-cluster-bench-"));
const route = `[[routes]]
event = "session.*"
filter = { tool = "omc" }
webhook = "${webhook.url}/api/webhooks/1/bench"

[delivery]
rate_per_sec = 1000000
rate_burst = 100000
`;

/** Loads the daemons at once, the connections split evenly; req/s summed, p99 the worst. */
async function loadAll(urls, duration) {
  const results = await Promise.all(urls.map((url) => loadEvents(url, CONNECTIONS / urls.length, duration)));
  return {
    rps: results.reduce((a, r) => a + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    bad: results.reduce((a, r) => a + r.bad, 0),
  };
}

let run = 0;
async function measure(name) {
  run += 1;
  const daemons = name === "cluster-3" ? 3 : 1;
  const nats = name === "spool" ? undefined : await startNats(join(dir, `nats-${run}`));
  const config = join(dir, `${name}-${run}.toml`);
  writeFileSync(config, nats ? `${route}\n[cluster]\nbackend = "nats"\nservers = ["${nats.url}"]\n` : route);
  const servers = [];
  try {
    for (let i = 0; i < daemons; i += 1) {
      servers.push(
        await startChild(process.execPath, [
          cli,
          "serve",
          "--port",
          "0",
          "--json",
          "--config",
          config,
          "--state-dir",
          join(dir, `state-${run}-${i}`),
        ]),
      );
    }
    const urls = servers.map((s) => s.url);
    await loadAll(urls, 1);
    return await loadAll(urls, DURATION);
  } finally {
    for (const server of servers) await stopChild(server.child);
    if (nats) await stopChild(nats.child);
  }
}

const names = ["spool", "cluster-1", "cluster-3"];
const { results, delivered } = await alternatingRounds(names, ROUNDS, measure, webhook);
rmSync(dir, { recursive: true, force: true });

const line = (label, s) => resultLine(label, 44, s);
console.log(
  `${CONNECTIONS} keep-alive connections in total, ${DURATION} s per round after a 1 s warm-up, ${ROUNDS} alternating rounds, ${EVENT_BODY.length}-byte OMC event`,
);
const spool = summary(results.spool);
console.log(line("1 daemon, file spool (baseline)", spool));
const labels = { "cluster-1": "1 daemon, cluster (JetStream publish ack)", "cluster-3": "3 daemons, cluster, one nats-server" };
for (const [name, label] of Object.entries(labels)) {
  const s = summary(results[name]);
  console.log(line(label, s));
  console.log(`  ratio ${(s.rps / spool.rps).toFixed(2)}× the file spool's req/s, p99 ${(s.p99 / Math.max(spool.p99, 0.1)).toFixed(2)}×`);
}
console.log(`deliveries received by the local webhook during the run: ${delivered}`);
