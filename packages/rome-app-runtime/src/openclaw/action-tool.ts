import { type DefinedTool, defineTool, failure } from "@clawbridge/plugin-host";
import type { AnyAgentTool } from "openclaw/plugin-sdk/plugin-entry";
import { z } from "zod";
import { ActionInvocationError } from "../invocation/action-invocation-error.js";
import { createActionRegistry } from "../invocation/registry.js";
import { runAction } from "../invocation/run-action.js";
import type { Action } from "../types.js";
import { actionResultToToolPayload } from "./result-payload.js";

export interface ActionToolOptions {
  /** The tool name; the action's name by default. OpenClaw tool names are lowercase snake_case. */
  name?: string;
  /** A short human label; the tool name by default. */
  label?: string;
}

// The action validates its own input (and answers an invalid one with an `error` result the agent can read),
// so the tool only insists on an object and advertises the action's JSON Schema as its parameters.
const ActionArguments = z.record(z.string(), z.unknown());

/**
 * A Rome action as an OpenClaw tool. It runs through `runAction`, so the agent sees the same outcome an app
 * would: each `ActionResult` status maps to a payload (see `actionResultToToolPayload`), and an
 * `ActionInvocationError` becomes `success:false` with its `code`.
 */
export function actionToOpenClawTool(action: Action<any>, options: ActionToolOptions = {}): DefinedTool {
  const actionName = action.config.name;
  const registry = createActionRegistry([action]);
  const name = options.name ?? actionName;
  const tool = defineTool({
    name,
    label: options.label ?? name,
    description: action.config.description,
    params: ActionArguments,
    async execute(args, call) {
      try {
        const result = await runAction(registry, actionName, args, call.signal ? { signal: call.signal } : {});
        return actionResultToToolPayload(actionName, result);
      } catch (error) {
        if (error instanceof ActionInvocationError) {
          return failure(`${name} could not run: ${error.message}`, { status: "invocation_failed", code: error.code });
        }
        throw error;
      }
    },
  });
  const parameters = action.inputSchema ?? { type: "object", properties: {} };
  return { ...tool, parameters: parameters as AnyAgentTool["parameters"] };
}
