import { describe, expect, it } from "vitest";
import type { KichiAgentRuntime } from "../runtime/agent-runtime.js";
import { BotConversation, buildBotReplyPrompt, decideBotReply, replyTextOf } from "./bot-conversation.js";

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
  it("joins text payloads", () => {
    expect(replyTextOf({ payloads: [{ text: " Hello " }, { text: null }, { text: "there" }] })).toBe("Hello there");
    expect(replyTextOf(undefined)).toBe("");
  });
});

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
      runAgent: async (request) => {
        turns.push(request);
        return { payloads: [{ text: "Nice to meet you" }] };
      },
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
    expect(turns[0]).toMatchObject({ agentId: "bob", sessionKey: "agent:bob:kichi-bot-message", senderIsOwner: false, deliver: false });
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

  it("b29: senders whose cooldown is over are pruned from the table", async () => {
    let now = 0;
    const { logger: log } = logger();
    const conversation = new BotConversation({ runAgent: async () => ({ payloads: [{ text: "hi" }] }), logger: log, now: () => now });
    const { runtime } = fakeRuntime("bob");
    for (const from of ["a", "b", "c"]) {
      await conversation.handle(runtime, { type: "bot_message_received", from, fromName: from, depth: 0, bubble: "x" });
    }
    expect(conversation.cooldownEntries).toBe(3);
    now = 4_999;
    await conversation.handle(runtime, { type: "bot_message_received", from: "d", fromName: "d", depth: 0, bubble: "x" });
    expect(conversation.cooldownEntries).toBe(4);
    now = 5_000;
    await conversation.handle(runtime, { type: "bot_message_received", from: "e", fromName: "e", depth: 9, bubble: "x" });
    expect(conversation.cooldownEntries).toBe(1);
  });

  it("logs failures of the agent or the send and never throws", async () => {
    const { lines, logger: log } = logger();
    const failing = new BotConversation({ runAgent: async () => Promise.reject(new Error("model down")), logger: log });
    await expect(
      failing.handle(fakeRuntime("a").runtime, { type: "bot_message_received", from: "x", fromName: "X", depth: 0, bubble: "hi" }),
    ).resolves.toEqual({ reply: true });
    const sendFails = new BotConversation({ runAgent: async () => ({ payloads: [{ text: "ok" }] }), logger: log });
    await sendFails.handle(fakeRuntime("b", true).runtime, {
      type: "bot_message_received",
      from: "x",
      fromName: "X",
      depth: 0,
      bubble: "hi",
    });
    const silent = new BotConversation({ runAgent: async () => ({ payloads: [] }), logger: log });
    await silent.handle(fakeRuntime("c").runtime, { type: "bot_message_received", from: "x", fromName: "X", depth: 0, bubble: "hi" });
    expect(lines).toEqual([
      "[kichi:a] bot reply to x failed: model down",
      "[kichi:b] bot reply to x failed: Kichi websocket closed",
      "[kichi:c] the agent gave no reply to x",
    ]);
  });
});
