export * from "./connect.js";
export * from "./events.js";
export * from "./frames.js";
export * from "./methods.js";
