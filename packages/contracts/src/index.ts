export * from "./clawhip/index.js";
export * from "./cli/envelope.js";
export * from "./error.js";
export * from "./host-config.js";
export * from "./openclaw/manifest.js";
export * from "./openclaw/tool-result.js";
export * from "./openclaw/tools-invoke.js";
