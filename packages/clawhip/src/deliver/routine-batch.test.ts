import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ClawhipDeliveryJob } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { useRuntimeFixture } from "../../test/support/runtime-fixture.js";
import { ManualClock } from "../../test/support/virtual-clock.js";
import { parseConfigObject } from "../route/config-file.js";
import type { ClawhipRuntime } from "../runtime/clawhip-runtime.js";
import { bypassesRoutineBatch, combineRoutineBatch, ROUTINE_BATCH_KIND, WindowBatcher } from "./routine-batch.js";

describe("which kinds skip the routine batch (upstream dispatch.rs should_bypass_routine_batch)", () => {
  it.each([
    ["agent.failed", true],
    ["session.failed", true],
    ["session.blocked", true],
    ["workspace.session.blocked", true],
    ["tmux.stale", true],
    ["github.ci-passed", true],
    ["github.ci-started", true],
    ["tmux.keyword", false],
    ["git.commit", false],
    ["session.finished", false],
    ["github.release-published", false],
    ["custom", false],
  ] as const)("%s → %s", (kind, bypass) => {
    expect(bypassesRoutineBatch(kind)).toBe(bypass);
  });
});

const job = (n: number, over: Partial<ClawhipDeliveryJob> = {}): ClawhipDeliveryJob => ({
  key: `e${n}|0|discord-webhook|https://x/api/webhooks/1/a`,
  event_id: `e${n}`,
  event_kind: "tmux.keyword",
  sink: "discord",
  target: { kind: "discord-webhook", value: "https://x/api/webhooks/1/a" },
  format: "compact",
  content: `<@ops> line ${n}`,
  accepted_at: "2026-01-01T00:00:00.000Z",
  batch: { key: "k", body: `line ${n}` },
  ...over,
});

describe("[dispatch] in the config (upstream config.rs dispatch tests)", () => {
  it.each([
    [{ routine_batch_window_secs: 9 }, { ok: 9 }],
    [{ routine_batch_window_secs: 0 }, { ok: 0 }],
    [undefined, { ok: 0 }],
    [{ ci_batch_window_secs: 90 }, { ok: 0 }],
    [{ routine_batch_window_secs: -1 }, { error: "dispatch.routine_batch_window_secs: must be 0 (off) or more" }],
    [{ routine_batch_window_secs: 1.5 }, { error: "dispatch.routine_batch_window_secs: must be a whole number of seconds" }],
    [{ routine_batch_window_secs: "5" }, { error: "dispatch.routine_batch_window_secs: must be a whole number of seconds" }],
    [{ routine_batch_window_secs: 3601 }, { error: "dispatch.routine_batch_window_secs: must be at most 3600" }],
    [{ ci_batch_window_secs: 0 }, { error: "dispatch.ci_batch_window_secs: must be at least 1" }],
    [{ ci_batch_window_secs: 3601 }, { error: "dispatch.ci_batch_window_secs: must be at most 3600" }],
    [{ routine_batch_window: 5 }, { error: 'dispatch: Unrecognized key: "routine_batch_window"' }],
  ] as const)("%j → %j", (dispatch, want) => {
    const parsed = parseConfigObject(dispatch === undefined ? {} : { dispatch });
    if ("ok" in want) {
      expect(parsed.ok && parsed.config.dispatch.routine_batch_window_secs).toBe(want.ok);
    } else {
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.error).toBe(`invalid clawhip config: ${want.error}`);
    }
  });
});

