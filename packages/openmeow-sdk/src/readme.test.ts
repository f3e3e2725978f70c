import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalHost } from "@clawbridge/plugin-host/local-host";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
let host: LocalHost;
const exampleFile = join(import.meta.dirname, ".readme-example.test-run.ts");

beforeAll(async () => {
  host = new LocalHost({ stateDir: await mkdtemp(join(tmpdir(), "om-readme-")), logger: quiet, gatewayProtocol: { deltaIntervalMs: 1 } });
  await host.start();
});
afterAll(async () => {
  await rm(exampleFile, { force: true });
  await host?.stop();
});

it("the README usage example runs as written against the local host", async () => {
  const readme = await readFile(join(import.meta.dirname, "../README.md"), "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toContain("createOpenMeowSDKClient");
  await writeFile(exampleFile, block!);
  vi.stubEnv("OPENCLAW_GATEWAY_URL", `ws://127.0.0.1:${host.port}`);
  vi.stubEnv("OPENCLAW_GATEWAY_TOKEN", host.token);
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  try {
    await import(/* @vite-ignore */ exampleFile);
    expect(log).toHaveBeenCalledWith("Noted: hello there, README", "completed");
  } finally {
    log.mockRestore();
    vi.unstubAllEnvs();
  }
});
