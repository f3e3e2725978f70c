// Calling another action through the app context and handling the one failure shape.
import { ActionInvocationError, type ActionInvocationErrorCode, type RomeAppContext } from "@rome-os/app-runtime";

export async function tryRun(ctx: RomeAppContext, name: string, args: Record<string, unknown>): Promise<string> {
  try {
    const result = await ctx.runAction(name, args);
    return result.status === "ok" ? "ok" : result.status;
  } catch (error) {
    if (!(error instanceof ActionInvocationError)) throw error;
    const code: ActionInvocationErrorCode = error.code;
    switch (code) {
      case "not_found":
        return `no such action ${error.actionName}`;
      case "unserializable":
      case "handler_error":
      case "worker_failure":
        return `${error.actionName} failed (${code}): ${error.message}`;
    }
  }
}

export const sample = new ActionInvocationError("tasks_add", "handler_error", "boom");
