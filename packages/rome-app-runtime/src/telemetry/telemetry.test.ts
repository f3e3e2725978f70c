import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { createOpenTelemetryBridge } from "../../examples/opentelemetry-bridge.js";
import { currentSessionId, runWithSession, setTelemetryBridge, startRomeSpan, withRomeSpan, withSdkSpan } from "./telemetry.js";

afterEach(() => setTelemetryBridge(null));

/** Resolves once both callers have arrived, so two async chains are provably interleaved. */
function rendezvous() {
  let arrivals = 0;
  let release: () => void = () => undefined;
  const both = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    arrivals += 1;
    if (arrivals === 2) release();
    await both;
  };
}

describe("telemetry without a bridge", () => {
  it("runs span bodies as they are and carries the session down each async chain, apart", async () => {
    expect(await withRomeSpan("a", {}, async () => 1)).toBe(1);
    expect(() => startRomeSpan("b")).not.toThrow();
    expect(currentSessionId()).toBeUndefined();
    const meet = rendezvous();
    const seen = await Promise.all(
      ["s1", "s2"].map((id) =>
        runWithSession(id, async () => {
          await meet();
          return withSdkSpan("notes.list", {}, async () => currentSessionId());
        }),
      ),
    );
    expect(seen).toEqual(["s1", "s2"]);
    expect(currentSessionId()).toBeUndefined();
  });

  it("refuses an empty session id or span name", () => {
    expect(() => runWithSession("", () => 1)).toThrow("a session id must be a non-empty string");
    expect(() => withRomeSpan("", {}, async () => 1)).toThrow("a span name must be a non-empty string");
  });
});

describe("telemetry through the OpenTelemetry example bridge", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const spans = () => exporter.getFinishedSpans();
  const named = (name: string) => spans().find((span) => span.name === name) as ReadableSpan;
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  afterEach(() => exporter.reset());

  it("exports nested spans with their attributes and the session, the sdk span as the parent", async () => {
    setTelemetryBridge(createOpenTelemetryBridge(provider.getTracer("rome-app")));
    const session = await runWithSession("session-7", () =>
      withSdkSpan("notes.list", { "rome.app.name": "notes", filter: { tag: "home" } }, async () => {
        startRomeSpan("cache.miss", { key: "notes" });
        return withRomeSpan("db.read", { table: "notes", rows: 3 }, async () => currentSessionId());
      }),
    );
    expect(session).toBe("session-7");
    expect(
      spans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(["cache.miss", "db.read", "sdk:notes.list"]);
    const sdk = named("sdk:notes.list");
    expect(sdk.attributes).toEqual({
      "sdk.method": "notes.list",
      "rome.app.name": "notes",
      filter: '{"tag":"home"}',
      "rome.session.id": "session-7",
    });
    expect(parentOf(sdk)).toBeUndefined();
    for (const child of ["db.read", "cache.miss"]) {
      expect(parentOf(named(child))).toBe(sdk.spanContext().spanId);
      expect(named(child).spanContext().traceId).toBe(sdk.spanContext().traceId);
      expect(named(child).attributes["rome.session.id"]).toBe("session-7");
    }
    expect(named("db.read").attributes).toMatchObject({ table: "notes", rows: 3 });
  });

  it("marks a span whose body throws as an error, records the exception and rethrows it", async () => {
    setTelemetryBridge(createOpenTelemetryBridge(provider.getTracer("rome-app")));
    await expect(withRomeSpan("sync", {}, async () => Promise.reject(new Error("mailbox gone")))).rejects.toThrow("mailbox gone");
    const span = named("sync");
    expect(span.status).toEqual({ code: 2, message: "mailbox gone" });
    expect(span.events.map((event) => event.name)).toEqual(["exception"]);
  });

  it("keeps two concurrent sessions' span trees apart", async () => {
    setTelemetryBridge(createOpenTelemetryBridge(provider.getTracer("rome-app")));
    const meet = rendezvous();
    await Promise.all(
      ["a", "b"].map((id) =>
        runWithSession(id, () =>
          withRomeSpan(`outer-${id}`, {}, async () => {
            await meet();
            await withRomeSpan(`inner-${id}`, {}, async () => undefined);
          }),
        ),
      ),
    );
    for (const id of ["a", "b"]) {
      expect(parentOf(named(`inner-${id}`))).toBe(named(`outer-${id}`).spanContext().spanId);
      expect(named(`inner-${id}`).attributes["rome.session.id"]).toBe(id);
    }
  });

  it("uses a bridge a Rome host registered under its own global key (another copy of the runtime)", async () => {
    const hostRegistry = globalThis as Record<symbol, unknown>;
    hostRegistry[Symbol.for("rome.appRuntime.telemetryBridge")] = createOpenTelemetryBridge(provider.getTracer("host"));
    await withSdkSpan("from.host", {}, async () => undefined);
    expect(spans().map((span) => span.name)).toEqual(["sdk:from.host"]);
  });

  it("stops exporting once the bridge is unregistered", async () => {
    setTelemetryBridge(createOpenTelemetryBridge(provider.getTracer("rome-app")));
    setTelemetryBridge(null);
    await withRomeSpan("quiet", {}, async () => undefined);
    expect(spans()).toEqual([]);
  });
});
