import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { errorMessage } from "@clawbridge/plugin-host";
import type { OomiBackendClient } from "../backend/client.js";
import type { Env } from "../paths.js";
import { checkHealth } from "../runtime/health.js";
import { launchManagedRuntime } from "../runtime/launch.js";
import { isProcessAlive } from "../runtime/process-group.js";
import { readRuntimeState } from "../runtime/state.js";

export interface SupervisedPersona {
  slug: string;
  relaunched: boolean;
  heartbeat: boolean;
  error?: string;
}

/**
 * One supervision pass over the workspace root: every runtime recorded as running is relaunched
 * (and re-registered) when its process died or its health check fails, then heartbeats.
 */
export async function supervisePersonas(options: {
  client: OomiBackendClient;
  workspaceRoot: string;
  env: Env;
  now: () => Date;
  healthTimeoutMs?: number;
}): Promise<SupervisedPersona[]> {
  if (!existsSync(options.workspaceRoot)) return [];
  const results: SupervisedPersona[] = [];
  for (const entry of await readdir(options.workspaceRoot, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const workspacePath = join(options.workspaceRoot, entry.name);
    const result: SupervisedPersona = { slug: entry.name, relaunched: false, heartbeat: false };
    try {
      let state = await readRuntimeState(workspacePath);
      if (state?.status !== "running") continue;
      const healthy = isProcessAlive(state.pid) && (await checkHealth(state.healthcheckUrl, 3_000));
      if (!healthy) {
        const launch = await launchManagedRuntime({
          slug: state.slug,
          name: state.name,
          description: state.description,
          workspaceRoot: options.workspaceRoot,
          templateVersion: state.templateVersion,
          restart: true,
          env: options.env,
          ...(options.healthTimeoutMs ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
        });
        state = launch.state;
        result.relaunched = true;
        await options.client.runtimeRegister(state.slug, {
          endpoint: state.entryUrl,
          healthcheckUrl: state.healthcheckUrl,
          transport: state.transport,
          localPort: state.localPort,
          startedAt: state.lastStartedAt,
        });
      }
      await options.client.heartbeat(state.slug, {
        endpoint: state.entryUrl,
        healthcheckUrl: state.healthcheckUrl,
        transport: state.transport,
        localPort: state.localPort,
        observedAt: options.now().toISOString(),
      });
      result.heartbeat = true;
    } catch (error) {
      result.error = errorMessage(error);
    }
    results.push(result);
  }
  return results;
}
