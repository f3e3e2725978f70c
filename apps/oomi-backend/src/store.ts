import { type OomiBackendStore, OomiBackendStoreSchema } from "@clawbridge/contracts";
import { readJsonFile, writeJsonAtomic } from "@clawbridge/plugin-host";

export function emptyStore(): OomiBackendStore {
  return { version: 1, personas: {}, jobs: {}, messages: [], outbox: [], devices: {}, pairCodes: {} };
}

/**
 * The durable store: the whole state lives in memory and every mutation is written through to one
 * JSON file (atomically, 0600 because it holds device tokens). Writes are serialized so a burst of
 * requests never interleaves two renames.
 */
export class BackendStore {
  #writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    public data: OomiBackendStore,
  ) {}

  static async open(path: string, log: (line: string) => void = () => {}): Promise<BackendStore> {
    const read = await readJsonFile(path, OomiBackendStoreSchema);
    if (read.status === "corrupt") log(`store ${path} was unreadable (${read.reason}); kept as ${read.movedTo}, starting empty`);
    return new BackendStore(path, read.status === "ok" ? read.value : emptyStore());
  }

  /** Applies a mutation and persists it before the caller answers the request. */
  async mutate<T>(change: (data: OomiBackendStore) => T): Promise<T> {
    const result = change(this.data);
    const snapshot = JSON.parse(JSON.stringify(this.data)) as OomiBackendStore;
    this.#writing = this.#writing.then(() => writeJsonAtomic(this.path, snapshot, { secret: true }));
    await this.#writing;
    return result;
  }
}
