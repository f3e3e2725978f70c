// The browser helpers against a real headless Chromium (Debian's /usr/bin/chromium, installed by
// scripts/setup-system.sh), driving pages a loopback server serves.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createGuardedServer } from "@clawbridge/plugin-host";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BrowserCapabilityDiscovery,
  CdpSession,
  openDiscoveredPageSession,
  runDiscoveredBrowserScript,
} from "../../src/browser/index.js";

const CHROMIUM = "/usr/bin/chromium";

const pages: Record<string, string> = {
  "/notes": "<!doctype html><title>Notes</title><h1>Groceries</h1><h1>Garden</h1><h1>Taxes</h1>",
  // Lands on /notes by a script redirect once loaded: the helpers must wait for the final page.
  "/hop": "<!doctype html><title>Hop</title><script>addEventListener('load', () => location.replace('/notes'))</script>",
};

let chromium: ChildProcess;
let profile: string;
let server: ReturnType<typeof createGuardedServer>;
let origin: string;
let browserUrl: string;

/** Chromium prints its DevTools address on stderr once it listens; wait for that line (or its exit). */
function devtoolsAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      output += chunk;
      const match = /DevTools listening on ws:\/\/([^/\s]+)\//.exec(output);
      if (match?.[1]) resolve(`http://${match[1]}`);
    });
    child.once("exit", (code) => reject(new Error(`chromium exited (${code}) before listening:\n${output}`)));
  });
}

async function openTargets(): Promise<string[]> {
  const response = await fetch(`${browserUrl}/json/list`);
  const targets = (await response.json()) as { type: string; url: string }[];
  return targets.filter((target) => target.type === "page").map((target) => target.url);
}

beforeAll(async () => {
  server = createGuardedServer(
    (request, response) => {
      const page = pages[new URL(request.url ?? "/", "http://x").pathname];
      response.writeHead(page ? 200 : 404, { "content-type": "text/html" }).end(page ?? "not found");
    },
    { errorBody: (status, code, message) => ({ status, code, message }) },
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  profile = await mkdtemp(join(tmpdir(), "rome-chromium-"));
  chromium = spawn(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  browserUrl = await devtoolsAddress(chromium);
});

afterAll(async () => {
  if (chromium && chromium.exitCode === null) {
    chromium.kill("SIGTERM");
    await once(chromium, "exit");
  }
  server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const discovery = (): BrowserCapabilityDiscovery => ({
  // A dead remote beside the local one: the helpers must pick the local Chromium by name.
  getBrowserEndpoints: () => [
    { name: "remote-office", browserUrl: "http://127.0.0.1:9" },
    { name: "cdp-local-chromium", browserUrl: `${browserUrl}/` },
  ],
});

describe("the browser helpers on headless Chromium", () => {
  it("open a page in the local browser, wait past a script redirect, evaluate in it and close it", async () => {
    const page = await openDiscoveredPageSession(discovery(), `${origin}/hop`);
    try {
      expect(page.endpoint.name).toBe("cdp-local-chromium");
      expect(await page.session.evaluateByValue<string>("document.title")).toBe("Notes");
      expect(await page.session.evaluateByValue<string>("location.pathname")).toBe("/notes");
      expect(await page.session.evaluateByValue<number>("new Promise((resolve) => setTimeout(() => resolve(6 * 7), 1))")).toBe(42);
      const metrics = await page.session.send<{ cssLayoutViewport: { clientWidth: number } }>("Page.getLayoutMetrics");
      expect(metrics.cssLayoutViewport.clientWidth).toBeGreaterThan(0);
      expect(await openTargets()).toContain(`${origin}/notes`);
    } finally {
      await page.close();
    }
    expect(await openTargets()).not.toContain(`${origin}/notes`);
  });

  it("reject with the browser's own words: an unknown command, a page exception; a closed session refuses", async () => {
    const page = await openDiscoveredPageSession(discovery(), `${origin}/notes`);
    try {
      await expect(page.session.send("Nope.nothing")).rejects.toThrow(/^Nope\.nothing: .*wasn't found/);
      await expect(page.session.evaluateByValue("null.field")).rejects.toThrow(/TypeError: Cannot read properties of null/);
    } finally {
      await page.close();
    }
    expect(page.session.closed).toBe(true);
    await expect(page.session.send("Runtime.enable")).rejects.toThrow("Runtime.enable: the DevTools connection closed");
  });

  it("run a script file's entry point in a page and keep the page until closed; a throwing script closes it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rome-browser-script-"));
    try {
      const scriptUrl = pathToFileURL(join(dir, "headings.js"));
      await writeFile(
        scriptUrl,
        [
          "globalThis.headings = async (selector, options) => ({",
          "  texts: [...document.querySelectorAll(selector)].map((node) => node.textContent).slice(0, options.limit),",
          "  autorun: globalThis.__headingsAutorun,",
          "});",
          "if (globalThis.__headingsAutorun !== false) globalThis.autoran = true;",
        ].join("\n"),
      );
      const run = await runDiscoveredBrowserScript<{ texts: string[]; autorun: boolean }>(discovery(), {
        pageUrl: `${origin}/notes`,
        scriptUrl,
        entrypointExpression: "globalThis.headings",
        args: ["h1", { limit: 2 }],
        autorunFlag: "__headingsAutorun",
      });
      expect(run.result).toEqual({ texts: ["Groceries", "Garden"], autorun: false });
      expect(await openTargets()).toContain(`${origin}/notes`);
      await run.close();
      expect(await openTargets()).not.toContain(`${origin}/notes`);

      const failing = pathToFileURL(join(dir, "failing.js"));
      await writeFile(failing, "globalThis.fail = () => { throw new Error('selector not found: h9'); };");
      await expect(
        runDiscoveredBrowserScript(discovery(), {
          pageUrl: `${origin}/notes`,
          scriptUrl: failing,
          entrypointExpression: "globalThis.fail",
        }),
      ).rejects.toThrow("selector not found: h9");
      expect(await openTargets()).not.toContain(`${origin}/notes`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("say why they cannot start: no browser, a bad address, an unreachable browser, a bad DevTools URL", async () => {
    await expect(openDiscoveredPageSession({ getBrowserEndpoints: () => [] }, `${origin}/notes`)).rejects.toThrow(
      "no browser was discovered to open a page in",
    );
    await expect(openDiscoveredPageSession(discovery(), "not a url")).rejects.toThrow('not a page address: "not a url"');
    await expect(
      openDiscoveredPageSession(
        { getBrowserEndpoints: () => [{ name: "local-gone", browserUrl: "http://127.0.0.1:9" }] },
        `${origin}/notes`,
      ),
    ).rejects.toThrow(/fetch failed/);
    await expect(CdpSession.connect(`${browserUrl.replace("http", "ws")}/devtools/page/none`)).rejects.toThrow(
      /cannot open a DevTools connection to ws:\/\/.*\/devtools\/page\/none/,
    );
  });
});
