import { describe, expect, it, vi } from "vitest";
import { AgentRuntimeRegistry, agentIdFromSessionKey, normalizeAgentId, resolveAgentId } from "./agent-runtimes.js";

describe("agent id resolution", () => {
  it("reads the agent from an agent:<id>: session key", () => {
    expect(agentIdFromSessionKey("agent:Alice:main")).toBe("alice");
    expect(agentIdFromSessionKey("agent:bob:discord:123")).toBe("bob");
    expect(agentIdFromSessionKey("main")).toBeUndefined();
    expect(agentIdFromSessionKey("agent::main")).toBeUndefined();
    expect(agentIdFromSessionKey(undefined)).toBeUndefined();
  });

  it("normalizes ids the way OpenClaw does, so no id can name a folder outside the plugin's", () => {
    expect(agentIdFromSessionKey("agent:..:main")).toBeUndefined();
    expect(agentIdFromSessionKey("agent:.:main")).toBeUndefined();
    expect(resolveAgentId({ agentId: "../../etc" })).toBe("etc");
    expect(resolveAgentId({ agentId: "My Agent!" })).toBe("my-agent");
    expect(normalizeAgentId("-a_b-")).toBe("a_b");
    expect(normalizeAgentId("x".repeat(80))).toBe("x".repeat(64));
    expect(normalizeAgentId("   ")).toBeUndefined();
  });

  it("lets the session key win over ctx.agentId and logs the mismatch", () => {
    const warn = vi.fn();
    expect(resolveAgentId({ agentId: "main", sessionKey: "agent:bob:main" }, { warn })).toBe("bob");
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('disagrees with session key "agent:bob:main"'));
  });

  it("falls back to ctx.agentId, and to nothing", () => {
    const warn = vi.fn();
    expect(resolveAgentId({ agentId: "carol", sessionKey: "main" }, { warn })).toBe("carol");
    expect(resolveAgentId({ agentId: "dave", sessionKey: "agent:dave:x" }, { warn })).toBe("dave");
    expect(resolveAgentId({}, { warn })).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });
});

describe("AgentRuntimeRegistry", () => {
  it("creates one runtime per agent on demand", () => {
    const create = vi.fn((agentId: string) => ({ agentId }));
    const registry = new AgentRuntimeRegistry({ create });
    const a = registry.resolve({ sessionKey: "agent:a:main" });
    const again = registry.resolve({ agentId: "a" });
    expect(a?.runtime).toBe(again?.runtime);
    expect(registry.resolve({})).toBeUndefined();
    registry.getOrCreate("b");
    expect(create).toHaveBeenCalledTimes(2);
    expect(registry.list().map(([id]) => id)).toEqual(["a", "b"]);
  });

  it("stops every runtime even when one stop fails", async () => {
    const stopped: string[] = [];
    const error = vi.fn();
    const registry = new AgentRuntimeRegistry({
      create: (agentId) => agentId,
      stop: (runtime) => {
        if (runtime === "bad") throw new Error("stuck");
        stopped.push(runtime);
      },
      logger: { warn: vi.fn(), error },
    });
    for (const id of ["a", "bad", "c"]) registry.getOrCreate(id);
    await registry.stopAll();
    expect(stopped.sort()).toEqual(["a", "c"]);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('"bad"'));
    expect(registry.size).toBe(0);
  });
});
