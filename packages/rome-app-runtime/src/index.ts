export { z } from "zod";
export {
  type CurrentActionContext,
  type CurrentActionContextPatch,
  type CurrentActionContextRunner,
  getCurrentActionContext,
  runWithCurrentActionContext,
  setCurrentActionContextResolver,
  setCurrentActionContextRunner,
} from "./action-context/current-action-context.js";
export * from "./browser/index.js";
export { type ActionSpec, defineAction } from "./define-action.js";
export { inferPayloadSchema } from "./event-catalog/infer-payload-schema.js";
export * from "./guards.js";
export { resolveHandbackHint } from "./handback-hint.js";
export type * from "./host-types.js";
export * from "./invocation/index.js";
export type { JSONSchema } from "./json-schema.js";
export { type AppLogger, type AppLoggerOptions, createAppLogger, type Logger } from "./logger/app-logger.js";
export {
  currentSessionId,
  runWithSession,
  type SpanAttributes,
  setTelemetryBridge,
  startRomeSpan,
  type TelemetryBridge,
  withRomeSpan,
  withSdkSpan,
} from "./telemetry/telemetry.js";
export type * from "./types.js";
export { ActionWorker, type ActionWorkerOptions, forkActionWorker } from "./worker/action-worker.js";
