import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipCronJobSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/support/cli-io.js";
import { until } from "../../test/support/daemon-process.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import { runCli } from "../cli/program.js";
import { type RunningDaemon, startDaemon } from "../ingress/daemon.js";
import type { IncomingEvent } from "../normalize/incoming.js";
import { parseConfigObject } from "../route/config-file.js";
import { ClawhipRuntime } from "../runtime/clawhip-runtime.js";
import {
  CronRunner,
  cronMatches,
  cronTick,
  evaluateStateText,
  HARDENING_SUGGESTIONS,
  MAX_CATCH_UP_MINUTES,
  parseCronSchedule,
} from "./cron.js";

const at = (iso: string) => new Date(iso);
const job = (schedule: string, extra: object = {}) =>
  ClawhipCronJobSchema.parse({
    id: "dev-followup",
    schedule,
    kind: "custom-message",
    message: "check open PRs",
    channel: "ops",
    mention: "<@bot>",
    format: "alert",
    ...extra,
  });

describe("cron schedules (upstream cron.rs)", () => {
  it("lists, ranges and steps (schedule_parser_supports_lists_ranges_and_steps)", () => {
    const schedule = parseCronSchedule("0,15,30-45/15 9-17/4 * * 1-5");
    expect(cronMatches(schedule, at("2026-04-06T09:00:00Z"))).toBe(true);
    expect(cronMatches(schedule, at("2026-04-06T13:15:00Z"))).toBe(true);
    expect(cronMatches(schedule, at("2026-04-10T17:45:00Z"))).toBe(true);
    expect(cronMatches(schedule, at("2026-04-10T17:10:00Z"))).toBe(false);
    expect(cronMatches(schedule, at("2026-04-11T09:00:00Z"))).toBe(false);
  });

  it("day-of-week 7 is Sunday; two restricted day fields match either", () => {
    expect(cronMatches(parseCronSchedule("0 0 * * 7"), at("2026-04-12T00:00:00Z"))).toBe(true);
    const either = parseCronSchedule("0 0 1 * 1");
    expect(cronMatches(either, at("2026-04-01T00:00:00Z"))).toBe(true);
    expect(cronMatches(either, at("2026-04-06T00:00:00Z"))).toBe(true);
    expect(cronMatches(either, at("2026-04-07T00:00:00Z"))).toBe(false);
  });

  it.each([
    ["* * * *", "must have exactly 5 fields"],
    ["60 * * * *", "outside 0..=59"],
    ["*/0 * * * *", "step must be at least 1"],
    ["5-1 * * * *", "descending"],
    ["a * * * *", "invalid cron value 'a'"],
  ])("refuses %s", (spec, message) => {
    expect(() => parseCronSchedule(spec)).toThrow(message);
  });

  it("every minute since the last pass is looked at once, disabled jobs never fire", () => {
    const jobs = [{ job: job("*/5 * * * *"), schedule: parseCronSchedule("*/5 * * * *") }];
    const minute = (iso: string) => Math.floor(Date.parse(iso) / 60_000);
    const start = minute("2026-04-06T09:00:00Z");
    const { events: due, state } = cronTick(
      jobs,
      { last_processed_minute: start, job_fingerprints: {}, zero_backlog_counters: {} },
      start + 11,
      () => undefined,
    );
    expect(due).toHaveLength(2);
    expect(due[0]).toEqual({
      kind: "custom",
      channel: "ops",
      mention: "<@bot>",
      format: "alert",
      payload: {
        message: "check open PRs",
        cron_job_id: "dev-followup",
        cron_schedule: "*/5 * * * *",
        cron_timezone: "UTC",
        event_id: `cron-dev-followup-${start + 5}`,
      },
    });
    expect(state.last_processed_minute).toBe(start + 11);
    const off = [{ job: job("* * * * *", { enabled: false }), schedule: parseCronSchedule("* * * * *") }];
    expect(
      cronTick(off, { last_processed_minute: 0, job_fingerprints: {}, zero_backlog_counters: {} }, 10, () => undefined).events,
    ).toEqual([]);
  });

  it("after a long outage only the last hour of minutes is caught up", () => {
    const jobs = [{ job: job("* * * * *"), schedule: parseCronSchedule("* * * * *") }];
    const { events } = cronTick(
      jobs,
      { last_processed_minute: 1000, job_fingerprints: {}, zero_backlog_counters: {} },
      1000 + 180,
      () => undefined,
    );
    expect(events).toHaveLength(MAX_CATCH_UP_MINUTES);
  });

  it("the config names a bad schedule, a duplicate id, an unknown time zone, a reserved id", () => {
    const tz = parseConfigObject({
      cron: { jobs: [{ id: "tz", schedule: "* * * * *", kind: "custom-message", message: "m", timezone: "Mars/Olympus" }] },
    });
    expect(tz.ok || tz.error).toContain(
      'cron.jobs.0.timezone: unknown time zone \'Mars/Olympus\' (use an IANA name such as "UTC" or "Europe/Berlin")',
    );
    const dup = parseConfigObject({ cron: { jobs: [job("61 * * * *"), job("* * * * *")] } });
    expect(dup.ok || dup.error).toContain("cron job 'dev-followup': cron value '61' is outside 0..=59");
    expect(dup.ok || dup.error).toContain("cron job 'dev-followup' is defined twice");
    const reserved = parseConfigObject({
      cron: { jobs: [{ id: "__proto__", schedule: "* * * * *", kind: "custom-message", message: "m" }] },
    });
    expect(reserved.ok || reserved.error).toContain("cron job id '__proto__' is reserved");
    expect(parseConfigObject({ cron: { jobs: [{ ...job("* * * * *"), timezone: "Asia/Seoul", state_file: "/tmp/repo.json" }] } }).ok).toBe(
      true,
    );
  });
});

