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
  RomeThreadContext,
} from "@clawbridge/contracts";

// The shapes that cross a boundary live in @clawbridge/contracts as zod schemas with a `Rome` prefix;
// app code knows them by their Rome names.
export type {
  RomeActionConfig as ActionConfig,
  RomeActionDispatchReceipt as ActionDispatchReceipt,
  RomeActionInvocationErrorCode as ActionInvocationErrorCode,
  RomeActionResult as ActionResult,
  RomeActionResultStatus as ActionResultStatus,
  RomeAgentAccounting as AgentAccounting,
  RomeAgentContextUsage as AgentContextUsage,
  RomeAgentInputState as AgentInputState,
  RomeAgentMessage as AgentMessage,
  RomeAgentMessageType as AgentMessageType,
  RomeAgentPlan as AgentPlan,
  RomeAgentPlanStep as AgentPlanStep,
  RomeAgentTokenUsage as AgentTokenUsage,
  RomeApprovalCardStatus as ApprovalCardStatus,
  RomeAttachment as Attachment,
  RomeDeleteRoutineResult as DeleteRoutineResult,
  RomeDiscordGuildChannel as DiscordGuildChannel,
  RomeErrorMessage as ErrorMessage,
  RomeEventBusTrigger as EventBusTrigger,
  RomeEventCatalogEntry as EventCatalogEntry,
  RomeEventFilterCondition as EventFilterCondition,
  RomeHandbackSpec as HandbackSpec,
  RomeHandoff as Handoff,
  RomeInputStatusMessage as InputStatusMessage,
  RomeJsonObjectSchema as JsonObjectSchema,
  RomeMessagePart as MessagePart,
  RomeMessageRouting as MessageRouting,
  RomeNormalizedMessage as NormalizedMessage,
  RomePendingApproval as PendingApproval,
  RomePendingInteraction as PendingInteraction,
  RomePlaceWidget as PlaceWidget,
  RomePlanUpdateMessage as PlanUpdateMessage,
  RomePollTrigger as PollTrigger,
  RomePreviewPayload as PreviewPayload,
  RomeResultMessage as ResultMessage,
  RomeRoutine as Routine,
  RomeRoutineDraftSpec as RoutineDraftSpec,
  RomeScheduleTrigger as ScheduleTrigger,
  RomeSessionInitMessage as SessionInitMessage,
  RomeStreamAgentMessage as StreamAgentMessage,
  RomeStructuredOutputMessage as StructuredOutputMessage,
  RomeSubagentResultMessage as SubagentResultMessage,
  RomeSubagentStartMessage as SubagentStartMessage,
  RomeTextDeltaMessage as TextDeltaMessage,
  RomeTextMessage as TextMessage,
  RomeThinkingMessage as ThinkingMessage,
  RomeThreadContext as ThreadContext,
  RomeToolResultMessage as ToolResultMessage,
  RomeToolUseMessage as ToolUseMessage,
  RomeTrigger as Trigger,
  RomeTurnEndMessage as TurnEndMessage,
  RomeTurnStartMessage as TurnStartMessage,
  RomeWebhookTrigger as WebhookTrigger,
} from "@clawbridge/contracts";

/**
 * A low-volume, caller-facing event an action publishes while it runs. An interface rather than the
 * contract's inferred type, so an app's own event interfaces (which have no index signature) extend it.
 */
export interface ActionEvent {
  readonly type: string;
}

/** What an action's body receives beside its validated input (0.6.6's shape, plus our cancellation signal). */
export interface ActionExecutionContext {
  /** Publishes an event to whoever invoked the action with `invokeAction`; a no-op for other callers. */
  emitActionEvent<TEvent extends ActionEvent>(event: TEvent): void;
  /** Aborted when the caller cancels; a body that honours it rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** A running action seen by its caller: the events it emits, in order, and its result. */
export interface ActionInvocation<TEvent extends ActionEvent = ActionEvent, TOutput = unknown> {
  /** Ends when the action settles; iterate it while awaiting `result`, or the buffer fills. */
  readonly events: AsyncIterable<TEvent>;
  readonly result: Promise<RomeActionResult<TOutput>>;
}

/**
 * A runnable action: its config, the JSON Schema of its input for models, a body that answers with an
 * `ActionResult`, and an optional approval preview. `defineAction` builds one from a zod schema.
 */
export interface Action<T = unknown> {
  config: RomeActionConfig;
  inputSchema?: Record<string, unknown>;
  execute(args: Record<string, unknown>, context?: ActionExecutionContext): Promise<RomeActionResult<T>>;
  /** What the action would do, for the approval card; pure over its arguments. */
  preview?(args: Record<string, unknown>): RomePreviewPayload;
}

/** A run of an agent on a prompt, optionally on behalf of a chat thread and inside an existing session. */
export interface RunParams {
  agentName: string;
  prompt: string;
  channelThreadKey?: string;
  threadContext?: RomeThreadContext;
  sessionId?: string;
  /** Appended to the agent's context for this run only. */
  contextSuffix?: string;
  sharedContext?: Record<string, unknown>;
  workingDir?: string;
}

/** A run that continues from a copy of `sourceSessionId`, leaving the source session untouched. */
export interface ForkRunParams {
  agentName: string;
  sourceSessionId: string;
  prompt: string;
  channelThreadKey: string;
  threadContext?: RomeThreadContext;
  workingDir?: string;
}

export interface AgentRunnerInterface {
  run(params: RunParams): AsyncIterable<RomeAgentMessage>;
  runForked?(params: ForkRunParams): AsyncIterable<RomeAgentMessage>;
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

/** The read side of the event catalogue: which event types can be watched. */
export interface EventCatalogReader {
  search(query: string, limit: number): Promise<{ entries: RomeEventCatalogEntry[]; total: number }>;
}
