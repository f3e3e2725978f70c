// The public surface, export by export, against @rome-os/app-runtime 0.3.0's shapes (and 0.6.6's for
// the action-author additions). Type assertions are checked by `pnpm typecheck`; vitest runs the file.
import { describe, expect, expectTypeOf, it } from "vitest";
import type {
  Action,
  ActionConfig,
  ActionDispatchReceipt,
  ActionEngineLike,
  ActionEvent,
  ActionExecutionContext,
  ActionInvocation,
  ActionInvocationErrorCode,
  ActionResult,
  ActionRunContext,
  AddTurnRecapMessageInput,
  AgentAccounting,
  AgentContextUsage,
  AgentLifecycleHookDeps,
  AgentMessage,
  AgentRunnerInterface,
  AgentTokenUsage,
  AgentTurnFinishedEvent,
  AgentTurnFinishedHook,
  AgentTurnMetrics,
  AgentTurnOutput,
  AgentTurnRef,
  AgentTurnStartedEvent,
  AgentTurnStartedHook,
  AgentTurnStatus,
  AgentTurnTiming,
  AppActionRuntimeDeps,
  AppDbContext,
  AppLifecycle,
  AppLogger,
  AppRuntimeRepositories,
  ApprovalRecord,
  ApprovalsRepository,
  AppSettingsRepository,
  BrowserCapabilityDiscovery,
  BuildBrowserScriptExpressionOptions,
  ChannelAdapter,
  ChannelMappingRecord,
  ChannelMessageHook,
  CurrentActionContext,
  CurrentActionContextPatch,
  DeleteRoutineResult,
  DetachedRunActionOptions,
  DiscoveredBrowserEndpoint,
  EventBusTrigger,
  EventCatalogEntry,
  EventCatalogReader,
  EventFilterCondition,
  EventPublisher,
  ForkRunParams,
  JSONSchema,
  LifecycleEventVersion,
  LifecycleThreadContext,
  Logger,
  OpenedPageSession,
  OutgoingAttachment,
  OutgoingMessage,
  PersonMappingRepository,
  PersonRecord,
  PolicyContext,
  PolicyEngine,
  PolicyRule,
  PollTrigger,
  PreviewPayload,
  RomeAppApiHandler,
  RomeAppApiRequest,
  RomeAppContext,
  RomeAppDefinition,
  Routine,
  RoutineDraftSpec,
  RoutineEngine,
  RoutinesRepository,
  RunActionOptions,
  RunDiscoveredBrowserScriptOptions,
  RunDiscoveredBrowserScriptResult,
  RunParams,
  ScheduleTrigger,
  SentinelLogEntry,
  SentinelLogRepository,
  SettingsRepository,
  SpanAttributes,
  TelemetryBridge,
  ThreadContext,
  Trigger,
  WebChatRecapMessage,
  WebChatRecapRepository,
  WebChatRecapSession,
  WebhookTrigger,
} from "./index.js";
import * as runtime from "./index.js";

