import { readFile } from "node:fs/promises";
import { findUncrossable } from "../invocation/crossable.js";
import {
  type BrowserCapabilityDiscovery,
  type DiscoveredBrowserEndpoint,
  openDiscoveredPageSession,
  type PageSessionOptions,
} from "./page-session.js";

export interface BuildBrowserScriptExpressionOptions {
  /** The script's source; it runs inside the expression, then the entry point is looked up. */
  scriptSource: string;
  /** An expression naming the function to call once the script ran, e.g. `globalThis.scrape`. */
  entrypointExpression: string;
  /** The entry point's arguments: plain data (or `undefined`), written into the expression as literals. */
  args?: unknown[];
  /** A global the script reads to decide whether to run by itself: false while it loads, removed after. */
  autorunFlag?: string;
  /** The error when the entry point is not a function after the script ran. */
  missingEntrypointMessage?: string;
}

export interface RunDiscoveredBrowserScriptOptions {
  pageUrl: string;
  /** A `file:` URL of the script, typically `new URL("./script.js", import.meta.url)`. */
  scriptUrl: URL;
  entrypointExpression: string;
  args?: unknown[];
  autorunFlag?: string;
  missingEntrypointMessage?: string;
}

export interface RunDiscoveredBrowserScriptResult<TResult> {
  endpoint: DiscoveredBrowserEndpoint;
  result: TResult;
  /** Closes the page the script ran in; the caller may keep using it until then. */
  close(): Promise<void>;
}

const sources = new Map<string, Promise<string>>();

/** Reads a script file once per process; a failed read is not cached, so the next call tries again. */
export async function loadCachedScriptSource(scriptUrl: URL): Promise<string> {
  if (scriptUrl.protocol !== "file:") throw new TypeError(`a browser script is read from a file: URL, not ${scriptUrl.protocol}`);
  let source = sources.get(scriptUrl.href);
  if (!source) {
    source = readFile(scriptUrl, "utf8");
    sources.set(scriptUrl.href, source);
  }
  try {
    return await source;
  } catch (error) {
    sources.delete(scriptUrl.href);
    throw error;
  }
}

function literal(value: unknown, index: number): string {
  if (value === undefined) return "undefined";
  const reason = findUncrossable(value, `args[${index}]`);
  if (reason) throw new TypeError(`browser script arguments must be plain data: ${reason}`);
  // JSON is a JavaScript literal; U+2028/2029 are escaped so the source stays one valid line in any engine.
  return JSON.stringify(value)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * One expression for `Runtime.evaluate`: runs the script, then awaits its entry point with `args`.
 * The script's own top-level names stay inside the expression's function scope.
 */
export function buildBrowserScriptExpression(options: BuildBrowserScriptExpressionOptions): string {
  const { scriptSource, entrypointExpression, args = [], autorunFlag } = options;
  if (entrypointExpression.trim() === "") throw new TypeError("a browser script needs an entry point expression");
  const argumentList = args.map(literal).join(", ");
  const missing = options.missingEntrypointMessage ?? `${entrypointExpression} is not a function after the browser script ran`;
  const flag = autorunFlag === undefined ? undefined : JSON.stringify(autorunFlag);
  return [
    "(async () => {",
    flag ? `  globalThis[${flag}] = false;` : "",
    "  try {",
    scriptSource,
    `    const entrypoint = (${entrypointExpression});`,
    `    if (typeof entrypoint !== "function") throw new Error(${JSON.stringify(missing)});`,
    `    return await entrypoint(${argumentList});`,
    "  } finally {",
    flag ? `    delete globalThis[${flag}];` : "",
    "  }",
    "})()",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/**
 * Opens `pageUrl` in the discovered browser, runs the script's entry point there and answers its
 * (JSON) result with the page still open. If the script throws, the page is closed and the error
 * rethrown.
 */
export async function runDiscoveredBrowserScript<TResult>(
  capabilityDiscovery: BrowserCapabilityDiscovery,
  options: RunDiscoveredBrowserScriptOptions,
  sessionOptions: PageSessionOptions = {},
): Promise<RunDiscoveredBrowserScriptResult<TResult>> {
  const build: BuildBrowserScriptExpressionOptions = {
    scriptSource: await loadCachedScriptSource(options.scriptUrl),
    entrypointExpression: options.entrypointExpression,
  };
  if (options.args) build.args = options.args;
  if (options.autorunFlag !== undefined) build.autorunFlag = options.autorunFlag;
  if (options.missingEntrypointMessage !== undefined) build.missingEntrypointMessage = options.missingEntrypointMessage;
  const expression = buildBrowserScriptExpression(build);
  const page = await openDiscoveredPageSession(capabilityDiscovery, options.pageUrl, sessionOptions);
  try {
    const result = await page.session.evaluateByValue<TResult>(expression);
    return { endpoint: page.endpoint, result, close: page.close };
  } catch (error) {
    await page.close();
    throw error;
  }
}
