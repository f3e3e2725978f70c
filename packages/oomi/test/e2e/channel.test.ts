import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import type { OomiOutboxEntry } from "@clawbridge/contracts";
import { type RunningDemoModel, startDemoModel } from "@clawbridge/demo-model";
import { node24Binary, openclawLauncher, type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { type RunningOomiBackend, startOomiBackend } from "@clawbridge/oomi-backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVICE } from "../support.js";

const pluginDir = resolve(import.meta.dirname, "../..");
const REPLY_BOUND_MS = 90_000;

let model: RunningDemoModel;
let gateway: RunningGateway | undefined;
let home: string;
/** Serves the broker WebSocket; restarted mid-conversation. */
let brokerBackend: RunningOomiBackend;
/** Serves no broker WebSocket: its account falls back to polling. */
let pollBackend: RunningOomiBackend;
/** What the demo model was asked (the whole request) and what it answered, turn by turn. */
const modelTurns: Array<{ asked: string; answered: string }> = [];
const answerTo = (words: string) => modelTurns.find((turn) => turn.asked.includes(words))?.answered;

const startBroker = (port = 0) => startOomiBackend({ dataFile: join(home, "broker-backend.json"), port, devices: [DEVICE] });

async function call(backend: RunningOomiBackend, method: string, path: string, body?: unknown) {
  const response = await fetch(`${backend.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${DEVICE.deviceToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as Record<string, any>;
}

async function say(backend: RunningOomiBackend, conversationKey: string, content: string): Promise<string> {
  const { messageId } = await call(backend, "POST", "/v1/channel/user/messages", {
    conversationKey,
    userId: `user-${conversationKey}`,
    content,
  });
  return messageId as string;
}

/** Polls a probe with a bound; the gateway log is in the error, for a reader of a CI failure. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + REPLY_BOUND_MS;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const log = (await gateway?.logs()) ?? "";
      const ours = log.split("\n").filter((line) => line.includes("oomi"));
      throw new Error(
        `${what}: not within ${REPLY_BOUND_MS} ms; model answered ${modelTurns.map((turn) => JSON.stringify(turn.answered)).join(" | ")}; gateway log:\n${ours.slice(-30).join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const repliesTo = async (backend: RunningOomiBackend, messageId: string) =>
  ((await call(backend, "GET", "/v1/channel/plugin/messages")).messages as OomiOutboxEntry[]).filter((m) => m.correlationId === messageId);

const replyTo = (backend: RunningOomiBackend, messageId: string) =>
  eventually(`a reply to ${messageId}`, async () => (await repliesTo(backend, messageId))[0]);

const stateOf = async (backend: RunningOomiBackend, messageId: string) =>
  ((await call(backend, "GET", "/v1/channel/plugin/queue")).messages as Array<{ message: { messageId: string }; state: string }>).find(
    (m) => m.message.messageId === messageId,
  )?.state;

const settledAs = (backend: RunningOomiBackend, messageId: string, state: string) =>
  eventually(`${messageId} ${state}`, async () => ((await stateOf(backend, messageId)) === state ? true : undefined));

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "oomi-channel-e2e-"));
  brokerBackend = await startBroker();
  pollBackend = await startOomiBackend({ dataFile: join(home, "poll-backend.json"), devices: [DEVICE], brokerWebSocket: false });
  model = await startDemoModel({
    onReply: ({ request, plan }) =>
      modelTurns.push({
        asked: JSON.stringify(request.messages),
        answered: plan.kind === "text" ? plan.tokens.map((token) => token.text).join("") : `(tool call ${plan.name})`,
      }),
  });
  gateway = await startOpenClawGateway({
    plugins: [
      {
        dir: pluginDir,
        config: {
          backendUrl: brokerBackend.url,
          deviceId: DEVICE.deviceId,
          deviceToken: DEVICE.deviceToken,
          workspaceRoot: join(home, "personas"),
        },
      },
    ],
    model: { baseUrl: model.baseUrl, modelId: model.modelId },
    // What the README tells a device that several people chat through: a session per conversation.
    session: { dmScope: "per-channel-peer" },
    channels: {
      oomi: {
        accounts: {
          broker: { backendUrl: brokerBackend.url, deviceToken: DEVICE.deviceToken },
          poll: { backendUrl: pollBackend.url, deviceToken: DEVICE.deviceToken, pollIntervalMs: 200 },
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await model?.close();
  await brokerBackend?.stop();
  await pollBackend?.stop();
});

/** `openclaw channels status --json` against the running gateway, as an operator would run it. */
async function channelsStatus(): Promise<string> {
  const running = gateway as RunningGateway;
  const { stdout } = await promisify(execFile)(node24Binary(), [openclawLauncher(), "channels", "status", "--json"], {
    cwd: running.home,
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      PATH: `${dirname(node24Binary())}:${process.env.PATH ?? ""}`,
      HOME: running.home,
      OPENCLAW_HOME: running.home,
      TMPDIR: tmpdir(),
      OPENCLAW_GATEWAY_PORT: String(running.port),
      OPENCLAW_GATEWAY_TOKEN: running.token,
      OPENCLAW_DISABLE_BONJOUR: "1",
      NO_COLOR: "1",
    },
  });
  return stdout;
}

describe("the oomi channel inside a real OpenClaw gateway", () => {
  it("carries an Oomi message over the broker WebSocket to the agent, and the agent's reply back to the backend and its page", async () => {
    const messageId = await say(brokerBackend, "conv-ws", "hello over the broker");
    const reply = await replyTo(brokerBackend, messageId);
    expect(reply).toMatchObject({ conversationKey: "conv-ws", source: "openclaw.channel", metadata: { accountId: "broker" } });
    // The gateway delivers the model's answer without the internal context the demo model echoes back.
    const [only, ...more] = (await repliesTo(brokerBackend, messageId)).map((m) => m.content);
    expect(more).toEqual([]);
    expect(only).toContain("hello over the broker");
    expect(answerTo("hello over the broker")?.endsWith(only ?? "")).toBe(true);
    await settledAs(brokerBackend, messageId, "delivered");
    const page = await (await fetch(`${brokerBackend.url}/`)).text();
    expect(page).toContain("<td>user-conv-ws</td><td>hello over the broker</td><td>delivered</td>");
    expect(page).toContain(`<td>agent</td><td>hello over the broker&#34;</td><td>reply to ${messageId}</td>`);
  });

  it("falls back to polling when the backend serves no broker WebSocket, and still answers", async () => {
    const messageId = await say(pollBackend, "conv-poll", "hello over the poll");
    const reply = await replyTo(pollBackend, messageId);
    expect(reply).toMatchObject({ conversationKey: "conv-poll", metadata: { accountId: "poll" } });
    expect(reply.content).toContain("hello over the poll");
    await settledAs(pollBackend, messageId, "delivered");
  });

  it("loses no message across a backend restart: the reply is resent until stored, then the message is acked", async () => {
    const port = brokerBackend.port;
    // A slow reply, so the backend can go down while the agent is still answering.
    const inFlight = await say(brokerBackend, "conv-restart", "take 3 seconds, then answer");
    await eventually("the agent started answering", async () => (answerTo("take 3 seconds") ? true : undefined));
    await brokerBackend.stop();
    // The reply could not be stored; the channel holds it and resends it (the log says so).
    await eventually("the failed reply", async () =>
      (await gateway?.logs())?.includes(`reply to ${inFlight} not stored yet`) ? true : undefined,
    );
    brokerBackend = await startBroker(port);
    const reply = await replyTo(brokerBackend, inFlight);
    expect(reply.content).toContain("Done.");
    await settledAs(brokerBackend, inFlight, "delivered");
    // The conversation goes on over the reconnected socket, and each message was answered once.
    const after = await say(brokerBackend, "conv-restart", "still there after the restart?");
    expect((await replyTo(brokerBackend, after)).content).toContain("still there after the restart?");
    expect(await repliesTo(brokerBackend, inFlight)).toHaveLength(1);
    // Resent, not replayed: the agent answered the in-flight message once.
    expect(modelTurns.filter((turn) => turn.answered.startsWith("Taking my time"))).toHaveLength(1);
  });

  it("with session.dmScope per-channel-peer, keeps each conversation's context to itself", async () => {
    const first = await say(brokerBackend, "conv-alice", "my locker code is 4711");
    await replyTo(brokerBackend, first);
    const other = await say(brokerBackend, "conv-bob", "what is the locker code?");
    await replyTo(brokerBackend, other);
    const again = await say(brokerBackend, "conv-alice", "and what was my locker code?");
    await replyTo(brokerBackend, again);
    const asked = (words: string) => modelTurns.find((turn) => turn.asked.includes(words))?.asked ?? "";
    // The same conversation carries its history to the model, so its absence elsewhere means something.
    expect(asked("and what was my locker code?")).toContain("4711");
    expect(asked("what is the locker code?")).not.toContain("4711");
  });

  it("reports both accounts in `openclaw channels status`: the broker one connected over the WebSocket, the other polling", async () => {
    const output = await channelsStatus();
    const status = JSON.parse(output.slice(output.indexOf("{")));
    const accounts = JSON.stringify(status);
    expect(accounts, output).toContain('"oomi"');
    const find = (id: string) => {
      const found: Record<string, unknown>[] = [];
      const walk = (value: unknown) => {
        if (Array.isArray(value)) value.forEach(walk);
        else if (value && typeof value === "object") {
          if ((value as { accountId?: unknown }).accountId === id) found.push(value as Record<string, unknown>);
          Object.values(value).forEach(walk);
        }
      };
      walk(status.channelAccounts?.oomi ?? status);
      return found[0];
    };
    expect(find("broker"), output).toMatchObject({ running: true, connected: true, statusState: "broker", configured: true });
    expect(find("poll"), output).toMatchObject({ running: true, connected: false, statusState: "polling" });
  });
});
