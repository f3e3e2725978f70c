import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { type ReceivedRequest, WebhookReceiver } from "../support/webhook-receiver.js";

const receiver = new WebhookReceiver();
let dir: string;
let daemon: DaemonProcess | undefined;

beforeAll(async () => {
  await receiver.start();
  dir = await mkdtemp(join(tmpdir(), "clawhip-crash-"));
  await writeFile(
    join(dir, "clawhip.toml"),
    `[[routes]]
event = "*"
webhook = "${receiver.url}/api/webhooks/1/crash"

# Small, so the outage's backlog waits mostly in the spool file: the kill -9, the restart and the
# client's retries then go through the file-only jobs and their key index too.
[daemon]
spool_resident_jobs = 16

[delivery]
backoff_base_ms = 20
backoff_max_ms = 200
breaker_cooldown_ms = 200
rate_per_sec = 10000
rate_burst = 1000
`,
  );
});

afterAll(async () => {
  daemon?.child.kill("SIGKILL");
  await receiver.stop();
  await rm(dir, { recursive: true, force: true });
});

const start = () => startDaemonProcess(["--config", join(dir, "clawhip.toml"), "--state-dir", join(dir, "state")]);

const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function eventBody(n: number) {
  return JSON.stringify({
    type: "notify",
    payload: { event_id: eventId(n), context: { normalized_event: "finished", session_name: `crash-${n}` } },
  });
}

async function post(url: string, n: number): Promise<number> {
  const response = await fetch(`${url}/event`, { method: "POST", headers: { "content-type": "application/json" }, body: eventBody(n) });
  await response.arrayBuffer();
  return response.status;
}

const deliveredSessions = () =>
  receiver.requests.filter((r) => r.headers["x-test-status"] === undefined).map((r) => r.body.content as string);

describe("kill -9 of the daemon between accept and delivery", () => {
  it("item 12: no accepted event is lost across a kill -9 during an outage, none is sent twice, and client retries are deduplicated", async () => {
    let outage = false;
    receiver.respond = () => (outage ? { status: 503, body: { message: "down" } } : { status: 204 });

    daemon = await start();
    const firstUrl = daemon.url;
    for (let n = 0; n < 20; n += 1) expect(await post(firstUrl, n)).toBe(202);
    await until(async () => (await daemon?.health())?.delivered === 20, 10_000, "the first 20 deliveries to be recorded");

    outage = true;
    const accepted = new Set<number>();
    const burst = Array.from({ length: 200 }, (_, i) => 20 + i);
    const inFlight = burst.map((n) =>
      post(firstUrl, n).then(
        (status) => {
          if (status === 202) accepted.add(n);
        },
        () => {},
      ),
    );
    await until(
      () => accepted.size >= 50 && receiver.requests.some((r) => r.headers["x-test-status"] === "503"),
      15_000,
      "accepts and failing attempts",
    );
    // What is not in memory is in the file: /health counts both.
    expect((await daemon.health()).pending).toBeGreaterThan(16);
    daemon.child.kill("SIGKILL");
    expect(await daemon.exited).toBe("SIGKILL");
    await Promise.all(inFlight);
    expect(accepted.size).toBeGreaterThanOrEqual(50);

    outage = false;
    daemon = await start();
    const unacknowledged = burst.filter((n) => !accepted.has(n));
    for (const n of unacknowledged) expect(await post(daemon.url, n)).toBe(202);
    // Retries of accepted events, the first (in memory after the restart) and the last (in the file only).
    for (const n of [...[...accepted].slice(0, 5), ...[...accepted].slice(-5)]) expect(await post(daemon.url, n)).toBe(202);

    await until(
      async () => {
        const health = await daemon?.health();
        return health?.pending === 0 && new Set(deliveredSessions()).size === 220;
      },
      30_000,
      "all 220 events delivered",
    );
    const delivered = deliveredSessions();
    expect(delivered).toHaveLength(220);
    expect(new Set(delivered)).toEqual(new Set(Array.from({ length: 220 }, (_, n) => `omx crash-${n} finished`)));
    expect((await daemon.health()).dead).toBe(0);

    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);
  });
});

/** Three routes, so three lanes deliver at once: at most three deliveries are in flight at any time. */
const LANES = ["a", "b", "c"];

