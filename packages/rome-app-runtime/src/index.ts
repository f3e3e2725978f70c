export { z } from "zod";
export type { JSONSchema } from "zod/v4/core";
export { type ActionSpec, defineAction } from "./define-action.js";
export { inferPayloadSchema } from "./event-catalog/infer-payload-schema.js";
export * from "./guards.js";
export { resolveHandbackHint } from "./handback-hint.js";
export * from "./invocation/index.js";
export type * from "./types.js";
export { type ActionWorker, type ActionWorkerOptions, forkActionWorker } from "./worker/action-worker.js";
