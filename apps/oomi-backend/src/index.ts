export { type OomiBackendOptions, type RunningOomiBackend, startOomiBackend } from "./server.js";
