import { AsyncLocalStorage } from "node:async_hooks";

export type SpanAttributes = Record<string, unknown>;

/**
 * What a host plugs in to receive an app's spans and carry its session (an OpenTelemetry bridge is the
 * documented example, `examples/opentelemetry-bridge.ts`). Apps never see the tracer, only these calls.
 */
export interface TelemetryBridge {
  withRomeSpan<T>(name: string, attrs: SpanAttributes, fn: () => Promise<T>): Promise<T>;
  startRomeSpan(name: string, attrs?: SpanAttributes): void;
  currentSessionId(): string | undefined;
  runWithSession<T>(sessionId: string, fn: () => T): T;
}

// Process-global on purpose: a host and each app it loads may import their own copies of this package
// (or upstream's), and every copy must reach the one bridge the host set. The bridge sits under the key a
// Rome host registers it with, so a host built on upstream's runtime reaches apps built on this one.
const BRIDGE = Symbol.for("rome.appRuntime.telemetryBridge");
/** Carries the session while no bridge is registered, so `currentSessionId` works in plain tests too. */
const SESSIONS = Symbol.for("clawbridge.romeAppRuntime.sessions");

interface TelemetryGlobals {
  [BRIDGE]?: TelemetryBridge | undefined;
  [SESSIONS]?: AsyncLocalStorage<string>;
}

function slot(): { bridge: TelemetryBridge | undefined; sessions: AsyncLocalStorage<string> } {
  const globals = globalThis as TelemetryGlobals;
  globals[SESSIONS] ??= new AsyncLocalStorage<string>();
  return { bridge: globals[BRIDGE], sessions: globals[SESSIONS] };
}

function requireName(what: string, value: unknown): void {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`${what} must be a non-empty string`);
}

/** Registers the host's bridge; `null` unregisters it (spans become no-ops again). */
export function setTelemetryBridge(bridge: TelemetryBridge | null): void {
  (globalThis as TelemetryGlobals)[BRIDGE] = bridge ?? undefined;
}

/** Runs `fn` inside a span named `name`; without a bridge, `fn` simply runs. */
export function withRomeSpan<T>(name: string, attrs: SpanAttributes, fn: () => Promise<T>): Promise<T> {
  requireName("a span name", name);
  const { bridge } = slot();
  return bridge ? bridge.withRomeSpan(name, attrs, fn) : fn();
}

/** Records a point-in-time span with no body; apps get no handle to it. A no-op without a bridge. */
export function startRomeSpan(name: string, attrs: SpanAttributes = {}): void {
  requireName("a span name", name);
  slot().bridge?.startRomeSpan(name, attrs);
}

/** The session the caller runs in (set by `runWithSession` up its async call chain), or `undefined`. */
export function currentSessionId(): string | undefined {
  const { bridge, sessions } = slot();
  return bridge ? bridge.currentSessionId() : sessions.getStore();
}

/** Runs `fn` in session `sessionId`: every async continuation of `fn` sees it, and nothing outside does. */
export function runWithSession<T>(sessionId: string, fn: () => T): T {
  requireName("a session id", sessionId);
  const { bridge, sessions } = slot();
  return bridge ? bridge.runWithSession(sessionId, fn) : sessions.run(sessionId, fn);
}

/** Wraps an app's own call in an `sdk:<methodName>` span stamped with `sdk.method`, plus `attrs`. */
export function withSdkSpan<T>(methodName: string, attrs: SpanAttributes, fn: () => Promise<T>): Promise<T> {
  requireName("a method name", methodName);
  return withRomeSpan(`sdk:${methodName}`, { "sdk.method": methodName, ...attrs }, fn);
}