describe("actions", () => {
  it("Action takes an argument record, and defineAction's bodies get 0.6.6's execution context", () => {
    expectTypeOf<Parameters<Action["execute"]>>().toEqualTypeOf<[args: Record<string, unknown>, context?: ActionExecutionContext]>();
    expectTypeOf<Parameters<NonNullable<Action["preview"]>>>().toEqualTypeOf<[args: Record<string, unknown>]>();
    expectTypeOf<ReturnType<NonNullable<Action["preview"]>>>().toEqualTypeOf<PreviewPayload>();
    expectTypeOf<Action["inputSchema"]>().toEqualTypeOf<Record<string, unknown> | undefined>();
    expectTypeOf<ActionConfig["sideEffects"]>().toEqualTypeOf<"read-only" | "write">();
    expectTypeOf<ActionExecutionContext["emitActionEvent"]>().toEqualTypeOf<<TEvent extends ActionEvent>(event: TEvent) => void>();
    expectTypeOf<ActionEvent>().toEqualTypeOf<{ readonly type: string }>();
    expectTypeOf<ActionInvocation<ActionEvent, number>["result"]>().toEqualTypeOf<Promise<ActionResult<number>>>();
    expectTypeOf<ActionInvocation["events"]>().toEqualTypeOf<AsyncIterable<ActionEvent>>();
    expectTypeOf<ActionDispatchReceipt>().toEqualTypeOf<{ executionId: string }>();
    expectTypeOf<RunActionOptions["detached"]>().toEqualTypeOf<false | undefined>();
    expectTypeOf<DetachedRunActionOptions["detached"]>().toEqualTypeOf<true>();
    expectTypeOf<ActionInvocationErrorCode>().toEqualTypeOf<"not_found" | "unserializable" | "handler_error" | "worker_failure">();
    expectTypeOf(runtime.defineAction).returns.toEqualTypeOf<Action<unknown>>();
    expectTypeOf(runtime.runAction).toBeFunction();
    expectTypeOf(runtime.invokeAction).returns.toEqualTypeOf<ActionInvocation<ActionEvent, unknown>>();
    expectTypeOf<InstanceType<typeof runtime.ActionInvocationError>["code"]>().toEqualTypeOf<ActionInvocationErrorCode>();
    expectTypeOf<InstanceType<typeof runtime.ActionInvocationEventOverflowError>["capacity"]>().toEqualTypeOf<number>();
  });

  it("an app's own event interface is an ActionEvent, and a hand-built Action compiles", async () => {
    interface Progress {
      type: "progress";
      percent: number;
    }
    expectTypeOf<Progress>().toExtend<ActionEvent>();
    const action: Action = {
      config: {
        name: "n",
        type: "custom",
        description: "",
        complexity: "simple",
        speed: "fast",
        reliability: "high",
        sideEffects: "write",
      },
      execute: async (args) => ({ status: "ok", data: Object.keys(args) }),
    };
    expect(await action.execute({ a: 1 })).toEqual({ status: "ok", data: ["a"] });
  });
});

