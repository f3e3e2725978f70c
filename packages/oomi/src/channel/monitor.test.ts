import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OomiChannelMessage } from "@clawbridge/contracts";
import { type RunningOomiBackend, startOomiBackend } from "@clawbridge/oomi-backend";
import { seededRandom } from "@clawbridge/plugin-host/testing";
import { afterEach, describe, expect, it } from "vitest";
import { resolveOomiAccount } from "./accounts.js";
import { type ChatMessageHandler, type MonitorStatusPatch, runOomiAccountMonitor } from "./monitor.js";

const DEVICE = { deviceId: "dev-m", deviceToken: "monitor-token-0123456789" };
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function backendWith(brokerWebSocket: boolean): Promise<RunningOomiBackend> {
  const dataFile = join(await mkdtemp(join(tmpdir(), "oomi-monitor-")), "store.json");
  const backend = await startOomiBackend({ dataFile, devices: [DEVICE], brokerWebSocket });
  stops.push(() => backend.stop());
  return backend;
}

async function api(backend: RunningOomiBackend, method: string, path: string, body?: unknown) {
  const response = await fetch(`${backend.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${DEVICE.deviceToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, any>;
}

/** Runs a monitor for one account of `backend` with an echoing handler; every status patch is kept. */
function monitor(backend: RunningOomiBackend, gate: () => Promise<void> = async () => {}, brokerWsUrl?: string) {
  const account = resolveOomiAccount(
    {
      channels: {
        oomi: {
          accounts: {
            main: {
              backendUrl: backend.url,
              deviceToken: DEVICE.deviceToken,
              pollIntervalMs: 100,
              ...(brokerWsUrl ? { brokerWsUrl } : {}),
            },
          },
        },
      },
    },
    "main",
    null,
  );
  const handled: OomiChannelMessage[] = [];
  const statuses: MonitorStatusPatch[] = [];
  const logs: string[] = [];
  let wake = () => {};
  const handle: ChatMessageHandler = async (message, send) => {
    handled.push(message);
    wake();
    await gate();
    await send({ to: message.conversationKey ?? "", text: `echo: ${message.content}`, correlationId: message.messageId });
    return { outcome: "delivered" };
  };
  const controller = new AbortController();
  const done = runOomiAccountMonitor({
    account,
    signal: controller.signal,
    handle,
    random: seededRandom(3),
    log: (line) => {
      logs.push(line);
      wake();
    },
    onStatus: (patch) => {
      statuses.push(patch);
      wake();
    },
  });
  stops.push(async () => {
    controller.abort();
    await done;
  });
  /** Resolves once `ready()` holds; re-checked on every status patch, log line and handled message. */
  const until = (ready: () => boolean) =>
    new Promise<void>((resolve) => {
      wake = () => ready() && resolve();
      wake();
    });
  const statusReached = (match: (patch: MonitorStatusPatch) => boolean) => until(() => statuses.some(match));
  const stop = () => {
    controller.abort();
    return done;
  };
  return { handled, statuses, logs, until, statusReached, stop };
}

/** Polls the backend with a bound until the message is settled. */
async function settled(backend: RunningOomiBackend, messageId: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const queued = (await api(backend, "GET", "/v1/channel/plugin/queue")).messages.find((m: any) => m.message.messageId === messageId);
    if (queued?.state === "delivered" || queued?.state === "failed") return queued.state as string;
    if (Date.now() > deadline) throw new Error(`${messageId} still ${queued?.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the oomi account monitor", () => {
  it("receives chat over the broker WebSocket, stores each reply, then acks the message", async () => {
    const backend = await backendWith(true);
    const running = monitor(backend);
    await running.statusReached((s) => s.statusState === "broker" && s.connected === true);
    const { messageId } = await api(backend, "POST", "/v1/channel/user/messages", { conversationKey: "c", userId: "u", content: "hi" });
    expect(await settled(backend, messageId)).toBe("delivered");
    const outbox = (await api(backend, "GET", "/v1/channel/plugin/messages")).messages;
    expect(outbox).toEqual([expect.objectContaining({ correlationId: messageId, conversationKey: "c", content: "echo: hi" })]);
    expect(running.handled.map((m) => m.messageId)).toEqual([messageId]);
    await running.stop();
    expect(running.statuses.at(-1)).toMatchObject({ running: false, statusState: "stopped" });
  });

  it("polls while the backend serves no broker WebSocket, and says so in its status", async () => {
    const backend = await backendWith(false);
    const running = monitor(backend);
    await running.statusReached((s) => s.statusState === "polling");
    expect(running.statuses.find((s) => s.statusState === "polling")?.lastError).toContain("HTTP 404");
    const { messageId } = await api(backend, "POST", "/v1/channel/user/messages", {
      conversationKey: "c",
      userId: "u",
      content: "by poll",
    });
    expect(await settled(backend, messageId)).toBe("delivered");
    expect((await api(backend, "GET", "/v1/channel/plugin/messages")).messages[0]).toMatchObject({ content: "echo: by poll" });
  });

  it("resends a reply the backend could not store until it is back, then acks; the message is answered once", async () => {
    const dataFile = join(await mkdtemp(join(tmpdir(), "oomi-monitor-")), "store.json");
    let backend = await startOomiBackend({ dataFile, devices: [DEVICE] });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = monitor(backend, () => released);
    await running.statusReached((s) => s.statusState === "broker");
    const { messageId } = await api(backend, "POST", "/v1/channel/user/messages", {
      conversationKey: "c",
      userId: "u",
      content: "hold on",
    });
    await running.until(() => running.handled.length === 1);
    const port = backend.port;
    await backend.stop();
    release();
    await running.until(() => running.logs.some((line) => line.includes(`reply to ${messageId} not stored yet`)));
    backend = await startOomiBackend({ dataFile, port, devices: [DEVICE] });
    stops.push(() => backend.stop());
    expect(await settled(backend, messageId)).toBe("delivered");
    const outbox = (await api(backend, "GET", "/v1/channel/plugin/messages")).messages;
    expect(outbox).toEqual([expect.objectContaining({ correlationId: messageId, content: "echo: hold on" })]);
    expect(running.handled).toHaveLength(1);
  });

  it("speaks ActionCable framing when the broker URL ends in /cable", async () => {
    const backend = await backendWith(true);
    const running = monitor(backend, undefined, `${backend.url.replace(/^http/, "ws")}/cable`);
    await running.statusReached((s) => s.statusState === "broker");
    const { messageId } = await api(backend, "POST", "/v1/channel/user/messages", {
      conversationKey: "c",
      userId: "u",
      content: "by cable",
    });
    expect(await settled(backend, messageId)).toBe("delivered");
    expect((await api(backend, "GET", "/v1/channel/plugin/messages")).messages[0]).toMatchObject({ content: "echo: by cable" });
  });
});
