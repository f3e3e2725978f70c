import * as z from "zod";
import { ToolResultSchema } from "./tool-result.js";

/**
 * The text OpenClaw's Tool Search `tool_call` tool hands back to the model (as JSON): which
 * catalogued tool ran, and that tool's own result. OpenClaw puts plugin tools behind Tool Search by
 * default (`tools.toolSearch` unset), so a model reaches `clawbridge_status` through `tool_call`.
 */
export const ToolSearchCallResultSchema = z.object({
  tool: z.object({
    id: z.string(),
    name: z.string().min(1),
    source: z.string().optional(),
  }),
  result: ToolResultSchema,
});
export type ToolSearchCallResult = z.infer<typeof ToolSearchCallResultSchema>;
