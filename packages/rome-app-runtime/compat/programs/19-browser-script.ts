// Running a bundled script's entry point inside a page and reading its result.
import {
  type BrowserCapabilityDiscovery,
  type BuildBrowserScriptExpressionOptions,
  buildBrowserScriptExpression,
  isPageReadyForAutomation,
  loadCachedScriptSource,
  type RunDiscoveredBrowserScriptOptions,
  type RunDiscoveredBrowserScriptResult,
  runDiscoveredBrowserScript,
} from "@rome-os/app-runtime";

const scriptUrl = new URL("./scrape.js", import.meta.url);

export async function expression(): Promise<string> {
  const options: BuildBrowserScriptExpressionOptions = {
    scriptSource: await loadCachedScriptSource(scriptUrl),
    entrypointExpression: "globalThis.scrape",
    args: ["h1", { limit: 3 }],
    autorunFlag: "__scrapeAutorun",
    missingEntrypointMessage: "scrape() did not load",
  };
  return buildBrowserScriptExpression(options);
}

export const ready = isPageReadyForAutomation({ readyState: "complete", href: "https://example.com/" });

export async function headings(discovery: BrowserCapabilityDiscovery): Promise<string[]> {
  const options: RunDiscoveredBrowserScriptOptions = {
    pageUrl: "https://example.com/",
    scriptUrl,
    entrypointExpression: "globalThis.scrape",
    args: ["h1"],
  };
  const run: RunDiscoveredBrowserScriptResult<string[]> = await runDiscoveredBrowserScript<string[]>(discovery, options);
  try {
    return run.result;
  } finally {
    await run.close();
  }
}
