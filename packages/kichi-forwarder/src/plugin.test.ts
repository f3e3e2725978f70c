import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningKichiWorld, startKichiWorld } from "@clawbridge/kichi-world";
import { pluginStateDir } from "@clawbridge/plugin-host";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterEach, describe, expect, it } from "vitest";
import { buildKichiPrompt, RESIDENT_PRESENCE_RULES } from "./hooks/kichi-prompt.js";
import entry, { KICHI_TOOL_NAMES } from "./index.js";
import { agentDir, KichiAgentStore } from "./runtime/store.js";
import { BOT_MESSAGE_IN_BOT_REPLY } from "./tools/bot-message-tool.js";
import { RUNTIME_UNRESOLVED } from "./tools/shared.js";

const lines: string[] = [];
const logger = {
  debug() {},
  info: (m: string) => void lines.push(m),
  warn: (m: string) => void lines.push(m),
  error: (m: string) => void lines.push(m),
};

let host: LocalHost | undefined;
let world: RunningKichiWorld | undefined;

afterEach(async () => {
  await host?.stop();
  await world?.close();
  host = undefined;
  world = undefined;
});

async function makeHost(config: Record<string, unknown> = {}, agents = ["main", "zed"], gatewayConfig: Record<string, unknown> = {}) {
  const stateDir = await mkdtemp(join(tmpdir(), "kichi-plugin-"));
  host = new LocalHost({ stateDir, agents, logger, gatewayConfig });
  await host.load(entry, { config: { requestTimeoutMs: 2_000, reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, ...config } });
  return { host, stateDir, root: pluginStateDir(stateDir, "kichi-forwarder") };
}

async function call(tool: string, args: Record<string, unknown> = {}, options: { agentId?: string; sessionKey?: string } = {}) {
  const outcome = await host!.invokeTool(tool, args, options);
  return (outcome.body as any).result.details;
}

