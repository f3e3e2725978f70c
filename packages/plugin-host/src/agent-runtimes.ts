import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";

/** The parts of a tool or hook context that say which agent is acting. */
export interface AgentLocator {
  agentId?: string | undefined;
  sessionKey?: string | undefined;
}

const SESSION_KEY_AGENT = /^agent:([^:]+):/;
const CANONICAL_AGENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/**
 * An agent id in OpenClaw's canonical form (its `normalizeAgentIdStrict`): lower case, letters, digits,
 * `_` and `-`, at most 64, other runs of characters turned into one `-`; undefined when nothing is left.
 * Plugins name folders after agent ids, so an id such as `..` or `a/b` must never reach a path as it is.
 */
export function normalizeAgentId(value: string | undefined): string | undefined {
  const trimmed = (value ?? "").trim();
  if (CANONICAL_AGENT_ID.test(trimmed)) return trimmed.toLowerCase();
  const id = trimmed
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+/, "")
    .replace(/-+$/, "")
    .slice(0, 64);
  return id || undefined;
}

/** The agent id encoded in an `agent:<id>:…` session key, if any. */
export function agentIdFromSessionKey(sessionKey: string | undefined): string | undefined {
  if (!sessionKey) return undefined;
  return normalizeAgentId(SESSION_KEY_AGENT.exec(sessionKey.trim())?.[1]);
}

/**
 * Which agent a tool or hook runs for. The session key names the conversation the call belongs to,
 * so its `agent:<id>:` prefix wins over `ctx.agentId`; a disagreement is logged because it usually
 * means a routing bug upstream.
 */
export function resolveAgentId(locator: AgentLocator, logger?: Pick<PluginLogger, "warn">): string | undefined {
  const fromKey = agentIdFromSessionKey(locator.sessionKey);
  const fromCtx = normalizeAgentId(locator.agentId);
  if (fromKey && fromCtx && fromKey !== fromCtx) {
    logger?.warn(`agent id "${fromCtx}" disagrees with session key "${locator.sessionKey}"; using "${fromKey}"`);
  }
  return fromKey ?? fromCtx;
}

export interface AgentRuntimeRegistryOptions<Runtime> {
  create: (agentId: string) => Runtime;
  stop?: (runtime: Runtime, agentId: string) => void | Promise<void>;
  logger?: Pick<PluginLogger, "warn" | "error">;
}

/** One long-lived runtime per agent, created on demand and stopped together. */
export class AgentRuntimeRegistry<Runtime> {
  readonly #runtimes = new Map<string, Runtime>();
  readonly #options: AgentRuntimeRegistryOptions<Runtime>;

  constructor(options: AgentRuntimeRegistryOptions<Runtime>) {
    this.#options = options;
  }

  get(agentId: string): Runtime | undefined {
    return this.#runtimes.get(agentId);
  }

  getOrCreate(agentId: string): Runtime {
    let runtime = this.#runtimes.get(agentId);
    if (runtime === undefined) {
      runtime = this.#options.create(agentId);
      this.#runtimes.set(agentId, runtime);
    }
    return runtime;
  }

  /** The runtime for a tool or hook context, or undefined when no agent can be resolved. */
  resolve(locator: AgentLocator): { agentId: string; runtime: Runtime } | undefined {
    const agentId = resolveAgentId(locator, this.#options.logger);
    return agentId ? { agentId, runtime: this.getOrCreate(agentId) } : undefined;
  }

  list(): Array<[agentId: string, runtime: Runtime]> {
    return [...this.#runtimes.entries()];
  }

  get size(): number {
    return this.#runtimes.size;
  }

  /** Stops every runtime; one failing stop is logged and does not keep the others running. */
  async stopAll(): Promise<void> {
    const entries = this.list();
    this.#runtimes.clear();
    await Promise.all(
      entries.map(async ([agentId, runtime]) => {
        try {
          await this.#options.stop?.(runtime, agentId);
        } catch (error) {
          this.#options.logger?.error(`stopping runtime of agent "${agentId}" failed: ${String(error)}`);
        }
      }),
    );
  }
}
