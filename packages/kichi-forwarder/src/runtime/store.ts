import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { type KichiIdentityFile, KichiIdentityFileSchema, type KichiStateFile, KichiStateFileSchema } from "@clawbridge/contracts";
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

/**
 * The files of one agent: `state.json` and per-host `hosts/<host>/identity.json`, both 0600 and
 * written atomically. A corrupt file is moved aside and logged; the agent starts fresh.
 */
export class KichiAgentStore {
  readonly dir: string;
  readonly #logger: Pick<PluginLogger, "warn">;

  constructor(dir: string, logger: Pick<PluginLogger, "warn">) {
    this.dir = dir;
    this.#logger = logger;
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
