import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FetchLike } from "./deliver/send-job.js";
import { acceptIngress, acceptRawIngress } from "./ingress/accept.js";
import { eventFromEmitArgs } from "./normalize/emit-args.js";
import { renderEvent } from "./render/render-event.js";
import { parseConfigObject, parseConfigToml } from "./route/config-file.js";
import { resolveDeliveries } from "./route/resolve-deliveries.js";
import { ClawhipRuntime } from "./runtime/clawhip-runtime.js";

/** Names `Object.prototype` already has: as keys of a plain object they would find the prototype. */
const PROTOTYPE_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

const env = { now: () => "2026-04-01T00:00:00.000Z", uuid: () => "00000000-0000-4000-8000-0000000000aa" };

function config(raw: unknown) {
  const parsed = parseConfigObject(raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

const withDefault = config({ defaults: { channel: "general" } });

/** Object.prototype has no enumerable keys and none of the fields a polluting write would add. */
function expectCleanPrototype(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  const probe = {} as Record<string, unknown>;
  for (const key of ["polluted", "status", "event_id", "kind", "p"]) expect(probe[key]).toBeUndefined();
}

describe("item 2: prototype keys in every id position of the pure pipeline", () => {
  it("item 2: an event kind of `constructor`, `__proto__`, `toString` is a custom kind (202), never a prototype lookup", () => {
    for (const name of PROTOTYPE_KEYS) {
      for (const text of [
        JSON.stringify({ type: name, message: "m" }),
        JSON.stringify({ type: "x", payload: { signal: { routeKey: name } } }),
      ]) {
        const outcome = acceptRawIngress("event", text, withDefault, env);
        expect(outcome.ok, text).toBe(true);
        if (!outcome.ok || !outcome.plan.ok) throw new Error(text);
        expect(typeof outcome.event.kind).toBe("string");
        expect(outcome.plan.deliveries).toHaveLength(1);
      }
      const typed = acceptRawIngress("event", JSON.stringify({ type: name }), withDefault, env);
      expect(typed.ok && typed.body.type).toBe(name);
      const omx = acceptIngress("omx-hook", { schema_version: "1", event: name, context: { normalized_event: name } }, withDefault, env);
      expect(omx.ok && omx.event.kind).toBe(name);
    }
    expectCleanPrototype();
  });

  it("item 2: a native hook named `constructor` / `__proto__` / `toString` is a 400 unsupported name", () => {
    for (const name of PROTOTYPE_KEYS) {
      for (const field of ["event_name", "hook_event_name", "hookEventName"]) {
        const outcome = acceptRawIngress("native-hook", JSON.stringify({ provider: "codex", [field]: name }), withDefault, env);
        expect(outcome).toEqual({ ok: false, status: 400, body: { ok: false, error: `unsupported native hook event '${name}'` } });
      }
    }
    expectCleanPrototype();
  });

  it("item 2: a top-level `__proto__` key of an /event body is payload data, not the payload's prototype", () => {
    const outcome = acceptRawIngress("event", '{"type":"custom","message":"m","__proto__":{"event_id":"smuggled"}}', withDefault, env);
    if (!outcome.ok) throw new Error(outcome.body.error);
    expect(outcome.event.payload.event_id).toBe(env.uuid());
    expect(Object.hasOwn(outcome.event.payload, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(outcome.event.payload)).toBe(Object.prototype);
    expect(renderEvent(outcome.event, "raw")).toContain('"__proto__": {\n    "event_id": "smuggled"');
    expectCleanPrototype();
  });

  it("item 2: route filters on `constructor` / `toString` match payload fields; a `__proto__` filter key is a config error", () => {
    const routes = config({
      routes: [
        { event: "*", filter: { constructor: "ctor-*" }, channel: "by-constructor" },
        { event: "*", filter: { toString: "s", "a.constructor": "nested" }, channel: "by-tostring" },
      ],
      defaults: { channel: "general" },
    });
    const plan = (payload: Record<string, unknown>) => {
      const outcome = acceptIngress("event", { type: "custom", message: "m", ...payload }, routes, env);
      if (!outcome.ok || !outcome.plan.ok) throw new Error("not planned");
      return outcome.plan.deliveries.map((d) => d.target.value);
    };
    expect(plan({ constructor: "ctor-1" })).toEqual(["by-constructor"]);
    expect(plan({ toString: "s", a: { constructor: "nested" } })).toEqual(["by-tostring"]);
    expect(plan({ toString: "s" })).toEqual(["general"]);
    expect(plan({})).toEqual(["general"]);

    const refused = parseConfigToml('[[routes]]\nevent = "*"\nchannel = "c"\nfilter = { __proto__ = "x" }\n');
    expect(refused).toEqual({ ok: false, error: expect.stringContaining("filter key '__proto__' is reserved") });
    const providers = parseConfigToml('[providers.__proto__]\ntoken = "x"\n[providers.constructor]\na = 1\n[__proto__]\nb = 2\n');
    expect(providers.ok).toBe(true);
    if (providers.ok) {
      expect(providers.config.providers.discord).toBeUndefined();
      expect(Object.getPrototypeOf(providers.config.providers)).toBe(Object.prototype);
      expect(resolveDeliveries({ kind: "custom", payload: { message: "m" } }, providers.config)).toEqual({
        ok: false,
        error: "no channel configured for event custom",
      });
    }
    expectCleanPrototype();
  });

  it("item 2: `clawhip emit --constructor v --__proto__ {…}` makes payload fields of those names", () => {
    const incoming = eventFromEmitArgs("custom", ["--constructor", "v", "--__proto__", '{"p":1}', "--toString", "t", "--message", "m"]);
    const payload = incoming.payload as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual(["constructor", "__proto__", "toString", "message"]);
    expect(payload.constructor).toBe("v");
    expect(Object.getOwnPropertyDescriptor(payload, "__proto__")?.value).toEqual({ p: 1 });
    expectCleanPrototype();
  });
});

describe("item 2: prototype keys as event ids through the spool and delivery", () => {
  let stateDir: string;
  const runtimes: ClawhipRuntime[] = [];
  const sent: string[] = [];
  const fetch: FetchLike = async (_url, init) => {
    sent.push(JSON.parse(init.body).content);
    return { status: 204, headers: { get: () => null }, text: async () => "" };
  };
  const start = async () => {
    const runtime = await ClawhipRuntime.start({
      config: config({ routes: [{ event: "*", webhook: "http://127.0.0.1:9/api/webhooks/1/x" }] }),
      stateDir,
      fetch,
      log: () => {},
    });
    runtimes.push(runtime);
    return runtime;
  };

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "clawhip-proto-"));
    sent.length = 0;
  });
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("item 2: event ids `__proto__`, `constructor`, `toString` are spooled, delivered once each and deduplicated across a restart", async () => {
    const ids = ["__proto__", "constructor", "toString"];
    const body = (id: string) => ({ type: "custom", message: `m-${id}`, event_id: id });
    let runtime = await start();
    for (const id of [...ids, ...ids]) expect((await runtime.accept("event", body(id))).status).toBe(202);
    await runtime.dispatcher.idle();
    expect(sent).toEqual(ids.map((id) => `m-${id}`));

    await runtime.stop();
    runtimes.splice(0);
    runtime = await start();
    expect(runtime.journal.pendingCount).toBe(0);
    for (const id of ids) expect((await runtime.accept("event", body(id))).status).toBe(202);
    await runtime.dispatcher.idle();
    expect(sent).toHaveLength(3);
    expectCleanPrototype();
  });
});
