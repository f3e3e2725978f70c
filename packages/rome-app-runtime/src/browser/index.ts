export { CdpSession } from "./cdp-session.js";
export {
  type BrowserCapabilityDiscovery,
  type DiscoveredBrowserEndpoint,
  isPageReadyForAutomation,
  type OpenedPageSession,
  openDiscoveredPageSession,
  type PageReadyProbe,
  type PageSessionOptions,
  pickBrowserEndpoint,
} from "./page-session.js";
export {
  type BuildBrowserScriptExpressionOptions,
  buildBrowserScriptExpression,
  loadCachedScriptSource,
  type RunDiscoveredBrowserScriptOptions,
  type RunDiscoveredBrowserScriptResult,
  runDiscoveredBrowserScript,
} from "./script.js";
