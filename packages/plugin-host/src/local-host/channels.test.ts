import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChannelPlugin } from "openclaw/plugin-sdk/channel-core";
import type { OpenClawPluginApi } from "openclaw/plugin-sdk/plugin-entry";
import { afterEach, describe, expect, it } from "vitest";
import { checkChannelRegistration, ingressRefusal } from "../channel-registration.js";
import { definePlugin } from "../define-plugin.js";
import { LocalHost } from "./host.js";

/** A logger that keeps every line, so a test can read what the host reported. */
function recordingLogger() {
  const lines: string[] = [];
  const keep = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, logger: { debug() {}, info: keep("info"), warn: keep("warn"), error: keep("error") } };
}

/** A channel the way our plugins write one; `startAccount` holds the account open until the host stops it. */
function demoChannel(id: string, events: string[] = []): ChannelPlugin<{ accountId: string; enabled: boolean }> {
  return {
    id,
    meta: { id, label: id, selectionLabel: id, docsPath: "/plugins/community", blurb: "a test channel" },
    capabilities: { chatTypes: ["direct"] },
    config: {
      listAccountIds: () => ["default"],
      resolveAccount: (cfg, accountId) => ({
        accountId: accountId ?? "default",
        enabled: (cfg.channels as Record<string, { enabled?: boolean }> | undefined)?.[id]?.enabled !== false,
      }),
    },
    gateway: {
      startAccount: async (ctx) => {
        events.push(`start:${ctx.accountId}`);
        ctx.setStatus({ accountId: ctx.accountId, running: true, lifecycle: "ready" });
        await new Promise<void>((done) => ctx.abortSignal.addEventListener("abort", () => done(), { once: true }));
        events.push(`stop:${ctx.accountId}`);
      },
    },
  };
}

let captured: OpenClawPluginApi | undefined;

/** A plugin that registers the given channels and keeps its api, to call runCommandFromIngress as the plugin. */
function pluginWith(id: string, register: (api: OpenClawPluginApi) => void) {
  return definePlugin({
    id,
    name: id,
    description: `${id} test plugin`,
    register(api) {
      captured = api;
      register(api);
    },
  });
}

let host: LocalHost | undefined;

async function newHost(extra: Partial<ConstructorParameters<typeof LocalHost>[0]> = {}) {
  const { lines, logger } = recordingLogger();
  host = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "local-host-channels-")), logger, ...extra });
  return { host, lines };
}

afterEach(async () => {
  await host?.stop();
  host = undefined;
  captured = undefined;
});

const THE_GATEWAY_REFUSAL = (plugin: string, channel: string) =>
  `Plugin "${plugin}" cannot admit authenticated owner authority for channel "${channel}".`;

describe("channel registration checks (openclaw 2026.9.6 normalizeRegisteredChannelPlugin)", () => {
  it("accepts {plugin} and a bare channel plugin; refuses a missing id, chat types or config helpers", () => {
    const channel = demoChannel("demo");
    expect(checkChannelRegistration({ plugin: channel })).toMatchObject({ ok: true, plugin: { id: "demo" } });
    expect(checkChannelRegistration(channel as never)).toMatchObject({ ok: true, plugin: { id: "demo" } });
    expect(checkChannelRegistration({ plugin: { ...channel, id: " " } })).toEqual({
      ok: false,
      message: "channel registration missing id",
    });
    expect(checkChannelRegistration({ plugin: { ...channel, capabilities: { chatTypes: [] } } })).toEqual({
      ok: false,
      message: 'channel "demo" registration missing or invalid required capabilities.chatTypes',
    });
    expect(checkChannelRegistration({ plugin: { ...channel, capabilities: { chatTypes: ["dm" as never] } } })).toMatchObject({ ok: false });
    expect(checkChannelRegistration({ plugin: { ...channel, config: { listAccountIds: () => [] } as never } })).toEqual({
      ok: false,
      message: 'channel "demo" registration missing required config helpers',
    });
  });

  it("admits an ingress turn only for a registered channel and never an owner claim (no local plugin is bundled)", () => {
    expect(ingressRefusal("p", ["kichi"], { messageChannel: "kichi", senderIsOwner: false })).toBeUndefined();
    expect(ingressRefusal("p", ["kichi"], { messageChannel: "kichi" })).toBeUndefined();
    expect(ingressRefusal("p", ["kichi"], { messageChannel: "kichi", senderIsOwner: true })).toBe(THE_GATEWAY_REFUSAL("p", "kichi"));
    expect(ingressRefusal("p", ["kichi"], { messageChannel: "oomi" })).toBe(THE_GATEWAY_REFUSAL("p", "oomi"));
    expect(ingressRefusal("p", [], {})).toBe(THE_GATEWAY_REFUSAL("p", "unknown"));
  });
});

