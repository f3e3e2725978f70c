import type { ClawhipDeliveryJob } from "@clawbridge/contracts";
import { laneName } from "./lane-name.js";
import { SpilledIndex } from "./spilled-index.js";

// The bookkeeping of the jobs a spool journal keeps in its file only: per target, where they start and
// how many there are; and, for dedupe, the hash of each one's key with the offset of its line (SpilledIndex).

/**
 * One target's pending jobs: how many are in memory, and how many wait in the file only (written, or
 * still queued for the write). Once a target has jobs in the file, its new jobs go there too, behind
 * them, so its lane sees them in acceptance order; `cursor` is where its first unloaded line starts.
 */
export interface Backlog {
  lane: string;
  resident: number;
  onDisk: number;
  queued: number;
  cursor: number;
  /** Text each of its job lines holds: a line without it is skipped unparsed. */
  needle: string;
}

/** Where a compaction puts the file-only job lines of the new segment: their index, and each target's first. */
export class SpilledPlacement {
  index = new SpilledIndex();
  readonly backlogs = new Map<Backlog, { count: number; cursor: number }>();
  count = 0;

  constructor(public end: number) {}

  /** True when `key` is placed already: `isAt` confirms each offset its hash points to. */
  has(key: string, isAt: (offset: number) => boolean): boolean {
    return this.index.offsetsOf(key).some(isAt);
  }

  /** The same placement for lines that start `by` bytes further into the file. */
  shifted(by: number): SpilledPlacement {
    const moved = new SpilledPlacement(this.end + by);
    moved.count = this.count;
    moved.index = this.index.shifted(by);
    for (const [backlog, at] of this.backlogs) moved.backlogs.set(backlog, { count: at.count, cursor: at.cursor + by });
    return moved;
  }

  add(backlog: Backlog, key: string, text: string): void {
    const at = this.backlogs.get(backlog);
    if (at) at.count += 1;
    else this.backlogs.set(backlog, { count: 1, cursor: this.end });
    this.index.add(key, this.end);
    this.count += 1;
    this.end += Buffer.byteLength(text) + 1;
  }
}

/**
 * The backlogs by target: by kind, then by value. The value is the config's own string, whose hash V8
 * keeps, so finding a job's backlog builds no string.
 */
export class Backlogs {
  readonly #byKind = new Map<string, Map<string, Backlog>>();

  find(job: ClawhipDeliveryJob): Backlog | undefined {
    return this.#byKind.get(job.target.kind)?.get(job.target.value);
  }

  of(job: ClawhipDeliveryJob): Backlog {
    let byValue = this.#byKind.get(job.target.kind);
    if (!byValue) {
      byValue = new Map();
      this.#byKind.set(job.target.kind, byValue);
    }
    let backlog = byValue.get(job.target.value);
    if (!backlog) {
      backlog = { lane: laneName(job), resident: 0, onDisk: 0, queued: 0, cursor: 0, needle: targetNeedle(job) };
      byValue.set(job.target.value, backlog);
    }
    return backlog;
  }

  delete(job: ClawhipDeliveryJob): void {
    this.#byKind.get(job.target.kind)?.delete(job.target.value);
  }

  *[Symbol.iterator](): IterableIterator<Backlog> {
    for (const byValue of this.#byKind.values()) yield* byValue.values();
  }
}

/** Text every job line of a target holds, whatever the key order: its target's value as a JSON string. */
export function targetNeedle(job: ClawhipDeliveryJob): string {
  return JSON.stringify(job.target.value);
}

/** The jobs the replay found past their target's limit, in `path`, placed as if it started at 0. */
export interface ReplaySpill {
  path: string;
  placement: SpilledPlacement;
}
