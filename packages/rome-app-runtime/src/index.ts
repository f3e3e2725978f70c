export { z } from "zod";
export { type ActionSpec, defineAction } from "./define-action.js";
export { inferPayloadSchema } from "./event-catalog/infer-payload-schema.js";
export * from "./guards.js";
export * from "./invocation/index.js";
export type * from "./types.js";
export { type ActionWorker, type ActionWorkerOptions, forkActionWorker } from "./worker/action-worker.js";
