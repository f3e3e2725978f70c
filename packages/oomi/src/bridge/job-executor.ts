import { resolve } from "node:path";
import { type OomiJobExecutionResult, type OomiPersonaJobMessage, OomiPersonaJobMessageSchema } from "@clawbridge/contracts";
import { errorMessage } from "@clawbridge/plugin-host";
import type { OomiBackendClient } from "../backend/client.js";
import { invalidInput } from "../errors.js";
import type { Env } from "../paths.js";
import { launchManagedRuntime } from "../runtime/launch.js";
import { deleteManagedRuntime } from "../runtime/stop.js";
import { scaffoldPersonaWorkspace } from "../scaffold/scaffold.js";
import { homeDirectories } from "../workspace/guard.js";

export const JOB_FAILURE_CODE = "PERSONA_JOB_EXECUTION_FAILED";

/** Validates a polled (or file-given) message as a persona job; anything else is a clear error. */
export function parsePersonaJobMessage(input: unknown): OomiPersonaJobMessage {
  const metadata = (input as { metadata?: { type?: unknown; payload?: unknown } } | null)?.metadata;
  if (metadata?.type !== "persona_job" || !metadata.payload)
    throw invalidInput("Message is not a persona job payload.", "NOT_A_PERSONA_JOB");
  const parsed = OomiPersonaJobMessageSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidInput(`persona job message is invalid: ${issue?.path.join(".")}: ${issue?.message}`, "INVALID_PERSONA_JOB");
  }
  const jobId = parsed.data.metadata.payload.jobId ?? parsed.data.metadata.jobId;
  if (!jobId) throw invalidInput("persona job message has no jobId (payload.jobId or metadata.jobId)", "INVALID_PERSONA_JOB");
  return parsed.data;
}

export interface JobExecutorOptions {
  client: OomiBackendClient;
  workspaceRoot: string;
  env: Env;
  install?: boolean;
  start?: boolean;
  register?: boolean;
  healthTimeoutMs?: number;
  progress?: (line: string) => void;
  now?: () => Date;
}

/**
 * Runs one persona job: start → (create: launch, register, succeed | destroy: delete, succeed). Any
 * failure is reported to the backend as PERSONA_JOB_EXECUTION_FAILED and returned as `ok: false`.
 */
export async function executePersonaJob(message: OomiPersonaJobMessage, options: JobExecutorOptions): Promise<OomiJobExecutionResult> {
  const now = options.now ?? (() => new Date());
  const payload = message.metadata.payload;
  const jobId = (payload.jobId ?? message.metadata.jobId) as string;
  const persona = payload.persona;
  const workspacePath = payload.scaffold?.outDir ? resolve(payload.scaffold.outDir) : resolve(options.workspaceRoot, persona.slug);
  const workspaceRoot = resolve(workspacePath, "..");
  const base = { jobId, jobType: payload.jobType, slug: persona.slug, workspacePath };
  try {
    await options.client.jobStart(jobId, now().toISOString());
    if (payload.jobType === "destroy_persona_runtime") {
      await deleteManagedRuntime(persona.slug, workspaceRoot, { homes: homeDirectories(options.env) }).catch((error) => {
        if ((error as { code?: string }).code !== "WORKSPACE_NOT_FOUND") throw error;
      });
      await options.client.jobSucceed(jobId, { workspacePath, completedAt: now().toISOString() });
      return { ok: true, ...base, localPort: null, endpoint: null };
    }
    if (options.start === false) {
      await scaffoldPersonaWorkspace({
        slug: persona.slug,
        name: persona.name,
        description: persona.description || persona.name,
        outDir: workspacePath,
        force: true,
        templateVersion: persona.templateVersion,
        homes: homeDirectories(options.env),
      });
      await options.client.jobSucceed(jobId, { workspacePath, completedAt: now().toISOString() });
      return { ok: true, ...base, localPort: null, endpoint: null };
    }
    const launch = await launchManagedRuntime({
      slug: persona.slug,
      name: persona.name,
      description: persona.description || persona.name,
      workspaceRoot,
      templateVersion: persona.templateVersion,
      skipInstall: options.install === false,
      transport: "local",
      env: options.env,
      ...(options.healthTimeoutMs ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
    });
    const registration = {
      endpoint: launch.state.entryUrl,
      healthcheckUrl: launch.state.healthcheckUrl,
      transport: launch.state.transport,
      localPort: launch.state.localPort,
    };
    if (options.register !== false)
      await options.client.runtimeRegister(persona.slug, { ...registration, startedAt: launch.state.lastStartedAt });
    await options.client.jobSucceed(jobId, { workspacePath, ...registration, completedAt: now().toISOString() });
    return { ok: true, ...base, localPort: launch.state.localPort, endpoint: registration.endpoint };
  } catch (error) {
    const message = errorMessage(error).slice(0, 2_000) || "persona job failed";
    await options.client.jobFail(jobId, { code: JOB_FAILURE_CODE, message, completedAt: now().toISOString() }).catch(() => {});
    return { ok: false, ...base, localPort: null, endpoint: null, error: { code: JOB_FAILURE_CODE, message } };
  }
}
