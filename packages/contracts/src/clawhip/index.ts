export * from "./cli.js";
export * from "./cluster.js";
export * from "./config.js";
export * from "./native-hook.js";
export * from "./plugin-config.js";
export * from "./sources.js";
export * from "./spool.js";
export * from "./wire.js";