describe("time zones (Intl; upstream accepts UTC only)", () => {
  it("the schedule is wall-clock time in the job's zone", () => {
    const nine = parseCronSchedule("0 9 * * 1");
    // 09:00 Monday in Seoul (UTC+9) is 00:00 UTC the same Monday.
    expect(cronMatches(nine, at("2026-04-06T00:00:00Z"), "Asia/Seoul")).toBe(true);
    expect(cronMatches(nine, at("2026-04-06T09:00:00Z"), "Asia/Seoul")).toBe(false);
    // 09:00 Monday in New York (EDT, UTC-4).
    expect(cronMatches(nine, at("2026-04-06T13:00:00Z"), "America/New_York")).toBe(true);
    // Sunday 20:00 in Los Angeles is Monday 03:00 UTC: the local weekday counts.
    expect(cronMatches(parseCronSchedule("0 20 * * 0"), at("2026-04-06T03:00:00Z"), "America/Los_Angeles")).toBe(true);
  });

  it("daylight saving: a skipped local time does not fire that day, a repeated one fires twice", () => {
    const jobs = [{ job: job("30 2 * * *", { timezone: "Europe/Berlin" }), schedule: parseCronSchedule("30 2 * * *") }];
    const fired = (fromIso: string, hours: number) => {
      const from = Math.floor(Date.parse(fromIso) / 60_000);
      let state = { last_processed_minute: from, job_fingerprints: {}, zero_backlog_counters: {} } as Parameters<typeof cronTick>[1];
      let count = 0;
      for (let minute = from + 1; minute <= from + hours * 60; minute += 1) {
        const tick = cronTick(jobs, state, minute, () => undefined);
        count += tick.events.length;
        state = tick.state;
      }
      return count;
    };
    expect(fired("2026-03-28T22:00:00Z", 6)).toBe(0); // 29 March: 02:00 → 03:00
    expect(fired("2026-10-24T22:00:00Z", 6)).toBe(2); // 25 October: 03:00 → 02:00
    expect(fired("2026-06-14T22:00:00Z", 6)).toBe(1);
  });
});

describe("state files (upstream cron.rs zero-backlog gate)", () => {
  it("a missing counter counts as open work (evaluate_state_file_treats_missing_counters_as_nonzero)", () => {
    expect(evaluateStateText('{"sha":"abc"}')?.zeroBacklog).toBe(false);
    expect(evaluateStateText('{"open_issues":0,"open_prs":0}')?.zeroBacklog).toBe(true);
    expect(evaluateStateText("")).toBeUndefined();
    expect(evaluateStateText("{not-json")).toBeUndefined();
  });

  it("whitespace and key order do not change the fingerprint (evaluate_state_file_normalizes_whitespace_in_fingerprint)", () => {
    const compact = evaluateStateText('{"open_issues":0,"open_prs":0}');
    const pretty = evaluateStateText('{\n  "open_prs": 0,\n  "open_issues": 0\n}\n');
    expect(pretty?.fingerprint).toBe(compact?.fingerprint);
  });
});

