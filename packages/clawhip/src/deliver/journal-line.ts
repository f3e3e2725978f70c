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
    `"event_kind":${kinds.json(job.event_kind)},"sink":${sinks.json(job.sink)},` +
    `"target":{"kind":${targetKinds.json(job.target.kind)},"value":${targets.json(job.target.value)}},` +
    `"format":${formats.json(job.format)},"content":${jsonString(job.content)},"accepted_at":${times.json(job.accepted_at)}` +
    (job.batch ? `,"batch":{"key":${jsonString(job.batch.key)},"body":${jsonString(job.batch.body)}}}}` : "}}")
  );
}

/**
 * The last value a field had and its JSON. A group commit's jobs mostly share their target, sink,
 * format, kind and acceptance time; comparing with the last one is cheaper than scanning it again.
 */
class LastJson {
  #value = "";
  #json = '""';

  json(value: string): string {
    if (value !== this.#value) {
      this.#json = jsonString(value);
      this.#value = value;
    }
    return this.#json;
  }
}

const kinds = new LastJson();
const sinks = new LastJson();
const targetKinds = new LastJson();
const targets = new LastJson();
const formats = new LastJson();
const times = new LastJson();
