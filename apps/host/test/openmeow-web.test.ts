import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";

const main = resolve(import.meta.dirname, "../dist/main.js");
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

it("pnpm start --local serves OpenMeow web next to the host, with the gateway and token in the link's fragment", async () => {
  const stateDir = await mkdtemp(join(tmpdir(), "host-openmeow-"));
  child = spawn(process.execPath, [main, "--local", "--port", "0", "--state-dir", stateDir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, OPENMEOW_WEB_PORT: "0" },
  });
  const link = await new Promise<string>((resolvePromise, reject) => {
    let out = "";
    let err = "";
    child?.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const found = /openmeow: (http:\/\/\S+)/.exec(out)?.[1];
      if (found) resolvePromise(found);
    });
    child?.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child?.on("exit", (code) => reject(new Error(`host exited with ${code}: ${err}`)));
  });
  const url = new URL(link);
  const fragment = new URLSearchParams(url.hash.slice(1));
  expect(fragment.get("gateway")).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
  expect(fragment.get("token")?.length).toBeGreaterThanOrEqual(16);
  const page = await fetch(new URL("/", url));
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<script type="module" src="app.js"></script>');
  expect((await fetch(new URL("/app.js", url))).headers.get("content-type")).toBe("text/javascript; charset=utf-8");
});
