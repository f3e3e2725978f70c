import { fstatSync, ftruncateSync } from "node:fs";
import { type FileHandle, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { ClawhipDeliveryJob, ClawhipJournalLine, ClawhipSpoolFsync } from "@clawbridge/contracts";
import { ChunkWriter, copyFile, lineOffsets, parseJobLine, parseJournalLine, readJobAt, scanLines, writeAll } from "./journal-file.js";
import { serializeJournalLine } from "./journal-line.js";
import { laneName } from "./lane-name.js";
import { SpilledIndex } from "./spilled-index.js";
import { type Backlog, Backlogs, type ReplaySpill, SpilledPlacement } from "./spool-backlog.js";

export interface SpoolJournalOptions {
  /** How many delivered keys are remembered for dedupe (oldest forgotten first). */
  dedupeWindow: number;
  /**
   * The active segment is compacted into a fresh one once the lines a compaction would drop (jobs
   * delivered or given up, forgotten keys) pass this size and outweigh the live lines.
   */
  maxSegmentBytes?: number;
  /**
   * `always`: appends resolve after the fdatasync of their group commit. `interval` (default): after
   * the write, with an fdatasync in the background at most every `fsyncIntervalMs`. `never`: after the
   * write. Written lines survive the death of this process in every mode; only power loss differs.
   */
  fsync?: ClawhipSpoolFsync;
  fsyncIntervalMs?: number;
  /** Flushes appended lines to stable storage; `FileHandle.datasync` unless a test injects a failure. */
  syncFile?: (handle: FileHandle) => Promise<void>;
  /** Appends a group commit's lines to the segment and answers their size in bytes; `write(2)` unless a test injects a short write. */
  appendFile?: (fd: number, text: string) => number;
  /** The time in the name of a damaged segment set aside (`<segment>.corrupt-<time>`). */
  now?: () => Date;
  /**
   * How many pending jobs of one target (one delivery lane) are held in memory; 1000 by default
   * (`[daemon].spool_resident_jobs`).
   * Beyond that a target's jobs wait in the file only, and are read back, in order, as its lane
   * delivers: a backlog for a slow or dead target costs disk, not memory, and never holds up another target.
   */
  residentPerTarget?: number;
  /** Hears a failure to read waiting jobs back from the file (a process warning unless told). */
  onReadError?: (error: Error) => void;
}

/** A segment that held unreadable lines, kept (renamed) as evidence after its good lines were replayed. */
export interface DamagedSegment {
  movedTo: string;
  badLines: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  /** What the waiter appended, so a failed write can forget the jobs it never made durable. */
  lines: readonly ClawhipJournalLine[];
}

const SEGMENT = /^journal-(\d{8})\.ndjson$/;

function segmentName(sequence: number): string {
  return `journal-${String(sequence).padStart(8, "0")}.ndjson`;
}

/**
 * The durable spool: an append-only journal of `job` / `done` / `dead` lines in the spool folder.
 * Appends are group-committed — the callers of one event-loop turn share one write (and, in `always`
 * mode, one fdatasync) — and a caller's promise resolves only once its lines are written to the file
 * (and flushed, in `always` mode). On open, the journal is replayed (a torn last
 * line from a crash is ignored: its writer was never acknowledged) and compacted into a new segment
 * that keeps the pending jobs and the remembered delivered keys. A segment with an unreadable line
 * anywhere else is damage, not a crash: its good lines are replayed and, once the compacted segment
 * holds them, the damaged one is renamed aside (`<segment>.corrupt-<time>`) instead of deleted.
 *
 * Memory holds at most `residentPerTarget` pending jobs per target; the rest of a target's backlog
 * is only in the file, indexed by a hash of each key (for dedupe), and read back in order as the
 * target's lane makes room (`onLoad`).
 */
export class SpoolJournal {
  readonly #dir: string;
  readonly #options: Required<SpoolJournalOptions>;
  /** The pending jobs held in memory (resident), in acceptance order. */
  readonly #pending = new Map<string, ClawhipDeliveryJob>();
  readonly #backlogs = new Backlogs();
  /** Jobs written to the active segment and not loaded back yet: key hash → offset(s) of their lines. */
  #spilledIndex = new SpilledIndex();
  /** Jobs going to the file only, still in the write queue, and the index of each one's line in it. */
  #queuedSpills: ClawhipDeliveryJob[] = [];
  #queuedSpillLines: number[] = [];
  /** Those of the batch being written, until its fdatasync answers (always mode). */
  #writing: ClawhipDeliveryJob[] = [];
  /** Jobs in the file only (written or queued), over every target. */
  #spilledCount = 0;
  #onLoad: ((jobs: ClawhipDeliveryJob[]) => void) | undefined;
  /** Targets whose lane has room for jobs waiting in the file; loaded on the next turn. */
  readonly #toLoad = new Set<Backlog>();
  #compacting = false;
  /** Where the acknowledged part of the active segment ends: loads read no further. */
  #loadableEnd = 0;
  /** Offsets in the active segment of job lines that do not count (their write failed to be acknowledged). */
  readonly #voided = new Set<number>();
  readonly #delivered = new Set<string>();
  readonly #dead = new Set<string>();
  #handle: FileHandle | undefined;
  #sequence = 0;
  #segmentBytes = 0;
  /** Bytes of the active segment that a compaction would drop. */
  #garbageBytes = 0;
  #queue: string[] = [];
  #waiters: Waiter[] = [];
  #flushing = false;
  #scheduled = false;
  #closed = false;
  /** The pending background fdatasync (interval mode), and the one running. */
  #syncTimer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;
  /** A failed background fdatasync, reported to the next group commit. */
  #syncError: Error | undefined;
  /** Segments read at open with unreadable lines (name → count), set aside by the first compaction. */
  readonly #damaged = new Map<string, number>();
  /** Lines dropped while replaying (torn or invalid), for diagnostics. */
  skippedLines = 0;
  /** Damaged segments set aside at open, for the log. */
  setAside: DamagedSegment[] = [];
  /** Completed fdatasyncs of appended lines (compactions not counted), for diagnostics. */
  syncs = 0;

  private constructor(dir: string, options: SpoolJournalOptions) {
    this.#dir = dir;
    this.#options = {
      maxSegmentBytes: 8 * 1024 * 1024,
      fsync: "interval",
      fsyncIntervalMs: 100,
      syncFile: (handle) => handle.datasync(),
      appendFile: writeAll,
      now: () => new Date(),
      residentPerTarget: 1000,
      onReadError: (error) => process.emitWarning(`spool read-back failed: ${error.message}`, "ClawhipSpoolWarning"),
      ...options,
    };
  }

  static async open(dir: string, options: SpoolJournalOptions): Promise<SpoolJournal> {
    const journal = new SpoolJournal(dir, options);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const spilled = await journal.#replay();
    try {
      await journal.#compact(spilled);
    } finally {
      await rm(spilled.path, { force: true });
    }
    return journal;
  }

  async #segments(): Promise<Array<{ name: string; sequence: number }>> {
    return (await readdir(this.#dir))
      .map((name) => ({ name, match: SEGMENT.exec(name) }))
      .filter((s): s is { name: string; match: RegExpExecArray } => s.match !== null)
      .map((s) => ({ name: s.name, sequence: Number(s.match[1]) }))
      .sort((a, b) => a.sequence - b.sequence);
  }

  /**
   * Reads the segments back in two passes, a line at a time. The first applies the `done` and `dead`
   * lines and notes where each key was last settled; the second takes every job line not settled after
   * it: into memory up to `residentPerTarget` per target, the rest copied to `spill.tmp`, which the
   * compaction at open appends to the new segment. A backlog is never held in memory whole.
   */
  async #replay(): Promise<ReplaySpill> {
    const segments = await this.#segments();
    const settledAt = new Map<string, number>();
    const position = (segment: number, offset: number) => segment * 2 ** 40 + offset;
    for (const [index, segment] of segments.entries()) {
      this.#sequence = Math.max(this.#sequence, segment.sequence);
      let bad = 0;
      const { torn } = await this.#scanFile(join(this.#dir, segment.name), (text, offset) => {
        if (text === "") return;
        const parsed = parseJournalLine(text);
        if (!parsed) {
          // An unreadable line before the end is damage to keep for inspection.
          this.skippedLines += 1;
          bad += 1;
        } else if (parsed.t !== "job") {
          this.#apply(parsed);
          settledAt.set(parsed.key, position(index, offset));
        }
      });
      // Every acknowledged write ends with a newline, so an unterminated last line is a write cut short
      // by a crash: dropped, and not damage.
      if (torn) this.skippedLines += 1;
      if (bad > 0) this.#damaged.set(segment.name, bad);
    }
    const path = join(this.#dir, "spill.tmp");
    const handle = await open(path, "w+", 0o600);
    const placement = new SpilledPlacement(0);
    const out = new ChunkWriter(handle.fd);
    try {
      for (const [index, segment] of segments.entries()) {
        await this.#scanFile(join(this.#dir, segment.name), (text, offset) => {
          const job = parseJobLine(text);
          if (!job) return;
          if ((settledAt.get(job.key) ?? -1) > position(index, offset) || this.#pending.has(job.key)) return;
          const backlog = this.#backlogs.of(job);
          if (backlog.resident < this.#options.residentPerTarget) {
            backlog.resident += 1;
            this.#pending.set(job.key, job);
            return;
          }
          // A key written twice (a retry after a failed fdatasync) is taken once.
          const isAt = (at: number) => {
            out.end();
            return readJobAt(handle.fd, at, placement.end)?.key === job.key;
          };
          if (placement.has(job.key, isAt)) return;
          placement.add(backlog, job.key, text);
          out.write(text);
        });
      }
      out.end();
    } finally {
      await handle.close();
    }
    return { path, placement };
  }

  /**
   * Calls `visit` with each complete line of a file and the offset it starts at, a chunk at a time;
   * says whether the file ends with an unterminated line.
   */
  async #scanFile(path: string, visit: (text: string, offset: number) => void): Promise<{ torn: boolean }> {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      const end = scanLines(handle.fd, 0, size, (text, offset) => {
        visit(text, offset);
        return true;
      });
      return { torn: end < size };
    } finally {
      await handle.close();
    }
  }

  /**
   * Applies a line to the in-memory state. `appended` (a line written to the active segment, not one
   * replayed) also counts what it makes obsolete toward the next compaction; replay need not, as the
   * compaction at open starts the count afresh.
   */
  #apply(line: ClawhipJournalLine, appended = false): void {
    if (line.t === "job") {
      if (!this.#delivered.has(line.job.key) && !this.#dead.has(line.job.key)) this.#pending.set(line.job.key, line.job);
      return;
    }
    const settled = this.#pending.get(line.key);
    if (settled) {
      this.#pending.delete(line.key);
      if (appended) {
        this.#garbageBytes += Buffer.byteLength(serializeJournalLine({ t: "job", job: settled })) + 1;
        this.#release(settled);
      }
    }
    if (line.t === "dead") {
      this.#dead.add(line.key);
      return;
    }
    this.#delivered.delete(line.key);
    this.#delivered.add(line.key);
    if (this.#delivered.size > this.#options.dedupeWindow) {
      const oldest = this.#delivered.values().next().value as string;
      this.#delivered.delete(oldest);
      if (appended) this.#garbageBytes += Buffer.byteLength(serializeJournalLine({ t: "done", key: oldest })) + 1;
    }
  }

  /**
   * Starts a new segment holding the current state, then removes the older ones. The jobs that are in
   * the file only (copied from `spill.tmp` at open; otherwise read from the active segment) follow the
   * resident ones.
   */
  async #compact(spilled?: ReplaySpill): Promise<void> {
    this.#compacting = true;
    try {
      await this.#rewrite(spilled);
    } finally {
      this.#compacting = false;
    }
    for (const backlog of this.#backlogs) if (backlog.onDisk > 0) this.#wantLoad(backlog);
  }

  async #rewrite(replayed: ReplaySpill | undefined): Promise<void> {
    const old = await this.#segments();
    await this.#settleSync();
    const previous = this.#handle;
    this.#sequence += 1;
    const path = join(this.#dir, segmentName(this.#sequence));
    // Read as well as appended to: the jobs that wait in the file only are read back from it.
    const handle = await open(path, "a+", 0o600);
    const lines = [
      ...[...this.#delivered].map((key) => serializeJournalLine({ t: "done", key })),
      ...[...this.#dead].map((key) => serializeJournalLine({ t: "dead", key, reason: "undeliverable" })),
      ...[...this.#pending.values()].map((job) => serializeJournalLine({ t: "job", job })),
    ];
    const live = lines.length > 0 ? `${lines.join("\n")}\n` : "";
    const liveBytes = writeAll(handle.fd, live);
    // The jobs only in the file follow, streamed from the old segment (or, at open, the replayed ones past
    // each target's limit): their new offsets are indexed as they are written, and nothing of the old
    // state changes until the new segment is on disk.
    let placed = new SpilledPlacement(liveBytes);
    if (replayed) {
      copyFile(replayed.path, handle.fd);
      placed = replayed.placement.shifted(liveBytes);
    } else if (previous) {
      const out = new ChunkWriter(handle.fd);
      this.#streamSpilled((job, text) => {
        placed.add(this.#backlogs.of(job), job.key, text);
        out.write(text);
      });
      out.end();
    }
    await handle.datasync();
    await previous?.close();
    this.#handle = handle;
    this.#segmentBytes = placed.end;
    this.#loadableEnd = placed.end;
    this.#garbageBytes = 0;
    this.#voided.clear();
    this.#spilledIndex = placed.index;
    for (const backlog of this.#backlogs) {
      const at = placed.backlogs.get(backlog);
      backlog.onDisk = at?.count ?? 0;
      if (at) backlog.cursor = at.cursor;
    }
    this.#spilledCount = placed.count + this.#queuedSpills.length;
    for (const segment of old) {
      if (segment.sequence === this.#sequence) continue;
      const path = join(this.#dir, segment.name);
      const badLines = this.#damaged.get(segment.name);
      if (badLines === undefined) {
        await rm(path, { force: true });
        continue;
      }
      const movedTo = `${path}.corrupt-${this.#options.now().toISOString().replace(/[:.]/g, "-")}`;
      await rename(path, movedTo);
      this.#damaged.delete(segment.name);
      this.setAside.push({ movedTo, badLines });
    }
  }

  /** Hands `place` each job line of the active segment that is in the file only, in order. */
  #streamSpilled(place: (job: ClawhipDeliveryJob, text: string) => void): void {
    let from = this.#segmentBytes;
    for (const backlog of this.#backlogs) if (backlog.onDisk > 0) from = Math.min(from, backlog.cursor);
    this.#scanLines(from, (text, offset) => {
      const job = this.#voided.has(offset) ? undefined : parseJobLine(text);
      if (!job) return true;
      const backlog = this.#backlogs.find(job);
      if (backlog && backlog.onDisk > 0 && offset >= backlog.cursor) place(job, text);
      return true;
    });
  }

  /** A job line written at `offset` that only the file holds: indexed, and behind its target's cursor. */
  #spilledToFile(backlog: Backlog, key: string, offset: number): void {
    if (backlog.onDisk === 0) backlog.cursor = offset;
    backlog.onDisk += 1;
    this.#spilledIndex.add(key, offset);
  }

  /** A resident job settled (delivered or given up): its target may load more from the file. */
  #release(job: ClawhipDeliveryJob): void {
    const backlog = this.#backlogs.find(job);
    if (!backlog) return;
    backlog.resident -= 1;
    if (backlog.resident === 0 && backlog.onDisk === 0 && backlog.queued === 0) this.#backlogs.delete(job);
    else this.#wantLoad(backlog);
  }

  /** Loads a target's file-only jobs on the next turn once its lane has drained to half. */
  #wantLoad(backlog: Backlog): void {
    if (backlog.onDisk === 0 || backlog.resident > this.#options.residentPerTarget / 2) return;
    if (this.#toLoad.size === 0) setImmediate(() => this.#loadWanted());
    this.#toLoad.add(backlog);
  }

  #loadWanted(): void {
    // A compaction moves the lines; it asks again for every target with jobs in the file once it is done.
    if (this.#compacting || this.#closed || !this.#handle) {
      this.#toLoad.clear();
      return;
    }
    const loaded: ClawhipDeliveryJob[] = [];
    try {
      for (const backlog of this.#toLoad) this.#load(backlog, loaded);
    } catch (error) {
      // A read that fails leaves the cursor where it was: the next delivery of the target asks again.
      this.#options.onReadError(error as Error);
    } finally {
      this.#toLoad.clear();
    }
    if (loaded.length > 0) this.#onLoad?.(loaded);
  }

  /**
   * Reads a target's jobs back from the file, from its cursor, until it holds `residentPerTarget` again.
   * Every job line of the target past the cursor is one of its file-only jobs, in acceptance order.
   */
  #load(backlog: Backlog, loaded: ClawhipDeliveryJob[]): void {
    const limit = this.#options.residentPerTarget;
    const stop = this.#scanLines(
      backlog.cursor,
      (text, offset) => {
        if (backlog.onDisk === 0 || backlog.resident >= limit) return false;
        if (!text.includes(backlog.needle) || this.#voided.has(offset)) return true;
        const job = parseJobLine(text);
        if (!job || laneName(job) !== backlog.lane) return true;
        this.#spilledIndex.remove(job.key, offset);
        backlog.onDisk -= 1;
        this.#spilledCount -= 1;
        backlog.resident += 1;
        this.#pending.set(job.key, job);
        loaded.push(job);
        return true;
      },
      this.#loadableEnd,
    );
    backlog.cursor = stop;
    // Read to the end and still short: the rest were unreadable lines, which no later read will mend.
    if (stop >= this.#loadableEnd && backlog.onDisk > 0) {
      this.#spilledCount -= backlog.onDisk;
      backlog.onDisk = 0;
    }
  }

  /**
   * Calls `visit` with each complete line of the active segment from `from` (an offset where a line
   * starts) and the offset it starts at, until `visit` answers false or `end` (the written end unless
   * told); returns the offset of the first line not visited.
   */
  #scanLines(from: number, visit: (text: string, offset: number) => boolean, end = this.#segmentBytes): number {
    return scanLines((this.#handle as FileHandle).fd, from, end, visit);
  }

  /** True when a file-only job has this key: the hash narrows it to a line or two, read to be sure. */
  #isSpilled(key: string): boolean {
    if (this.#queuedSpills.some((job) => job.key === key) || this.#writing.some((job) => job.key === key)) return true;
    return this.#spilledIndex
      .offsetsOf(key)
      .some((offset) => readJobAt((this.#handle as FileHandle).fd, offset, this.#segmentBytes)?.key === key);
  }

  /** Receives the jobs read back from the file as their targets make room (the dispatcher). */
  onLoad(listener: (jobs: ClawhipDeliveryJob[]) => void): void {
    this.#onLoad = listener;
  }

  /**
   * The pending jobs held in memory, in acceptance order: all of them, unless a target has more than
   * `residentPerTarget` waiting (the rest come through `onLoad`).
   */
  pendingJobs(): ClawhipDeliveryJob[] {
    return [...this.#pending.values()];
  }

  /** Jobs accepted and neither delivered nor given up, in memory or in the file only. */
  get pendingCount(): number {
    return this.#pending.size + this.#spilledCount;
  }

  /** Jobs waiting in the file only, not yet handed out (they come through `onLoad`). */
  get waitingInFile(): number {
    return this.#spilledCount;
  }

  /** True when a job with this key is already delivered, waiting, or given up. */
  isKnown(key: string): boolean {
    return this.#pending.has(key) || this.#delivered.has(key) || this.#dead.has(key) || (this.#spilledCount > 0 && this.#isSpilled(key));
  }

  /**
   * Records lines durably. State changes at once (so a duplicate submitted meanwhile is recognised);
   * the promise resolves after the fdatasync that covers them.
   */
  append(lines: ClawhipJournalLine[]): Promise<void> {
    return this.#append(lines, []);
  }

  /**
   * Records new jobs durably, as `append` does, and resolves with those to deliver now: the others wait
   * in the file behind their target's backlog and come through `onLoad`.
   */
  appendJobs(jobs: readonly ClawhipDeliveryJob[]): Promise<ClawhipDeliveryJob[]> {
    const resident: ClawhipDeliveryJob[] = [];
    return this.#append(
      jobs.map((job) => ({ t: "job" as const, job })),
      resident,
    ).then(() => resident);
  }

  #append(lines: ClawhipJournalLine[], resident: ClawhipDeliveryJob[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("spool journal is closed"));
    if (lines.length === 0) return Promise.resolve();
    for (const line of lines) {
      // A new job's key was checked (isKnown) or freshly minted by the caller: it goes straight in.
      if (line.t === "job") {
        if (this.#admit(line.job)) resident.push(line.job);
      } else this.#apply(line, true);
      this.#queue.push(serializeJournalLine(line));
    }
    return new Promise<void>((resolvePromise, reject) => {
      this.#waiters.push({ resolve: resolvePromise, reject, lines });
      if (!this.#flushing && !this.#scheduled) {
        // Start the write on the next turn, so every request parsed in this turn shares it.
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.flush();
        });
      }
    });
  }

  /**
   * Takes a new job into memory when its target has room and nothing waiting in the file; otherwise it
   * goes to the file only, behind the target's backlog. Called just before its line is queued.
   */
  #admit(job: ClawhipDeliveryJob): boolean {
    const backlog = this.#backlogs.of(job);
    if (backlog.onDisk + backlog.queued === 0 && backlog.resident < this.#options.residentPerTarget) {
      backlog.resident += 1;
      this.#pending.set(job.key, job);
      return true;
    }
    backlog.queued += 1;
    this.#spilledCount += 1;
    this.#queuedSpills.push(job);
    this.#queuedSpillLines.push(this.#queue.length);
    return false;
  }

  /** The acknowledged file-only jobs of a batch: indexed where their lines landed, and loadable. */
  #indexWritten(jobs: readonly ClawhipDeliveryJob[], offsets: readonly number[]): void {
    for (let index = 0; index < jobs.length; index += 1) {
      const job = jobs[index] as ClawhipDeliveryJob;
      const backlog = this.#backlogs.of(job);
      backlog.queued -= 1;
      this.#spilledToFile(backlog, job.key, offsets[index] as number);
      this.#wantLoad(backlog);
    }
  }

  /**
   * Forgets the file-only jobs of a batch whose write or fdatasync failed: never accepted, so a retry
   * is not deduplicated. A line that did reach the file is voided: neither read back nor kept.
   */
  #forget(jobs: readonly ClawhipDeliveryJob[], writtenAt: readonly number[]): void {
    for (const job of jobs) this.#backlogs.of(job).queued -= 1;
    for (const offset of writtenAt) this.#voided.add(offset);
    this.#spilledCount -= jobs.length;
  }

  /** Writes what is queued now rather than on the next turn (a caller that has batched already). */
  flush(): void {
    if (this.#flushing || this.#queue.length === 0) return;
    this.#flushing = true;
    void this.#flush();
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const lines = this.#queue;
      const batch = `${lines.join("\n")}\n`;
      const waiters = this.#waiters;
      const spills = this.#queuedSpills;
      const spillLines = this.#queuedSpillLines;
      this.#queue = [];
      this.#waiters = [];
      this.#queuedSpills = [];
      this.#queuedSpillLines = [];
      /** Where the batch's file-only job lines landed, and whether they are indexed (acknowledged). */
      let spilledAt: number[] = [];
      let indexed = false;
      try {
        const handle = this.#handle;
        if (!handle) throw new Error("spool journal is closed");
        if (this.#syncError) {
          const error = this.#syncError;
          this.#syncError = undefined;
          throw new Error(`spool fdatasync failed: ${error.message}`);
        }
        // A page-cache append is microseconds: done inline it spares a thread-pool round trip per
        // batch; only the fdatasync (in always mode) is worth going async for.
        const offset = this.#segmentBytes;
        let bytes: number;
        try {
          bytes = this.#options.appendFile(handle.fd, batch);
        } catch (error) {
          // A short write (a full disk) leaves part of the batch: cut it off, so the next batch does not
          // start glued to a torn line. Later offsets count from the file's real end either way.
          try {
            ftruncateSync(handle.fd, offset);
          } catch {
            // The batch is refused all the same; a torn tail is skipped at the next start.
          }
          this.#segmentBytes = fstatSync(handle.fd).size;
          throw error;
        }
        this.#segmentBytes += bytes;
        if (spills.length > 0) {
          spilledAt = lineOffsets(lines, spillLines, offset);
          // Until the fdatasync answers, they are known (for dedupe) but not loadable.
          this.#writing = spills;
        }
        if (this.#options.fsync === "always") {
          await this.#options.syncFile(handle);
          this.syncs += 1;
        } else if (this.#options.fsync === "interval") this.#scheduleSync();
        this.#writing = [];
        this.#loadableEnd = this.#segmentBytes;
        if (spills.length > 0) this.#indexWritten(spills, spilledAt);
        indexed = true;
        // Compacting rewrites the live lines, so it waits until it frees more than it rewrites: the work
        // stays proportional to what is delivered, and a backlog waiting for a dead target, or a large
        // dedupe window, is not rewritten over and over.
        const garbage = this.#garbageBytes;
        if (garbage > this.#options.maxSegmentBytes && garbage > this.#segmentBytes - garbage) await this.#compact();
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        // A job that never reached the file was never accepted: forget it so a retry is not deduplicated.
        this.#writing = [];
        if (!indexed) this.#forget(spills, spilledAt);
        for (const waiter of waiters) {
          for (const line of waiter.lines) {
            if (line.t === "job" && this.#pending.delete(line.job.key)) this.#release(line.job);
          }
          waiter.reject(error as Error);
        }
      }
    }
    this.#flushing = false;
  }

  /** Interval mode: one fdatasync per interval at most, covering every write made before it starts. */
  #scheduleSync(): void {
    if (this.#syncTimer !== undefined) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = undefined;
      void this.#syncNow();
    }, this.#options.fsyncIntervalMs);
    this.#syncTimer.unref();
  }

  #syncNow(): Promise<void> {
    const handle = this.#handle;
    if (!handle) return Promise.resolve();
    const previous = this.#syncing ?? Promise.resolve();
    const syncing = previous
      .then(() => this.#options.syncFile(handle))
      .then(() => {
        this.syncs += 1;
      })
      .catch((error: Error) => {
        this.#syncError = error;
      })
      .finally(() => {
        if (this.#syncing === syncing) this.#syncing = undefined;
      });
    this.#syncing = syncing;
    return syncing;
  }

  /** Runs a scheduled fdatasync now and waits for any in flight (before the handle closes). */
  async #settleSync(): Promise<void> {
    if (this.#syncTimer !== undefined) {
      clearTimeout(this.#syncTimer);
      this.#syncTimer = undefined;
      await this.#syncNow();
    }
    await this.#syncing;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.flush();
    while (this.#flushing) await new Promise((r) => setImmediate(r));
    await this.#settleSync();
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
