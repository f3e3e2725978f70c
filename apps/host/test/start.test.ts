import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const main = resolve(import.meta.dirname, "../dist/main.js");
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

/** Starts the built host and resolves with its banner once the curl hint (the last line) is out. */
function startHost(args: string[]): Promise<{ url: string; token: string; banner: string }> {
  return new Promise((resolvePromise, reject) => {
    child = spawn(process.execPath, [main, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const token = /token:\s+(\S+)/.exec(out)?.[1];
      if (url && token && out.includes("try:")) resolvePromise({ url, token, banner: out });
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`host exited with ${code}: ${err}`)));
  });
}

describe("clawbridge-host (pnpm start)", () => {
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

  it("item 10: /clawhip/event on the host port needs the host token, listed with --public-route or not", async () => {
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
    expect(open.banner).toContain("public:  /clawhip/event");
    // clawhip registers its routes with auth "gateway" by default, and such a route is never made public.
    expect((await post(open.url)).status).toBe(401);
    expect((await post(open.url, { authorization: `Bearer ${open.token}` })).status).toBe(202);
    expect((await fetch(`${open.url}/clawhip/health`)).status).toBe(401);
  });

  it("refuses a non-loopback bind, a bad public route and bad flags with exit 2", async () => {
    for (const args of [["--bind", "0.0.0.0"], ["--port", "abc"], ["--nope"], ["--public-route", "clawhip/event"]]) {
      const code = await new Promise<number | null>((r) => {
        const proc = spawn(process.execPath, [main, ...args], { stdio: "ignore" });
        proc.on("exit", (c) => r(c));
      });
      expect(code).toBe(2);
    }
  });
});
