import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ClawhipEvent } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../test/support/cli-io.js";
import { WebhookReceiver } from "../test/support/webhook-receiver.js";
import { runCli } from "./cli/program.js";
import type { FetchLike } from "./deliver/send-job.js";
import { acceptIncoming, acceptIngress, type IngressSurface } from "./ingress/accept.js";
import { type RunningDaemon, startDaemon } from "./ingress/daemon.js";
import { eventFromEmitArgs } from "./normalize/emit-args.js";
import { IngressError } from "./normalize/ingress-error.js";
import { priorityFor } from "./normalize/kinds.js";
import { renderEvent } from "./render/render-event.js";
import { defaultConfig, parseConfigObject } from "./route/config-file.js";
import { resolveDeliveries } from "./route/resolve-deliveries.js";

interface Vector {
  name: string;
  ingress: "omc" | "omx-normalized" | "event-wire" | "omx-hook" | "legacy-emit" | "routing" | "native-hook";
  input: any;
  expect: any;
}

const vectors: Vector[] = (await readFile(resolve(import.meta.dirname, "../test/fixtures/vectors.jsonl"), "utf8"))
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line));

const SURFACE: Record<Exclude<Vector["ingress"], "legacy-emit">, IngressSurface> = {
  omc: "event",
  "omx-normalized": "event",
  "event-wire": "event",
  routing: "event",
  "omx-hook": "omx-hook",
  "native-hook": "native-hook",
};

