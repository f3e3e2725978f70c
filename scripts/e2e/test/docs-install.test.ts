import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openclawEnv, openclawLauncher } from "../openclaw.mjs";
import { node24Binary } from "../src/gateway.js";

/**
 * The install commands of README.md and docs/installing-into-openclaw.md, run as they are written (each
 * fenced block through bash, from the repository root) on a throwaway HOME against the real gateway.
 * Only the environment is set for the test: HOME, and the pnpm store and npm cache kept where the machine
 * has them, so `pnpm install` and `npx -y pnpm@10` do not download everything again.
 */
const root = resolve(import.meta.dirname, "../../..");
const execFileAsync = promisify(execFile);
const OUR_PLUGINS = ["clawbridge", "clawhip", "kichi-forwarder", "oomi", "rome-example"];
let home: string;
let env: NodeJS.ProcessEnv;
let gateway: ChildProcess | undefined;

/** The first ```bash block after the heading line that starts with `heading`. */
async function bashBlock(file: string, heading: string): Promise<string> {
  const text = await readFile(join(root, file), "utf8");
  const at = text.split("\n").findIndex((line) => line.startsWith(heading));
  if (at < 0) throw new Error(`${file}: no heading "${heading}"`);
  const rest = text.split("\n").slice(at).join("\n");
  const match = /```bash\n([\s\S]*?)```/.exec(rest);
  if (!match?.[1]) throw new Error(`${file}: no bash block under "${heading}"`);
  return match[1];
}

async function runBash(script: string): Promise<{ stdout: string; stderr: string }> {
  const { stdout, stderr } = await execFileAsync("bash", ["-euo", "pipefail", "-c", script], {
    cwd: root,
    env,
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error) => {
    throw new Error(`script failed:\n${script}\n--- stdout\n${error.stdout}\n--- stderr\n${error.stderr}`);
  });
  return { stdout, stderr };
}

async function installedPlugins(): Promise<Array<{ id: string; status: string; toolNames: string[] }>> {
  const { stdout } = await execFileAsync(node24Binary(), [openclawLauncher(), "plugins", "list", "--json"], {
    env: openclawEnv(env),
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as { plugins: Array<{ id: string; status: string; toolNames: string[] }> }).plugins;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "clawbridge-docs-home-"));
  const store = (await execFileAsync("pnpm", ["store", "path"], { cwd: root })).stdout.trim();
  const npmCache = (await execFileAsync("npm", ["config", "get", "cache"], { cwd: root })).stdout.trim();
  env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|TINYPOOL|__VITEST)/.test(key) && key !== "NODE_ENV")),
    HOME: home,
    npm_config_store_dir: store,
    npm_config_cache: npmCache,
    NO_COLOR: "1",
  };
});

afterAll(async () => {
  if (gateway?.pid !== undefined) {
    try {
      process.kill(-gateway.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await rm(home, { recursive: true, force: true });
});

describe("the documented install, run as written", () => {
  it("docs/installing-into-openclaw.md §1 installs all five plugins, each loaded", async () => {
    await runBash(await bashBlock("docs/installing-into-openclaw.md", "## 1. Build and install"));
    const plugins = await installedPlugins();
    for (const id of OUR_PLUGINS) expect(plugins.find((p) => p.id === id)?.status, id).toBe("loaded");
  }, 600_000);

  it("README.md's install block installs clawbridge from its tarball", async () => {
    const { stdout, stderr } = await runBash(await bashBlock("README.md", "## Installing a plugin into an OpenClaw gateway"));
    expect(`${stdout}${stderr}`).toContain("Installed plugin: clawbridge");
    expect((await installedPlugins()).find((p) => p.id === "clawbridge")?.status).toBe("loaded");
  }, 600_000);

  it("docs/installing-into-openclaw.md §4 starts the gateway, and a tool of each plugin that has tools answers", async () => {
    const block = await bashBlock("docs/installing-into-openclaw.md", "## 4. Start the gateway and call a tool");
    const lines = block.split("\n").filter((line) => line.trim() !== "" && !line.trim().startsWith("#"));
    const runAt = lines.findIndex((line) => line.includes("gateway run"));
    const curl = lines.find((line) => line.startsWith("curl "));
    expect(runAt).toBeGreaterThan(0);
    expect(curl).toBeDefined();
    // The block as written, with the foreground gateway sent to the background so the curl can follow.
    const setup = lines.slice(0, runAt).join("\n");
    const script = `${setup}\necho "TOKEN=$TOKEN"\nexec ${lines[runAt]}`;
    gateway = spawn("bash", ["-euo", "pipefail", "-c", script], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    gateway.stdout?.on("data", (chunk) => {
      log += chunk;
    });
    gateway.stderr?.on("data", (chunk) => {
      log += chunk;
    });
    const deadline = Date.now() + 180_000;
    while (!/\[gateway\] ready/.test(log)) {
      if (gateway.exitCode !== null) throw new Error(`gateway exited:\n${log.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`gateway not ready:\n${log.slice(-4000)}`);
      await new Promise((done) => setTimeout(done, 250));
    }
    const token = /TOKEN=([0-9a-f]+)/.exec(log)?.[1] as string;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    const reply = JSON.parse((await runBash(`TOKEN=${token}\n${curl}`)).stdout);
    expect(reply).toMatchObject({ ok: true, result: { details: { success: true } } });

    for (const [tool, args] of [
      ["kichi_connection_status", {}],
      ["notes_show_board", {}],
    ] as const) {
      const response = await fetch("http://127.0.0.1:18789/tools/invoke", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ tool, args }),
      });
      expect(response.status, tool).toBe(200);
      expect(await response.json(), tool).toMatchObject({ ok: true });
    }
  }, 300_000);
});
