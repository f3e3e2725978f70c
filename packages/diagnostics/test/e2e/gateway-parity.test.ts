import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const pluginDir = resolve(import.meta.dirname, "../..");
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

let gateway: RunningGateway;
let host: LocalHost;

async function viaLocalHost(body: unknown, token = host.token) {
  const response = await fetch(`${host.url}/tools/invoke`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function viaGateway(body: unknown, token = gateway.token) {
  return gateway.post("/tools/invoke", JSON.stringify(body), {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
  }) as Promise<{
    status: number;
    body: any;
  }>;
}

beforeAll(async () => {
  gateway = await startOpenClawGateway({ plugins: [{ dir: pluginDir }] });
  host = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "parity-")), logger: quiet });
  await host.load(pluginDir);
  await host.start();
});

afterAll(async () => {
  await host?.stop();
  await gateway?.stop();
});

describe("clawbridge_status: real OpenClaw gateway and LocalHost agree", () => {
  const calls: Array<[string, unknown]> = [
    ["default agent and session", { tool: "clawbridge_status" }],
    ["arguments", { tool: "clawbridge_status", args: { echo: "hello" } }],
    ["session key names the agent", { tool: "clawbridge_status", sessionKey: "agent:zed:work" }],
    ["bare session key", { tool: "clawbridge_status", sessionKey: "chat" }],
    ["name wins over tool", { tool: "other", name: "clawbridge_status" }],
    ["invalid arguments", { tool: "clawbridge_status", args: { echo: 5, extra: true } }],
  ];

  for (const [label, body] of calls) {
    it(`same status and result: ${label}`, async () => {
      const [real, local] = await Promise.all([viaGateway(body), viaLocalHost(body)]);
      expect(real.status).toBe(200);
      expect(local).toEqual(real);
    });
  }

  it("reports the resolved agent through the real gateway", async () => {
    const real = await viaGateway({ tool: "clawbridge_status", sessionKey: "agent:zed:work" });
    expect(real.body.result.details).toEqual({
      success: true,
      plugin: "clawbridge",
      version: "0.1.0",
      agentId: "zed",
      sessionKey: "agent:zed:work",
    });
  });

  it("same 404 envelope for an unknown tool", async () => {
    const body = { tool: "no_such_tool" };
    const [real, local] = await Promise.all([viaGateway(body), viaLocalHost(body)]);
    expect(real).toEqual({ status: 404, body: { ok: false, error: { type: "not_found", message: "Tool not available: no_such_tool" } } });
    expect(local).toEqual(real);
  });

  it("same 400 envelope for a missing tool name and for an unknown agent", async () => {
    for (const body of [{ args: {} }, { tool: "clawbridge_status", agentId: "ghost" }]) {
      const [real, local] = await Promise.all([viaGateway(body), viaLocalHost(body)]);
      expect(real.status).toBe(400);
      expect(local).toEqual(real);
    }
  });

  it("401 without the token on both", async () => {
    const [real, local] = await Promise.all([
      viaGateway({ tool: "clawbridge_status" }, "wrong"),
      viaLocalHost({ tool: "clawbridge_status" }, "wrong"),
    ]);
    expect(real.status).toBe(401);
    expect(local.status).toBe(401);
    expect(local.body.error).toEqual(real.body.error);
  });
});
