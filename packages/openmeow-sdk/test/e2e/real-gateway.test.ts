import { resolve } from "node:path";
import { type RunningGateway, startOpenClawGateway } from "@clawbridge/e2e-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OpenMeowSDKClient } from "../../src/adapter/types.js";
import { createOpenMeowSDKClient } from "../../src/index.js";

const diagnosticsDir = resolve(import.meta.dirname, "../../../diagnostics");
let gateway: RunningGateway;
let client: OpenMeowSDKClient;

beforeAll(async () => {
  gateway = await startOpenClawGateway({ plugins: [{ dir: diagnosticsDir }] });
  // The adapter's default scopes (operator.read, operator.write, operator.approvals), not admin.
  client = createOpenMeowSDKClient({ gateway: gateway.wsUrl, token: gateway.token });
});

afterAll(async () => {
  await client?.close();
  await gateway?.stop();
});

describe("the OpenMeow adapter against the real OpenClaw gateway", () => {
  it("connects, lists agents, creates a lane, invokes a clawbridge tool and reads effective tools for the lane", async () => {
    await client.connect();
    const agents = (await client.listAgents()) as { defaultId: string; agents: Array<{ id: string }> };
    expect(agents.agents.map((a) => a.id)).toContain(agents.defaultId);

    const { sessionKey } = await client.createLaneSession({ agentId: agents.defaultId, label: "openmeow e2e" });
    expect(sessionKey).toMatch(new RegExp(`^agent:${agents.defaultId}:`));

    const invoked = await client.invokeTool("clawbridge_status", { args: { echo: "openmeow" }, sessionKey });
    expect(invoked).toMatchObject({ ok: true, toolName: "clawbridge_status", source: "plugin" });
    const details = (invoked.output as { details?: Record<string, unknown> }).details;
    expect(details).toMatchObject({ success: true, echo: "openmeow", agentId: agents.defaultId });

    const effective = (await client.effectiveTools(sessionKey)) as { agentId: string; groups: Array<{ tools: Array<{ id: string }> }> };
    expect(effective.agentId).toBe(agents.defaultId);
    const ids = effective.groups.flatMap((g) => g.tools.map((t) => t.id));
    expect(ids).toContain("clawbridge_status");

    const missing = await client.invokeTool("clawbridge_no_such_tool", { sessionKey });
    expect(missing).toMatchObject({ ok: false, toolName: "clawbridge_no_such_tool" });
  });

  it("a read-only operator is refused tools.invoke with FORBIDDEN, not silently sent over HTTP", async () => {
    const reader = createOpenMeowSDKClient({ gateway: gateway.wsUrl, token: gateway.token, scopes: ["operator.read"] });
    try {
      await reader.connect();
      expect(await reader.listAgents()).toMatchObject({ agents: expect.any(Array) });
      await expect(reader.invokeTool("clawbridge_status", { sessionKey: "agent:main:main" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await reader.close();
    }
  });
});