function configOf(vector: Vector) {
  const raw = vector.ingress === "routing" ? vector.input.config : vector.expect.delivered_with_config;
  if (raw === undefined) return defaultConfig();
  const parsed = parseConfigObject(raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.config;
}

function bodyOf(vector: Vector): unknown {
  return vector.ingress === "routing" ? vector.input.event : vector.input;
}

/** The outcome through the code path the daemon (and, for emit, the CLI) uses. */
function outcomeOf(vector: Vector) {
  const config = configOf(vector);
  if (vector.ingress === "legacy-emit") {
    const [kind, ...fields] = vector.input.argv as string[];
    return acceptIncoming(eventFromEmitArgs(kind as string, fields), config);
  }
  return acceptIngress(SURFACE[vector.ingress], bodyOf(vector), config);
}

function checkEvent(vector: Vector, event: ClawhipEvent) {
  const { expect: want } = vector;
  expect(event.kind).toBe(want.event);
  for (const [key, value] of Object.entries(want.fields ?? {})) expect(event.payload[key], `field ${key}`).toEqual(value);
  for (const key of want.absent ?? []) expect(event.payload, `absent ${key}`).not.toHaveProperty(key);
  for (const entry of want.present_nondeterministic ?? []) {
    const [key, relation] = (entry as string).split(" ");
    expect(event.payload, `present ${key}`).toHaveProperty(key as string);
    if (relation === "(==") expect(event.payload[key as string]).toBe(event.payload.event_id);
  }
  if (want.priority) expect(priorityFor(event.kind)).toBe(want.priority);
  for (const format of ["compact", "inline", "alert", "raw"] as const) {
    if (typeof want[format] === "string") expect(renderEvent(event, format), format).toBe(want[format]);
  }
}

describe("conformance vectors (pure pipeline: decode → normalize → validate → route → render)", () => {
  it("has the whole corpus", () => {
    expect(vectors.length).toBe(43);
  });

  for (const vector of vectors) {
    it(vector.name, () => {
      const { expect: want } = vector;
      if (want.error) {
        let message: string | undefined;
        try {
          const outcome = outcomeOf(vector);
          if (!outcome.ok) message = outcome.body.error;
        } catch (error) {
          if (!(error instanceof IngressError)) throw error;
          message = error.message;
        }
        expect(message).toContain(want.error.message_contains);
        return;
      }
      const outcome = outcomeOf(vector);
      if (want.http.status !== 202) {
        expect(outcome.ok).toBe(false);
        expect(outcome.status).toBe(want.http.status);
        if (want.http.body) expect(outcome.body).toEqual(want.http.body);
        if (want.event !== null) expect(outcome.event?.kind).toBe(want.event);
        return;
      }
      if (!outcome.ok) throw new Error(`expected 202, got ${outcome.status}: ${outcome.body.error}`);
      expect(outcome.body.type).toBe(want.http.type);
      checkEvent(vector, outcome.event);
      const plan = resolveDeliveries(outcome.event, configOf(vector));
      if (want.deliveries_error) expect(plan).toEqual({ ok: false, error: want.deliveries_error });
      if (want.deliveries) {
        if (!plan.ok) throw new Error(plan.error);
        expect(
          plan.deliveries.map((d) => ({ sink: d.sink, target: [d.target.kind, d.target.value], format: d.format, content: d.content })),
        ).toEqual(want.deliveries);
      }
    });
  }
});

/** Loopback stand-ins for Discord's API and Slack's webhooks: any non-loopback URL is sent to the receiver. */
function loopbackFetch(receiver: WebhookReceiver): FetchLike {
  return (url, init) => {
    const parsed = new URL(url);
    const local = parsed.hostname === "127.0.0.1" ? url : `${receiver.url}/external/${parsed.hostname}${parsed.pathname}${parsed.search}`;
    return fetch(local, init) as never;
  };
}

describe("conformance vectors over HTTP (running daemon, real local receiver)", () => {
  const receiver = new WebhookReceiver();
  const daemons = new Map<string, RunningDaemon>();
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "clawhip-vectors-"));
    await receiver.start();
  });

  afterAll(async () => {
    for (const daemon of daemons.values()) await daemon.close();
    await receiver.stop();
    await rm(root, { recursive: true, force: true });
  });

  async function daemonFor(vector: Vector): Promise<RunningDaemon> {
    const raw = vector.ingress === "routing" ? vector.input.config : (vector.expect.delivered_with_config ?? {});
    const key = JSON.stringify(raw);
    const existing = daemons.get(key);
    if (existing) return existing;
    const parsed = parseConfigObject({
      ...raw,
      delivery: { backoff_base_ms: 5, backoff_max_ms: 20 },
      providers: { discord: { api_base: `${receiver.url}/discord` } },
    });
    if (!parsed.ok) throw new Error(parsed.error);
    const daemon = await startDaemon({
      config: parsed.config,
      stateDir: join(root, String(daemons.size)),
      port: 0,
      discordToken: "test-bot-token",
      fetch: loopbackFetch(receiver),
      log: () => {},
    });
    daemons.set(key, daemon);
    return daemon;
  }

  for (const vector of vectors) {
    it(vector.name, async () => {
      const { expect: want } = vector;
      const daemon = await daemonFor(vector);
      if (vector.ingress === "legacy-emit") {
        const io = recordingIo();
        const code = await runCli(["emit", ...vector.input.argv, "--url", daemon.url, "--json"], io);
        if (want.error) {
          expect(code).toBe(want.error.cli_exit);
          expect(JSON.parse(io.out.join("")).error.message).toContain(want.error.message_contains);
          return;
        }
        expect(code).toBe(0);
        expect(JSON.parse(io.out.join(""))).toMatchObject({ ok: true, type: want.http.type });
        return;
      }
      const path = want.http.endpoint.replace("POST ", "");
      const response = await fetch(`${daemon.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(bodyOf(vector)),
      });
      const body = (await response.json()) as any;
      expect(response.status).toBe(want.http.status);
      if (want.http.body) expect(body).toEqual(want.http.body);
      if (want.http.status !== 202) {
        expect(body.ok).toBe(false);
        expect(typeof body.error).toBe("string");
        return;
      }
      expect(body).toEqual({ ok: true, type: want.http.type, event_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const suppliedId = (bodyOf(vector) as any)?.payload?.event_id;
      if (suppliedId) expect(body.event_id).toBe(suppliedId);
      for (const delivery of want.deliveries ?? []) {
        const [kind, value] = delivery.target as [string, string];
        const path =
          kind === "discord-channel"
            ? `/discord/channels/${value}/messages`
            : `/external/${new URL(value).hostname}${new URL(value).pathname}`;
        const field = kind === "slack-webhook" ? "text" : "content";
        await receiver.waitFor(
          (requests) => requests.some((r) => r.path.startsWith(path) && r.body?.[field] === delivery.content),
          5000,
          delivery.content,
        );
        const sent = receiver.requests.find((r) => r.path.startsWith(path) && r.body?.[field] === delivery.content);
        if (kind === "discord-channel") expect(sent?.headers.authorization).toBe("Bot test-bot-token");
      }
    });
  }
});
