import { AsyncLocalStorage } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { createKichiChannelPlugin, KichiBotInlet, resolveKichiChannelAccount, sharedBotInlet } from "./kichi-channel.js";

const turn = {
  message: "[Bot conversation]",
  agentId: "bob",
  sessionKey: "agent:bob:bot_message",
  messageChannel: "kichi",
  senderIsOwner: false,
  allowModelOverride: false,
  deliver: false,
} as const;

describe("the kichi channel", () => {
  it("has one account, enabled unless channels.kichi.enabled is false or the section does not parse", () => {
    const channel = createKichiChannelPlugin(new KichiBotInlet(), async () => undefined);
    expect(channel.config.listAccountIds({})).toEqual(["default"]);
    expect(resolveKichiChannelAccount({})).toEqual({ accountId: "default", enabled: true, configured: true });
    expect(resolveKichiChannelAccount({ channels: { kichi: { enabled: true } } }).enabled).toBe(true);
    expect(resolveKichiChannelAccount({ channels: { kichi: { enabled: false } } }).enabled).toBe(false);
    expect(resolveKichiChannelAccount({ channels: { kichi: { enabled: "yes" } } }).enabled).toBe(false);
    expect(resolveKichiChannelAccount({ channels: { kichi: { bogus: 1 } } }).enabled).toBe(false);
    expect(channel.capabilities.chatTypes).toEqual(["direct"]);
    expect(channel.configSchema?.schema).toMatchObject({
      type: "object",
      additionalProperties: false,
      properties: { enabled: { type: "boolean" } },
    });
  });

  it("holds the inlet open while the account runs, and runs replies with its runner in its async context", async () => {
    const inlet = new KichiBotInlet();
    const context = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const channel = createKichiChannelPlugin(inlet, async (request) => {
      seen.push(`${context.getStore()} ${request.sessionKey}`);
      return { payloads: [{ text: "Hi" }] };
    });
    const statuses: unknown[] = [];
    const abort = new AbortController();
    expect(inlet.isOpen).toBe(false);
    await expect(inlet.runTurn(turn)).rejects.toThrow("the kichi channel is not running");

    const running = context.run("account", () =>
      channel.gateway!.startAccount!({
        accountId: "default",
        abortSignal: abort.signal,
        setStatus: (next: unknown) => statuses.push(next),
      } as never),
    );
    expect(inlet.isOpen).toBe(true);
    // A message delivered by a socket opened during an earlier request still runs in the account.
    expect(await context.run("request", () => inlet.runTurn(turn))).toEqual({ payloads: [{ text: "Hi" }] });
    expect(seen).toEqual(["account agent:bob:bot_message"]);
    expect(statuses).toEqual([expect.objectContaining({ accountId: "default", running: true, lifecycle: "ready" })]);

    abort.abort();
    await running;
    expect(inlet.isOpen).toBe(false);
    expect(statuses[1]).toMatchObject({ running: false, lifecycle: "stopped" });
  });

  it("is one inlet per process, whichever registration pass asks", () => {
    expect(sharedBotInlet()).toBe(sharedBotInlet());
  });
});
