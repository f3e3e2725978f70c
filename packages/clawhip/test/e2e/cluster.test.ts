import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { type NatsServer, startNatsServer } from "../support/nats-server.js";
import { type ReceivedRequest, WebhookReceiver } from "../support/webhook-receiver.js";

/**
 * Three `clawhip serve` processes in cluster mode sharing one nats-server on loopback. The receiver
 * stands in for Discord; the client posts round-robin and, like a real hook, retries a refused or
 * failed post on the next daemon with the same event id.
 */
const EVENTS = Number(process.env.CLAWHIP_CLUSTER_E2E_EVENTS ?? 10_000);
/** Deliveries one daemon runs at once: what a kill -9 can leave sent but unacknowledged. */
const MAX_IN_FLIGHT = 32;

let nats: NatsServer;
let dir: string;
const receiver = new WebhookReceiver();
let daemons: Array<DaemonProcess | undefined> = [];
let run = 0;

beforeAll(async () => {
  await receiver.start();
  dir = await mkdtemp(join(tmpdir(), "clawhip-cluster-e2e-"));
}, 30_000);

afterEach(async () => {
  for (const daemon of daemons) daemon?.child.kill("SIGKILL");
  await Promise.all(daemons.map((d) => d?.exited));
  daemons = [];
  await nats?.dispose();
});