describe("the cron runner: cron-state.json and state_file", () => {
  let dir: string;
  let now = 0;
  const emitted: IncomingEvent[] = [];
  const runners: CronRunner[] = [];
  const dt = (iso: string) => Date.parse(iso);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "clawhip-cron-state-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function runner(name: string, jobs: ReturnType<typeof job>[], log: (message: string) => void = () => {}) {
    const cron = await CronRunner.start(jobs, {
      stateDir: join(dir, name),
      pollIntervalMs: 0,
      now: () => now,
      emit: async (event) => {
        emitted.push(event);
      },
      log: (_level, message) => log(message),
    });
    runners.push(cron);
    return cron;
  }

  async function tickAt(cron: CronRunner, iso: string) {
    now = dt(iso);
    await cron.tick();
  }

  const fresh = () => emitted.splice(0);
  const message = (e: IncomingEvent) => (e.payload as Record<string, unknown>).message;
  const field = (e: IncomingEvent | undefined, key: string) => (e?.payload as Record<string, unknown> | undefined)?.[key];

  it("a job fires once per matching minute (scheduler_emits_matching_custom_job_once_per_minute)", async () => {
    fresh();
    const cron = await runner("once", [job("*/10 * * * *")]);
    await tickAt(cron, "2026-04-02T08:20:03Z");
    await tickAt(cron, "2026-04-02T08:20:55Z");
    await tickAt(cron, "2026-04-02T08:30:01Z");
    const events = fresh();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ channel: "ops", mention: "<@bot>", format: "alert" });
    expect(field(events[0], "message")).toBe("check open PRs");
    expect(field(events[0], "cron_job_id")).toBe("dev-followup");
  });

  it("a restart does not fire the same minute again, and fires the next one (scheduler_restart_does_not_refire_jobs_for_same_minute, …still_emits_on_next_matching_minute)", async () => {
    fresh();
    await tickAt(await runner("restart", [job("*/10 * * * *")]), "2026-04-02T08:20:03Z");
    await tickAt(await runner("restart", [job("*/10 * * * *")]), "2026-04-02T08:20:45Z");
    expect(fresh()).toHaveLength(1);
    await tickAt(await runner("restart", [job("*/10 * * * *")]), "2026-04-02T08:30:01Z");
    expect(fresh()).toHaveLength(1);
    const saved = JSON.parse(await readFile(join(dir, "restart", "cron-state.json"), "utf8"));
    expect(saved.last_processed_minute).toBe(Math.floor(dt("2026-04-02T08:30:01Z") / 60_000));
  });

  it("an empty or invalid state file is set aside and the scheduler starts afresh (scheduler_startup_tolerates_…)", async () => {
    for (const [name, text] of [
      ["empty", ""],
      ["invalid", "{not-json"],
    ] as const) {
      await mkdir(join(dir, name), { recursive: true });
      await writeFile(join(dir, name, "cron-state.json"), text);
      const logged: string[] = [];
      const cron = await runner(name, [job("*/10 * * * *")], (m) => logged.push(m));
      expect(cron.state.last_processed_minute).toBeNull();
      expect(logged.join("")).toContain("starting afresh");
    }
  });

  it("a zero backlog that does not move posts rotating suggestions, not the message (zero_backlog_steady_state_emits_hardening_candidates_not_churn)", async () => {
    fresh();
    const repo = join(dir, "steady.json");
    await writeFile(repo, '{"open_issues":0,"open_prs":0,"sha":"deadbeef"}');
    const cron = await runner("steady", [job("*/10 * * * *", { state_file: repo })]);
    await tickAt(cron, "2026-04-02T08:20:03Z");
    await tickAt(cron, "2026-04-02T08:30:05Z");
    await tickAt(cron, "2026-04-02T08:40:05Z");
    const events = fresh();
    expect(events).toHaveLength(3);
    expect(message(events[0] as IncomingEvent)).toBe("check open PRs");
    expect(field(events[0], "repo_state_zero_backlog")).toBe(true);
    expect(field(events[1], "hardening_cycle")).toBe(1);
    expect(typeof field(events[1], "hardening_lane")).toBe("string");
    expect(field(events[1], "repo_state_zero_backlog")).toBe(true);
    expect(field(events[2], "hardening_cycle")).toBe(2);
    expect(field(events[2], "hardening_lane")).not.toBe(field(events[1], "hardening_lane"));
    const [lane, why] = HARDENING_SUGGESTIONS[0] as readonly [string, string];
    expect(message(events[1] as IncomingEvent)).toBe(`[zero-backlog hardening] ${lane} — ${why}`);
  });

  it("a changed state file fires again even at zero backlog (emits_again_when_state_file_changes_even_with_zero_backlog)", async () => {
    fresh();
    const repo = join(dir, "changes.json");
    await writeFile(repo, '{"open_issues":0,"open_prs":0,"sha":"aaaa"}');
    const cron = await runner("changes", [job("*/10 * * * *", { state_file: repo })]);
    await tickAt(cron, "2026-04-02T08:20:03Z");
    await writeFile(repo, '{"open_issues":0,"open_prs":0,"sha":"bbbb"}');
    await tickAt(cron, "2026-04-02T08:30:05Z");
    expect(fresh().map(message)).toEqual(["check open PRs", "check open PRs"]);
  });

  it("open work always fires (never_suppresses_when_backlog_is_nonzero)", async () => {
    fresh();
    const repo = join(dir, "open.json");
    await writeFile(repo, '{"open_issues":0,"open_prs":3}');
    const cron = await runner("open", [job("*/10 * * * *", { state_file: repo })]);
    for (const t of ["08:20:01", "08:30:01", "08:40:01"]) await tickAt(cron, `2026-04-02T${t}Z`);
    const events = fresh();
    expect(events.map(message)).toEqual(["check open PRs", "check open PRs", "check open PRs"]);
    expect(field(events[0], "repo_state_zero_backlog")).toBe(false);
  });

  it("back to zero fires once, then the suggestions restart at 1 (re_emits_immediately_when_backlog_transitions_back_from_zero)", async () => {
    fresh();
    const repo = join(dir, "transition.json");
    await writeFile(repo, '{"open_issues":0,"open_prs":0}');
    const cron = await runner("transition", [job("*/10 * * * *", { state_file: repo })]);
    await tickAt(cron, "2026-04-02T08:20:00Z");
    await tickAt(cron, "2026-04-02T08:30:00Z");
    await writeFile(repo, '{"open_issues":0,"open_prs":1}');
    await tickAt(cron, "2026-04-02T08:40:00Z");
    await writeFile(repo, '{"open_issues":0,"open_prs":0}');
    await tickAt(cron, "2026-04-02T08:50:00Z");
    await tickAt(cron, "2026-04-02T09:00:00Z");
    const events = fresh();
    expect(events).toHaveLength(5);
    expect(events.map((e) => field(e, "hardening_lane") !== undefined)).toEqual([false, true, false, false, true]);
    expect(field(events[4], "hardening_cycle")).toBe(1);
  });

  it("a missing state file fires as usual; a job without one carries no repo_state fields (missing_state_file_fails_open…, job_without_state_file_preserves_legacy_behavior)", async () => {
    fresh();
    const cron = await runner("missing", [job("*/10 * * * *", { state_file: join(dir, "does-not-exist.json") })]);
    await tickAt(cron, "2026-04-02T08:20:00Z");
    await tickAt(cron, "2026-04-02T08:30:00Z");
    expect(fresh().map(message)).toEqual(["check open PRs", "check open PRs"]);
    const legacy = await runner("legacy", [job("*/10 * * * *")]);
    await tickAt(legacy, "2026-04-02T08:20:00Z");
    expect(field(fresh()[0], "repo_state_fingerprint")).toBeUndefined();
  });

  it("the fingerprint and the count survive a restart (fingerprint_and_counter_persist_across_scheduler_restarts)", async () => {
    fresh();
    const repo = join(dir, "persist.json");
    await writeFile(repo, '{"open_issues":0,"open_prs":0}');
    await tickAt(await runner("persist", [job("*/10 * * * *", { state_file: repo })]), "2026-04-02T08:20:00Z");
    await tickAt(await runner("persist", [job("*/10 * * * *", { state_file: repo })]), "2026-04-02T08:30:00Z");
    const events = fresh();
    expect(message(events[0] as IncomingEvent)).toBe("check open PRs");
    expect(field(events[1], "hardening_cycle")).toBe(1);
  });

  it("a pass whose events could not be spooled is not recorded: the next tick posts them again", async () => {
    let fail = true;
    const posted: IncomingEvent[] = [];
    const cron = await CronRunner.start([job("*/10 * * * *")], {
      stateDir: join(dir, "retry"),
      pollIntervalMs: 0,
      now: () => now,
      emit: async (event) => {
        if (fail) throw new Error("disk full");
        posted.push(event);
      },
      log: () => {},
    });
    await tickAt(cron, "2026-04-02T08:20:03Z");
    expect(cron.state.last_processed_minute).toBe(Math.floor(dt("2026-04-02T08:19:00Z") / 60_000));
    await expect(readFile(join(dir, "retry", "cron-state.json"), "utf8")).rejects.toThrow("ENOENT");
    fail = false;
    await tickAt(cron, "2026-04-02T08:21:03Z");
    expect(posted.map((e) => field(e, "event_id"))).toEqual([`cron-dev-followup-${Math.floor(dt("2026-04-02T08:20:00Z") / 60_000)}`]);
  });
});