describe("agents and messages", () => {
  it("accounting, thread context and run parameters have upstream's fields", () => {
    expectTypeOf<AgentAccounting["context"]>().toEqualTypeOf<AgentContextUsage | undefined>();
    expectTypeOf<AgentContextUsage>().toEqualTypeOf<{ usedTokens: number; windowTokens?: number; remainingTokens?: number }>();
    expectTypeOf<AgentAccounting["rawUsage"]>().toEqualTypeOf<Record<string, unknown> | undefined>();
    expectTypeOf<AgentAccounting["usage"]>().toEqualTypeOf<AgentTokenUsage>();
    expectTypeOf<ThreadContext["channel"]>().toEqualTypeOf<string>();
    expectTypeOf<ThreadContext["threadId"]>().toEqualTypeOf<string>();
    expectTypeOf<ThreadContext["threadPath" | "channelUserId" | "threadName"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<RunParams["prompt"]>().toEqualTypeOf<string>();
    expectTypeOf<keyof RunParams>().toEqualTypeOf<
      "agentName" | "prompt" | "channelThreadKey" | "threadContext" | "sessionId" | "contextSuffix" | "sharedContext" | "workingDir"
    >();
    expectTypeOf<ForkRunParams["sourceSessionId" | "channelThreadKey"]>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<NonNullable<AgentRunnerInterface["runForked"]>>[0]>().toEqualTypeOf<ForkRunParams>();
    expectTypeOf<ReturnType<AgentRunnerInterface["run"]>>().toEqualTypeOf<AsyncIterable<AgentMessage>>();
    expectTypeOf<AgentMessage["type"]>().toEqualTypeOf<
      | "turn_start"
      | "turn_end"
      | "text"
      | "text_delta"
      | "thinking"
      | "tool_use"
      | "tool_result"
      | "result"
      | "error"
      | "session_init"
      | "structured_output"
      | "input_status"
      | "subagent_start"
      | "subagent_result"
      | "plan_update"
    >();
  });
});

describe("routines, triggers and events", () => {
  it("triggers are a closed union, a draft binds a schedule or an event, a catalogue schema is zod's ObjectSchema", () => {
    expectTypeOf<Trigger>().toEqualTypeOf<ScheduleTrigger | WebhookTrigger | EventBusTrigger | PollTrigger>();
    expectTypeOf<RoutineDraftSpec["trigger"]>().toEqualTypeOf<ScheduleTrigger | EventBusTrigger>();
    expectTypeOf<RoutineDraftSpec["sentence" | "watchLabel" | "thenSummary"]>().toEqualTypeOf<string>();
    expectTypeOf<RoutineDraftSpec["filterSummary"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<EventBusTrigger["filter"]>().toEqualTypeOf<EventFilterCondition[] | undefined>();
    expectTypeOf<EventCatalogEntry["payloadSchema"]>().toEqualTypeOf<JSONSchema.ObjectSchema | undefined>();
    expectTypeOf<NonNullable<EventCatalogEntry["payloadSchema"]>["required"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<Routine["trigger"]>().toEqualTypeOf<Trigger>();
    expectTypeOf<Routine["createdAt"]>().toEqualTypeOf<Date>();
    expectTypeOf<DeleteRoutineResult["status"]>().toEqualTypeOf<"deleted" | "active-runs" | "not-found">();
    expectTypeOf<ReturnType<RoutinesRepository["deleteIfNoActiveRuns"]>>().toEqualTypeOf<Promise<DeleteRoutineResult>>();
    expectTypeOf<ReturnType<RoutineEngine["deactivate"]>>().toEqualTypeOf<Promise<void>>();
    expectTypeOf<ReturnType<EventPublisher["publish"]>>().toEqualTypeOf<Promise<{ accepted: true }>>();
    expectTypeOf<ReturnType<EventCatalogReader["search"]>>().toEqualTypeOf<Promise<{ entries: EventCatalogEntry[]; total: number }>>();
  });
});

describe("the app's host", () => {
  it("context, deps, repositories and records", () => {
    expectTypeOf<RomeAppContext["app"]>().toEqualTypeOf<RomeAppDefinition>();
    expectTypeOf<RomeAppContext["db"]>().toEqualTypeOf<AppDbContext>();
    expectTypeOf<RomeAppContext["log"]>().toEqualTypeOf<Logger>();
    expectTypeOf<RomeAppContext["repositories"]>().toEqualTypeOf<AppRuntimeRepositories>();
    expectTypeOf<RomeAppContext["runAction"]>().toEqualTypeOf<(name: string, args: Record<string, unknown>) => Promise<ActionResult>>();
    expectTypeOf<ReturnType<RomeAppContext["listRoutines"]>>().toEqualTypeOf<Promise<Routine[]>>();
    expectTypeOf<AppActionRuntimeDeps<{ clock: () => Date }>>().toEqualTypeOf<{ clock: () => Date } & { appContext: RomeAppContext }>();
    expectTypeOf<AppLogger>().toEqualTypeOf<Logger>();
    expectTypeOf<SettingsRepository>().toEqualTypeOf<AppSettingsRepository>();
    expectTypeOf<AppRuntimeRepositories["webchatRecaps"]>().toEqualTypeOf<WebChatRecapRepository | undefined>();
    expectTypeOf<ReturnType<WebChatRecapRepository["addTurnRecapMessage"]>>().toEqualTypeOf<Promise<WebChatRecapMessage>>();
    expectTypeOf<Parameters<WebChatRecapRepository["addTurnRecapMessage"]>[0]>().toEqualTypeOf<AddTurnRecapMessageInput>();
    expectTypeOf<ReturnType<WebChatRecapRepository["getSession"]>>().toEqualTypeOf<Promise<WebChatRecapSession | null>>();
    expectTypeOf<PersonRecord["channelMappings"]>().toEqualTypeOf<ChannelMappingRecord[]>();
    expectTypeOf<ReturnType<PersonMappingRepository["findByNameFuzzy"]>>().toEqualTypeOf<Promise<PersonRecord | null>>();
    expectTypeOf<ApprovalRecord["status"]>().toEqualTypeOf<"pending" | "approved" | "rejected" | "auto_approved">();
    expectTypeOf<ReturnType<ApprovalsRepository["create"]>>().toEqualTypeOf<Promise<string>>();
    expectTypeOf<SentinelLogEntry["action"]>().toEqualTypeOf<"replied" | "ignored" | "escalated">();
    expectTypeOf<ReturnType<SentinelLogRepository["findUnreviewed"]>>().toEqualTypeOf<Promise<SentinelLogEntry[]>>();
    expectTypeOf<PolicyRule["action"]>().toEqualTypeOf<"allow" | "block" | "require_approval" | "sentinel_review">();
    expectTypeOf<Parameters<PolicyEngine["evaluate"]>[0]>().toEqualTypeOf<PolicyContext>();
    expectTypeOf<ActionRunContext["channelContext"]>().toEqualTypeOf<ThreadContext | undefined>();
    expectTypeOf<Parameters<ActionEngineLike["run"]>[2]>().toEqualTypeOf<ActionRunContext | undefined>();
    expectTypeOf<ReturnType<AppLifecycle["uninstall"]>>().toEqualTypeOf<Promise<unknown>>();
  });

  it("channels, the app API and turn hooks", () => {
    expectTypeOf<OutgoingMessage["attachments"]>().toEqualTypeOf<OutgoingAttachment[] | undefined>();
    expectTypeOf<Parameters<ChannelAdapter["sendMessage"]>[2]>().toEqualTypeOf<OutgoingMessage>();
    expectTypeOf<Parameters<ChannelMessageHook["registerAdapter"]>[0]>().toEqualTypeOf<ChannelAdapter>();
    expectTypeOf<RomeAppApiRequest["query"]>().toEqualTypeOf<URLSearchParams>();
    expectTypeOf<ReturnType<RomeAppApiHandler["handle"]>>().toEqualTypeOf<Promise<Response>>();
    expectTypeOf<AgentTurnStartedEvent["timing"]>().toEqualTypeOf<Pick<AgentTurnTiming, "startedAt">>();
    expectTypeOf<AgentTurnFinishedEvent["timing"]>().toEqualTypeOf<Required<AgentTurnTiming>>();
    expectTypeOf<AgentTurnFinishedEvent["status"]>().toEqualTypeOf<AgentTurnStatus>();
    expectTypeOf<AgentTurnFinishedEvent["output"]>().toEqualTypeOf<AgentTurnOutput>();
    expectTypeOf<AgentTurnFinishedEvent["metrics"]>().toEqualTypeOf<AgentTurnMetrics>();
    expectTypeOf<AgentTurnStartedEvent["turn"]>().toEqualTypeOf<AgentTurnRef>();
    expectTypeOf<AgentTurnRef["threadContext"]>().toEqualTypeOf<LifecycleThreadContext | undefined>();
    expectTypeOf<LifecycleEventVersion>().toEqualTypeOf<1>();
    expectTypeOf<AgentTurnStartedHook["onAgentTurnStarted"]>().returns.toEqualTypeOf<Promise<void> | void>();
    expectTypeOf<AgentTurnFinishedHook["onAgentTurnFinished"]>().parameters.toEqualTypeOf<[event: AgentTurnFinishedEvent]>();
    expectTypeOf<AgentLifecycleHookDeps["logger"]>().toEqualTypeOf<AppLogger>();
  });
});

describe("telemetry, the current-action context and the logger", () => {
  it("have upstream's signatures", () => {
    expectTypeOf(runtime.setTelemetryBridge).parameters.toEqualTypeOf<[bridge: TelemetryBridge | null]>();
    expectTypeOf(runtime.withRomeSpan<number>).toEqualTypeOf<
      (name: string, attrs: SpanAttributes, fn: () => Promise<number>) => Promise<number>
    >();
    expectTypeOf(runtime.withSdkSpan<number>).toEqualTypeOf<
      (methodName: string, attrs: SpanAttributes, fn: () => Promise<number>) => Promise<number>
    >();
    expectTypeOf(runtime.startRomeSpan).toEqualTypeOf<(name: string, attrs?: SpanAttributes) => void>();
    expectTypeOf(runtime.currentSessionId).toEqualTypeOf<() => string | undefined>();
    expectTypeOf(runtime.runWithSession<number>).toEqualTypeOf<(sessionId: string, fn: () => number) => number>();
    expectTypeOf<SpanAttributes>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf(runtime.getCurrentActionContext).toEqualTypeOf<() => CurrentActionContext | undefined>();
    expectTypeOf(runtime.runWithCurrentActionContext<number>).toEqualTypeOf<
      (patch: CurrentActionContextPatch, fn: () => Promise<number>) => Promise<number>
    >();
    expectTypeOf(runtime.setCurrentActionContextResolver).parameters.toEqualTypeOf<
      [resolver: (() => CurrentActionContext | undefined) | null]
    >();
    expectTypeOf<CurrentActionContextPatch>().toEqualTypeOf<Partial<CurrentActionContext>>();
    expectTypeOf(runtime.createAppLogger).returns.toEqualTypeOf<Logger>();
    expectTypeOf<Logger["info"]>().toEqualTypeOf<(message: string, data?: Record<string, unknown>) => void>();
  });
});

describe("the browser helpers", () => {
  it("have upstream's signatures", () => {
    expectTypeOf(runtime.pickBrowserEndpoint).toEqualTypeOf<(endpoints: DiscoveredBrowserEndpoint[]) => DiscoveredBrowserEndpoint | null>();
    expectTypeOf<DiscoveredBrowserEndpoint>().toEqualTypeOf<{ name: string; browserUrl: string }>();
    expectTypeOf<ReturnType<BrowserCapabilityDiscovery["getBrowserEndpoints"]>>().toEqualTypeOf<DiscoveredBrowserEndpoint[]>();
    expectTypeOf(runtime.openDiscoveredPageSession).returns.toEqualTypeOf<Promise<OpenedPageSession>>();
    expectTypeOf<OpenedPageSession["session"]>().toEqualTypeOf<runtime.CdpSession>();
    expectTypeOf(runtime.CdpSession.connect).toEqualTypeOf<(webSocketUrl: string) => Promise<runtime.CdpSession>>();
    expectTypeOf<runtime.CdpSession["evaluateByValue"]>().toEqualTypeOf<<TValue>(expression: string) => Promise<TValue>>();
    expectTypeOf(runtime.isPageReadyForAutomation).returns.toEqualTypeOf<boolean>();
    expectTypeOf(runtime.loadCachedScriptSource).toEqualTypeOf<(scriptUrl: URL) => Promise<string>>();
    expectTypeOf(runtime.buildBrowserScriptExpression).toEqualTypeOf<(options: BuildBrowserScriptExpressionOptions) => string>();
    expectTypeOf<RunDiscoveredBrowserScriptOptions["scriptUrl"]>().toEqualTypeOf<URL>();
    expectTypeOf<RunDiscoveredBrowserScriptResult<string[]>["result"]>().toEqualTypeOf<string[]>();
  });
});

describe("the value exports", () => {
  it("are all defined in the source entry (the built one is checked by test/e2e/built-package.test.ts)", () => {
    const undefinedExports = Object.entries(runtime)
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    expect(undefinedExports).toEqual([]);
    expect(Object.keys(runtime)).toHaveLength(55);
  });
});
