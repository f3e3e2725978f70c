import type { ClawhipCiBatchItem } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { until } from "../../test/support/daemon-process.js";
import { useRuntimeFixture } from "../../test/support/runtime-fixture.js";
import { ManualClock } from "../../test/support/virtual-clock.js";
import type { ClawhipRuntime } from "../runtime/clawhip-runtime.js";
import { aggregateCi, ciBatchKey, ciRunComplete } from "./ci-batch.js";

const item = (
  workflow: string,
  status: string,
  conclusion: string | undefined,
  extra: Partial<ClawhipCiBatchItem> = {},
): ClawhipCiBatchItem => ({
  repo: "clawhip",
  number: 86,
  sha: "abc",
  url: `https://github.com/org/repo/actions/runs/123/jobs/${workflow}`,
  workflow,
  status,
  ...(conclusion ? { conclusion } : {}),
  ...extra,
});

describe("CI runs (upstream dispatch.rs GitHubCiBatcher)", () => {
  it("the batch key prefers the workflow run id (batch_key_prefers_workflow_run_id)", () => {
    expect(ciBatchKey({ repo: "clawhip", number: 86, sha: "abc", url: "https://github.com/org/repo/actions/runs/123456789/jobs/42" })).toBe(
      "clawhip:86:abc:123456789",
    );
    expect(ciBatchKey({ repo: "clawhip", sha: "abc", url: "https://ci.example/build/7" })).toBe(
      "clawhip:none:abc:https://ci.example/build/7",
    );
  });

  it("a run is complete once an in-progress job was seen and every expected job finished (batcher_flushes_when_all_jobs_for_run_are_terminal)", () => {
    const first = item("Build", "in_progress", undefined, { run_job_count: 2, run_all_terminal: false });
    const second = item("Build", "completed", "success", { run_job_count: 2, run_all_terminal: true });
    const third = item("Test", "completed", "failure", { run_job_count: 2, run_all_terminal: true });
    expect(ciRunComplete([first])).toBe(false);
    expect(ciRunComplete([first, second])).toBe(false);
    expect(ciRunComplete([first, second, third])).toBe(true);
    const aggregate = aggregateCi([first, second, third]);
    expect(aggregate.kind).toBe("github.ci-failed");
    expect(aggregate.payload.total_count).toBe(2);
    // Two completed jobs without an in-progress one are not complete: they wait for the window.
    expect(ciRunComplete([second, third])).toBe(false);
  });

  it.each([
    ["all passed", [item("Build", "completed", "success"), item("Test", "completed", "neutral")], "github.ci-passed", [2, 0, 0, 0]],
    ["a failure wins", [item("Build", "completed", "success"), item("Test", "completed", "timed_out")], "github.ci-failed", [1, 0, 1, 0]],
    ["only cancelled", [item("Build", "completed", "cancelled")], "github.ci-cancelled", [0, 0, 0, 1]],
    [
      "cancelled with a pass",
      [item("Build", "completed", "success"), item("Test", "completed", "cancelled")],
      "github.ci-passed",
      [1, 0, 0, 1],
    ],
    ["skipped counts as finished", [item("Build", "completed", "skipped")], "github.ci-passed", [0, 1, 0, 0]],
    ["still running", [item("Build", "completed", "success"), item("Test", "in_progress", undefined)], "github.ci-started", [1, 0, 0, 0]],
  ] as const)("%s", (_name, items, kind, [passed, skipped, failed, cancelled]) => {
    const aggregate = aggregateCi(items);
    expect(aggregate.kind).toBe(kind);
    expect(aggregate.payload).toMatchObject({
      batched: true,
      passed_count: passed,
      skipped_count: skipped,
      failed_count: failed,
      cancelled_count: cancelled,
    });
  });

  it("a later event of a workflow replaces the earlier one; jobs are sorted by workflow", () => {
    const aggregate = aggregateCi([
      item("Test", "in_progress", undefined),
      item("Build", "completed", "success"),
      item("Test", "completed", "success"),
    ]);
    expect(aggregate.payload.jobs.map((j) => [j.workflow, j.status, j.conclusion])).toEqual([
      ["Build", "completed", "success"],
      ["Test", "completed", "success"],
    ]);
    expect(aggregate.payload.total_count).toBe(2);
  });
});

