import { describe, expect, it } from "vitest";
import type { KichiAgentRuntime } from "../runtime/agent-runtime.js";
import type { AgentTurnRunner, BotReplyTurn } from "./bot-conversation.js";
import {
  BotConversation,
  botReplySessionKey,
  buildBotReplyPrompt,
  decideBotReply,
  isBotReplySession,
  replyTextOf,
  runFailureOf,
} from "./bot-conversation.js";

describe("decideBotReply", () => {
  it("stops at depth 5", () => {
    expect(decideBotReply(4, undefined, 0, 5_000)).toEqual({ reply: true });
    expect(decideBotReply(5, undefined, 0, 5_000)).toEqual({ reply: false, reason: "too_deep" });
  });
  it("applies the cooldown", () => {
    expect(decideBotReply(0, 1_000, 5_999, 5_000)).toEqual({ reply: false, reason: "cooldown" });
    expect(decideBotReply(0, 1_000, 6_000, 5_000)).toEqual({ reply: true });
  });
});

describe("prompt and reply text", () => {
  it("lists the history and asks for 2-5 words", () => {
    const prompt = buildBotReplyPrompt([
      { from: "a", fromName: "Ann", bubble: "Hi" },
      { from: "b", fromName: "", bubble: "Yo" },
    ]);
    expect(prompt).toBe(
      '[Bot conversation]\nAnn: "Hi"\nb: "Yo"\n\nReply with a short bubble (2-5 words). Do not repeat what has already been said. Output only the bubble text.',
    );
  });
  it("joins text payloads, leaving out reasoning and errors", () => {
    expect(replyTextOf({ payloads: [{ text: " Hello " }, { text: null }, { text: "there" }] })).toBe("Hello there");
    expect(replyTextOf({ payloads: [{ text: "thinking", isReasoning: true }, { text: "Hi" }, { text: "boom", isError: true }] })).toBe(
      "Hi",
    );
    expect(replyTextOf(undefined)).toBe("");
  });
  it("reads a failed run from its error payload", () => {
    expect(runFailureOf({ payloads: [{ text: "Hi" }] })).toBeUndefined();
    expect(runFailureOf(undefined)).toBeUndefined();
    expect(runFailureOf({ payloads: [{ text: " Connection error. ", isError: true }] })).toBe("Connection error.");
    expect(runFailureOf({ payloads: [{ isError: true }] })).toBe("the agent run reported an error");
  });
});

/** An inlet that is open and runs each turn with `runTurn`, as the running kichi account does. */
const openInlet = (runTurn: AgentTurnRunner) => ({ isOpen: true, runTurn });

function fakeRuntime(agentId: string, fail = false) {
  const sent: any[] = [];
  const runtime = {
    agentId,
    async sendBotMessage(message: any) {
      if (fail) throw new Error("Kichi websocket closed");
      sent.push(message);
      return {};
    },
  } as unknown as KichiAgentRuntime;
  return { runtime, sent };
}

describe("BotConversation", () => {
  const logger = () => {
    const lines: string[] = [];
    return {
      lines,
      logger: {
        debug() {},
        info: (m: string) => void lines.push(m),
        warn: (m: string) => void lines.push(m),
        error: (m: string) => void lines.push(m),
      },
    };
  };

  it("asks the agent and replies one level deeper with the history", async () => {
    let now = 10_000;
    const turns: any[] = [];
    const { logger: log } = logger();
    const conversation = new BotConversation({
      inlet: openInlet(async (request) => {
        turns.push(request);
        return { payloads: [{ text: "Nice to meet you" }] };
      }),
      logger: log,
      now: () => now,
    });
    const { runtime, sent } = fakeRuntime("bob");
    const history = [{ from: "bob-av", fromName: "Bob", bubble: "Hey" }];
    await conversation.handle(runtime, {
      type: "bot_message_received",
      from: "ann-av",
      fromName: "Ann",
      depth: 1,
      bubble: "Hello",
      history,
    });
    expect(turns[0]).toEqual({
      message: expect.any(String),
      agentId: "bob",
      sessionKey: "agent:bob:bot_message",
      messageChannel: "kichi",
      senderIsOwner: false,
      allowModelOverride: false,
      deliver: false,
    });
    expect(turns[0].message).toContain('Bob: "Hey"\nAnn: "Hello"');
    expect(sent).toEqual([
      {
        toAvatarId: "ann-av",
        depth: 2,
        bubble: "Nice to meet you",
        history: [...history, { from: "ann-av", fromName: "Ann", bubble: "Hello" }],
      },
    ]);

    now += 4_999;
    expect(
      await conversation.handle(runtime, { type: "bot_message_received", from: "ann-av", fromName: "Ann", depth: 3, bubble: "Again" }),
    ).toEqual({ reply: false, reason: "cooldown" });
    expect(
      await conversation.handle(runtime, { type: "bot_message_received", from: "cat-av", fromName: "Cat", depth: 0, bubble: "Hi" }),
    ).toEqual({ reply: true });
    now += 1;
    expect(
      await conversation.handle(runtime, { type: "bot_message_received", from: "ann-av", fromName: "Ann", depth: 5, bubble: "Deep" }),
    ).toEqual({ reply: false, reason: "too_deep" });
    expect(turns).toHaveLength(2);
  });

  it("logs failures of the agent or the send and never throws", async () => {
    const { lines, logger: log } = logger();
    const failing = new BotConversation({ inlet: openInlet(async () => Promise.reject(new Error("model down"))), logger: log });
    await expect(
      failing.handle(fakeRuntime("a").runtime, { type: "bot_message_received", from: "x", fromName: "X", depth: 0, bubble: "hi" }),
    ).resolves.toEqual({ reply: true });
    const sendFails = new BotConversation({ inlet: openInlet(async () => ({ payloads: [{ text: "ok" }] })), logger: log });
    await sendFails.handle(fakeRuntime("b", true).runtime, {
      type: "bot_message_received",
      from: "x",
      fromName: "X",
      depth: 0,
      bubble: "hi",
    });
    const silent = new BotConversation({ inlet: openInlet(async () => ({ payloads: [] })), logger: log });
    await silent.handle(fakeRuntime("c").runtime, { type: "bot_message_received", from: "x", fromName: "X", depth: 0, bubble: "hi" });
    expect(lines).toEqual([
      "[kichi:a] bot reply to x failed: the agent run failed: model down",
      "[kichi:b] bot reply to x failed: Kichi websocket closed",
      "[kichi:c] the agent gave no reply to x",
    ]);
  });
});

