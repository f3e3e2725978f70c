export * from "./channel.js";
export * from "./common.js";
export * from "./files.js";
export * from "./frames.js";
export * from "./http.js";
export * from "./tools.js";
