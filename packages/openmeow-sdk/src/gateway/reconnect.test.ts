import { mkdtemp } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import diagnostics from "@clawbridge/diagnostics";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { seededRandom } from "@clawbridge/plugin-host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeWebSocket } from "../index.js";
import { openMeowRunStartedEvent } from "../reducers/seed.js";
import { initialOpenMeowUIState, reduceOpenMeowUIState } from "../reducers/ui-state.js";
import { reconnectDelayMs } from "./backoff.js";
import { OpenClawGatewayClient } from "./openclaw-gateway-client.js";
import type { OpenClawEvent } from "./types.js";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
let host: LocalHost;

beforeAll(async () => {
  host = new LocalHost({
    stateDir: await mkdtemp(join(tmpdir(), "om-reconnect-")),
    logger: quiet,
    agents: ["main"],
    gatewayProtocol: { deltaIntervalMs: 1 },
  });
  await host.load(diagnostics);
  await host.start();
});
afterAll(async () => host?.stop());

/** A TCP proxy to LocalHost whose connections the test can cut (a dropped network, not a stopped host). */
async function cuttableProxy(port: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(port, "127.0.0.1");
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A sleep the test releases: reconnect attempts wait on it, and their requested delays are recorded. */
function gatedSleep() {
  const delays: number[] = [];
  let open = true;
  let release: (() => void) | undefined;
  const sleep = (ms: number) => {
    delays.push(ms);
    if (open) return Promise.resolve();
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  return {
    delays,
    sleep,
    hold: () => {
      open = false;
    },
    release: () => {
      open = true;
      release?.();
    },
  };
}

/** Folds a run's events into a lane the way the UI does, cutting the connection after `cutAfter` deltas. */
async function follow(client: OpenClawGatewayClient, runId: string, sessionKey: string, onDelta: (count: number) => void) {
  let lane = reduceOpenMeowUIState(initialOpenMeowUIState({ sessionKey }), openMeowRunStartedEvent({ runId, sessionKey }));
  const seen: OpenClawEvent[] = [];
  let deltas = 0;
  for await (const event of client.runs.events(runId)) {
    seen.push(event);
    lane = reduceOpenMeowUIState(lane, event);
    if (event.type === "assistant.delta") onDelta(++deltas);
  }
  return { lane, seen };
}

describe("reconnect backoff", () => {
  it("waits between half and all of a doubling ceiling, capped, as the injected random says", () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1_000 };
    expect(reconnectDelayMs(0, () => 0, options)).toBe(50);
    expect(reconnectDelayMs(0, () => 0.999_999, options)).toBe(100);
    expect(reconnectDelayMs(3, () => 0.5, options)).toBe(600);
    expect(reconnectDelayMs(40, () => 1, options)).toBe(1_000);
    const random = seededRandom(7);
    const delays = Array.from({ length: 6 }, (_, attempt) => reconnectDelayMs(attempt, random, options));
    for (const [attempt, delay] of delays.entries()) {
      const ceiling = Math.min(1_000, 100 * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe("the client after a dropped connection (LocalHost behind a proxy that is cut)", () => {
  it("reconnects with backoff and jitter, re-follows the run, and the lane ends with the complete text", async () => {
    const proxy = await cuttableProxy(host.port);
    const gate = gatedSleep();
    const reconnected: string[][] = [];
    const client = new OpenClawGatewayClient({
      url: `ws://127.0.0.1:${proxy.port}`,
      token: host.token,
      WebSocket: NodeWebSocket,
      reconnect: { random: seededRandom(1), sleep: gate.sleep, initialDelayMs: 40 },
      onReconnected: (info) => reconnected.push(info.recovering),
    });
    try {
      const { key } = await client.sessions.create({ agentId: "main" });
      const run = await client.sessions.send({ key, message: "a long one" });
      const { lane, seen } = await follow(client, run.runId, key, (count) => {
        if (count === 5) proxy.cut();
      });
      expect(reconnected).toEqual([[run.runId]]);
      expect(gate.delays[0]).toBeGreaterThanOrEqual(20);
      expect(gate.delays[0]).toBeLessThanOrEqual(40);
      const reply = "Noted: a long one";
      expect(seen.at(-1)?.type).toBe("run.completed");
      expect(lane.composer).toMatchObject({ mode: "idle", lastTerminalStatus: "completed" });
      expect(lane.messages.at(-1)?.text).toBe(Array.from({ length: 400 }, () => reply).join(" "));
    } finally {
      await client.close();
      await proxy.close();
    }
  });

  it("a run that ended while the client was away settles as soon as it is back, with its text", async () => {
    const proxy = await cuttableProxy(host.port);
    const gate = gatedSleep();
    const client = new OpenClawGatewayClient({
      url: `ws://127.0.0.1:${proxy.port}`,
      token: host.token,
      WebSocket: NodeWebSocket,
      reconnect: { random: seededRandom(2), sleep: gate.sleep },
    });
    const watcher = new OpenClawGatewayClient({ url: `ws://127.0.0.1:${host.port}`, token: host.token, WebSocket: NodeWebSocket });
    try {
      const { key } = await client.sessions.create({ agentId: "main" });
      const run = await client.sessions.send({ key, message: "a long one" });
      const followed = follow(client, run.runId, key, (count) => {
        if (count !== 3) return;
        gate.hold();
        proxy.cut();
        // Reconnect only once the run has ended on the gateway (seen by another client).
        void watcher.runs.wait(run.runId, { timeoutMs: 60_000 }).then(gate.release);
      });
      const { lane, seen } = await followed;
      expect(seen.at(-1)).toMatchObject({ type: "run.completed", data: { recovered: true } });
      expect(lane.messages.at(-1)?.text).toBe(Array.from({ length: 400 }, () => "Noted: a long one").join(" "));
    } finally {
      await client.close();
      await watcher.close();
      await proxy.close();
    }
  });

  it("gives up after maxAttempts: the followed run's stream ends, onClose fires, requests fail", async () => {
    const proxy = await cuttableProxy(host.port);
    const closes: number[] = [];
    const client = new OpenClawGatewayClient({
      url: `ws://127.0.0.1:${proxy.port}`,
      token: host.token,
      WebSocket: NodeWebSocket,
      reconnect: { random: seededRandom(3), sleep: async () => {}, maxAttempts: 3 },
      onClose: (info) => closes.push(info.code),
    });
    try {
      const { key } = await client.sessions.create({ agentId: "main" });
      const run = await client.sessions.send({ key, message: "a long one" });
      const { seen } = await follow(client, run.runId, key, (count) => {
        if (count !== 2) return;
        void proxy.close();
        proxy.cut();
      });
      expect(seen.some((event) => event.type === "run.completed")).toBe(false);
      expect(closes).toHaveLength(1);
      await expect(client.agents.list()).rejects.toThrow(/gave up reconnecting|unreachable|closed/);
    } finally {
      await client.close();
    }
  });
});
