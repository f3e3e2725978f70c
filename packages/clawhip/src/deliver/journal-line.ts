import type { ClawhipJournalLine } from "@clawbridge/contracts";
import { jsonString } from "../normalize/json.js";

/**
 * A spool journal line, exactly as `JSON.stringify(line)` writes it (same keys, same order, same
 * escapes), but several times faster for `job` and `done` lines: every accepted event writes one
 * before its 202, and on Node 20 JSON.stringify scans each string slowly. journal-line.test.ts holds
 * the two equal over real jobs and awkward strings.
 */
export function serializeJournalLine(line: ClawhipJournalLine): string {
  if (line.t === "done") return `{"t":"done","key":${jsonString(line.key)}}`;
  // Dead lines are rare and a CI batch item has many optional fields: both are written as JSON.stringify does.
  if (line.t !== "job" || line.job.batch?.ci) return JSON.stringify(line);
  const { job } = line;
  return (
    `{"t":"job","job":{"key":${jsonString(job.key)},"event_id":${jsonString(job.event_id)},` +
    `"event_kind":${jsonString(job.event_kind)},"sink":${jsonString(job.sink)},` +
    `"target":{"kind":${jsonString(job.target.kind)},"value":${jsonString(job.target.value)}},` +
    `"format":${jsonString(job.format)},"content":${jsonString(job.content)},"accepted_at":${jsonString(job.accepted_at)}` +
    (job.batch ? `,"batch":{"key":${jsonString(job.batch.key)},"body":${jsonString(job.batch.body)}}}}` : "}}")
  );
}
