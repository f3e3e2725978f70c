import { AsyncLocalStorage } from "node:async_hooks";
import type { SpanAttributes, TelemetryBridge } from "@clawbridge/rome-app-runtime";
import { type Attributes, ROOT_CONTEXT, type Span, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";

/** What one async call chain carries: its session, and the span its new spans nest under. */
interface Scope {
  sessionId?: string;
  span?: Span;
}

/** OpenTelemetry attributes are scalars or arrays of them; anything else is written as JSON. */
function toAttributes(attrs: SpanAttributes): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    const scalar = typeof value === "string" || typeof value === "number" || typeof value === "boolean";
    attributes[key] = scalar ? value : JSON.stringify(value);
  }
  return attributes;
}

/**
 * A telemetry bridge onto an OpenTelemetry tracer. The session and the open span ride an
 * AsyncLocalStorage, so spans nest by call chain (not by timing) and every span carries the session
 * as `rome.session.id`. Register it once: `setTelemetryBridge(createOpenTelemetryBridge(tracer))`.
 */
export function createOpenTelemetryBridge(tracer: Tracer): TelemetryBridge {
  const scopes = new AsyncLocalStorage<Scope>();

  const start = (name: string, attrs: SpanAttributes): Span => {
    const scope = scopes.getStore();
    const attributes = toAttributes(attrs);
    if (scope?.sessionId) attributes["rome.session.id"] = scope.sessionId;
    const parent = scope?.span ? trace.setSpan(ROOT_CONTEXT, scope.span) : ROOT_CONTEXT;
    return tracer.startSpan(name, { attributes }, parent);
  };

  return {
    async withRomeSpan(name, attrs, fn) {
      const span = start(name, attrs);
      try {
        return await scopes.run({ ...scopes.getStore(), span }, fn);
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
    // Apps get no handle to end it, so the span is a point in time: it starts and ends here.
    startRomeSpan(name, attrs = {}) {
      start(name, attrs).end();
    },
    currentSessionId: () => scopes.getStore()?.sessionId,
    runWithSession: (sessionId, fn) => scopes.run({ ...scopes.getStore(), sessionId }, fn),
  };
}
