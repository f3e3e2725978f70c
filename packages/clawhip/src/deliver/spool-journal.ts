import { writeSync } from "node:fs";
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { type ClawhipDeliveryJob, type ClawhipJournalLine, ClawhipJournalLineSchema, type ClawhipSpoolFsync } from "@clawbridge/contracts";
import { serializeJournalLine } from "./journal-line.js";

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
  /** The time in the name of a damaged segment set aside (`<segment>.corrupt-<time>`). */
  now?: () => Date;
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

/** Appends `text`: handed to write(2) as a string (no Buffer for the common full write). */
function writeAll(fd: number, text: string): void {
  const written = writeSync(fd, text);
  const bytes = Buffer.byteLength(text);
  if (written === bytes) return;
  // A short write (a full disk, a signal): the rest goes out from a byte view.
  const rest = Buffer.from(text);
  let offset = written;
  while (offset < bytes) offset += writeSync(fd, rest, offset);
}

const SEGMENT = /^journal-(\d{8})\.ndjson$/;

/** A journal line, or undefined when it is not JSON or not a valid line. */
function parseJournalLine(line: string): ClawhipJournalLine | undefined {
  try {
    const parsed = ClawhipJournalLineSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

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
 */
export class SpoolJournal {
  readonly #dir: string;
  readonly #options: Required<SpoolJournalOptions>;
  readonly #pending = new Map<string, ClawhipDeliveryJob>();
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
      now: () => new Date(),
      ...options,
    };
  }

  static async open(dir: string, options: SpoolJournalOptions): Promise<SpoolJournal> {
    const journal = new SpoolJournal(dir, options);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await journal.#replay();
    await journal.#compact();
    return journal;
  }

  async #segments(): Promise<Array<{ name: string; sequence: number }>> {
    return (await readdir(this.#dir))
      .map((name) => ({ name, match: SEGMENT.exec(name) }))
      .filter((s): s is { name: string; match: RegExpExecArray } => s.match !== null)
      .map((s) => ({ name: s.name, sequence: Number(s.match[1]) }))
      .sort((a, b) => a.sequence - b.sequence);
  }

  async #replay(): Promise<void> {
    for (const segment of await this.#segments()) {
      this.#sequence = Math.max(this.#sequence, segment.sequence);
      const text = await readFile(join(this.#dir, segment.name), "utf8");
      const lines = text.split("\n");
      // Every acknowledged write ends with a newline, so an unterminated last line is a write cut
      // short by a crash; an unreadable line anywhere else is damage to keep for inspection.
      const torn = lines.length - 1;
      let bad = 0;
      for (let i = 0; i < lines.length; i += 1) {
        const line = lines[i] as string;
        if (line === "") continue;
        const parsed = parseJournalLine(line);
        if (parsed) {
          this.#apply(parsed);
          continue;
        }
        this.skippedLines += 1;
        if (i !== torn) bad += 1;
      }
      if (bad > 0) this.#damaged.set(segment.name, bad);
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
      if (appended) this.#garbageBytes += Buffer.byteLength(serializeJournalLine({ t: "job", job: settled })) + 1;
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

  /** Starts a new segment holding the current state, then removes the older ones. */
  async #compact(): Promise<void> {
    const old = await this.#segments();
    await this.#settleSync();
    await this.#handle?.close();
    this.#sequence += 1;
    const path = join(this.#dir, segmentName(this.#sequence));
    const handle = await open(path, "a", 0o600);
    const lines = [
      ...[...this.#delivered].map((key) => serializeJournalLine({ t: "done", key })),
      ...[...this.#dead].map((key) => serializeJournalLine({ t: "dead", key, reason: "undeliverable" })),
      ...[...this.#pending.values()].map((job) => serializeJournalLine({ t: "job", job })),
    ];
    const text = lines.length > 0 ? `${lines.join("\n")}\n` : "";
    await handle.write(text);
    await handle.datasync();
    this.#handle = handle;
    this.#segmentBytes = Buffer.byteLength(text);
    this.#garbageBytes = 0;
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

  /** Jobs accepted and neither delivered nor given up, in acceptance order. */
  pendingJobs(): ClawhipDeliveryJob[] {
    return [...this.#pending.values()];
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** True when a job with this key is already delivered, waiting, or given up. */
  isKnown(key: string): boolean {
    return this.#pending.has(key) || this.#delivered.has(key) || this.#dead.has(key);
  }

  /**
   * Records lines durably. State changes at once (so a duplicate submitted meanwhile is recognised);
   * the promise resolves after the fdatasync that covers them.
   */
  append(lines: ClawhipJournalLine[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("spool journal is closed"));
    if (lines.length === 0) return Promise.resolve();
    for (const line of lines) {
      // A new job's key was checked (isKnown) or freshly minted by the caller: it goes straight in.
      if (line.t === "job") this.#pending.set(line.job.key, line.job);
      else this.#apply(line, true);
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

  /** Writes what is queued now rather than on the next turn (a caller that has batched already). */
  flush(): void {
    if (this.#flushing || this.#queue.length === 0) return;
    this.#flushing = true;
    void this.#flush();
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = `${this.#queue.join("\n")}\n`;
      const waiters = this.#waiters;
      this.#queue = [];
      this.#waiters = [];
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
        writeAll(handle.fd, batch);
        if (this.#options.fsync === "always") {
          await this.#options.syncFile(handle);
          this.syncs += 1;
        } else if (this.#options.fsync === "interval") this.#scheduleSync();
        this.#segmentBytes += Buffer.byteLength(batch);
        // Compacting rewrites the live lines, so it waits until it frees more than it rewrites: the work
        // stays proportional to what is delivered, and a backlog waiting for a dead target, or a large
        // dedupe window, is not rewritten over and over.
        const garbage = this.#garbageBytes;
        if (garbage > this.#options.maxSegmentBytes && garbage > this.#segmentBytes - garbage) await this.#compact();
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) {
          // A job that never reached the file was never accepted: forget it so a retry is not deduplicated.
          for (const line of waiter.lines) if (line.t === "job") this.#pending.delete(line.job.key);
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
