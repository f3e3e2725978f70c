import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BANNER_END } from "../src/banner.js";

const main = resolve(import.meta.dirname, "../dist/main.js");
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** Starts the built host with LocalHost (`--local`) and resolves with its banner once its last line is out. */
function startHost(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; token: string; banner: string }> {
  return new Promise((resolvePromise, reject) => {
    child = spawn(process.execPath, [main, "--local", ...args], { stdio: ["ignore", "pipe", "pipe"], env });
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const token = /token:\s+(\S+)/.exec(out)?.[1];
      if (url && token && out.includes(BANNER_END)) resolvePromise({ url, token, banner: out });
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`host exited with ${code}: ${err}`)));
  });
}

describe("clawbridge-host --local (pnpm start --local)", () => {
  it("prints its address and token, serves clawbridge_status, and stops cleanly on SIGTERM", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "host-start-"));
    const { url, token, banner } = await startHost(["--port", "0", "--state-dir", stateDir]);
    expect(banner).toContain("clawbridge_status");
    const response = await fetch(`${url}/tools/invoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ tool: "clawbridge_status" }),
    });
    const body = (await response.json()) as { ok: boolean; result: { details: Record<string, unknown> } };
    expect(body.ok).toBe(true);
    expect(body.result.details).toMatchObject({ success: true, plugin: "clawbridge", agentId: "main" });
    expect((await fetch(`${url}/tools/invoke`, { method: "POST", body: "{}" })).status).toBe(401);

    expect((await stat(join(stateDir, "host-token"))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(stateDir, "host-token"), "utf8")).trim()).toBe(token);

    const exited = new Promise<number | null>((r) => child?.once("exit", (code) => r(code)));
    child?.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  it("item 10: /clawhip/event on the host port needs the host token, listed in --public-route or not (clawhip registers it auth: gateway)", async () => {
    const post = (url: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/clawhip/event`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ type: "custom", message: "hi" }),
      });
    const secured = await startHost(["--port", "0", "--state-dir", await mkdtemp(join(tmpdir(), "host-routes-"))]);
    const refused = await post(secured.url);
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain(secured.token);
    expect((await post(secured.url, { authorization: `Bearer ${secured.token}` })).status).toBe(202);
    child?.kill("SIGKILL");

    const stateDir = await mkdtemp(join(tmpdir(), "host-routes-"));
    const open = await startHost(["--port", "0", "--state-dir", stateDir, "--public-route", "/clawhip/event"]);
    expect(open.banner).toMatch(/public: +\/clawhip\/event/);
    expect((await post(open.url)).status).toBe(401);
    expect((await post(open.url, { authorization: `Bearer ${open.token}` })).status).toBe(202);
    expect((await fetch(`${open.url}/clawhip/health`)).status).toBe(401);
  });

  it("refuses a non-loopback bind, a bad public route and bad flags with exit 2", async () => {
    for (const args of [
      ["--local", "--bind", "0.0.0.0"],
      ["--local", "--port", "abc"],
      ["--nope"],
      ["--local", "--public-route", "clawhip/event"],
      ["--public-route", "/clawhip/event"],
    ]) {
      const code = await new Promise<number | null>((r) => {
        const proc = spawn(process.execPath, [main, ...args], { stdio: "ignore" });
        proc.on("exit", (c) => r(c));
      });
      expect(code).toBe(2);
    }
  });

  it("item 6: a taken --port is reported at once, before any server or plugin starts (LocalHost and gateway alike)", async () => {
    const taken = await listen(0);
    const port = (taken.address() as { port: number }).port;
    try {
      for (const mode of [["--local"], []]) {
        const stateDir = await mkdtemp(join(tmpdir(), "host-taken-"));
        const started = Date.now();
        const proc = spawn(process.execPath, [main, ...mode, "--port", String(port), "--state-dir", stateDir], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let err = "";
        proc.stderr?.on("data", (chunk: Buffer) => {
          err += chunk.toString();
        });
        const code = await new Promise<number | null>((r) => proc.on("exit", (c) => r(c)));
        expect(code, err).toBe(1);
        expect(err).toContain(`port ${port} is in use; pass --port 0 for a free one or stop what listens there`);
        expect(err).not.toMatch(/loaded plugin|installing|starting the OpenClaw gateway/);
        // Nothing ran: no server chose a port, no gateway home was made.
        await expect(stat(join(stateDir, "ports.json"))).rejects.toMatchObject({ code: "ENOENT" });
        await expect(stat(join(stateDir, "openclaw"))).rejects.toMatchObject({ code: "ENOENT" });
        expect(Date.now() - started).toBeLessThan(10_000);
      }
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it("item 6: SIGINT exits 0 and frees every port; a restart keeps each server's port unless it is taken", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "host-ports-"));
    const env = withoutPortVariables(process.env);
    const first = await startHost(["--port", "0", "--state-dir", stateDir], env);
    const ports = serverPortsOf(first.banner);
    const hostPort = Number(new URL(first.url).port);
    expect(await stopWith("SIGINT")).toBe(0);
    for (const port of [hostPort, ...Object.values(ports)]) await new Promise((r) => listen(port).then((server) => server.close(r)));

    const blocker = await listen(ports.oomi);
    try {
      const second = await startHost(["--port", "0", "--state-dir", stateDir], env);
      const again = serverPortsOf(second.banner);
      expect(again.kichi).toBe(ports.kichi);
      expect(again.openmeow).toBe(ports.openmeow);
      expect(second.banner).toMatch(/kichi: .*same port as last run/);
      expect(again.oomi).not.toBe(ports.oomi);
      expect(second.banner).toContain(`${ports.oomi} was taken: a free port, kept for next runs`);
      expect(await stopWith("SIGTERM")).toBe(0);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    expect(JSON.parse(await readFile(join(stateDir, "ports.json"), "utf8"))).toMatchObject({ kichiWorld: ports.kichi });
  });
});

function listen(port: number): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolvePromise(server));
  });
}

/** The port of each local server, from the banner's lines. */
function serverPortsOf(banner: string): { kichi: number; oomi: number; openmeow: number } {
  const port = (label: string) => Number(new RegExp(`${label}:\\s+http://127\\.0\\.0\\.1:(\\d+)`).exec(banner)?.[1]);
  const ports = { kichi: port("kichi"), oomi: port("oomi"), openmeow: port("openmeow") };
  for (const [name, value] of Object.entries(ports)) expect(value, `${name} in the banner`).toBeGreaterThan(0);
  return ports;
}

function withoutPortVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const variables = ["CLAWBRIDGE_KICHI_WORLD_PORT", "OOMI_BACKEND_PORT", "OPENMEOW_WEB_PORT", "CLAWBRIDGE_DEMO_MODEL_PORT"];
  return Object.fromEntries(Object.entries(env).filter(([key]) => !variables.includes(key)));
}

/** Sends `signal` to the running host and resolves with its exit code. */
function stopWith(signal: NodeJS.Signals): Promise<number | null> {
  const running = child;
  if (!running) throw new Error("no host running");
  const exited = new Promise<number | null>((r) => running.once("exit", (code) => r(code)));
  running.kill(signal);
  child = undefined;
  return exited;
}