describe("LocalHost channels", () => {
  it("refuses runCommandFromIngress from a plugin with no channel, with the gateway's error text", async () => {
    const { host } = await newHost();
    await host.load(pluginWith("no-channel", () => {}));
    await host.start();
    const api = captured as OpenClawPluginApi;
    await expect(
      api.runtime.agent.runCommandFromIngress({ message: "hi", sessionKey: "agent:main:main", allowModelOverride: false }, {} as never),
    ).rejects.toThrow(THE_GATEWAY_REFUSAL("no-channel", "unknown"));
    await expect(
      api.runtime.agent.runCommandFromIngress({ message: "hi", messageChannel: "kichi", allowModelOverride: false }, {} as never),
    ).rejects.toThrow(THE_GATEWAY_REFUSAL("no-channel", "kichi"));
  });

  it("runs the turn for the plugin that registered the channel named by messageChannel, as a guest only", async () => {
    const { host } = await newHost();
    await host.load(pluginWith("with-channel", (api) => api.registerChannel({ plugin: demoChannel("demo") })));
    await host.start();
    const api = captured as OpenClawPluginApi;
    const result = await api.runtime.agent.runCommandFromIngress(
      { message: "hello", sessionKey: "agent:main:bot", messageChannel: "demo", senderIsOwner: false, allowModelOverride: false },
      {} as never,
    );
    expect(result?.payloads?.[0]?.text).toBe("Noted: hello");
    await expect(
      api.runtime.agent.runCommandFromIngress(
        { message: "hello", messageChannel: "demo", senderIsOwner: true, allowModelOverride: false },
        {} as never,
      ),
    ).rejects.toThrow(THE_GATEWAY_REFUSAL("with-channel", "demo"));
    await expect(
      api.runtime.agent.runCommandFromIngress({ message: "hello", messageChannel: "other", allowModelOverride: false }, {} as never),
    ).rejects.toThrow(THE_GATEWAY_REFUSAL("with-channel", "other"));
  });

  it("leaves out an invalid channel or one another plugin owns, logging the gateway's message; the plugin still loads", async () => {
    const { host, lines } = await newHost();
    await host.load(pluginWith("first", (api) => api.registerChannel({ plugin: demoChannel("demo") })));
    const second = await host.load(
      pluginWith("second", (api) => {
        api.registerChannel({ plugin: demoChannel("demo") });
        api.registerChannel({ plugin: { ...demoChannel("broken"), capabilities: { chatTypes: [] } } });
      }),
    );
    expect(second.registrations.channels).toEqual([]);
    expect(lines).toContain("error [second] channel already registered: demo (first)");
    expect(lines).toContain('error [second] channel "broken" registration missing or invalid required capabilities.chatTypes');
    await host.start();
    await expect(
      (captured as OpenClawPluginApi).runtime.agent.runCommandFromIngress(
        { message: "x", messageChannel: "demo", allowModelOverride: false },
        {} as never,
      ),
    ).rejects.toThrow(THE_GATEWAY_REFUSAL("second", "demo"));
  });

  it("starts each enabled channel account on start and aborts it on stop; a disabled account is not started", async () => {
    const events: string[] = [];
    const { host, lines } = await newHost({ gatewayConfig: { channels: { off: { enabled: false } } } });
    await host.load(
      pluginWith("accounts", (api) => {
        api.registerChannel({ plugin: demoChannel("on", events) });
        api.registerChannel({ plugin: demoChannel("off", events) });
      }),
    );
    await host.start();
    expect(events).toEqual(["start:default"]);
    expect(host.channelStatuses()).toEqual([
      { channelId: "on", accountId: "default", running: true, snapshot: { accountId: "default", running: true, lifecycle: "ready" } },
    ]);
    expect(lines).toContain("info [accounts] channel off account default is disabled; not started");
    await host.stop();
    expect(events).toEqual(["start:default", "stop:default"]);
    expect(host.channelStatuses()).toEqual([]);
  });
});
