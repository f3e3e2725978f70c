import { readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useRuntimeFixture } from "../../test/support/runtime-fixture.js";
import { VirtualClock } from "../../test/support/virtual-clock.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import { parseConfigObject } from "../route/config-file.js";
import type { ClawhipRuntime } from "../runtime/clawhip-runtime.js";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import { deliveryIdempotencyKey, type FetchLike } from "./send-job.js";

const fixture = useRuntimeFixture("clawhip-delivery-");
let fetchForTest: FetchLike;

/** The test config: these routes, fast backoff and a loose rate limit, then the given overrides. */
function configFor(routes: unknown[], delivery: Record<string, number> = {}, daemon: Record<string, number> = {}) {
  return {
    routes,
    daemon,
    delivery: {
      backoff_base_ms: 100,
      backoff_max_ms: 2000,
      breaker_threshold: 3,
      breaker_cooldown_ms: 10_000,
      rate_per_sec: 1000,
      rate_burst: 100,
      ...delivery,
    },
  };
}

const start = (routes: unknown[], clock: Clock, delivery: Record<string, number> = {}, daemon: Record<string, number> = {}) =>
  fixture.start(configFor(routes, delivery, daemon), { clock, random: () => 0.5 });

const discordRoute = () => ({ event: "*", webhook: `${fixture.receiver.url}/api/webhooks/1/abc` });
const slackRoute = () => ({ event: "*", slack_webhook: `${fixture.receiver.url}/services/T/B/x` });

function omxEvent(session: string, extra: Record<string, unknown> = {}) {
  return { type: "notify", payload: { context: { normalized_event: "finished", session_name: session }, ...extra } };
}

async function accept(runtime: ClawhipRuntime, body: unknown) {
  const reply = await runtime.accept("event", body);
  expect(reply.status).toBe(202);
  return reply.body as { event_id: string };
}

const contents = () => fixture.receiver.delivered.map((r) => r.body.content ?? r.body.text);