describe("clawhip cron run", () => {
  const receiver = new WebhookReceiver();
  let daemon: RunningDaemon;
  let dir: string;

  beforeAll(async () => {
    await receiver.start();
    dir = await mkdtemp(join(tmpdir(), "clawhip-cron-"));
    await writeFile(
      join(dir, "clawhip.toml"),
      `[[routes]]\nevent = "custom"\nwebhook = "${receiver.url}/api/webhooks/1/cron"\n\n[[cron.jobs]]\nid = "dev-followup"\nschedule = "0 9 * * 1-5"\nkind = "custom-message"\nmessage = "check open PRs"\n\n[[cron.jobs]]\nid = "off"\nschedule = "0 9 * * *"\nkind = "custom-message"\nmessage = "m"\nenabled = false\n`,
    );
    const parsed = parseConfigObject({ routes: [{ event: "custom", webhook: `${receiver.url}/api/webhooks/1/cron` }] });
    if (!parsed.ok) throw new Error(parsed.error);
    daemon = await startDaemon({ config: parsed.config, stateDir: join(dir, "state"), port: 0, log: () => {} });
  });

  afterAll(async () => {
    await daemon.close();
    await receiver.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("posts the job's message now; an unknown id names the jobs there are", async () => {
    const io = recordingIo({ cwd: dir, env: { CLAWHIP_DAEMON_URL: daemon.url } });
    expect(await runCli(["cron", "run", "dev-followup"], io)).toBe(0);
    await until(() => receiver.delivered.some((r) => r.body.content === "check open PRs"), 10_000, "the cron message");
    const unknown = recordingIo({ cwd: dir, env: { CLAWHIP_DAEMON_URL: daemon.url } });
    expect(await runCli(["cron", "run", "nightly"], unknown)).toBe(2);
    expect(unknown.err.join("")).toContain("no cron job 'nightly' in the config (jobs: dev-followup, off)");
    const disabled = recordingIo({ cwd: dir, env: { CLAWHIP_DAEMON_URL: daemon.url } });
    expect(await runCli(["cron", "run", "off", "--json"], disabled)).toBe(2);
    expect(JSON.parse(disabled.out.join(""))).toEqual({
      ok: false,
      error: { code: "disabled_cron_job", message: "cron job 'off' is disabled" },
    });
  });

  it("a pass repeated after a crash (its cron-state.json never written) is deduplicated by the spool", async () => {
    const before = receiver.delivered.length;
    const now = Date.parse("2026-04-06T09:00:10Z");
    const pass = async () => {
      const cron = await CronRunner.start([job("0 9 * * 1-5", { channel: undefined, mention: undefined, format: undefined })], {
        stateDir: join(dir, "crash"),
        pollIntervalMs: 0,
        now: () => now,
        emit: (event) => daemon.runtime.acceptEvent(event),
        log: () => {},
      });
      await cron.tick();
      await cron.close();
    };
    await pass();
    await rm(join(dir, "crash", "cron-state.json"));
    await pass();
    if (!(daemon.runtime instanceof ClawhipRuntime)) throw new Error("expected the file-spool runtime");
    await daemon.runtime.dispatcher.idle();
    expect(receiver.delivered.slice(before).map((r) => r.body.content)).toEqual(["check open PRs"]);
  });
});