describe("CI aggregation through the runtime ([dispatch].ci_batch_window_secs)", () => {
  const fixture = useRuntimeFixture("clawhip-ci-batch-");

  const start = (clock: ManualClock, dispatch: Record<string, number>): Promise<ClawhipRuntime> =>
    fixture.start(
      {
        routes: [{ event: "github.ci-*", webhook: `${fixture.receiver.url}/api/webhooks/1/ci`, mention: "<@ops>" }],
        dispatch,
        delivery: { rate_per_sec: 1000, rate_burst: 100 },
      },
      { clock },
    );

  const ciEvent = (kind: string, workflow: string, status: string, conclusion: string | undefined, extra: object = {}) => ({
    type: kind,
    payload: {
      repo: "clawhip",
      number: 85,
      workflow,
      status,
      ...(conclusion ? { conclusion } : {}),
      sha: "abcdef1234567",
      url: `https://github.com/Yeachan-Heo/clawhip/actions/runs/123/jobs/${workflow}`,
      branch: "feat/retry",
      ...extra,
    },
  });

  it("two jobs of one run are one message after the window (dispatcher_batches_ci_events_into_single_delivery)", async () => {
    const clock = new ManualClock();
    const runtime = await start(clock, { ci_batch_window_secs: 30 });
    for (const workflow of ["Build", "Test"]) {
      const reply = await runtime.accept(
        "event",
        ciEvent("github.ci-passed", workflow, "completed", "success", { run_job_count: 2, run_all_terminal: true }),
      );
      expect(reply.status).toBe(202);
    }
    expect(runtime.journal.pendingCount).toBe(2);
    expect(fixture.receiver.requests).toHaveLength(0);
    clock.advance(30_000);
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(1);
    const content = fixture.receiver.requests[0]?.body.content as string;
    expect(content).toContain("2/2 passed");
    expect(content).toContain("Build, Test");
    expect(content.startsWith("<@ops> ")).toBe(true);
    expect(runtime.dispatcher.delivered).toBe(2);
  });

  it("a run that completes is sent before its window closes, and CI never joins the routine batch (dispatcher_keeps_ci_events_off_routine_batcher)", async () => {
    const clock = new ManualClock();
    const runtime = await start(clock, { ci_batch_window_secs: 30, routine_batch_window_secs: 200 });
    await runtime.accept(
      "event",
      ciEvent("github.ci-started", "Build", "in_progress", undefined, { run_job_count: 2, run_all_terminal: false }),
    );
    await runtime.accept(
      "event",
      ciEvent("github.ci-passed", "Build", "completed", "success", { run_job_count: 2, run_all_terminal: true }),
    );
    expect(fixture.receiver.requests).toHaveLength(0);
    await runtime.accept(
      "event",
      ciEvent("github.ci-failed", "Test", "completed", "failure", { run_job_count: 2, run_all_terminal: true }),
    );
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests).toHaveLength(1);
    expect(fixture.receiver.requests[0]?.body.content).toContain("CI failed · clawhip#85");
    expect(fixture.receiver.requests[0]?.body.content).toContain("Test:failure");
  });

  it("a CI window that closes before an earlier-opened routine window is not held up by it", async () => {
    const clock = new ManualClock();
    const runtime = await fixture.start(
      {
        routes: [
          { event: "github.ci-*", webhook: `${fixture.receiver.url}/api/webhooks/1/ci` },
          { event: "tmux.keyword", webhook: `${fixture.receiver.url}/api/webhooks/1/tmux` },
        ],
        dispatch: { ci_batch_window_secs: 30, routine_batch_window_secs: 200 },
        delivery: { rate_per_sec: 1000, rate_burst: 100 },
      },
      { clock },
    );
    await runtime.accept("event", { type: "tmux.keyword", payload: { session: "s", keyword: "error", line: "boom" } });
    await runtime.accept("event", ciEvent("github.ci-passed", "Build", "completed", "success"));
    clock.advance(30_000);
    await until(() => runtime.dispatcher.delivered === 1, 10_000, "the CI aggregate to be recorded");
    expect(fixture.receiver.requests).toHaveLength(1);
    expect(fixture.receiver.requests[0]?.path.startsWith("/api/webhooks/1/ci")).toBe(true);
    expect(runtime.journal.pendingCount).toBe(1);
    clock.advance(170_000);
    await runtime.dispatcher.idle();
    expect(fixture.receiver.requests.map((r) => r.body.content)).toEqual([
      expect.stringContaining("1/1 passed"),
      "tmux:s matched 'error' => boom",
    ]);
  });

  it("the spooled jobs of an open run survive a stop and are aggregated after the restart", async () => {
    const first = await start(new ManualClock(), { ci_batch_window_secs: 30 });
    for (const workflow of ["Build", "Test"])
      await first.accept("event", ciEvent("github.ci-passed", workflow, "completed", "success", { run_job_count: 2 }));
    await fixture.stop(first);
    const clock = new ManualClock();
    const second = await start(clock, { ci_batch_window_secs: 30 });
    expect(second.journal.pendingCount).toBe(2);
    clock.advance(30_000);
    await second.dispatcher.idle();
    expect(fixture.receiver.requests.map((r) => r.body.content as string)).toEqual([expect.stringContaining("2/2 passed")]);
    expect(second.journal.pendingCount).toBe(0);
  });
});