describe("combineRoutineBatch", () => {
  it("one job goes out as it is, mention included (upstream: a batch of one is a normal delivery)", () => {
    const one = job(1);
    expect(combineRoutineBatch([one])).toEqual({ job: one, members: [one] });
  });

  it("two or more: bodies joined by a line break, no mention, one send settling every member", () => {
    const members = [job(1), job(2), job(3)];
    const { job: sent, members: settled } = combineRoutineBatch(members);
    expect(sent.content).toBe("line 1\nline 2\nline 3");
    expect(sent.event_kind).toBe(ROUTINE_BATCH_KIND);
    expect(sent.target).toEqual(members[0]?.target);
    expect(settled).toEqual(members);
    // The same group makes the same key (a resend after a crash dedupes); another group does not.
    expect(combineRoutineBatch([job(1), job(2), job(3)]).job.key).toBe(sent.key);
    expect(combineRoutineBatch([job(1), job(2)]).job.key).not.toBe(sent.key);
  });
});

describe("WindowBatcher windows", () => {
  it("a group is due one window after its first job; later jobs join without extending it; after the flush a new group starts", () => {
    const batcher = new WindowBatcher({ windowMs: 5000, combine: combineRoutineBatch });
    batcher.add(job(1), "a", 0);
    batcher.add(job(2), "b", 1000);
    batcher.add(job(3), "a", 4999);
    expect(batcher.nextDueAt()).toBe(5000);
    expect(batcher.takeDue(4999)).toEqual([]);
    const due = batcher.takeDue(5000);
    expect(due.map((d) => d.members.map((m) => m.event_id))).toEqual([["e1", "e3"]]);
    batcher.add(job(4), "a", 5001);
    expect(batcher.nextDueAt()).toBe(6000);
    expect(batcher.takeDue(10_001).map((d) => d.members.map((m) => m.event_id))).toEqual([["e2"], ["e4"]]);
    expect(batcher.size).toBe(0);
    expect(batcher.nextDueAt()).toBeUndefined();
  });
});

