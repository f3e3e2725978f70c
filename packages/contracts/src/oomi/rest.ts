import { z } from "zod";
import { RecordIdSchema } from "../record-id.js";
import { OomiSlugSchema, OomiTransportSchema } from "./files.js";

const isoTimestamp = z.iso.datetime({ offset: true });
/**
 * A client's own clock reading. Optional: upstream's CLI (oomi-ai 0.2.50) sends one only when its
 * flag is given, so the backend records its own time when it is absent.
 */
const clientTimestamp = isoTimestamp.optional();
const httpUrl = z.url({ protocol: /^https?$/ });

/** A persona as the backend reports it. */
export const OomiBackendPersonaSchema = z.looseObject({
  slug: OomiSlugSchema,
  name: z.string().min(1),
  description: z.string(),
  lifecycle: z.enum(["pending", "provisioning", "running", "failed", "stopped"]),
  templateType: z.literal("persona-app"),
  promptTemplateVersion: z.string(),
  createdAt: z.string(),
  runtime: z
    .object({
      endpoint: z.string(),
      healthcheckUrl: z.string(),
      transport: OomiTransportSchema,
      localPort: z.number().int().nullable(),
      startedAt: z.string().nullable(),
      lastHeartbeatAt: z.string().nullable(),
    })
    .nullable(),
  failure: z.object({ code: z.string(), message: z.string(), at: z.string() }).nullable(),
});
export type OomiBackendPersona = z.infer<typeof OomiBackendPersonaSchema>;

export const OomiPersonaJobStatusSchema = z.enum(["queued", "running", "succeeded", "failed"]);

export const OomiPersonaJobSchema = z.looseObject({
  jobId: z.string().min(1),
  status: OomiPersonaJobStatusSchema,
  deviceId: z.string(),
  jobType: z.enum(["create_persona_runtime", "destroy_persona_runtime"]),
  slug: OomiSlugSchema,
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type OomiPersonaJob = z.infer<typeof OomiPersonaJobSchema>;

const withDevice = { deviceId: z.string().min(1).optional() };

export const OomiPersonaSyncBodySchema = z.object({
  persona: z.looseObject({ id: OomiSlugSchema, name: z.string().min(1) }),
  ...withDevice,
});
export type OomiPersonaSyncBody = z.input<typeof OomiPersonaSyncBodySchema>;
export const OomiManagedCreateBodySchema = z.object({
  name: z.string().trim().min(1),
  description: z.string().trim().min(1),
  templateType: z.literal("persona-app").default("persona-app"),
  promptTemplateVersion: z.string().default("v1"),
  slug: OomiSlugSchema.optional(),
  ...withDevice,
});
export type OomiManagedCreateBody = z.input<typeof OomiManagedCreateBodySchema>;

/** Where a persona runtime answers, as a register and a heartbeat both report it. */
const runtimeReport = {
  endpoint: httpUrl,
  healthcheckUrl: httpUrl,
  transport: OomiTransportSchema,
  /** Upstream leaves it out when only --endpoint was given. */
  localPort: z.number().int().min(1).max(65535).nullable().default(null),
};

export const OomiRuntimeRegisterBodySchema = z.object({ ...runtimeReport, startedAt: clientTimestamp, ...withDevice });
export type OomiRuntimeRegisterBody = z.infer<typeof OomiRuntimeRegisterBodySchema>;

export const OomiHeartbeatBodySchema = z.object({ ...runtimeReport, observedAt: clientTimestamp, ...withDevice });
export type OomiHeartbeatBody = z.infer<typeof OomiHeartbeatBodySchema>;

export const OomiFailureBodySchema = z.object({ code: z.string().min(1), message: z.string().min(1), ...withDevice });
export type OomiFailureBody = z.infer<typeof OomiFailureBodySchema>;

export const OomiJobStartBodySchema = z.object({ startedAt: clientTimestamp, ...withDevice });
export const OomiJobSucceedBodySchema = z.object({
  workspacePath: z.string().min(1),
  localPort: z.number().int().min(1).max(65535).optional(),
  transport: OomiTransportSchema.optional(),
  endpoint: httpUrl.optional(),
  healthcheckUrl: httpUrl.optional(),
  completedAt: clientTimestamp,
  ...withDevice,
});
export type OomiJobSucceedBody = z.infer<typeof OomiJobSucceedBodySchema>;
export const OomiJobFailBodySchema = z.object({
  code: z.string().min(1),
  message: z.string().min(1),
  completedAt: clientTimestamp,
  ...withDevice,
});
export type OomiJobFailBody = z.infer<typeof OomiJobFailBodySchema>;

export const OomiPersonaResponseSchema = z.object({ persona: OomiBackendPersonaSchema });
export const OomiPersonaListResponseSchema = z.object({ personas: z.array(OomiBackendPersonaSchema) });
export const OomiManagedCreateResponseSchema = z.object({
  persona: OomiBackendPersonaSchema,
  personaJob: z.object({ jobId: z.string(), status: OomiPersonaJobStatusSchema, deviceId: z.string() }),
});
export type OomiManagedCreateResponse = z.infer<typeof OomiManagedCreateResponseSchema>;
export const OomiJobResponseSchema = z.object({ job: OomiPersonaJobSchema });

/** Error body of every non-2xx backend answer; `field` names the offending input on a 400. */
export const OomiBackendErrorBodySchema = z.object({ error: z.string(), code: z.string(), field: z.string().optional() });
export type OomiBackendErrorBody = z.infer<typeof OomiBackendErrorBodySchema>;

export const OomiPairStartBodySchema = z.object({ label: z.string().min(1).max(200) });
export const OomiPairStartResponseSchema = z.object({ pairCode: z.string().min(4) });
/**
 * Claims a pair code for a device id. An id that is already paired is refused (409) unless
 * `currentDeviceToken` proves its current token, so a pair code never takes over someone's device.
 */
export const OomiPairClaimBodySchema = z.object({
  pairCode: z.string().min(4).max(64),
  deviceId: RecordIdSchema,
  currentDeviceToken: z.string().min(1).max(512).optional(),
});
export type OomiPairClaimBody = z.infer<typeof OomiPairClaimBodySchema>;
export const OomiPairClaimResponseSchema = z.object({ deviceToken: z.string().min(1), expiresAt: z.string().nullable().optional() });
export const OomiManagedConfigResponseSchema = z.object({ brokerHttpUrl: httpUrl, brokerDeviceWsUrl: z.string() });
export const OomiInviteStartBodySchema = z.object({ appUrl: httpUrl.optional(), sessionKey: z.string().min(1).max(512), ...withDevice });
export type OomiInviteStartBody = z.input<typeof OomiInviteStartBodySchema>;
export const OomiInviteStartResponseSchema = z.object({ inviteUrl: z.string(), expiresAt: z.string() });