describe("durable delivery against local Discord/Slack stand-ins", () => {
  it("Discord webhook: sends {content} with wait=true and honours 429 retry_after", async () => {
    fixture.receiver.respond = (_r, i) =>
      i < 2 ? { status: 429, body: { message: "rate limited", retry_after: 0.25, global: false } } : { status: 200, body: {} };
    const clock = new VirtualClock();
    const runtime = await start([discordRoute()], clock);
    await accept(runtime, omxEvent("issue-1"));
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(3);
    expect(fixture.receiver.requests[2]?.path).toBe("/api/webhooks/1/abc?wait=true");
    expect(fixture.receiver.requests[2]?.body).toEqual({ content: "omx issue-1 finished (issue=#1)" });
    expect(clock.sleeps.filter((ms) => ms === 250)).toHaveLength(2);
    expect(runtime.health()).toMatchObject({ pending: 0, delivered: 1, dead: 0 });
  });

  it("Slack webhook: sends {text} (with blocks for compact) and honours a Retry-After header", async () => {
    fixture.receiver.respond = (_r, i) => (i === 0 ? { status: 429, headers: { "retry-after": "3" } } : { status: 200 });
    const clock = new VirtualClock();
    const runtime = await start([slackRoute()], clock);
    await accept(runtime, omxEvent("issue-2"));
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(2);
    expect(fixture.receiver.requests[1]?.body.text).toBe("omx issue-2 finished (issue=#2)");
    expect(fixture.receiver.requests[1]?.body.blocks[2].elements[0].text).toBe("event `session.finished` · format `compact`");
    expect(clock.sleeps).toContain(3000);
  });

  it("a 5xx burst: retries with growing backoff, opens the breaker, then delivers once and in order", async () => {
    fixture.receiver.respond = (_r, i) => (i < 5 ? { status: 503, body: { error: "unavailable" } } : { status: 204 });
    const clock = new VirtualClock();
    const runtime = await start([discordRoute()], clock);
    for (const session of ["s-1", "s-2", "s-3"]) await accept(runtime, omxEvent(session));
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(8);
    expect(contents()).toEqual(["omx s-1 finished", "omx s-2 finished", "omx s-3 finished"]);
    // Backoff (random fixed at 0.5) doubles: 75, 150, 300; the third failure opens the breaker, which
    // holds the lane for the rest of its 10 s cooldown; each failed half-open probe re-opens it.
    expect(clock.sleeps).toEqual([75, 150, 300, 9700, 600, 9400, 1200, 8800]);
  });

  it("a fixture.receiver that is down for a while, then back: every accepted event arrives, once", async () => {
    const port = fixture.receiver.port;
    await fixture.receiver.stop();
    const runtime = await start([discordRoute()], systemClock, { backoff_base_ms: 5, backoff_max_ms: 40, breaker_cooldown_ms: 50 });
    const ids = [];
    for (let i = 0; i < 10; i += 1) ids.push((await accept(runtime, omxEvent(`down-${i}`))).event_id);
    expect(new Set(ids).size).toBe(10);
    const deadline = Date.now() + 5000;
    while (runtime.dispatcher.attempts < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(runtime.dispatcher.attempts).toBeGreaterThanOrEqual(3);
    expect(runtime.dispatcher.delivered).toBe(0);
    await fixture.receiver.start(port);
    await runtime.dispatcher.idle();
    expect(contents().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `omx down-${i} finished`).sort());
    expect(runtime.health().pending).toBe(0);
  });

  it("a target that is down keeps [daemon].spool_resident_jobs in memory, the rest in the spool file; all arrive in order once it is back, and another target is served meanwhile", async () => {
    const other = new WebhookReceiver();
    await other.start();
    try {
      const port = fixture.receiver.port;
      await fixture.receiver.stop();
      const routes = [discordRoute(), { event: "*", slack_webhook: `${other.url}/services/T/B/x` }];
      const fast = { backoff_base_ms: 5, backoff_max_ms: 40, breaker_cooldown_ms: 50 };
      const runtime = await start(routes, systemClock, fast, { spool_resident_jobs: 3 });
      for (let i = 0; i < 12; i += 1) await accept(runtime, omxEvent(`queued-${i}`));
      await other.waitFor((rs) => rs.length >= 12, 5000, "the target that is up");
      const deadline = Date.now() + 5000;
      while (runtime.health().pending > 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      // What is left is the Discord backlog: three jobs in memory, nine in the file only.
      expect(runtime.health().pending).toBe(12);
      expect(runtime.journal.pendingJobs()).toHaveLength(3);
      expect(runtime.journal.waitingInFile).toBe(9);
      await fixture.receiver.start(port);
      await runtime.dispatcher.idle();
      expect(contents()).toEqual(Array.from({ length: 12 }, (_, i) => `omx queued-${i} finished`));
      expect(runtime.health().pending).toBe(0);
    } finally {
      await other.stop();
    }
  });

  it("[daemon].spool_resident_jobs is a whole number from 1 to 1,000,000; anything else is a config error naming it", () => {
    for (const bad of [0, -1, 1.5, 1_000_001, "1000", null]) {
      const parsed = parseConfigObject({ daemon: { spool_resident_jobs: bad } });
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.error).toContain("daemon.spool_resident_jobs");
    }
    for (const good of [1, 1_000_000]) expect(parseConfigObject({ daemon: { spool_resident_jobs: good } }).ok).toBe(true);
  });

  it("deduplicates by event_id per route target, across restarts", async () => {
    const clock = new VirtualClock();
    const routes = [discordRoute(), slackRoute()];
    let runtime = await start(routes, clock);
    const event = omxEvent("dup", { event_id: "7b0c1c5e-8f0a-4c1e-9a55-3f1d1b2c4d5e" });
    await accept(runtime, event);
    await accept(runtime, event);
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(2);
    await fixture.stop(runtime);
    runtime = await start(routes, clock);
    await accept(runtime, event);
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(2);
    await accept(runtime, omxEvent("dup"));
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(4);
  });

  it("deduplicates within one ingress batch, and a bad body in the batch fails alone", async () => {
    const runtime = await start([discordRoute()], new VirtualClock());
    const event = JSON.stringify(omxEvent("batch", { event_id: "0f5e6a8e-51a4-4a7b-8d43-2a3c8e0f9b11" }));
    const replies = await runtime.acceptBatch([
      { surface: "event", text: event },
      { surface: "event", text: "{not json" },
      { surface: "event", text: event },
      { surface: "event", text: JSON.stringify(omxEvent("other")) },
    ]);
    expect(replies.map((r) => r.status)).toEqual([202, 400, 202, 202]);
    await runtime.dispatcher.idle();
    expect(contents()).toHaveLength(2);
    expect(contents().filter((c) => c.includes("batch"))).toHaveLength(1);
  });

  it("a batch whose spool append fails answers 503 for the events it would have spooled; the others keep their replies", async () => {
    const runtime = await start([discordRoute()], new VirtualClock());
    await runtime.journal.close();
    const replies = await runtime.acceptBatch([
      { surface: "event", text: JSON.stringify(omxEvent("lost-1")) },
      { surface: "event", text: "{not json" },
      { surface: "event", text: JSON.stringify(omxEvent("lost-2")) },
    ]);
    expect(replies).toEqual([
      { status: 503, body: { ok: false, error: "event spool unavailable: spool journal is closed" } },
      { status: 400, body: expect.objectContaining({ ok: false }) },
      { status: 503, body: { ok: false, error: "event spool unavailable: spool journal is closed" } },
    ]);
    expect(runtime.health().pending).toBe(0);
  });

  it("resumes spooled deliveries after a restart without redelivering finished ones", async () => {
    let failing = true;
    fixture.receiver.respond = (r) => (failing && r.body.content.includes("later") ? { status: 500 } : { status: 204 });
    let runtime = await start([discordRoute()], systemClock, { backoff_base_ms: 5, backoff_max_ms: 20, breaker_cooldown_ms: 20 });
    await accept(runtime, omxEvent("now-1"));
    await runtime.dispatcher.idle();
    for (const s of ["later-1", "later-2"]) await accept(runtime, omxEvent(s));
    await fixture.receiver.waitFor((rs) => rs.filter((r) => r.body.content.includes("later")).length >= 2, 5000, "failed attempts");
    await fixture.stop(runtime);
    expect(runtime.health().pending).toBe(2);
    failing = false;
    runtime = await start([discordRoute()], systemClock);
    expect(runtime.health().pending).toBe(2);
    await runtime.dispatcher.idle();
    expect(contents()).toEqual(["omx now-1 finished", "omx later-1 finished", "omx later-2 finished"]);
  });

  it("a permanent 4xx is not retried: the job goes to the dead-letter file", async () => {
    fixture.receiver.respond = () => ({ status: 404, body: { message: "Unknown Webhook" } });
    const runtime = await start([discordRoute()], new VirtualClock());
    await accept(runtime, omxEvent("gone"));
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(1);
    expect(runtime.health()).toMatchObject({ pending: 0, delivered: 0, dead: 1 });
    const dead = JSON.parse((await readFile(join(fixture.stateDir, "dead-letter.ndjson"), "utf8")).trim());
    expect(dead.job.content).toBe("omx gone finished");
    expect(dead.reason).toContain("HTTP 404");
  });

  it("rate-limits per target: sends past the burst are spaced at the configured rate", async () => {
    const clock = new VirtualClock();
    const sentAt: number[] = [];
    fixture.receiver.respond = () => {
      sentAt.push(clock.now());
      return { status: 204 };
    };
    const runtime = await start([discordRoute()], clock, { rate_per_sec: 2, rate_burst: 1 });
    for (let i = 0; i < 4; i += 1) await accept(runtime, omxEvent(`r-${i}`));
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(4);
    expect((sentAt[3] as number) - (sentAt[0] as number)).toBeGreaterThanOrEqual(1500);
  });

  it("Discord channel targets need a bot token; without one the job is dead-lettered, not lost", async () => {
    const config = { defaults: { channel: "123" }, providers: { discord: { api_base: fixture.receiver.url } } };
    const withToken = await fixture.start(config, { discordToken: "secret-bot", clock: new VirtualClock() });
    await accept(withToken, omxEvent("chan"));
    await withToken.dispatcher.idle();
    expect(fixture.receiver.requests[0]).toMatchObject({ path: "/channels/123/messages", body: { content: "omx chan finished" } });
    expect(fixture.receiver.requests[0]?.headers.authorization).toBe("Bot secret-bot");
    await fixture.stop(withToken);
    const without = await fixture.start(config, { clock: new VirtualClock() });
    await accept(without, omxEvent("chan-2"));
    await without.dispatcher.idle();
    expect(without.health().dead).toBe(1);
    expect(fixture.receiver.requests).toHaveLength(1);
  });
});