describe("kichi-forwarder plugin", () => {
  it("b30: registers the 15 tools with the kichiclaw join source, and all but the schedule sync otherwise", async () => {
    await makeHost({ joinSource: "kichiclaw" });
    expect(host!.listTools().sort()).toEqual([...KICHI_TOOL_NAMES].sort());
    expect(KICHI_TOOL_NAMES).toHaveLength(15);
    await host!.stop();
    await makeHost();
    expect(host!.listTools().sort()).toEqual(KICHI_TOOL_NAMES.filter((n) => n !== "kichi_sync_mate_daily_schedule").sort());
  });

  it("resolves the runtime at execute time; the session key's agent wins", async () => {
    const { root } = await makeHost();
    const status = await call("kichi_connection_status", {}, { sessionKey: "agent:zed:work" });
    expect(status.status).toMatchObject({
      agentId: "zed",
      runtimeDir: agentDir(root, "zed"),
      hostConfigured: false,
      connected: false,
      websocketState: "idle",
    });
    const main = await call("kichi_connection_status");
    expect(main.status.agentId).toBe("main");
  });

  it("answers success:false when no agent can be resolved", async () => {
    await makeHost();
    const factory = host!.plugins[0]!.registrations.tools[0]!.factory!;
    const tools = factory({} as never) as Array<{ name: string; execute: (id: string, args: unknown) => Promise<any> }>;
    const result = await tools.find((t) => t.name === "kichi_connection_status")!.execute("t1", {});
    expect(result.details).toEqual({ success: false, error: RUNTIME_UNRESOLVED });
  });

  it("explains what to do before a host is chosen or a join happened", async () => {
    await makeHost();
    expect(await call("kichi_action", { poseType: "sit", action: "Thinking", avatarStatus: "Busy" })).toEqual({
      success: false,
      error: "Not connected to Kichi world: no host chosen yet; call kichi_switch_host first",
    });
    expect((await call("kichi_join", { botName: "b", bio: "x" })).error).toMatch(/^Invalid arguments for kichi_join: environment/);
    expect(await call("kichi_join", { environment: "test", botName: "b", bio: "x" })).toEqual({
      success: false,
      error: 'host is required when environment is "test"',
    });
    expect(await call("kichi_switch_host", { environment: "test" })).toEqual({
      success: false,
      error: 'host is required when environment is "test"',
    });
    expect((await call("kichi_switch_host", { environment: "moon" })).error).toMatch(
      /^Invalid arguments for kichi_switch_host: environment/,
    );
    expect((await call("kichi_join", { environment: "test", host: "127.0.0.1:1", bio: "x" })).error).toMatch(/botName/);
  });

  it("switches host, joins, and saves state and identity 0600; unknown pose/action and tool errors are clear", async () => {
    world = await startKichiWorld();
    const { root } = await makeHost();
    const switched = await call("kichi_switch_host", { environment: "test", host: world.host });
    expect(switched).toEqual({
      success: true,
      environment: "test",
      host: world.host,
      wsUrl: world.wsUrl,
      hasIdentity: false,
      hasAuthKey: false,
    });
    expect(await call("kichi_join", { environment: "test", botName: "Main", bio: "bio" })).toEqual({
      success: false,
      error: "No avatarId: pass avatarId (no identity is saved for this host)",
    });
    const joined = await call("kichi_join", { environment: "test", host: world.host, avatarId: "main-av", botName: "Main", bio: "bio" });
    // b18: no auth key in the reply; the host did not change, so nothing was left or switched.
    expect(joined).toEqual({ success: true, avatarId: "main-av", environment: "test", host: world.host, switched: false, tags: [] });
    const store = new KichiAgentStore(agentDir(root, "main"), logger);
    expect(await store.readState()).toEqual({ currentEnvironment: "test", llmRuntimeEnabled: true, testHost: world.host });
    const identity = await store.readIdentity(world.host);
    expect(identity?.avatarId).toBe("main-av");
    expect(identity?.authKey).toMatch(/.{16,}/);
    expect((await stat(store.identityPath(world.host))).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(await call("kichi_connection_status"))).not.toContain(identity!.authKey!);

    expect((await call("kichi_action", { poseType: "float", action: "x", avatarStatus: "Busy" })).error).toMatch(
      /Invalid arguments for kichi_action: poseType/,
    );
    const note = await call("kichi_noteboard_create", { propId: "notes-board-1", data: "x".repeat(201) });
    expect(note).toEqual({ success: false, error: "data must be 200 characters or fewer (got 201)" });
    const badBoard = await call("kichi_noteboard_create", { propId: "desk-chair-1", data: "hello" });
    expect(badBoard).toEqual({
      success: false,
      error: '"desk-chair-1" is not a notes board (use notes-board-1)',
      errorCode: "unknown_notes_board",
      errorMessage: '"desk-chair-1" is not a notes board (use notes-board-1)',
    });
    const album = await call("kichi_music_album_create", { albumTitle: "A", musicTitles: ["Nope"] });
    expect(album.error).toMatch(/^Unknown music titles: "Nope"/);
    expect(album.examples).toHaveLength(10);
    const lonely = await call("kichi_bot_message", { toAvatarId: "*", depth: 0, bubble: "anyone?" });
    expect(lonely).toEqual({
      success: false,
      error: "No other bot is in the room",
      errorCode: "target_not_in_room",
      errorMessage: "No other bot is in the room",
    });

    expect(await call("kichi_leave")).toEqual({ success: true });
    expect(await store.readIdentity(world.host)).toEqual({ avatarId: "main-av" });
    expect((await call("kichi_action", { poseType: "sit", action: "Thinking", avatarStatus: "Busy" })).error).toBe(
      "Not connected to Kichi world: this agent has not joined; call kichi_join first",
    );
    expect(await call("kichi_join", { environment: "test", botName: "Main", bio: "bio" })).toMatchObject({
      success: true,
      avatarId: "main-av",
    });
  });

  it("rejoins on request and keeps one identity per host", async () => {
    world = await startKichiWorld();
    const other = await startKichiWorld();
    try {
      await makeHost();
      expect(await call("kichi_rejoin")).toEqual({
        success: false,
        accepted: false,
        mode: "unavailable",
        message: "No Kichi host chosen yet; call kichi_switch_host first",
        error: "No Kichi host chosen yet; call kichi_switch_host first",
      });
      await call("kichi_switch_host", { environment: "test", host: world.host });
      expect((await call("kichi_rejoin")).mode).toBe("unavailable");
      await call("kichi_join", { environment: "test", host: world.host, avatarId: "first", botName: "F", bio: "b" });
      expect(await call("kichi_rejoin")).toEqual({ success: true, accepted: true, mode: "sent", message: "Rejoin sent" });
      const switched = await call("kichi_switch_host", { environment: "test", host: other.host });
      expect(switched).toMatchObject({ host: other.host, hasIdentity: false, hasAuthKey: false });
      await call("kichi_join", { environment: "test", host: other.host, avatarId: "second", botName: "S", bio: "b" });
      const back = await call("kichi_switch_host", { environment: "test", host: world.host });
      expect(back).toMatchObject({ hasIdentity: true, hasAuthKey: true });
      expect((await call("kichi_connection_status")).status.avatarId).toBe("first");
    } finally {
      await other.close();
    }
  });

  it("clears the auth key on auth_error and keeps the avatar", async () => {
    world = await startKichiWorld();
    const { root } = await makeHost();
    const store = new KichiAgentStore(agentDir(root, "main"), logger);
    await store.writeState({ currentEnvironment: "test", testHost: world.host, llmRuntimeEnabled: true });
    await store.writeIdentity(world.host, { avatarId: "ghost", authKey: "forged-key-000000" });
    await host!.start();
    const deadline = Date.now() + 5_000;
    let status: any;
    for (;;) {
      status = (await call("kichi_connection_status")).status;
      if (!status.hasAuthKey || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toMatchObject({ hasAuthKey: false, hasIdentity: true, avatarId: "ghost", lastAuthError: "unknown avatar; join first" });
    // The key leaves memory at once and the file right after (an atomic write): wait for the file, bounded.
    let saved = await store.readIdentity(world.host);
    while (saved?.authKey && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      saved = await store.readIdentity(world.host);
    }
    expect(saved).toEqual({ avatarId: "ghost" });
  });

  it("starts runtimes for agents with saved state when the service starts", async () => {
    world = await startKichiWorld();
    const { root } = await makeHost();
    const store = new KichiAgentStore(agentDir(root, "zed"), logger);
    await store.writeState({ currentEnvironment: "test", testHost: world.host, llmRuntimeEnabled: true });
    lines.length = 0;
    await host!.start();
    expect(lines).toContain("[kichi-forwarder] kichi runtimes started for saved agents: zed");
  });

  it("uses the configured environment and test host for agents without state", async () => {
    world = await startKichiWorld();
    await makeHost({ environment: "test", testHost: world.host });
    expect(await call("kichi_join", { environment: "test", avatarId: "cfg", botName: "Cfg", bio: "b" })).toMatchObject({
      success: true,
      host: world.host,
    });
  });
});

describe("the kichi channel", () => {
  async function joinAnnAndBob(gatewayConfig: Record<string, unknown>) {
    world = await startKichiWorld();
    await makeHost({ environment: "test", testHost: world.host }, ["ann", "bob"], gatewayConfig);
    await host!.start();
    for (const agent of ["ann", "bob"]) {
      expect(
        await call("kichi_join", { environment: "test", avatarId: `${agent}-av`, botName: agent, bio: "b" }, { agentId: agent }),
      ).toMatchObject({
        success: true,
      });
    }
  }

  async function waitForLine(pattern: RegExp): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (lines.some((line) => pattern.test(line))) return;
      await new Promise((resolveLater) => setTimeout(resolveLater, 25));
    }
    throw new Error(`no log line matched ${pattern}`);
  }

  it("is registered by the plugin and its one account runs while the host runs", async () => {
    await makeHost();
    expect(host!.plugins[0]!.registrations.channels.map((c) => c.id)).toEqual(["kichi"]);
    await host!.start();
    expect(host!.channelStatuses()).toEqual([
      expect.objectContaining({
        channelId: "kichi",
        accountId: "default",
        running: true,
        snapshot: expect.objectContaining({ lifecycle: "ready" }),
      }),
    ]);
  });

  it("answers a bot message with an agent turn admitted through the kichi channel", async () => {
    lines.length = 0;
    await joinAnnAndBob({});
    expect(await call("kichi_bot_message", { toAvatarId: "bob-av", depth: 4, bubble: "Hi Bob" }, { agentId: "ann" })).toMatchObject({
      success: true,
      deliveredTo: ["bob-av"],
    });
    await waitForLine(/bot message from bob-av at depth 5 not answered \(too_deep\)/);
    expect(lines.filter((line) => line.includes("cannot admit"))).toEqual([]);
  });

  it("answers nothing when channels.kichi.enabled is false: the gateway does not start its account", async () => {
    lines.length = 0;
    await joinAnnAndBob({ channels: { kichi: { enabled: false } } });
    expect(host!.channelStatuses()).toEqual([]);
    await call("kichi_bot_message", { toAvatarId: "bob-av", depth: 0, bubble: "Hi Bob" }, { agentId: "ann" });
    await waitForLine(/bot message from ann-av at depth 0 not answered \(channel_not_running\)/);
  });

  it("refuses kichi_bot_message inside the bot-reply session agent:<id>:bot_message", async () => {
    await makeHost();
    expect(await call("kichi_bot_message", { toAvatarId: "x", depth: 1, bubble: "Hi" }, { sessionKey: "agent:zed:bot_message" })).toEqual({
      success: false,
      error: BOT_MESSAGE_IN_BOT_REPLY,
    });
    expect(await call("kichi_bot_message", { toAvatarId: "x", depth: 1, bubble: "Hi" }, { sessionKey: "agent:zed:main" })).toMatchObject({
      success: false,
      error: expect.stringContaining("Not connected to Kichi world"),
    });
  });
});

