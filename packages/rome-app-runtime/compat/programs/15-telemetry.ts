// Tracing an app's own work, and a bridge that records what it is asked to trace.
import {
  currentSessionId,
  runWithSession,
  type SpanAttributes,
  setTelemetryBridge,
  startRomeSpan,
  type TelemetryBridge,
  withRomeSpan,
  withSdkSpan,
} from "@rome-os/app-runtime";

export const seen: { name: string; attrs: SpanAttributes }[] = [];
let session: string | undefined;

const recorder: TelemetryBridge = {
  withRomeSpan: async (name, attrs, fn) => {
    seen.push({ name, attrs });
    return fn();
  },
  startRomeSpan: (name, attrs = {}) => {
    seen.push({ name, attrs });
  },
  currentSessionId: () => session,
  runWithSession: (id, fn) => {
    session = id;
    return fn();
  },
};

export async function traced(): Promise<string | undefined> {
  setTelemetryBridge(recorder);
  try {
    return await runWithSession("s-42", () =>
      withSdkSpan("notes.list", { "rome.app.name": "notes" }, async () => {
        startRomeSpan("cache.miss");
        return withRomeSpan("db.read", { table: "notes" }, async () => currentSessionId());
      }),
    );
  } finally {
    setTelemetryBridge(null);
  }
}
