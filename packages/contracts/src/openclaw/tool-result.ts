import * as z from "zod";

/** A text block of an OpenClaw `AgentToolResult`. */
export const TextContentSchema = z.object({
  type: z.literal("text"),
  text: z.string(),
});

/** An image block of an OpenClaw `AgentToolResult` (base64 data). */
export const ImageContentSchema = z.object({
  type: z.literal("image"),
  data: z.string(),
  mimeType: z.string(),
});

export const ToolContentSchema = z.discriminatedUnion("type", [TextContentSchema, ImageContentSchema]);
export type ToolContent = z.infer<typeof ToolContentSchema>;

/**
 * What a tool hands back to the gateway: display content plus structured `details`.
 * Our tools always put the JSON text of the payload in `content` and the payload itself in `details`.
 */
export const ToolResultSchema = z.object({
  content: z.array(ToolContentSchema),
  details: z.unknown(),
});
export type ToolResult<Details = unknown> = { content: ToolContent[]; details: Details };

/**
 * The payload convention of every clawbridge tool: `success` says whether the domain call worked;
 * on failure `error` says what went wrong and what to do. Tools add their own fields next to these.
 */
export const ToolPayloadSchema = z.looseObject({
  success: z.boolean(),
  error: z.string().optional(),
});
export type ToolPayload = z.infer<typeof ToolPayloadSchema>;

/** One invalid argument, as reported in a `success:false` payload. */
export const ToolArgumentIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
});
export type ToolArgumentIssue = z.infer<typeof ToolArgumentIssueSchema>;
