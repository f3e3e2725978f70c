import type {
  RomeActionConfig,
  RomeActionResult,
  RomeAgentMessage,
  RomeAppCreateParams,
  RomeAppInstallParams,
  RomeAppSetEnabledParams,
  RomeAppUninstallParams,
  RomeDiscordGuildChannel,
  RomeEventCatalogEntry,
  RomePreviewPayload,
} from "@clawbridge/contracts";

// The shapes that cross a boundary live in @clawbridge/contracts as zod schemas with a `Rome` prefix;
// app code knows them by their Rome names.
export type {
  RomeActionConfig as ActionConfig,
  RomeActionInvocationErrorCode as ActionInvocationErrorCode,
  RomeActionResult as ActionResult,
  RomeActionResultStatus as ActionResultStatus,
  RomeAgentAccounting as AgentAccounting,
  RomeAgentMessage as AgentMessage,
  RomeAgentMessageType as AgentMessageType,
  RomeApprovalCardStatus as ApprovalCardStatus,
  RomeAttachment as Attachment,
  RomeDiscordGuildChannel as DiscordGuildChannel,
  RomeErrorMessage as ErrorMessage,
  RomeEventCatalogEntry as EventCatalogEntry,
  RomeHandbackSpec as HandbackSpec,
  RomeHandoff as Handoff,
  RomeJsonObjectSchema as JsonObjectSchema,
  RomeMessagePart as MessagePart,
  RomeMessageRouting as MessageRouting,
  RomeNormalizedMessage as NormalizedMessage,
  RomePendingApproval as PendingApproval,
  RomePendingInteraction as PendingInteraction,
  RomePlaceWidget as PlaceWidget,
  RomePreviewPayload as PreviewPayload,
  RomeResultMessage as ResultMessage,
  RomeRoutineDraftSpec as RoutineDraftSpec,
  RomeSessionInitMessage as SessionInitMessage,
  RomeStreamAgentMessage as StreamAgentMessage,
  RomeStructuredOutputMessage as StructuredOutputMessage,
  RomeTextDeltaMessage as TextDeltaMessage,
  RomeTextMessage as TextMessage,
  RomeThinkingMessage as ThinkingMessage,
  RomeThreadContext as ThreadContext,
  RomeToolResultMessage as ToolResultMessage,
  RomeToolUseMessage as ToolUseMessage,
  RomeTurnEndMessage as TurnEndMessage,
  RomeTurnStartMessage as TurnStartMessage,
} from "@clawbridge/contracts";

/** What an action's body receives beside its validated input. */
export interface ActionExecutionContext {
  /** Aborted when the caller cancels; a body that honours it rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * A runnable action: its config, the JSON Schema of its input for models, a body that answers with an
 * `ActionResult`, and an optional approval preview. `defineAction` builds one from a zod schema.
 */
export interface Action<T = unknown> {
  config: RomeActionConfig;
  inputSchema?: Record<string, unknown>;
  execute(args: unknown, context?: ActionExecutionContext): Promise<RomeActionResult<T>>;
  preview?(args: unknown): RomePreviewPayload;
}

/** A run of an agent. Only `agentName` is named by the contract; runners read their own further fields. */
export interface RunParams {
  agentName: string;
  [field: string]: unknown;
}

export interface AgentRunnerInterface {
  run(params: RunParams): AsyncIterable<RomeAgentMessage>;
  runForked?(params: RunParams): AsyncIterable<RomeAgentMessage>;
  /** Whether the agent is loaded and can run; callers treat a runner without it as "yes". May be async. */
  hasAgent?(name: string): boolean | Promise<boolean>;
  /** Whether the agent may call the action (its allow-list); callers treat a runner without it as "no". */
  hasAction?(agentName: string, actionName: string): boolean | Promise<boolean>;
}

/** Control of the live Discord adapter; both calls tolerate an adapter that is not running. */
export interface DiscordChannelControl {
  reloadConfig(): Promise<void>;
  listChannels(): Promise<RomeDiscordGuildChannel[]>;
}

/** App lifecycle authority. Results are app-local shapes, so they cross as `unknown` and the caller narrows. */
export interface AppLifecycle {
  create(params: RomeAppCreateParams): Promise<unknown>;
  install(params: RomeAppInstallParams): Promise<unknown>;
  uninstall(params: RomeAppUninstallParams): Promise<unknown>;
  setEnabled(params: RomeAppSetEnabledParams): Promise<unknown>;
}

export interface EventCatalogReader {
  search(query: string, limit: number): Promise<{ entries: RomeEventCatalogEntry[]; total: number }>;
}
