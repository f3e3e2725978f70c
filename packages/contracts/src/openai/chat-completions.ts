import { z } from "zod";

/**
 * The subset of OpenAI's chat-completions API that an OpenClaw gateway speaks to a provider
 * configured with `api: "openai-completions"` (`POST <baseUrl>/chat/completions`, streamed as SSE),
 * as the local demo model reads and writes it. Requests are read leniently: fields OpenClaw adds
 * for other backends (`store`, `prompt_cache_key`, `temperature`, …) are accepted and dropped.
 */

/** A content part of a message; only text parts are read, the others (images, …) are kept opaque. */
export const ChatContentPartSchema = z.union([
  z.object({ type: z.literal("text"), text: z.string() }),
  z.looseObject({ type: z.string().refine((type) => type !== "text", "a text part needs a text field") }),
]);
export type ChatContentPart = z.infer<typeof ChatContentPartSchema>;

export const ChatContentSchema = z.union([z.string(), z.array(ChatContentPartSchema)]);
export type ChatContent = z.infer<typeof ChatContentSchema>;

/** A call the assistant made, as replayed in a later request and as returned by a non-streamed reply. */
export const ChatToolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1),
    /** The arguments as a JSON text, as OpenAI sends them. */
    arguments: z.string(),
  }),
});
export type ChatToolCall = z.infer<typeof ChatToolCallSchema>;

export const ChatSystemMessageSchema = z.object({
  role: z.enum(["system", "developer"]),
  content: ChatContentSchema,
  name: z.string().optional(),
});

export const ChatUserMessageSchema = z.object({
  role: z.literal("user"),
  content: ChatContentSchema,
  name: z.string().optional(),
});

export const ChatAssistantMessageSchema = z.object({
  role: z.literal("assistant"),
  content: ChatContentSchema.nullable().optional(),
  tool_calls: z.array(ChatToolCallSchema).optional(),
  name: z.string().optional(),
});

export const ChatToolMessageSchema = z.object({
  role: z.literal("tool"),
  content: ChatContentSchema,
  tool_call_id: z.string().min(1),
  name: z.string().optional(),
});

export const ChatMessageSchema = z.discriminatedUnion("role", [
  ChatSystemMessageSchema,
  ChatUserMessageSchema,
  ChatAssistantMessageSchema,
  ChatToolMessageSchema,
]);
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type ChatAssistantMessage = z.infer<typeof ChatAssistantMessageSchema>;
export type ChatToolMessage = z.infer<typeof ChatToolMessageSchema>;

/** A function the model may call: its name and its parameters as JSON Schema. */
export const ChatToolSchema = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});
export type ChatTool = z.infer<typeof ChatToolSchema>;

export const ChatToolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
]);
export type ChatToolChoice = z.infer<typeof ChatToolChoiceSchema>;

/** The body of `POST /v1/chat/completions`. */
export const ChatCompletionRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(ChatMessageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  tools: z.array(ChatToolSchema).optional(),
  tool_choice: ChatToolChoiceSchema.optional(),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;

export const ChatFinishReasonSchema = z.enum(["stop", "length", "tool_calls", "content_filter"]);
export type ChatFinishReason = z.infer<typeof ChatFinishReasonSchema>;

export const ChatCompletionUsageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
});
export type ChatCompletionUsage = z.infer<typeof ChatCompletionUsageSchema>;

/** A non-streamed reply (`stream` absent or false). */
export const ChatCompletionSchema = z.object({
  id: z.string().min(1),
  object: z.literal("chat.completion"),
  created: z.number().int(),
  model: z.string().min(1),
  choices: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      message: z.object({
        role: z.literal("assistant"),
        content: z.string().nullable(),
        tool_calls: z.array(ChatToolCallSchema).optional(),
      }),
      finish_reason: ChatFinishReasonSchema,
    }),
  ),
  usage: ChatCompletionUsageSchema.optional(),
});
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;

/**
 * A piece of a streamed tool call: the first piece of a call carries its `id`, `type` and name, the
 * following ones more of the `arguments` text; `index` says which call of the message it extends.
 */
export const ChatToolCallDeltaSchema = z.object({
  index: z.number().int().nonnegative(),
  id: z.string().min(1).optional(),
  type: z.literal("function").optional(),
  function: z.object({ name: z.string().min(1).optional(), arguments: z.string().optional() }),
});
export type ChatToolCallDelta = z.infer<typeof ChatToolCallDeltaSchema>;

/** One `data:` event of a streamed reply; the stream ends with the line `data: [DONE]`. */
export const ChatCompletionChunkSchema = z.object({
  id: z.string().min(1),
  object: z.literal("chat.completion.chunk"),
  created: z.number().int(),
  model: z.string().min(1),
  choices: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      delta: z.object({
        role: z.literal("assistant").optional(),
        content: z.string().optional(),
        tool_calls: z.array(ChatToolCallDeltaSchema).optional(),
      }),
      finish_reason: ChatFinishReasonSchema.nullable(),
    }),
  ),
  /** Only on the last chunk (with no choices) when the request asked `stream_options.include_usage`. */
  usage: ChatCompletionUsageSchema.nullable().optional(),
});
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunkSchema>;

/** The terminator of a streamed reply, sent as `data: [DONE]`. */
export const CHAT_COMPLETION_STREAM_DONE = "[DONE]";

/** `GET /v1/models/<id>` and each entry of `GET /v1/models`. */
export const OpenAIModelSchema = z.object({
  id: z.string().min(1),
  object: z.literal("model"),
  created: z.number().int(),
  owned_by: z.string(),
});
export type OpenAIModel = z.infer<typeof OpenAIModelSchema>;

export const OpenAIModelListSchema = z.object({
  object: z.literal("list"),
  data: z.array(OpenAIModelSchema),
});
export type OpenAIModelList = z.infer<typeof OpenAIModelListSchema>;

/** OpenAI's error envelope, the body of every non-2xx answer. */
export const OpenAIErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    code: z.string().nullable(),
    param: z.string().nullable().optional(),
  }),
});
export type OpenAIErrorBody = z.infer<typeof OpenAIErrorBodySchema>;
