import type { ToolPayload, ToolResult } from "@clawbridge/contracts";
import type { AnyAgentTool } from "openclaw/plugin-sdk/plugin-entry";
import type { z } from "zod";
import { toJsonSchema } from "./json-schema.js";
import { describeIssues, errorMessage, failure, formatIssues, jsonToolResult } from "./tool-result.js";

/** What a tool's `execute` receives beside its validated arguments. */
export interface ToolCall {
  toolCallId: string;
  signal?: AbortSignal;
}

export interface ToolDefinition<Params extends z.ZodType> {
  name: string;
  label: string;
  description: string;
  params: Params;
  execute: (params: z.output<Params>, call: ToolCall) => Promise<ToolPayload> | ToolPayload;
}

/** An OpenClaw tool whose `execute` never throws and always answers with the JSON envelope. */
export type DefinedTool = AnyAgentTool & {
  execute: (toolCallId: string, params: unknown, signal?: AbortSignal) => Promise<ToolResult<ToolPayload>>;
};

const TOOL_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Defines an OpenClaw tool from a zod schema. The gateway does not validate arguments, so this does:
 * invalid arguments and thrown errors become `success:false` payloads, never a throw into the gateway.
 */
export function defineTool<Params extends z.ZodType>(definition: ToolDefinition<Params>): DefinedTool {
  if (!TOOL_NAME.test(definition.name)) {
    throw new Error(`tool name "${definition.name}": use lowercase letters, digits and underscores`);
  }
  const { name, label, description, params } = definition;
  return {
    name,
    label,
    description,
    parameters: toJsonSchema(params) as AnyAgentTool["parameters"],
    async execute(toolCallId: string, args: unknown, signal?: AbortSignal) {
      const parsed = params.safeParse(args ?? {});
      if (!parsed.success) {
        const issues = describeIssues(parsed.error.issues);
        return jsonToolResult(failure(`Invalid arguments for ${name}: ${formatIssues(issues)}`, { issues }));
      }
      try {
        const call: ToolCall = signal ? { toolCallId, signal } : { toolCallId };
        return jsonToolResult(await definition.execute(parsed.data, call));
      } catch (error) {
        return jsonToolResult(failure(`${name} failed: ${errorMessage(error)}`));
      }
    },
  };
}