describe("item 12: what a fixture.receiver can deduplicate on, and the window a crash can re-send", () => {
  it("item 12: every request carries Idempotency-Key and X-Clawhip-Event-Id, identical on every attempt of a delivery", async () => {
    // The first attempt of each delivery fails, so each is sent twice.
    const seen = new Set<string>();
    fixture.receiver.respond = (r) => {
      const key = String(r.headers["idempotency-key"]);
      if (seen.has(key)) return { status: 204 };
      seen.add(key);
      return { status: 503 };
    };
    const runtime = await fixture.start(
      {
        routes: [discordRoute(), slackRoute(), { event: "*", channel: "42" }],
        delivery: { backoff_base_ms: 1, backoff_max_ms: 2, breaker_threshold: 100 },
        providers: { discord: { api_base: `${fixture.receiver.url}/discord` } },
      },
      { discordToken: "bot", clock: new VirtualClock() },
    );
    const ids = ["ev-1", "événement/ü \ud800", "x".repeat(300)];
    for (const id of ids) await accept(runtime, omxEvent(id, { event_id: id }));
    await runtime.dispatcher.idle();
    expect(runtime.health()).toMatchObject({ pending: 0, delivered: 9, dead: 0 });
    expect(fixture.receiver.requests).toHaveLength(18);
    const byKey = new Map<string, typeof fixture.receiver.requests>();
    for (const request of fixture.receiver.requests) {
      const key = request.headers["idempotency-key"] as string;
      byKey.set(key, [...(byKey.get(key) ?? []), request]);
    }
    expect(byKey.size).toBe(9);
    for (const attempts of byKey.values()) {
      expect(attempts).toHaveLength(2);
      expect(attempts[1]?.headers["x-clawhip-event-id"]).toBe(attempts[0]?.headers["x-clawhip-event-id"]);
      expect(attempts[1]?.body).toEqual(attempts[0]?.body);
    }
    const eventIds = fixture.receiver.requests.map((r) => r.headers["x-clawhip-event-id"]);
    expect(eventIds.filter((id) => id === "ev-1")).toHaveLength(6);
    // Percent-encoded (a header holds visible ASCII only; a lone surrogate becomes U+FFFD) …
    expect(eventIds.filter((id) => id === encodeURIComponent("événement/ü \ufffd"))).toHaveLength(6);
    // … and left out when too long for a header, while the idempotency key is always there.
    expect(eventIds.filter((id) => id === undefined)).toHaveLength(6);

    const channel = fixture.receiver.requests.filter((r) => r.path.startsWith("/discord/channels/42/messages"));
    expect(channel).toHaveLength(6);
    for (const request of channel) {
      const key = request.headers["idempotency-key"] as string;
      expect(request.body).toEqual({ content: expect.any(String), nonce: key.slice(0, 25), enforce_nonce: true });
    }
    const webhooks = fixture.receiver.requests.filter((r) => !r.path.startsWith("/discord/"));
    for (const request of webhooks) expect(request.body.nonce).toBeUndefined();
    for (const key of byKey.keys()) expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  it("item 12: the done line reaches the spool file in the turn the 2xx status arrives, before the body is read", async () => {
    let answer!: () => void;
    const called = new Promise<void>((resolveCalled) => {
      const fetch: FetchLike = () =>
        new Promise((resolveResponse) => {
          answer = () =>
            // A 2xx whose body never ends: the delivery is known from its status alone.
            resolveResponse({ status: 200, headers: { get: () => null }, text: () => new Promise<string>(() => {}) });
          resolveCalled();
        });
      fetchForTest = fetch;
    });
    const runtime = await fixture.start(
      { routes: [discordRoute()], daemon: { spool_fsync: "never" } },
      { fetch: fetchForTest, clock: new VirtualClock() },
    );
    await accept(runtime, omxEvent("window", { event_id: "win-1" }));
    await called;
    const spool = join(fixture.stateDir, "spool");
    const doneInFile = () =>
      readdirSync(spool).some((name) => readFileSync(join(spool, name), "utf8").includes(`{"t":"done","key":"win-1|0|`));
    expect(doneInFile()).toBe(false);
    answer();
    // Queued before anything the answer triggers: whatever runs in this turn has run when it fires.
    const sameTurn = await new Promise<boolean>((resolveCheck) => setImmediate(() => resolveCheck(doneInFile())));
    expect(sameTurn).toBe(true);
    await runtime.dispatcher.idle();
    expect(runtime.health()).toMatchObject({ pending: 0, delivered: 1 });
  });

  it("item 12: the idempotency key is a digest of the job key: stable across restarts, distinct per target", () => {
    const a = deliveryIdempotencyKey({ key: "e1|0|discord-webhook|https://x/1" });
    expect(a).toBe(deliveryIdempotencyKey({ key: "e1|0|discord-webhook|https://x/1" }));
    expect(a).not.toBe(deliveryIdempotencyKey({ key: "e1|1|discord-webhook|https://x/2" }));
    expect(a).not.toContain("https");
  });
});
