import { writeSync } from "node:fs";
import { type FileHandle, mkdir, open, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { type ClawhipDeliveryJob, type ClawhipJournalLine, ClawhipJournalLineSchema } from "@clawbridge/contracts";

export interface SpoolJournalOptions {
  /** How many delivered keys are remembered for dedupe (oldest forgotten first). */
  dedupeWindow: number;
  /** Past this size the active segment is compacted into a fresh one. */
  maxSegmentBytes?: number;
  /** fdatasync after each group commit (default). Off: durable against process death, not power loss. */
  fsync?: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
}

const SEGMENT = /^journal-(\d{8})\.ndjson$/;

function segmentName(sequence: number): string {
  return `journal-${String(sequence).padStart(8, "0")}.ndjson`;
}

/**
 * The durable spool: an append-only journal of `job` / `done` / `dead` lines in the spool folder.
 * Appends are group-committed — concurrent callers share one write and one fdatasync — and a caller's
 * promise resolves only once its lines are on disk. On open, the journal is replayed (a torn last
 * line from a crash is ignored: its writer was never acknowledged) and compacted into a new segment
 * that keeps the pending jobs and the remembered delivered keys.
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
  /** The segment size that triggers the next compaction. */
  #compactAt = 0;
  #queue: string[] = [];
  #waiters: Waiter[] = [];
  #flushing = false;
  #closed = false;
  /** Lines dropped while replaying (torn or invalid), for diagnostics. */
  skippedLines = 0;

  private constructor(dir: string, options: SpoolJournalOptions) {
    this.#dir = dir;
    this.#options = { maxSegmentBytes: 8 * 1024 * 1024, fsync: true, ...options };
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
      for (const line of text.split("\n")) {
        if (line === "") continue;
        let parsed: ReturnType<typeof ClawhipJournalLineSchema.safeParse>;
        try {
          parsed = ClawhipJournalLineSchema.safeParse(JSON.parse(line));
        } catch {
          this.skippedLines += 1;
          continue;
        }
        if (!parsed.success) {
          this.skippedLines += 1;
          continue;
        }
        this.#apply(parsed.data);
      }
    }
  }

  #apply(line: ClawhipJournalLine): void {
    if (line.t === "job") {
      if (!this.#delivered.has(line.job.key) && !this.#dead.has(line.job.key)) this.#pending.set(line.job.key, line.job);
      return;
    }
    this.#pending.delete(line.key);
    if (line.t === "dead") {
      this.#dead.add(line.key);
      return;
    }
    this.#delivered.delete(line.key);
    this.#delivered.add(line.key);
    if (this.#delivered.size > this.#options.dedupeWindow) {
      const oldest = this.#delivered.values().next().value as string;
      this.#delivered.delete(oldest);
    }
  }

  /** Starts a new segment holding the current state, then removes the older ones. */
  async #compact(): Promise<void> {
    const old = await this.#segments();
    await this.#handle?.close();
    this.#sequence += 1;
    const path = join(this.#dir, segmentName(this.#sequence));
    const handle = await open(path, "a", 0o600);
    const lines = [
      ...[...this.#delivered].map((key) => JSON.stringify({ t: "done", key })),
      ...[...this.#dead].map((key) => JSON.stringify({ t: "dead", key, reason: "undeliverable" })),
      ...[...this.#pending.values()].map((job) => JSON.stringify({ t: "job", job })),
    ];
    const text = lines.length > 0 ? `${lines.join("\n")}\n` : "";
    await handle.write(text);
    await handle.datasync();
    this.#handle = handle;
    this.#segmentBytes = Buffer.byteLength(text);
    // Compact again only once the segment has grown well past its live state, so a large dedupe window
    // (whose keys every snapshot carries) cannot make every flush a compaction.
    this.#compactAt = Math.max(this.#options.maxSegmentBytes, 2 * this.#segmentBytes);
    for (const segment of old) if (segment.sequence !== this.#sequence) await rm(join(this.#dir, segment.name), { force: true });
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
      this.#apply(line);
      this.#queue.push(`${JSON.stringify(line)}\n`);
    }
    const written = new Promise<void>((resolvePromise, reject) => {
      this.#waiters.push({ resolve: resolvePromise, reject });
      if (!this.#flushing) {
        // Start the write on the next turn, so every request parsed in this turn shares it.
        this.#flushing = true;
        setImmediate(() => void this.#flush());
      }
    });
    // A job that never reached the disk was never accepted: forget it so a retry is not deduplicated.
    return written.catch((error: Error) => {
      for (const line of lines) if (line.t === "job") this.#pending.delete(line.job.key);
      throw error;
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.join("");
      const waiters = this.#waiters;
      this.#queue = [];
      this.#waiters = [];
      try {
        const handle = this.#handle;
        if (!handle) throw new Error("spool journal is closed");
        // A page-cache append is microseconds: done inline it spares a thread-pool round trip per
        // batch; only the fdatasync (when enabled) is worth going async for.
        writeAll(handle.fd, batch);
        if (this.#options.fsync) await handle.datasync();
        this.#segmentBytes += Buffer.byteLength(batch);
        if (this.#segmentBytes > this.#compactAt) await this.#compact();
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error as Error);
      }
    }
    this.#flushing = false;
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing) await new Promise((r) => setImmediate(r));
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
