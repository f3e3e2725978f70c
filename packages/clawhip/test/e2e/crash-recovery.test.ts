import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DaemonProcess, startDaemonProcess, until } from "../support/daemon-process.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";

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

function eventBody(n: number) {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  return JSON.stringify({
    type: "notify",
    payload: { event_id: id, context: { normalized_event: "finished", session_name: `crash-${n}` } },
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
  it("every accepted event arrives exactly once after a restart (and client retries are deduplicated)", async () => {
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
    daemon.child.kill("SIGKILL");
    expect(await daemon.exited).toBe("SIGKILL");
    await Promise.all(inFlight);
    expect(accepted.size).toBeGreaterThanOrEqual(50);

    outage = false;
    daemon = await start();
    const unacknowledged = burst.filter((n) => !accepted.has(n));
    for (const n of unacknowledged) expect(await post(daemon.url, n)).toBe(202);
    for (const n of [...accepted].slice(0, 10)) expect(await post(daemon.url, n)).toBe(202);

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
