import { AsyncLocalStorage } from "node:async_hooks";
import type { RomeThreadContext } from "@clawbridge/contracts";

/** Who the action running now works for: its thread, session, agent and shared context. */
export interface CurrentActionContext {
  channelContext?: RomeThreadContext;
  sessionId?: string;
  agentName?: string;
  channelThreadKey?: string;
  sharedContext?: Record<string, unknown>;
}

export type CurrentActionContextPatch = Partial<CurrentActionContext>;

export type CurrentActionContextRunner = <T>(patch: CurrentActionContextPatch, fn: () => Promise<T>) => Promise<T>;

// Process-global on purpose, like the telemetry bridge: the host and every copy of this package an app
// loads must agree on the one context of the action running now. The resolver and runner sit under the
// keys a Rome host sets them with.
const RESOLVER = Symbol.for("rome.appRuntime.currentActionContextResolver");
const RUNNER = Symbol.for("rome.appRuntime.currentActionContextRunner");
/** The built-in store, used while no host has plugged in its own resolver and runner. */
const STORE = Symbol.for("clawbridge.romeAppRuntime.currentActionContext");

interface ActionContextGlobals {
  [RESOLVER]?: (() => CurrentActionContext | undefined) | undefined;
  [RUNNER]?: CurrentActionContextRunner | undefined;
  [STORE]?: AsyncLocalStorage<CurrentActionContext>;
}

function globals(): ActionContextGlobals & { [STORE]: AsyncLocalStorage<CurrentActionContext> } {
  const registry = globalThis as ActionContextGlobals;
  registry[STORE] ??= new AsyncLocalStorage<CurrentActionContext>();
  return registry as ActionContextGlobals & { [STORE]: AsyncLocalStorage<CurrentActionContext> };
}

/** Lets a host answer `getCurrentActionContext` from its own state; `null` goes back to the built-in store. */
export function setCurrentActionContextResolver(resolver: (() => CurrentActionContext | undefined) | null): void {
  globals()[RESOLVER] = resolver ?? undefined;
}

/** Lets a host establish contexts itself for `runWithCurrentActionContext`; `null` goes back to the built-in store. */
export function setCurrentActionContextRunner(runner: CurrentActionContextRunner | null): void {
  globals()[RUNNER] = runner ?? undefined;
}

/** The context of the action the caller runs in, or `undefined` outside any. */
export function getCurrentActionContext(): CurrentActionContext | undefined {
  const registry = globals();
  const resolver = registry[RESOLVER];
  return resolver ? resolver() : registry[STORE].getStore();
}

/**
 * Runs `fn` with the current context plus `patch` (each field given replaces the outer one, whole).
 * The patch holds for every async continuation of `fn` and ends with it; concurrent runs never see
 * each other's context.
 */
export async function runWithCurrentActionContext<T>(patch: CurrentActionContextPatch, fn: () => Promise<T>): Promise<T> {
  if (patch === null || typeof patch !== "object") throw new TypeError("a current-action context patch must be an object");
  const registry = globals();
  const runner = registry[RUNNER];
  const store = registry[STORE];
  if (runner) return await runner(patch, fn);
  return await store.run({ ...store.getStore(), ...patch }, fn);
}
