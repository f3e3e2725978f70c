import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  KICHI_BOT_MESSAGE_HISTORY_MAX,
  type KichiBotMessageHistoryFile,
  KichiBotMessageHistoryFileSchema,
  type KichiBotMessageRecord,
  type KichiIdentityFile,
  KichiIdentityFileSchema,
  type KichiMateDailySchedule,
  KichiMateDailyScheduleSchema,
  type KichiSmsStateFile,
  KichiSmsStateFileSchema,
  type KichiStateFile,
  KichiStateFileSchema,
} from "@clawbridge/contracts";
import { readJsonFile, writeJsonAtomic } from "@clawbridge/plugin-host";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";

/** `<root>/agents/<agent>`: one folder per agent, named with `encodeURIComponent` of its id. */
export function agentDir(root: string, agentId: string): string {
  return join(root, "agents", encodeURIComponent(agentId));
}

/** Agents that saved a `state.json`, so their runtimes can start with the service. */
export async function agentsWithState(root: string): Promise<string[]> {
  const names = await readdir(join(root, "agents")).catch(() => [] as string[]);
  const found: string[] = [];
  for (const name of names) {
    const has = await stat(join(root, "agents", name, "state.json")).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!has) continue;
    try {
      found.push(decodeURIComponent(name));
    } catch {
      // A folder name that is not URI-encoded was not made by this plugin.
    }
  }
  return found.sort();
}

/** A mate schedule file, read: the schedule, or why there is none to use. */
export type DailyScheduleRead = { ok: true; schedule: KichiMateDailySchedule } | { ok: false; error: string };

/**
 * The files of one agent: `state.json`, per-host `hosts/<host>/identity.json`, `sms-state.json` and
 * `bot-message-history.json`, all 0600 and written atomically. A corrupt file is moved aside and logged;
 * the agent starts fresh. Read-modify-write updates run one at a time, so none loses another's change.
 */
export class KichiAgentStore {
  readonly dir: string;
  readonly dailySchedulePath: string;
  readonly #logger: Pick<PluginLogger, "warn">;
  #updates: Promise<unknown> = Promise.resolve();

  constructor(dir: string, logger: Pick<PluginLogger, "warn">, options: { dailySchedulePath?: string | undefined } = {}) {
    this.dir = dir;
    this.#logger = logger;
    this.dailySchedulePath = options.dailySchedulePath ?? join(dir, "daily-schedule.json");
  }

  get smsStatePath(): string {
    return join(this.dir, "sms-state.json");
  }

  get botMessageHistoryPath(): string {
    return join(this.dir, "bot-message-history.json");
  }

  /** Runs `update` after every update queued before it (a failed one does not block the next). */
  #serial<T>(update: () => Promise<T>): Promise<T> {
    const run = this.#updates.then(update, update);
    this.#updates = run.catch(() => undefined);
    return run;
  }

  async readSmsState(): Promise<KichiSmsStateFile | undefined> {
    const read = await readJsonFile(this.smsStatePath, KichiSmsStateFileSchema);
    if (read.status === "corrupt") this.#logger.warn(`sms-state.json was corrupt (${read.reason}); moved to ${read.movedTo}`);
    return read.status === "ok" ? read.value : undefined;
  }

  /** Sets `lastActiveAt` or `lastMessageReceivedAt`; a new file starts with today's empty counters. */
  updateSmsState(patch: Pick<KichiSmsStateFile, "lastActiveAt"> | Pick<KichiSmsStateFile, "lastMessageReceivedAt">, now: Date) {
    return this.#serial(async () => {
      const previous = await this.readSmsState();
      const next: KichiSmsStateFile = {
        date: now.toISOString().slice(0, 10),
        totalSent: 0,
        windows: { morning: 0, afternoon: 0, evening: 0 },
        lastTypes: [],
        ...previous,
        ...patch,
      };
      await writeJsonAtomic(this.smsStatePath, next, { secret: true });
      return next;
    });
  }

  async readBotMessageHistory(): Promise<KichiBotMessageRecord[]> {
    const read = await readJsonFile(this.botMessageHistoryPath, KichiBotMessageHistoryFileSchema);
    if (read.status === "corrupt") this.#logger.warn(`bot-message-history.json was corrupt (${read.reason}); moved to ${read.movedTo}`);
    return read.status === "ok" ? read.value.entries : [];
  }

  /** Appends one message and keeps the newest 30. */
  appendBotMessage(record: KichiBotMessageRecord): Promise<void> {
    return this.#serial(async () => {
      const entries = [...(await this.readBotMessageHistory()), record].slice(-KICHI_BOT_MESSAGE_HISTORY_MAX);
      const file: KichiBotMessageHistoryFile = { version: 1, entries };
      await writeJsonAtomic(this.botMessageHistoryPath, file, { secret: true });
    });
  }

  /** The mate schedule, or why it cannot be used (missing, not JSON, not a schedule). Never moved aside: the agent owns it. */
  async readDailySchedule(): Promise<DailyScheduleRead> {
    let text: string;
    try {
      text = await readFile(this.dailySchedulePath, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return {
        ok: false,
        error: code === "ENOENT" ? `${this.dailySchedulePath} does not exist` : `cannot read ${this.dailySchedulePath} (${code})`,
      };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, error: `${this.dailySchedulePath} is not valid JSON` };
    }
    const parsed = KichiMateDailyScheduleSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`)
        .join("; ");
      return { ok: false, error: `${this.dailySchedulePath} is not a daily schedule: ${issues}` };
    }
    return { ok: true, schedule: parsed.data };
  }

  get statePath(): string {
    return join(this.dir, "state.json");
  }

  identityPath(host: string): string {
    return join(this.dir, "hosts", encodeURIComponent(host), "identity.json");
  }

  async readState(): Promise<KichiStateFile | undefined> {
    const read = await readJsonFile(this.statePath, KichiStateFileSchema);
    if (read.status === "corrupt") this.#logger.warn(`state.json was corrupt (${read.reason}); moved to ${read.movedTo}`);
    return read.status === "ok" ? read.value : undefined;
  }

  writeState(state: KichiStateFile): Promise<void> {
    return writeJsonAtomic(this.statePath, state, { secret: true });
  }

  async readIdentity(host: string): Promise<KichiIdentityFile | undefined> {
    const read = await readJsonFile(this.identityPath(host), KichiIdentityFileSchema);
    if (read.status === "corrupt") this.#logger.warn(`identity.json for ${host} was corrupt (${read.reason}); moved to ${read.movedTo}`);
    return read.status === "ok" ? read.value : undefined;
  }

  writeIdentity(host: string, identity: KichiIdentityFile): Promise<void> {
    return writeJsonAtomic(this.identityPath(host), identity, { secret: true });
  }
}
