import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPageReadyForAutomation, pickBrowserEndpoint } from "./page-session.js";
import { buildBrowserScriptExpression, loadCachedScriptSource } from "./script.js";

describe("pickBrowserEndpoint", () => {
  const remote = { name: "remote-chrome", browserUrl: "http://10.0.0.2:9222" };
  const local = { name: "local-dev", browserUrl: "http://127.0.0.1:9333" };
  const host = { name: "cdp-local-chromium", browserUrl: "http://127.0.0.1:9222" };

  it("prefers the host's own Chromium, then a local one, then the first by name; null for none", () => {
    expect(pickBrowserEndpoint([remote, local, host])).toBe(host);
    expect(pickBrowserEndpoint([remote, local])).toBe(local);
    expect(pickBrowserEndpoint([remote, { name: "another", browserUrl: "http://10.0.0.3:9222" }])?.name).toBe("another");
    expect(pickBrowserEndpoint([])).toBeNull();
  });
});

describe("isPageReadyForAutomation", () => {
  it("wants an address other than about:blank and a document at least interactive", () => {
    expect(isPageReadyForAutomation({ readyState: "complete", href: "http://127.0.0.1/" })).toBe(true);
    expect(isPageReadyForAutomation({ readyState: "interactive", href: "http://127.0.0.1/" })).toBe(true);
    expect(isPageReadyForAutomation({ readyState: "loading", href: "http://127.0.0.1/" })).toBe(false);
    expect(isPageReadyForAutomation({ readyState: "complete", href: "about:blank" })).toBe(false);
    expect(isPageReadyForAutomation({ readyState: "complete", href: "  " })).toBe(false);
    expect(isPageReadyForAutomation({})).toBe(false);
  });
});

describe("buildBrowserScriptExpression", () => {
  // The expression is evaluated in a fresh V8 context, as the page would.
  const evaluate = (expression: string, sandbox: Record<string, unknown> = {}) => {
    const context = { ...sandbox };
    (context as { globalThis?: unknown }).globalThis = context;
    return { result: runInNewContext(expression, context) as Promise<unknown>, context };
  };

  it("runs the script, then awaits its entry point with the arguments as literals", async () => {
    const script = "globalThis.pick = async (items, options) => items.filter((item) => item.length <= options.max);";
    const expression = buildBrowserScriptExpression({
      scriptSource: script,
      entrypointExpression: "globalThis.pick",
      args: [["a", "bbb", "cc", "line\u2028break"], { max: 2, note: 'quote " and \\ slash' }],
    });
    expect(await evaluate(expression).result).toEqual(["a", "cc"]);
  });

  it("holds the autorun flag false while the script loads and removes it after", async () => {
    const script = "globalThis.sawFlag = globalThis.__autorun; globalThis.entry = () => 'ran';";
    const expression = buildBrowserScriptExpression({ scriptSource: script, entrypointExpression: "entry", autorunFlag: "__autorun" });
    const { result, context } = evaluate(expression);
    expect(await result).toBe("ran");
    expect(context).toMatchObject({ sawFlag: false });
    expect(context).not.toHaveProperty("__autorun");
  });

  it("rejects with the given message when the entry point is not a function, and refuses arguments that are not data", async () => {
    const expression = buildBrowserScriptExpression({
      scriptSource: "",
      entrypointExpression: "globalThis.absent",
      missingEntrypointMessage: "no scraper",
    });
    await expect(evaluate(expression).result).rejects.toThrow("no scraper");
    expect(() => buildBrowserScriptExpression({ scriptSource: "", entrypointExpression: "f", args: [() => 1] })).toThrow(
      "browser script arguments must be plain data: args[0] is a function",
    );
    expect(() => buildBrowserScriptExpression({ scriptSource: "", entrypointExpression: "f", args: [Number.POSITIVE_INFINITY] })).toThrow(
      "args[0] is Infinity",
    );
    expect(() => buildBrowserScriptExpression({ scriptSource: "", entrypointExpression: " " })).toThrow("needs an entry point expression");
  });
});

describe("loadCachedScriptSource", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rome-script-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reads a file once per process, retries a failed read, and wants a file: URL", async () => {
    const url = pathToFileURL(join(dir, "s.js"));
    await expect(loadCachedScriptSource(url)).rejects.toThrow(/ENOENT/);
    await writeFile(url, "first");
    expect(await loadCachedScriptSource(url)).toBe("first");
    await writeFile(url, "second");
    expect(await loadCachedScriptSource(url)).toBe("first");
    await expect(loadCachedScriptSource(new URL("https://example.com/s.js"))).rejects.toThrow("from a file: URL, not https:");
  });
});
