import type { ClawhipDeliveryJob } from "@clawbridge/contracts";
import { laneName } from "./lane-name.js";

// The bookkeeping of the jobs a spool journal keeps in its file only: per target, where they start and
// how many there are; and, for dedupe, a small-integer hash of each one's key with the offset of its line.

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

/**
 * FNV-1a over the key's length and its first 48 UTF-16 code units (the event id and the route), cut
 * to 30 bits: the spilled-key index holds this V8 small integer, nothing for the garbage collector to
 * trace, not the key. Keys that share it (one event's jobs to several targets) are told apart by
 * reading their lines.
 */
export function keyHash(key: string): number {
  let hash = Math.imul(0x811c9dc5 ^ key.length, 0x01000193);
  const end = Math.min(key.length, 48);
  for (let index = 0; index < end; index += 1) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  return hash & 0x3fffffff;
}

/** Key hash → the offset of the file-only job line with that hash (a list when several share it). */
export type SpilledIndex = Map<number, number | number[]>;

/** Where the lines whose key hashes like `key` start: the one to read to confirm it, or the few. */
export function candidateOffsets(index: SpilledIndex, key: string): readonly number[] {
  const entry = index.get(keyHash(key));
  return entry === undefined ? [] : typeof entry === "number" ? [entry] : entry;
}

/** Records that the file-only job line of `key` starts at `offset`. */
export function indexKey(index: SpilledIndex, key: string, offset: number): void {
  const hash = keyHash(key);
  const entry = index.get(hash);
  if (entry === undefined) index.set(hash, offset);
  else if (typeof entry === "number") index.set(hash, [entry, offset]);
  else entry.push(offset);
}

/** Where a compaction puts the file-only job lines of the new segment: their index, and each target's first. */
export class SpilledPlacement {
  readonly index: SpilledIndex = new Map();
  readonly backlogs = new Map<Backlog, { count: number; cursor: number }>();
  count = 0;

  constructor(public end: number) {}

  /** True when `key` is placed already: `isAt` confirms each offset its hash points to. */
  has(key: string, isAt: (offset: number) => boolean): boolean {
    return candidateOffsets(this.index, key).some(isAt);
  }

  /** The same placement for lines that start `by` bytes further into the file. */
  shifted(by: number): SpilledPlacement {
    const moved = new SpilledPlacement(this.end + by);
    moved.count = this.count;
    for (const [hash, entry] of this.index) moved.index.set(hash, typeof entry === "number" ? entry + by : entry.map((at) => at + by));
    for (const [backlog, at] of this.backlogs) moved.backlogs.set(backlog, { count: at.count, cursor: at.cursor + by });
    return moved;
  }

  add(backlog: Backlog, key: string, text: string): void {
    const at = this.backlogs.get(backlog);
    if (at) at.count += 1;
    else this.backlogs.set(backlog, { count: 1, cursor: this.end });
    indexKey(this.index, key, this.end);
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
