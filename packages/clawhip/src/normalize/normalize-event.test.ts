import { describe, expect, it } from "vitest";
import { eventFromEmitArgs } from "./emit-args.js";
import { decodeEventWire } from "./event-wire.js";
import { issueNumberIn, pathBaseName, prNumberIn, testRunnerIn } from "./inference.js";
import { IngressError } from "./ingress-error.js";
import { mapNativeSignal } from "./kinds.js";
import { canonicalKind, normalizeEvent } from "./normalize-event.js";

const env = { now: () => "2026-04-01T00:00:00.000Z", uuid: () => "00000000-0000-4000-8000-00000000000a" };

describe("kind mapping", () => {
  it("accepts underscores and mixed case, like upstream", () => {
    expect(mapNativeSignal(" Test_Started ")).toBe("session.test-started");
    expect(mapNativeSignal("retry_needed")).toBe("session.retry-needed");
    expect(mapNativeSignal("pre-tool-use")).toBeUndefined();
  });

  it("a route key that maps wins over normalized_event and the kind; one that does not is skipped", () => {
    expect(canonicalKind("notify", { signal: { routeKey: "test.failed" }, context: { normalized_event: "started" } })).toBe(
      "session.test-failed",
    );
    expect(canonicalKind("finished", { signal: { routeKey: "tool.use" }, context: { normalized_event: "blocked" } })).toBe(
      "session.blocked",
    );
    expect(canonicalKind("issue-opened", { signal: { routeKey: "test.failed" } })).toBe("github.issue-opened");
    expect(canonicalKind("pre-tool-use", {})).toBe("pre-tool-use");
  });
});

describe("normalizeEvent", () => {
  it("is idempotent", () => {
    const once = normalizeEvent(
      { kind: "notify", payload: { context: { normalized_event: "pr-created", session_name: "issue-3", pr_url: "https://x/pull/9" } } },
      env,
    );
    const twice = normalizeEvent({ kind: once.kind, payload: once.payload }, env);
    expect(twice.payload).toEqual(once.payload);
    expect(once.payload).toMatchObject({ pr_number: 9, issue_number: 3, raw_event: "notify" });
  });

  it("a key present with null or another type blocks the backfill", () => {
    const event = normalizeEvent(
      { kind: "session.started", payload: { tool: "omx", session_name: "s", session_id: null, status: 5 } },
      env,
    );
    expect(event.payload.session_id).toBeNull();
    expect(event.payload.status).toBe(5);
  });

  it("keeps a JSON `__proto__` key as plain data and never touches the prototype", () => {
    const event = normalizeEvent({ kind: "x", payload: JSON.parse('{"__proto__":{"polluted":true},"a":1}') }, env);
    expect(Object.getPrototypeOf(event.payload)).toBe(Object.prototype);
    expect(Object.hasOwn(event.payload, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("answers a plain object, like `{}` in every way JSON and callers can see: prototype, constructor, own keys only", () => {
    const event = normalizeEvent({ kind: "session.started", payload: { tool: "omc", session_name: "s" } }, env);
    expect(Object.getPrototypeOf(event.payload)).toBe(Object.prototype);
    expect(event.payload.constructor).toBe(Object);
    expect(Object.prototype.toString.call(event.payload)).toBe("[object Object]");
    expect(structuredClone(event.payload)).toEqual(event.payload);
    const keys: string[] = [];
    for (const key in event.payload) keys.push(key);
    expect(keys).toEqual(Object.keys(event.payload));
  });

  it("wraps a non-object payload and passes unknown kinds through", () => {
    const event = normalizeEvent({ kind: "tool.use", payload: [1, 2] }, env);
    expect(event.kind).toBe("tool.use");
    expect(event.payload).toMatchObject({ value: [1, 2], contract_event: "tool.use", event_id: env.uuid() });
    expect(event.payload).not.toHaveProperty("raw_event");
  });

  it("takes the pr url from a summary that names a pull request, and the issue falls back to the PR", () => {
    const event = normalizeEvent({ kind: "pr-created", payload: { tool: "omx", summary: "https://github.com/o/r/pull/67" } }, env);
    expect(event.payload).toMatchObject({ pr_url: "https://github.com/o/r/pull/67", pr_number: 67, issue_number: 67 });
  });
});

describe("inference helpers", () => {
  it("issue numbers: markers in order, first occurrence only, digits right after", () => {
    expect(issueNumberIn("feat/ISSUE-12-x")).toBe(12);
    expect(issueNumberIn("issue-x-issue-5 #7")).toBe(7);
    expect(issueNumberIn("issue/44")).toBe(44);
    expect(issueNumberIn("fix #")).toBeUndefined();
  });
  it("pr numbers, test runners, base names", () => {
    expect(prNumberIn("https://github.com/o/r/pull/71/files")).toBe(71);
    expect(prNumberIn("https://github.com/o/r/pull/x")).toBeUndefined();
    expect(testRunnerIn("PNPM TEST --filter x")).toBe("package-test");
    expect(testRunnerIn("go test ./...")).toBe("go-test");
    expect(pathBaseName("/a/b/")).toBe("b");
    expect(pathBaseName("/")).toBeUndefined();
  });
});

describe("decodeEventWire", () => {
  const reject = (body: unknown) => {
    try {
      decodeEventWire(body);
    } catch (error) {
      expect(error).toBeInstanceOf(IngressError);
      return `${(error as IngressError).status} ${(error as Error).message}`;
    }
    throw new Error("expected a rejection");
  };
  it("names the problem of every malformed event", () => {
    expect(reject([])).toBe("422 invalid type: expected an event object");
    expect(reject({ type: 5 })).toBe("422 invalid type for `type`: expected a string");
    expect(reject({ kind: "a", event: "b" })).toContain("duplicate field `type`");
    expect(reject({ type: "a", channel: 1 })).toBe("422 invalid type for `channel`: expected a string");
    expect(reject({ type: " " })).toContain("must not be empty");
  });
  it("uses the aliases and keeps a null payload's siblings", () => {
    expect(decodeEventWire({ kind: "x", payload: null, a: 1, channel: "c" })).toEqual({ kind: "x", payload: { a: 1 }, channel: "c" });
  });
});

describe("eventFromEmitArgs", () => {
  it("maps aliases, parses JSON values, merges over --payload, and takes event-level flags", () => {
    const incoming = eventFromEmitArgs("agent.finished", [
      "--payload",
      '{"session":"s","x":1}',
      "--agent",
      "omx",
      "--elapsed",
      "17",
      "--ok",
      "true",
      "--channel",
      "c1",
      "--format",
      "inline",
    ]);
    expect(incoming).toEqual({
      kind: "agent.finished",
      channel: "c1",
      format: "inline",
      payload: { session: "s", x: 1, agent_name: "omx", elapsed_secs: 17, ok: true },
    });
  });
  it("rejects bad shapes with upstream's messages", () => {
    expect(() => eventFromEmitArgs("a", ["agent", "x"])).toThrow("emit field names must start with --, got agent");
    expect(() => eventFromEmitArgs("a", ["--format", "loud"])).toThrow("unsupported message format: loud");
    expect(() => eventFromEmitArgs("a", ["--payload", "[1]"])).toThrow("--payload must be a JSON object");
  });
});
