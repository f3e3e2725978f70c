import {
  type OomiBackendDevice,
  type OomiBackendPersona,
  type OomiBackendStore,
  OomiBackendStoreSchema,
  type OomiInviteRecord,
  type OomiOutboxEntry,
  type OomiPendingPairCode,
  type OomiPersonaJob,
  type OomiQueuedMessage,
} from "@clawbridge/contracts";
import { readJsonFile, removeStaleTempFiles, writeFileAtomic } from "@clawbridge/plugin-host";

/**
 * The backend's state in memory. Keyed records are `Map`s, so an id taken from a request (`__proto__`,
 * `constructor`) can only ever be a missing entry, never a read or write of `Object.prototype`.
 */
export interface BackendState {
  personas: Map<string, OomiBackendPersona>;
  jobs: Map<string, OomiPersonaJob>;
  messages: OomiQueuedMessage[];
  outbox: OomiOutboxEntry[];
  devices: Map<string, OomiBackendDevice>;
  pairCodes: Map<string, OomiPendingPairCode>;
  invites: Map<string, OomiInviteRecord>;
}

/** Writes the store file durably; the default is an atomic, fsynced, 0600 write (it holds device tokens). */
export type StoreWriter = (path: string, text: string) => Promise<void>;

const writeSecretFile: StoreWriter = (path, text) => writeFileAtomic(path, text, { secret: true });

/** The store file could not be written: the change was rolled back and nothing was acknowledged. */
export class StoreUnavailableError extends Error {}

export interface BackendStoreOptions {
  log?: (line: string) => void;
  write?: StoreWriter;
}

export function emptyState(): BackendState {
  return { personas: new Map(), jobs: new Map(), messages: [], outbox: [], devices: new Map(), pairCodes: new Map(), invites: new Map() };
}

function fromFile(file: OomiBackendStore): BackendState {
  return {
    personas: new Map(Object.entries(file.personas)),
    jobs: new Map(Object.entries(file.jobs)),
    messages: file.messages,
    outbox: file.outbox,
    devices: new Map(Object.entries(file.devices)),
    pairCodes: new Map(Object.entries(file.pairCodes)),
    invites: new Map(Object.entries(file.invites)),
  };
}

function toFile(state: BackendState): OomiBackendStore {
  return {
    version: 1,
    personas: Object.fromEntries(state.personas),
    jobs: Object.fromEntries(state.jobs),
    messages: state.messages,
    outbox: state.outbox,
    devices: Object.fromEntries(state.devices),
    pairCodes: Object.fromEntries(state.pairCodes),
    invites: Object.fromEntries(state.invites),
  };
}

/**
 * The durable store: the whole state lives in memory and is written through to one JSON file.
 * Mutations run one at a time, each on a copy of the state that replaces it only once the file is
 * written, so readers see only what is on disk and a failed write leaves nothing behind.
 */
export class BackendStore {
  #state: BackendState;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #write: StoreWriter;
  readonly #log: (line: string) => void;

  private constructor(
    readonly path: string,
    state: BackendState,
    options: BackendStoreOptions,
  ) {
    this.#state = state;
    this.#write = options.write ?? writeSecretFile;
    this.#log = options.log ?? (() => {});
  }

  /** Opens the store file: temp files of a write cut short by a crash are removed, a corrupt file is set aside. */
  static async open(path: string, options: BackendStoreOptions = {}): Promise<BackendStore> {
    const log = options.log ?? (() => {});
    const stale = await removeStaleTempFiles(path);
    if (stale.length > 0) log(`removed ${stale.length} temp file(s) left by an interrupted write: ${stale.join(", ")}`);
    const read = await readJsonFile(path, OomiBackendStoreSchema);
    if (read.status === "corrupt") log(`store ${path} was unreadable (${read.reason}); kept as ${read.movedTo}, starting empty`);
    return new BackendStore(path, read.status === "ok" ? fromFile(read.value) : emptyState(), options);
  }

  /** The committed state (what the file holds). Change it only through `mutate`. */
  get data(): BackendState {
    return this.#state;
  }

  /**
   * Applies `change` to a copy of the state and persists it before the promise resolves. A throw
   * from `change` (a 404, a 409) discards the copy; a failed write discards it too and rejects with
   * `StoreUnavailableError`, and the next mutation starts again from the committed state.
   */
  mutate<T>(change: (draft: BackendState) => T): Promise<T> {
    const run = async () => {
      const draft = structuredClone(this.#state);
      const result = change(draft);
      try {
        await this.#write(this.path, `${JSON.stringify(toFile(draft), null, 2)}\n`);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        this.#log(`store ${this.path} could not be written (${reason}); the change was rolled back`);
        throw new StoreUnavailableError(`the store could not be written (${reason})`);
      }
      this.#state = draft;
      return result;
    };
    const next = this.#queue.then(run);
    this.#queue = next.catch(() => {});
    return next;
  }
}