describe("bot-reply session and cooldown", () => {
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const from = (sender: string, depth = 0) => ({
    type: "bot_message_received" as const,
    from: sender,
    fromName: sender,
    depth,
    bubble: "hi",
  });

  it("names the bot-reply session agent:<id>:bot_message and recognises it whatever the case of the id", () => {
    expect(botReplySessionKey("bob")).toBe("agent:bob:bot_message");
    expect(isBotReplySession({ sessionKey: "agent:bob:bot_message" })).toBe(true);
    expect(isBotReplySession({ sessionKey: " agent:Bob:BOT_MESSAGE " })).toBe(true);
    expect(isBotReplySession({ agentId: "bob", sessionKey: "agent:bob:main" })).toBe(false);
    expect(isBotReplySession({ agentId: "bob" })).toBe(false);
    expect(isBotReplySession({ sessionKey: "agent:bob:bot_message:extra" })).toBe(false);
  });

  it("releases the cooldown when the agent run fails, so the sender's next message is answered", async () => {
    let now = 1_000;
    let failNext = true;
    const turns: string[] = [];
    const conversation = new BotConversation({
      inlet: openInlet(async (request) => {
        turns.push(request.agentId);
        if (failNext) {
          failNext = false;
          throw new Error("provider unreachable");
        }
        if (turns.length === 2) return { payloads: [{ text: "Connection error.", isError: true }] };
        return { payloads: [{ text: "Back again" }] };
      }),
      logger: silent,
      now: () => now,
      cooldownMs: 60_000,
    });
    const { runtime, sent } = fakeRuntime("bob");
    // A rejected run, then a run that answered with an error payload: each gives the cooldown back.
    expect(await conversation.handle(runtime, from("ann"))).toEqual({ reply: true });
    expect(conversation.cooldownsHeld).toBe(0);
    now += 1;
    expect(await conversation.handle(runtime, from("ann"))).toEqual({ reply: true });
    expect(conversation.cooldownsHeld).toBe(0);
    expect(sent).toEqual([]);
    now += 1;
    expect(await conversation.handle(runtime, from("ann"))).toEqual({ reply: true });
    expect(sent).toEqual([expect.objectContaining({ bubble: "Back again", depth: 1 })]);
    now += 1;
    // Answered: the cooldown holds again.
    expect(await conversation.handle(runtime, from("ann"))).toEqual({ reply: false, reason: "cooldown" });
    expect(turns).toEqual(["bob", "bob", "bob"]);
  });

  it("keeps the cooldown when the run succeeded but the send failed or the agent said nothing", async () => {
    const conversation = new BotConversation({
      inlet: openInlet(async () => ({ payloads: [] })),
      logger: silent,
      now: () => 5,
      cooldownMs: 60_000,
    });
    await conversation.handle(fakeRuntime("bob").runtime, from("ann"));
    expect(await conversation.handle(fakeRuntime("bob").runtime, from("ann"))).toEqual({ reply: false, reason: "cooldown" });
    const sendFails = new BotConversation({
      inlet: openInlet(async () => ({ payloads: [{ text: "ok" }] })),
      logger: silent,
      now: () => 5,
      cooldownMs: 60_000,
    });
    await sendFails.handle(fakeRuntime("bob", true).runtime, from("ann"));
    expect(sendFails.cooldownsHeld).toBe(1);
  });

  it("prunes cooldowns that ran out as messages arrive", async () => {
    let now = 0;
    const conversation = new BotConversation({
      inlet: openInlet(async () => ({ payloads: [] })),
      logger: silent,
      now: () => now,
      cooldownMs: 100,
    });
    const { runtime } = fakeRuntime("bob");
    for (const sender of ["a", "b", "c"]) await conversation.handle(runtime, from(sender));
    expect(conversation.cooldownsHeld).toBe(3);
    now = 100;
    await conversation.handle(runtime, from("d"));
    expect(conversation.cooldownsHeld).toBe(1);
  });

  it("answers nothing while the kichi channel's account is not running", async () => {
    const lines: string[] = [];
    const turns: unknown[] = [];
    const inlet = {
      isOpen: false,
      runTurn: async (request: BotReplyTurn) => {
        turns.push(request);
        return { payloads: [{ text: "hi" }] };
      },
    };
    const conversation = new BotConversation({ inlet, logger: { ...silent, info: (m: string) => void lines.push(m) } });
    const { runtime } = fakeRuntime("bob");
    expect(await conversation.handle(runtime, from("ann"))).toEqual({ reply: false, reason: "channel_not_running" });
    expect(lines).toEqual(["[kichi:bob] bot message from ann at depth 0 not answered (channel_not_running)"]);
    inlet.isOpen = true;
    expect(await conversation.handle(runtime, from("ann"))).toEqual({ reply: true });
    expect(turns).toHaveLength(1);
  });
});