describe("routine batching through the runtime (spooled, then batched per target)", () => {
  const fixture = useRuntimeFixture("clawhip-batch-");

  const webhook = (name = "a") => `${fixture.receiver.url}/api/webhooks/1/${name}`;

  const start = (routes: unknown[], clock: ManualClock, windowSecs = 5): Promise<ClawhipRuntime> =>
    fixture.start(
      {
        routes,
        dispatch: { routine_batch_window_secs: windowSecs },
        delivery: { rate_per_sec: 1000, rate_burst: 100, backoff_base_ms: 10, backoff_max_ms: 20 },
      },
      { clock },
    );

  const keyword = (session: string, keyword: string, line: string) => ({ type: "tmux.keyword", payload: { session, keyword, line } });
  const contents = () => fixture.receiver.requests.map((r) => r.body.content as string);

  it("two routine events to one target within the window are one message without the mention (dispatcher_batches_routine_discord_deliveries_into_single_send)", async () => {
    const clock = new ManualClock();
    const runtime = await start([{ event: "tmux.keyword", webhook: webhook(), mention: "<@ops>" }], clock);
    expect((await runtime.accept("event", keyword("issue-122", "error", "first"))).status).toBe(202);
    expect((await runtime.accept("event", keyword("issue-122", "warn", "second"))).status).toBe(202);
    // Both are durable before anything is sent.
    expect(runtime.journal.pendingCount).toBe(2);
    expect(fixture.receiver.requests).toHaveLength(0);
    clock.advance(5000);
    await runtime.dispatcher.idle();
    expect(contents()).toEqual(["tmux:issue-122 matched 'error' => first\ntmux:issue-122 matched 'warn' => second"]);
    expect(runtime.journal.pendingCount).toBe(0);
    expect(runtime.dispatcher.delivered).toBe(2);
  });

  it("a lone routine event goes out after the window with its mention", async () => {
    const clock = new ManualClock();
    const runtime = await start([{ event: "tmux.keyword", webhook: webhook(), mention: "<@ops>" }], clock);
    await runtime.accept("event", keyword("issue-122", "error", "only"));
    clock.advance(5000);
    await runtime.dispatcher.idle();
    expect(contents()).toEqual(["<@ops> tmux:issue-122 matched 'error' => only"]);
  });

  it("a failure goes out at once while the routine event waits (dispatcher_sends_bypass_events_immediately_while_routine_delivery_waits)", async () => {
    const clock = new ManualClock();
    const runtime = await start(
      [
        { event: "tmux.keyword", webhook: webhook() },
        { event: "agent.failed", webhook: webhook() },
      ],
      clock,
      30,
    );
    await runtime.accept("event", keyword("issue-122", "error", "queued"));
    await runtime.accept("event", {
      type: "agent.failed",
      payload: {
        agent_name: "codex",
        session_id: "session-1",
        project: "clawhip",
        elapsed_secs: 3,
        summary: "boom",
        error_message: "stacktrace",
      },
    });
    await fixture.receiver.waitFor((r) => r.length === 1, 10_000, "the failure");
    expect(contents()[0]).toContain("agent codex");
    expect(contents()[0]).toContain("failed");
    // The routine delivery is still held: its window is asleep and time has not moved.
    expect(clock.sleeping).toBe(1);
    expect(fixture.receiver.requests).toHaveLength(1);
    clock.advance(30_000);
    await runtime.dispatcher.idle();
    expect(contents()[1]).toBe("tmux:issue-122 matched 'error' => queued");
  });

  it("CI events never wait in the routine batch (dispatcher_keeps_ci_events_off_routine_batcher)", async () => {
    const clock = new ManualClock();
    const runtime = await start([{ event: "github.ci-*", webhook: webhook() }], clock, 200);
    for (const workflow of ["Build", "Test"]) {
      await runtime.accept("event", {
        type: "github.ci-passed",
        payload: {
          repo: "clawhip",
          number: 122,
          workflow,
          status: "completed",
          conclusion: "success",
          sha: "abcdef1234567",
          url: `https://github.com/Yeachan-Heo/clawhip/actions/runs/456/jobs/${workflow}`,
          branch: "feat/routine-batch",
        },
      });
    }
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(2);
    expect(clock.sleeping).toBe(0);
  });

  it("routes with different templates batch apart (dispatcher_keeps_distinct_delivery_signatures_in_separate_batches)", async () => {
    const clock = new ManualClock();
    const runtime = await start(
      [
        { event: "tmux.keyword", webhook: webhook(), template: "first" },
        { event: "tmux.keyword", webhook: webhook(), template: "second" },
      ],
      clock,
    );
    await runtime.accept("event", keyword("issue-122", "error", "boom"));
    clock.advance(5000);
    await runtime.dispatcher.idle();
    expect(contents().sort()).toEqual(["first", "second"]);
  });

  it("different kinds batch apart (dispatcher_keeps_distinct_event_kinds_in_separate_routine_batches)", async () => {
    const clock = new ManualClock();
    const runtime = await start(
      [
        { event: "tmux.keyword", webhook: webhook() },
        { event: "git.commit", webhook: webhook() },
      ],
      clock,
    );
    await runtime.accept("event", keyword("issue-132", "error", "boom"));
    await runtime.accept("event", {
      type: "git.commit",
      payload: { repo: "clawhip", branch: "main", commit: "1234567890abcdef", short_commit: "1234567", summary: "ship it" },
    });
    clock.advance(5000);
    await runtime.dispatcher.idle();
    expect(contents().sort()).toEqual(["git:clawhip@main 1234567 ship it", "tmux:issue-132 matched 'error' => boom"]);
  });

  it("different targets batch apart, and a Slack route is never batched", async () => {
    const clock = new ManualClock();
    const runtime = await start(
      [
        { event: "tmux.keyword", webhook: webhook("a") },
        { event: "tmux.keyword", webhook: webhook("b") },
        { event: "tmux.keyword", slack_webhook: `${fixture.receiver.url}/services/T/B/x` },
      ],
      clock,
    );
    await runtime.accept("event", keyword("s", "error", "one"));
    await runtime.accept("event", keyword("s", "error", "two"));
    await fixture.receiver.waitFor((r) => r.length === 2, 10_000, "the Slack deliveries");
    expect(fixture.receiver.requests.every((r) => r.path.startsWith("/services/"))).toBe(true);
    clock.advance(5000);
    await runtime.dispatcher.idle();
    const discord = fixture.receiver.requests.filter((r) => r.path.startsWith("/api/webhooks/"));
    expect(discord.map((r) => [r.path.split("?")[0], r.body.content])).toEqual(
      expect.arrayContaining([
        ["/api/webhooks/1/a", "tmux:s matched 'error' => one\ntmux:s matched 'error' => two"],
        ["/api/webhooks/1/b", "tmux:s matched 'error' => one\ntmux:s matched 'error' => two"],
      ]),
    );
    expect(discord).toHaveLength(2);
  });

  it("an event after the window's flush opens a new batch", async () => {
    const clock = new ManualClock();
    const runtime = await start([{ event: "tmux.keyword", webhook: webhook() }], clock);
    await runtime.accept("event", keyword("s", "error", "one"));
    clock.advance(4000);
    await runtime.accept("event", keyword("s", "error", "two"));
    clock.advance(1000);
    await runtime.dispatcher.idle();
    await runtime.accept("event", keyword("s", "error", "three"));
    clock.advance(5000);
    await runtime.dispatcher.idle();
    expect(contents()).toEqual(["tmux:s matched 'error' => one\ntmux:s matched 'error' => two", "tmux:s matched 'error' => three"]);
  });

  it("with the window at 0 every delivery goes out alone", async () => {
    const clock = new ManualClock();
    const runtime = await start([{ event: "tmux.keyword", webhook: webhook(), mention: "<@ops>" }], clock, 0);
    await runtime.accept("event", keyword("s", "error", "one"));
    await runtime.accept("event", keyword("s", "error", "two"));
    await runtime.dispatcher.idle();
    expect(contents()).toEqual(["<@ops> tmux:s matched 'error' => one", "<@ops> tmux:s matched 'error' => two"]);
  });

  it("a stop in the middle of a window loses nothing: the next start batches the spooled jobs and sends them once", async () => {
    const first = await start([{ event: "tmux.keyword", webhook: webhook() }], new ManualClock());
    await first.accept("event", keyword("s", "error", "one"));
    await first.accept("event", keyword("s", "error", "two"));
    await fixture.stop(first);
    expect(fixture.receiver.requests).toHaveLength(0);

    const clock = new ManualClock();
    const second = await start([{ event: "tmux.keyword", webhook: webhook() }], clock);
    expect(second.journal.pendingCount).toBe(2);
    clock.advance(5000);
    await second.dispatcher.idle();
    expect(contents()).toEqual(["tmux:s matched 'error' => one\ntmux:s matched 'error' => two"]);

    await fixture.stop(second);
    const third = await start([{ event: "tmux.keyword", webhook: webhook() }], new ManualClock());
    expect(third.journal.pendingCount).toBe(0);
    expect(fixture.receiver.requests).toHaveLength(1);
  });

  it("a batch refused for good is dead-lettered as the jobs it was made of", async () => {
    fixture.receiver.respond = () => ({ status: 400, body: { message: "Invalid Form Body" } });
    const clock = new ManualClock();
    const runtime = await start([{ event: "tmux.keyword", webhook: webhook() }], clock);
    await runtime.accept("event", keyword("s", "error", "one"));
    await runtime.accept("event", keyword("s", "error", "two"));
    clock.advance(5000);
    await runtime.dispatcher.idle();
    expect(runtime.dispatcher.dead).toBe(2);
    const lines = (await readFile(join(fixture.stateDir, "dead-letter.ndjson"), "utf8")).trim().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { job: ClawhipDeliveryJob }).job.content)).toEqual([
      "tmux:s matched 'error' => one",
      "tmux:s matched 'error' => two",
    ]);
    expect(runtime.journal.pendingCount).toBe(0);
  });
});
