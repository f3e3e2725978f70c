import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipCronJobSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/support/cli-io.js";
import { until } from "../../test/support/daemon-process.js";
import { WebhookReceiver } from "../../test/support/webhook-receiver.js";
import { runCli } from "../cli/program.js";
import { type RunningDaemon, startDaemon } from "../ingress/daemon.js";
import { parseConfigObject } from "../route/config-file.js";
import { cronMatches, dueCronEvents, parseCronSchedule } from "./cron.js";

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

  it("every minute since the last tick is looked at once, disabled jobs never fire", () => {
    const jobs = [{ job: job("*/5 * * * *"), schedule: parseCronSchedule("*/5 * * * *") }];
    const minute = (iso: string) => Math.floor(Date.parse(iso) / 60_000);
    const due = dueCronEvents(jobs, minute("2026-04-06T09:00:00Z"), minute("2026-04-06T09:11:00Z"));
    expect(due).toHaveLength(2);
    expect(due[0]).toEqual({
      kind: "custom",
      channel: "ops",
      mention: "<@bot>",
      format: "alert",
      payload: { message: "check open PRs", cron_job_id: "dev-followup", cron_schedule: "*/5 * * * *", cron_timezone: "UTC" },
    });
    const off = [{ job: job("* * * * *", { enabled: false }), schedule: parseCronSchedule("* * * * *") }];
    expect(dueCronEvents(off, 0, 10)).toEqual([]);
  });

  it("the config names a bad schedule, a duplicate id, a timezone other than UTC", () => {
    const bad = parseConfigObject({
      cron: { jobs: [job("61 * * * *"), job("* * * * *"), { ...job("* * * * *"), id: "tz", timezone: "Asia/Seoul" }] },
    });
    expect(bad.ok).toBe(false);
    const tz = parseConfigObject({
      cron: { jobs: [{ id: "tz", schedule: "* * * * *", kind: "custom-message", message: "m", timezone: "Asia/Seoul" }] },
    });
    expect(tz.ok || tz.error).toContain('only "UTC" is supported');
    const dup = parseConfigObject({ cron: { jobs: [job("61 * * * *"), job("* * * * *")] } });
    expect(dup.ok || dup.error).toContain("cron job 'dev-followup': cron value '61' is outside 0..=59");
    expect(dup.ok || dup.error).toContain("cron job 'dev-followup' is defined twice");
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
      `[[routes]]\nevent = "custom"\nwebhook = "${receiver.url}/api/webhooks/1/cron"\n\n[[cron.jobs]]\nid = "dev-followup"\nschedule = "0 9 * * 1-5"\nkind = "custom-message"\nmessage = "check open PRs"\n`,
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
    expect(unknown.err.join("")).toContain("no cron job 'nightly' in the config (jobs: dev-followup)");
  });
});
