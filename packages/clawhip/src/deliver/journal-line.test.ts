import { type ClawhipDeliveryJob, ClawhipJournalLineSchema } from "@clawbridge/contracts";
import { describe, expect, it } from "vitest";
import { acceptIngress, deliveryJobs } from "../ingress/accept.js";
import { parseConfigObject } from "../route/config-file.js";
import { serializeJournalLine } from "./journal-line.js";

const AWKWARD = [
  "plain",
  "",
  'quote " and backslash \\',
  "tab\tnewline\ncarriage\rbell\u0007nul\u0000",
  "unicode é ü 漢字 🚀 (a surrogate pair)",
  "lone \ud800 high and \udc00 low surrogates",
  "line separators \u2028 \u2029 and DEL \u007f",
  "</script> & <b>",
];

function realJobs(): ClawhipDeliveryJob[] {
  const parsed = parseConfigObject({
    routes: [
      { event: "session.*", webhook: "https://discord.com/api/webhooks/1/x", mention: "<@1>" },
      { event: "session.*", slack_webhook: "https://hooks.slack.com/services/T/B/x", format: "alert" },
      { event: "session.*", channel: 'ops\u2028"room"', format: "raw" },
    ],
    // Batching on: the Discord jobs carry their batch group and body, the Slack one does not.
    dispatch: { routine_batch_window_secs: 5 },
  });
  if (!parsed.ok) throw new Error(parsed.error);
  const outcome = acceptIngress(
    "event",
    { type: "session.finished", tool: "omc", summary: AWKWARD.join(" | "), nested: { x: AWKWARD } },
    parsed.config,
  );
  if (!outcome.ok) throw new Error("not accepted");
  return deliveryJobs(outcome.event, outcome.plan, "2026-11-21T08:00:00.000Z");
}

describe("serializeJournalLine", () => {
  it("writes exactly what JSON.stringify writes for real jobs, done and dead lines", () => {
    const jobs = realJobs();
    expect(jobs).toHaveLength(3);
    expect(jobs.map((job) => job.batch !== undefined)).toEqual([true, false, true]);
    for (const job of jobs) {
      const line = { t: "job" as const, job };
      expect(serializeJournalLine(line)).toBe(JSON.stringify(line));
      // Every field of a job is written: a field added to jobs must be added to the serializer too.
      expect(Object.keys(JSON.parse(serializeJournalLine(line)).job)).toEqual(Object.keys(job));
      expect(ClawhipJournalLineSchema.safeParse(JSON.parse(serializeJournalLine(line))).success).toBe(true);
    }
    for (const key of AWKWARD) {
      expect(serializeJournalLine({ t: "done", key })).toBe(JSON.stringify({ t: "done", key }));
      expect(serializeJournalLine({ t: "dead", key, reason: key })).toBe(JSON.stringify({ t: "dead", key, reason: key }));
    }
  });

  it("escapes every awkward string in every job field as JSON.stringify does", () => {
    const [template] = realJobs() as [ClawhipDeliveryJob];
    for (const text of AWKWARD) {
      const job = {
        ...template,
        key: text,
        event_id: text,
        event_kind: text,
        content: text,
        accepted_at: text,
        target: { ...template.target, value: text },
        batch: { key: text, body: text },
      };
      expect(serializeJournalLine({ t: "job", job })).toBe(JSON.stringify({ t: "job", job }));
    }
  });

  it("writes each job's own target, kind and time when consecutive jobs alternate between them", () => {
    const jobs = realJobs();
    const retimed = jobs.map((job, index) => ({ ...job, event_kind: `kind-${index % 2}`, accepted_at: `2026-11-2${index}T08:00:00.000Z` }));
    for (const job of [...retimed, ...retimed.slice().reverse(), retimed[0], retimed[0], retimed[2]] as ClawhipDeliveryJob[]) {
      expect(serializeJournalLine({ t: "job", job })).toBe(JSON.stringify({ t: "job", job }));
    }
  });
});
