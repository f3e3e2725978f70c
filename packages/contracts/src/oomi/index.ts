export * from "./backend-store.js";
export * from "./broker.js";
export * from "./channel.js";
export * from "./channel-config.js";
export * from "./cli.js";
export * from "./files.js";
export * from "./rest.js";
export * from "./slug-from-name.js";