afterAll(async () => {
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(): Promise<string> {
  run += 1;
  const path = join(dir, `clawhip-${run}.toml`);
  await writeFile(
    path,
    `[[routes]]
event = "*"
webhook = "${receiver.url}/api/webhooks/1/cluster"

[delivery]
backoff_base_ms = 20
backoff_max_ms = 300
breaker_threshold = 5
breaker_cooldown_ms = 200
rate_per_sec = 100000
rate_burst = 5000

[cluster]
backend = "nats"
servers = ["${nats.url}"]
max_in_flight = ${MAX_IN_FLIGHT}
ack_wait_ms = 3000
publish_timeout_ms = 1000
heartbeat_ms = 500
`,
    { mode: 0o600 },
  );
  return path;
}

function startDaemon(config: string, index: number): Promise<DaemonProcess> {
  return startDaemonProcess(["--config", config, "--state-dir", join(dir, `state-${run}-${index}`)]);
}

const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const body = (n: number) =>
  JSON.stringify({ type: "notify", payload: { event_id: eventId(n), context: { normalized_event: "finished", session_name: `c-${n}` } } });

async function postTo(daemon: DaemonProcess | undefined, n: number): Promise<number> {
  if (!daemon) return 0;
  try {
    const response = await fetch(`${daemon.url}/event`, { method: "POST", headers: { "content-type": "application/json" }, body: body(n) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

interface PostStats {
  accepted: Set<number>;
  refused: number;
  /** Events whose post was refused at least once before a daemon accepted it (the client retried them). */
  retried: Set<number>;
}

/**
 * Posts events `from..to` with `concurrency` clients, round-robin; a post that is not a 202 is retried
 * on the next daemon (bounded), as a client would.
 */
async function postAll(from: number, to: number, concurrency: number, stats: PostStats): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const n = next;
      next += 1;
      for (let attempt = 0; ; attempt += 1) {
        const status = await postTo(daemons[(n + attempt) % daemons.length], n);
        if (status === 202) {
          stats.accepted.add(n);
          break;
        }
        stats.refused += 1;
        stats.retried.add(n);
        if (attempt > 2000) throw new Error(`event ${n} refused ${attempt} times`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** 2xx deliveries per event id. */
function deliveriesByEvent(): Map<string, ReceivedRequest[]> {
  const groups = new Map<string, ReceivedRequest[]>();
  for (const request of receiver.delivered) {
    const id = String(request.headers["x-clawhip-event-id"]);
    groups.set(id, [...(groups.get(id) ?? []), request]);
  }
  return groups;
}

function duplicatesOf(groups: Map<string, ReceivedRequest[]>): number {
  let duplicates = 0;
  for (const requests of groups.values()) {
    duplicates += requests.length - 1;
    for (const request of requests) expect(request.headers["idempotency-key"]).toBe(requests[0]?.headers["idempotency-key"]);
  }
  return duplicates;
}

describe("clawhip cluster mode: three daemons, one nats-server", () => {
  it(`${EVENTS} events round-robin through a kill -9, a restart, an outage and 429s: every accepted event delivered, duplicates bounded`, async () => {
    nats = await startNatsServer();
    const config = await writeConfig();
    receiver.requests.length = 0;
    let phase: "up" | "down" | "429" = "up";
    let throttled = 0;
    receiver.respond = () => {
      if (phase === "down") return { status: 503, body: { message: "down" } };
      if (phase === "429") {
        throttled += 1;
        if (throttled > 300) phase = "up";
        return { status: 429, body: { message: "rate limited", retry_after: 0.05, global: false } };
      }
      return { status: 204 };
    };
    daemons = await Promise.all([0, 1, 2].map((i) => startDaemon(config, i)));
    const stats: PostStats = { accepted: new Set(), refused: 0, retried: new Set() };
    const posting = postAll(0, EVENTS, 48, stats);

    // A kill -9 while deliveries are under way: its unacknowledged jobs go to the others after ack_wait.
    await receiver.waitFor((r) => r.length >= EVENTS * 0.15, 120_000, "deliveries under way");
    const killed = daemons[0] as DaemonProcess;
    killed.child.kill("SIGKILL");
    expect(await killed.exited).toBe("SIGKILL");
    daemons[0] = undefined;

    // Another daemon restarted gracefully: it finishes its deliveries before it exits.
    await until(() => stats.accepted.size >= EVENTS * 0.35, 120_000, "more events accepted");
    const restarted = daemons[1] as DaemonProcess;
    restarted.child.kill("SIGTERM");
    expect(await restarted.exited).toBe(0);
    daemons[1] = await startDaemon(config, 1);
    daemons[0] = await startDaemon(config, 0);

    // The webhook goes down for a while, then answers 429s with retry_after, then recovers.
    await until(() => stats.accepted.size >= EVENTS * 0.55, 120_000, "more events accepted");
    phase = "down";
    const downAt = receiver.requests.length;
    await receiver.waitFor((r) => r.length >= downAt + 50, 60_000, "failed attempts during the outage");
    phase = "429";

    await posting;
    expect(stats.accepted.size).toBe(EVENTS);
    await until(() => deliveriesByEvent().size === EVENTS, 120_000, `all ${EVENTS} events delivered`).catch(async (error: Error) => {
      const missing = Array.from({ length: EVENTS }, (_, n) => eventId(n)).filter((id) => !deliveriesByEvent().has(id));
      const health = await Promise.all(daemons.map((d) => d?.health().catch(() => undefined)));
      const statuses = receiver.requests.reduce<Record<string, number>>((c, r) => {
        const key = String(r.headers["x-test-status"] ?? "2xx");
        c[key] = (c[key] ?? 0) + 1;
        return c;
      }, {});
      const logs = `phase ${phase} throttled ${throttled} ${JSON.stringify(statuses)} ${JSON.stringify(health)}\n${daemons
        .map((d) =>
          d
            ?.stderr()
            .split("\n")
            .filter((l) => !l.includes("rate-limited"))
            .slice(-15)
            .join("\n"),
        )
        .join("\n----\n")}`;
      throw new Error(
        `${error.message}: ${missing.length} missing (${missing.slice(0, 5).join(", ")}), ${receiver.requests.length} requests\n${logs}`,
      );
    });
    const groups = deliveriesByEvent();
    expect(new Set(groups.keys())).toEqual(new Set(Array.from({ length: EVENTS }, (_, n) => eventId(n))));
    const duplicates = duplicatesOf(groups);
    // Only the kill -9 may re-send: the deliveries its daemon had sent and not yet acknowledged.
    expect(duplicates).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(receiver.requests.some((r) => r.headers["x-test-status"] === "503")).toBe(true);
    expect(receiver.requests.some((r) => r.headers["x-test-status"] === "429")).toBe(true);
    for (const daemon of daemons) expect((await daemon?.health())?.dead).toBe(0);
    process.stderr.write(
      `cluster e2e: ${EVENTS} events, ${receiver.delivered.length} deliveries, ${duplicates} duplicate(s) (bound ${MAX_IN_FLIGHT}), ${stats.refused} refused post(s) retried\n`,
    );

    // The same event posted to two daemons: one job, one delivery.
    const before = receiver.delivered.length;
    expect(await postTo(daemons[1], EVENTS + 1)).toBe(202);
    expect(await postTo(daemons[2], EVENTS + 1)).toBe(202);
    expect(await postTo(daemons[0], EVENTS + 2)).toBe(202);
    await until(
      () => deliveriesByEvent().has(eventId(EVENTS + 1)) && deliveriesByEvent().has(eventId(EVENTS + 2)),
      30_000,
      "both deliveries",
    );
    await until(async () => (await Promise.all(daemons.map((d) => d?.health()))).every((h) => h?.pending === 0), 30_000, "daemons idle");
    expect(receiver.delivered.length - before).toBe(2);
    expect(deliveriesByEvent().get(eventId(EVENTS + 1))).toHaveLength(1);
  }, 600_000);

  it("a nats-server restart mid-run: 503 while the stream cannot acknowledge, reconnect, 202s resume, nothing accepted is lost", async () => {
    nats = await startNatsServer();
    const config = await writeConfig();
    receiver.requests.length = 0;
    receiver.respond = () => ({ status: 204 });
    daemons = await Promise.all([0, 1, 2].map((i) => startDaemon(config, i)));
    const stats: PostStats = { accepted: new Set(), refused: 0, retried: new Set() };
    const total = 3000;
    const posting = postAll(0, total, 24, stats);
    await until(() => stats.accepted.size >= 500, 60_000, "events accepted");

    await nats.stop();
    // With the stream unreachable a post is refused, never silently accepted.
    const refused = await Promise.all(daemons.map((d, i) => postTo(d, total + i)));
    expect(refused).toEqual([503, 503, 503]);
    const acceptedWhileDown = stats.accepted.size;
    await nats.restart();

    await posting;
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.accepted.size).toBe(total);
    expect(stats.accepted.size).toBeGreaterThan(acceptedWhileDown);
    await until(
      async () => (await Promise.all(daemons.map((d) => d?.health()))).every((h) => h?.cluster?.connected),
      30_000,
      "reconnected",
    );
    await until(() => deliveriesByEvent().size >= total, 120_000, `all ${total} events delivered`);
    const groups = deliveriesByEvent();
    for (let n = 0; n < total; n += 1) expect(groups.has(eventId(n))).toBe(true);
    const duplicates = duplicatesOf(groups);
    const healths = await Promise.all(daemons.map((d) => d?.health()));
    const unconfirmed = healths.reduce((sum, h) => sum + (h?.cluster?.unconfirmed_acks ?? 0), 0);
    const released = healths.reduce((sum, h) => sum + (h?.cluster?.released ?? 0), 0);
    // Re-sent: deliveries whose ack the restart swallowed (counted by the daemons); acks the server
    // confirmed as it went down but had not yet written (JetStream writes consumer state asynchronously),
    // which only the server's moment of shutdown bounds, at most the deliveries in flight then; and a post
    // refused (503) whose job had in fact landed and been delivered before the restart, retried by the
    // client after the restarted server rebuilt its duplicate window from the jobs still in the stream.
    const retriedAndDuplicated = [...stats.retried].filter((n) => (groups.get(eventId(n))?.length ?? 0) > 1).length;
    expect(duplicates).toBeLessThanOrEqual(unconfirmed + retriedAndDuplicated + daemons.length * MAX_IN_FLIGHT);
    process.stderr.write(
      `cluster e2e (nats restart): ${total} events, ${duplicates} duplicate(s), ${unconfirmed} unconfirmed ack(s), ${released} job(s) released unsent, ${retriedAndDuplicated} duplicated after a refused post, ${stats.refused} refused post(s) retried\n`,
    );
  }, 300_000);
});