describe("hooks", () => {
  async function joined(llmRuntimeEnabled: boolean) {
    world = await startKichiWorld();
    const { root } = await makeHost();
    await new KichiAgentStore(agentDir(root, "main"), logger).writeState({
      currentEnvironment: "test",
      testHost: world.host,
      llmRuntimeEnabled,
    });
    await call("kichi_connection_status");
    expect(await call("kichi_join", { environment: "test", avatarId: "hooked", botName: "Hooked", bio: "b" })).toMatchObject({
      success: true,
    });
    await call("kichi_action", { poseType: "stand", action: "Wait", avatarStatus: "Busy", verify: true });
    return world;
  }
  const presence = () => world!.world.personnel().find((p) => p.avatarId === "hooked")!;
  // A query round trip is a barrier: the server handles one socket's frames in order.
  const settle = () => call("kichi_query_status");
  const ctx = { agentId: "main", sessionKey: "agent:main:main" };

  it("prepends the Kichi prompt when the LLM runtime is on and the turn is no heartbeat", async () => {
    await joined(true);
    const [contribution] = (await host!.runHook("before_prompt_build", { prompt: "hi", messages: [] }, ctx)) as any[];
    // b21/31/37: system context (not prependContext), with the resident-presence rules.
    expect(contribution).toEqual({ prependSystemContext: buildKichiPrompt() });
    expect(contribution.prependSystemContext).toMatch(/^\[Kichi World\]/);
    for (const rule of RESIDENT_PRESENCE_RULES) expect(contribution.prependSystemContext).toContain(rule);
    expect(contribution.prependSystemContext).toContain("it never reminds anyone");
    expect(await host!.runHook("before_prompt_build", { prompt: "hi", messages: [] }, { ...ctx, trigger: "heartbeat" })).toEqual([]);
    await settle();
    expect(presence()).toMatchObject({ poseType: "sit", action: "Thinking", bubble: "Planning task" });
  });

  it("sends the fixed statuses when the LLM runtime is off, and previews messages", async () => {
    await joined(false);
    expect(await host!.runHook("before_prompt_build", { prompt: "hi", messages: [] }, ctx)).toEqual([]);
    await settle();
    expect(presence()).toMatchObject({ poseType: "sit", action: "Thinking", bubble: "Planning task", avatarStatus: "Busy" });
    await host!.runHook("before_tool_call", { toolName: "exec", params: {} }, { ...ctx, toolName: "exec" });
    await settle();
    expect(presence()).toMatchObject({ action: "Typing with Keyboard", bubble: "Working step", avatarStatus: "Busy" });
    await host!.runHook(
      "before_dispatch",
      { content: "Please refactor the whole parser module today", sessionKey: "agent:main:chat" },
      { channelId: "cli" },
    );
    await settle();
    expect(presence().bubble).toBe("Please refactor the…");
    await host!.runHook("agent_end", { success: false, messages: [] }, ctx);
    await settle();
    expect(presence()).toMatchObject({ poseType: "stand", action: "Tired", bubble: "Task failed", avatarStatus: "Idle" });
    await host!.runHook("agent_end", { success: true, messages: [{ role: "assistant", content: "All tests pass now" }] }, ctx);
    await settle();
    expect(presence()).toMatchObject({ poseType: "stand", action: "Yay", bubble: "Task complete", avatarStatus: "Idle" });
  });

  it("agent_end on success previews the reply when the LLM runtime is on", async () => {
    await joined(true);
    await host!.runHook("agent_end", { success: true, messages: [{ role: "assistant", content: "All tests pass now" }] }, ctx);
    await settle();
    expect(presence()).toMatchObject({ action: "Wait", bubble: "All tests…" });
  });

  it("hooks never open a runtime for an unknown agent", async () => {
    await makeHost();
    expect(await host!.runHook("before_prompt_build", { prompt: "x", messages: [] }, { agentId: "zed" })).toEqual([]);
  });
});
