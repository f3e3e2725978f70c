import type { KichiWorldIdentitiesFile } from "@clawbridge/contracts";
import { writeJsonAtomic } from "@clawbridge/plugin-host";

const ignore = () => {};

/**
 * The identities file, written with group commit. `save()` resolves once a write that began after
 * the call is on disk (flushed and renamed, see `writeJsonAtomic`), and rejects when that write
 * failed. Calls made while a write runs share the one write queued behind it, so a burst of joins
 * costs two writes, not one each, and each join is answered only once its key is durable.
 */
export class IdentitiesFile {
  readonly #path: string;
  readonly #snapshot: () => KichiWorldIdentitiesFile;
  readonly #log: (line: string) => void;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(path: string, snapshot: () => KichiWorldIdentitiesFile, log: (line: string) => void) {
    this.#path = path;
    this.#snapshot = snapshot;
    this.#log = log;
  }

  save(): Promise<void> {
    if (this.#queued) return this.#queued;
    const running = this.#running;
    if (!running) return this.#write();
    // The running write took its snapshot before this change: the next one, started when it ends, holds it.
    const queued = running.then(ignore, ignore).then(() => {
      this.#queued = undefined;
      return this.#write();
    });
    this.#queued = queued;
    return queued;
  }

  /** Resolves once no write is running or queued; their failures were reported to their callers. */
  async settled(): Promise<void> {
    for (let pending = this.#queued ?? this.#running; pending; pending = this.#queued ?? this.#running) {
      await pending.then(ignore, ignore);
    }
  }

  #write(): Promise<void> {
    const write = writeJsonAtomic(this.#path, this.#snapshot(), { secret: true });
    this.#running = write;
    const done = (error?: unknown) => {
      if (this.#running === write) this.#running = undefined;
      if (error) this.#log(`could not save identities: ${(error as Error).message}`);
    };
    write.then(() => done(), done);
    return write;
  }
}
