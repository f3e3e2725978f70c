import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentDir, agentsWithState, KichiAgentStore } from "./store.js";

const quiet = () => {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (m: string) => void warnings.push(m) } };
};

describe("KichiAgentStore", () => {
  it("writes state and per-host identities 0600, readable back", async () => {
    const root = await mkdtemp(join(tmpdir(), "kichi-store-"));
    const store = new KichiAgentStore(agentDir(root, "a/b"), quiet().logger);
    expect(store.dir).toBe(join(root, "agents", "a%2Fb"));
    await store.writeState({ currentEnvironment: "test", llmRuntimeEnabled: false, testHost: "127.0.0.1:9" });
    await store.writeIdentity("127.0.0.1:9", { avatarId: "av", authKey: "secret" });
    expect(await store.readState()).toEqual({ currentEnvironment: "test", llmRuntimeEnabled: false, testHost: "127.0.0.1:9" });
    expect(await store.readIdentity("127.0.0.1:9")).toEqual({ avatarId: "av", authKey: "secret" });
    expect(await store.readIdentity("other")).toBeUndefined();
    expect((await stat(store.statePath)).mode & 0o777).toBe(0o600);
    expect((await stat(store.identityPath("127.0.0.1:9"))).mode & 0o777).toBe(0o600);
    expect(store.identityPath("127.0.0.1:9")).toBe(join(store.dir, "hosts", "127.0.0.1%3A9", "identity.json"));
  });

  it("defaults llmRuntimeEnabled to true", async () => {
    const root = await mkdtemp(join(tmpdir(), "kichi-store-"));
    const store = new KichiAgentStore(agentDir(root, "x"), quiet().logger);
    await mkdir(store.dir, { recursive: true });
    await writeFile(store.statePath, '{"currentEnvironment":"steam"}');
    expect(await store.readState()).toEqual({ currentEnvironment: "steam", llmRuntimeEnabled: true });
  });

  it("sets a corrupt file aside and starts fresh", async () => {
    const root = await mkdtemp(join(tmpdir(), "kichi-store-"));
    const { logger, warnings } = quiet();
    const store = new KichiAgentStore(agentDir(root, "x"), logger);
    await mkdir(store.dir, { recursive: true });
    await writeFile(store.statePath, "{not json");
    expect(await store.readState()).toBeUndefined();
    const files = await readdir(store.dir);
    const aside = files.find((f) => f.startsWith("state.json.corrupt-"));
    expect(aside).toBeDefined();
    expect(await readFile(join(store.dir, aside!), "utf8")).toBe("{not json");
    expect(warnings[0]).toMatch(/state.json was corrupt/);
    await store.writeIdentity("h", { avatarId: "a" });
    await writeFile(store.identityPath("h"), '{"avatarId":""}');
    expect(await store.readIdentity("h")).toBeUndefined();
    expect(warnings[1]).toMatch(/identity.json for h was corrupt/);
  });

  it("lists agents that saved state", async () => {
    const root = await mkdtemp(join(tmpdir(), "kichi-store-"));
    expect(await agentsWithState(root)).toEqual([]);
    for (const agent of ["zed", "a b"])
      await new KichiAgentStore(agentDir(root, agent), quiet().logger).writeState({ llmRuntimeEnabled: true });
    await mkdir(join(root, "agents", "no-state"), { recursive: true });
    expect(await agentsWithState(root)).toEqual(["a b", "zed"]);
  });
});
