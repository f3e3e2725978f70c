import { z } from "zod";
import { cliEnvelopeOf } from "../cli/envelope.js";
import { OomiRuntimeStateSchema, OomiTransportSchema } from "./files.js";
import { OomiBackendPersonaSchema, OomiManagedCreateResponseSchema } from "./rest.js";

/** `oomi personas scaffold --json` */
export const OomiScaffoldResultSchema = cliEnvelopeOf({
  templateId: z.literal("persona-app"),
  templateVersion: z.string(),
  slug: z.string(),
  outDir: z.string(),
  files: z.array(z.string()),
  startCommand: z.string(),
  healthPath: z.string(),
  editableZones: z.array(z.string()),
  defaultPort: z.number().int(),
});

/** `oomi personas create-managed --json` */
export const OomiCreateManagedResultSchema = cliEnvelopeOf(OomiManagedCreateResponseSchema.shape);

const registrationShape = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    endpoint: z.string(),
    healthcheckUrl: z.string(),
    transport: OomiTransportSchema,
    localPort: z.number().int().nullable(),
  }),
  z.object({ ok: z.literal(false), skipped: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).nullable() }),
]);

/**
 * `oomi personas launch-managed --json`. Local launch and backend registration are reported apart:
 * a runtime that serves locally but failed to register is not a success (`ok` is false).
 */
export const OomiLaunchResultSchema = z.object({
  ok: z.boolean(),
  persona: OomiBackendPersonaSchema.nullable(),
  createdPersona: z.boolean(),
  launch: z.object({
    ok: z.boolean(),
    slug: z.string(),
    workspacePath: z.string(),
    scaffolded: z.boolean(),
    installed: z.boolean(),
    reusedRunningProcess: z.boolean(),
  }),
  runtime: OomiRuntimeStateSchema.nullable(),
  registration: registrationShape,
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type OomiLaunchResult = z.infer<typeof OomiLaunchResultSchema>;

/** `oomi personas status --json` */
export const OomiStatusResultSchema = cliEnvelopeOf({
  slug: z.string(),
  workspacePath: z.string(),
  workspaceExists: z.boolean(),
  state: OomiRuntimeStateSchema.nullable(),
  processAlive: z.boolean(),
  healthy: z.boolean().nullable(),
});

/** `oomi personas stop --json` / `delete --json` */
export const OomiStopResultSchema = cliEnvelopeOf({
  slug: z.string(),
  workspacePath: z.string(),
  wasRunning: z.boolean(),
  signal: z.enum(["SIGTERM", "SIGKILL"]).nullable(),
  removed: z.boolean(),
  /** Set when runtime.json named a live process that is not the dev server launch-managed started: it was left alone, and why. */
  notSignalled: z.object({ pid: z.number().int(), reason: z.string() }).nullable(),
});

/** `runtime-register`, `heartbeat`, `runtime-fail`, `persona-jobs start|succeed|fail --json`: what was sent and the backend's answer. */
export const OomiBackendCallResultSchema = cliEnvelopeOf({
  request: z.record(z.string(), z.unknown()),
  response: z.record(z.string(), z.unknown()),
});

/** `oomi persona-jobs execute --json` and each bridge job outcome. */
export const OomiJobExecutionResultSchema = z.object({
  ok: z.boolean(),
  jobId: z.string(),
  jobType: z.enum(["create_persona_runtime", "destroy_persona_runtime"]).nullable(),
  slug: z.string().nullable(),
  workspacePath: z.string().nullable(),
  localPort: z.number().int().nullable(),
  endpoint: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type OomiJobExecutionResult = z.infer<typeof OomiJobExecutionResultSchema>;
