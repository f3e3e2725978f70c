export * from "./config.js";
export * from "./manifest.js";
export * from "./tool-result.js";
export * from "./tool-search.js";
export * from "./tools-invoke.js";
