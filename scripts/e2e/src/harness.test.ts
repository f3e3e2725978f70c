import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, node24Binary, openclawLauncher } from "./gateway.js";

const root = resolve(import.meta.dirname, "../../..");

describe("e2e harness toolchain", () => {
  it("finds a Node >= 24.16 binary for the gateway", () => {
    const version = execFileSync(node24Binary(), ["--version"], { encoding: "utf8" }).trim();
    const [major, minor] = version.slice(1).split(".").map(Number);
    expect(major).toBe(24);
    expect(minor).toBeGreaterThanOrEqual(16);
  });

  it("does not shadow the machine's node for the rest of the workspace", () => {
    expect(existsSync(join(root, "node_modules", ".bin", "node"))).toBe(false);
    expect(Number(process.versions.node.split(".")[0])).toBeLessThan(24);
    const onPath = execFileSync("node", ["--version"], { encoding: "utf8", cwd: root }).trim();
    expect(onPath).toBe(process.version);
  });

  it("finds the pinned openclaw launcher", () => {
    const launcher = openclawLauncher();
    expect(existsSync(launcher)).toBe(true);
    const pkg = JSON.parse(
      execFileSync(node24Binary(), ["-p", "JSON.stringify(require(process.argv[1]))", join(launcher, "..", "package.json")], {
        encoding: "utf8",
      }),
    );
    expect(pkg.version).toBe("2026.9.6");
  });

  it("hands out a loopback port that can be bound", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(port, "127.0.0.1", () => done());
    });
    expect((server.address() as { port: number }).port).toBe(port);
    await new Promise((done) => server.close(done));
  });
});
