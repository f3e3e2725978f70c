// What the clawhip HTTP and cluster benchmarks share: the event they post, the load, the alternating
// rounds, the local webhook and the child processes that print their URL.
import { spawn } from "node:child_process";
import autocannon from "autocannon";

/** An OMC post-tool-use event as the benchmarks post it to /event. */
export const EVENT_BODY = JSON.stringify({
  type: "post-tool-use",
  payload: {
    timestamp: "2026-03-09T18:01:58.000Z",
    signal: { routeKey: "test.failed", toolName: "Bash", command: "pnpm vitest run", summary: "2 failed, 10 passed" },
    context: { sessionId: "issue-65", projectPath: "/repo/clawhip-worktrees/issue-65", projectName: "clawhip" },
  },
});

/** Posts EVENT_BODY to `<url>/event` over keep-alive connections for `duration` seconds. */
export function loadEvents(url, connections, duration) {
  return new Promise((resolvePromise, reject) => {
    autocannon(
      { url: `${url}/event`, method: "POST", headers: { "content-type": "application/json" }, body: EVENT_BODY, connections, duration },
      (error, result) =>
        error
          ? reject(error)
          : resolvePromise({
              rps: result.requests.average,
              p50: result.latency.p50,
              p99: result.latency.p99,
              bad: result.non2xx + result.errors + result.timeouts,
            }),
    );
  });
}

/**
 * Measures every variant once per round, rounds after each other (so machine noise hits every variant
 * alike); then asks the webhook child how many deliveries it received, and stops it.
 */
export async function alternatingRounds(names, rounds, measure, webhook) {
  const results = Object.fromEntries(names.map((name) => [name, []]));
  try {
    for (let round = 0; round < rounds; round += 1) {
      for (const name of names) results[name].push(await measure(name));
    }
  } finally {
    webhook.child.stdin.write("count\n");
  }
  const delivered = await new Promise((resolvePromise) => {
    webhook.child.stdout.once("data", (chunk) => resolvePromise(JSON.parse(String(chunk).split("\n")[0]).delivered));
  });
  await stopChild(webhook.child);
  return { results, delivered };
}

/** The mean of the rounds' figures; errors summed. */
export function summary(rounds) {
  const mean = (pick) => rounds.reduce((a, r) => a + pick(r), 0) / rounds.length;
  return { rps: mean((r) => r.rps), p50: mean((r) => r.p50), p99: mean((r) => r.p99), bad: rounds.reduce((a, r) => a + r.bad, 0) };
}

/** One variant's line of the report. */
export const resultLine = (label, width, s) =>
  `${label.padEnd(width)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50.toFixed(1)} ms  p99 ${s.p99.toFixed(1)} ms  non-2xx/errors ${s.bad}`;

// A Discord webhook stand-in: 204 for every POST; prints its count when asked on stdin.
export const WEBHOOK = `
const { createServer } = require("node:http");
let delivered = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => { delivered += 1; res.writeHead(204).end(); });
});
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ url: "http://127.0.0.1:" + server.address().port })));
process.stdin.on("data", () => console.log(JSON.stringify({ delivered })));
`;

/** Starts `command args` and resolves once it printed its first line, `{"url": …}`. */
export function startChild(command, args, stdin = "ignore") {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: [stdin, "pipe", "ignore"] });
    let out = "";
    const onData = (chunk) => {
      out += chunk;
      if (!out.includes("\n")) return;
      child.stdout.off("data", onData);
      resolvePromise({ child, url: JSON.parse(out.split("\n")[0]).url });
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${args.join(" ").slice(0, 60)} exited with ${code}`)));
  });
}

export function stopChild(child) {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise();
    child.removeAllListeners("exit");
    child.once("exit", () => resolvePromise());
    child.kill();
  });
}