async function startLanes(name: string): Promise<{ start: () => Promise<DaemonProcess>; stateDir: string }> {
  const root = join(dir, name);
  await mkdir(root);
  await writeFile(
    join(root, "clawhip.toml"),
    `${LANES.map((lane) => `[[routes]]\nevent = "*"\nwebhook = "${receiver.url}/api/webhooks/${lane}/lane"\n`).join("\n")}
[delivery]
backoff_base_ms = 20
backoff_max_ms = 200
rate_per_sec = 100000
rate_burst = 10000
`,
  );
  const stateDir = join(root, "state");
  return { start: () => startDaemonProcess(["--config", join(root, "clawhip.toml"), "--state-dir", stateDir]), stateDir };
}

/** Every delivery the receiver saw, grouped by event and lane. */
function deliveriesByTarget(): Map<string, ReceivedRequest[]> {
  const groups = new Map<string, ReceivedRequest[]>();
  for (const request of receiver.requests) {
    if (request.headers["x-test-status"] !== undefined) continue;
    const key = `${request.body.content}|${request.path}`;
    groups.set(key, [...(groups.get(key) ?? []), request]);
  }
  return groups;
}

/** No loss, at most `inFlight` duplicates, and every duplicate names the same event and delivery. */
function expectAtLeastOnce(events: number, inFlight: number): number {
  const groups = deliveriesByTarget();
  expect(groups.size).toBe(events * LANES.length);
  let duplicates = 0;
  for (const requests of groups.values()) {
    duplicates += requests.length - 1;
    const n = Number(/crash-(\d+)/.exec(requests[0]?.body.content)?.[1]);
    for (const request of requests) {
      expect(request.headers["x-clawhip-event-id"]).toBe(eventId(n));
      expect(request.headers["idempotency-key"]).toMatch(/^[0-9a-f]{64}$/);
      expect(request.headers["idempotency-key"]).toBe(requests[0]?.headers["idempotency-key"]);
    }
  }
  expect(duplicates).toBeLessThanOrEqual(inFlight);
  return duplicates;
}

describe("item 12: kill -9 while deliveries are in flight", () => {
  it("item 12: a delivery the webhook received but had not answered at the kill is sent again once, with the same event id and idempotency key", async () => {
    receiver.requests.length = 0;
    const { start } = await startLanes("held");
    daemon = await start();
    // After 30 deliveries the webhook stops answering: each lane's next request is received (shown in
    // the channel) and left in flight, which is the window a crash can re-send.
    const held: ReceivedRequest[] = [];
    receiver.respond = (request) => {
      if (receiver.requests.length < 30) return { status: 204 };
      held.push(request);
      return new Promise(() => {});
    };
    for (let n = 0; n < 60; n += 1) expect(await post(daemon.url, n)).toBe(202);
    await until(() => held.length === LANES.length, 15_000, "one delivery in flight per lane");
    daemon.child.kill("SIGKILL");
    expect(await daemon.exited).toBe("SIGKILL");

    receiver.respond = () => ({ status: 204 });
    daemon = await start();
    await until(async () => (await daemon?.health())?.pending === 0 && deliveriesByTarget().size === 180, 30_000, "all deliveries");
    const duplicates = expectAtLeastOnce(60, held.length);
    // Exactly the in-flight ones came twice: the daemon never saw their answer.
    expect(duplicates).toBe(held.length);
    for (const request of held) expect(deliveriesByTarget().get(`${request.body.content}|${request.path}`)).toHaveLength(2);
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);
  });

  it("item 12: a kill -9 in the middle of a delivery burst loses nothing and re-sends at most one delivery per lane", async () => {
    receiver.requests.length = 0;
    receiver.respond = () => ({ status: 204 });
    const { start } = await startLanes("burst");
    daemon = await start();
    const posts = Array.from({ length: 150 }, (_, n) => post(daemon?.url as string, 1000 + n));
    expect(new Set(await Promise.all(posts))).toEqual(new Set([202]));
    await receiver.waitFor((requests) => requests.length >= 200, 30_000, "deliveries under way");
    daemon.child.kill("SIGKILL");
    expect(await daemon.exited).toBe("SIGKILL");
    daemon = await start();
    await until(async () => (await daemon?.health())?.pending === 0 && deliveriesByTarget().size === 450, 30_000, "all deliveries");
    expectAtLeastOnce(150, LANES.length);
    daemon.child.kill("SIGTERM");
    expect(await daemon.exited).toBe(0);
  });
});
