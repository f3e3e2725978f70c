import { type AgentLocator, AgentRuntimeRegistry, resolveAgentId } from "@clawbridge/plugin-host";
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import { type BotMessageListener, KichiAgentRuntime, type KichiRuntimeSettings } from "./agent-runtime.js";
import { agentDir, agentsWithState, KichiAgentStore } from "./store.js";

/**
 * The runtimes of every agent under one plugin state folder. A gateway may register the plugin more
 * than once (tools and services in separate passes), so the set is shared per folder on `globalThis`:
 * one agent never gets two sockets.
 */
export class KichiRuntimes {
  readonly root: string;
  readonly #registry: AgentRuntimeRegistry<KichiAgentRuntime>;
  #botMessageListener: BotMessageListener = () => {};

  constructor(root: string, settings: KichiRuntimeSettings, logger: PluginLogger) {
    this.root = root;
    this.#registry = new AgentRuntimeRegistry({
      create: (agentId) =>
        new KichiAgentRuntime({
          agentId,
          store: new KichiAgentStore(agentDir(root, agentId), logger, { dailySchedulePath: settings.dailySchedulePath }),
          settings,
          logger,
          onBotMessage: (runtime, message) => this.#botMessageListener(runtime, message),
        }),
      stop: (runtime) => runtime.stop(),
      logger,
    });
  }

  setBotMessageListener(listener: BotMessageListener): void {
    this.#botMessageListener = listener;
  }

  /** The runtime of the agent a tool or hook context names, or undefined when none resolves. */
  resolve(locator: AgentLocator): KichiAgentRuntime | undefined {
    return this.#registry.resolve(locator)?.runtime;
  }

  /** The runtime only if it exists already (tool descriptions must not open sockets). */
  existing(locator: AgentLocator): KichiAgentRuntime | undefined {
    const agentId = resolveAgentId(locator);
    return agentId ? this.#registry.get(agentId) : undefined;
  }

  get(agentId: string): KichiAgentRuntime | undefined {
    return this.#registry.get(agentId);
  }

  /** Starts runtimes for agents that already saved state, so they reconnect without a tool call. */
  async startSaved(): Promise<string[]> {
    const agents = await agentsWithState(this.root);
    await Promise.all(agents.map((agentId) => this.#registry.getOrCreate(agentId).ready));
    return agents;
  }

  list(): KichiAgentRuntime[] {
    return this.#registry.list().map(([, runtime]) => runtime);
  }

  stopAll(): Promise<void> {
    return this.#registry.stopAll();
  }
}

/**
 * Why `globalThis` and not a module-level Map: an agent must have exactly one Kichi socket, but OpenClaw
 * calls `register` more than once, and a plugin reload may evaluate this module again as a new instance
 * (openclaw's docs/plugins/architecture.md: "Plugin reloads may create new instances of the plugin's
 * private code"). Each instance would hold its own Map, and so open a second socket per agent.
 */
const SHARED = Symbol.for("clawbridge.kichi-forwarder.runtimes");

type SharedRuntimes = Map<string, KichiRuntimes>;

/** The runtimes of a state folder, created the first time the folder is used in this process. */
export function sharedRuntimes(root: string, create: () => KichiRuntimes): KichiRuntimes {
  const holder = globalThis as unknown as Record<symbol, SharedRuntimes | undefined>;
  let all = holder[SHARED];
  if (!all) {
    all = new Map();
    holder[SHARED] = all;
  }
  let runtimes = all.get(root);
  if (!runtimes) {
    runtimes = create();
    all.set(root, runtimes);
  }
  return runtimes;
}

/** Forgets a folder's runtimes after they were stopped, so a later start creates fresh ones. */
export function releaseRuntimes(root: string): void {
  (globalThis as unknown as Record<symbol, SharedRuntimes | undefined>)[SHARED]?.delete(root);
}
