// What a Rome host hands an app and what an app may implement for it: its context, repositories,
// channel adapters, turn hooks, policy and routines. None of these cross a process boundary as data
// (they are objects with methods), so they are plain types rather than contracts.
import type {
  RomeActionResult,
  RomeAttachment,
  RomeDeleteRoutineResult,
  RomeMessagePart,
  RomeNormalizedMessage,
  RomeRoutine,
  RomeThreadContext,
  RomeTrigger,
} from "@clawbridge/contracts";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type { AppLogger, Logger } from "./logger/app-logger.js";
import type { AgentAccounting, AgentRunnerInterface } from "./types.js";

export type DrizzleDb = BetterSQLite3Database<Record<string, never>>;

/** The app's share of the host database: its tables carry `tablePrefix`, which `tableName` adds. */
export interface AppDbContext {
  connection: DrizzleDb;
  tablePrefix: string;
  tableName(name: string): string;
}

export interface RomeAppDefinition {
  id: string;
  version: string;
  description: string;
  kind?: string;
}

export interface AppSettingsRepository {
  get<T = unknown>(key: string): Promise<T | null>;
  set(key: string, value: unknown): Promise<void>;
}
export type SettingsRepository = AppSettingsRepository;

export interface WebChatRecapSession {
  id: string;
  name: string;
  personaId: string | null;
  largeModelSelection: string | null;
  projectName: string;
  projectPath: string | null;
  agentName: string | null;
  createdAt: Date;
}

export interface WebChatRecapMessage {
  id: string;
  sessionId: string;
  turnId: string | null;
  role: string;
  content: string;
  createdAt: Date;
}

export interface AddTurnRecapMessageInput {
  sessionId: string;
  turnId: string;
  content: string;
  audioUrl?: string;
  audioMimeType?: string;
  audioDurationMs?: number;
}

export interface WebChatRecapRepository {
  getSession(id: string): Promise<WebChatRecapSession | null>;
  getMessages(sessionId: string): Promise<WebChatRecapMessage[]>;
  addTurnRecapMessage(input: AddTurnRecapMessageInput): Promise<WebChatRecapMessage>;
}

export interface AppRuntimeRepositories {
  settings: AppSettingsRepository;
  webchatRecaps?: WebChatRecapRepository;
}

/** What the host gives an app: who it is, its database, logger and settings, and its way to other actions. */
export interface RomeAppContext {
  app: RomeAppDefinition;
  controller: unknown;
  db: AppDbContext;
  log: Logger;
  repositories: AppRuntimeRepositories;
  /** Fails only with an `ActionInvocationError`; a domain rejection is an `error` result. */
  runAction(name: string, args: Record<string, unknown>): Promise<RomeActionResult>;
  listRoutines(): Promise<RomeRoutine[]>;
}

/** An app's action factory receives its shared deps plus its context. */
export type AppActionRuntimeDeps<TShared = Record<string, unknown>> = TShared & { appContext: RomeAppContext };

/** Who asked for a run through the action engine, and on behalf of which thread. */
export interface ActionRunContext {
  initiator?: string;
  channelContext?: RomeThreadContext;
  sharedContext?: Record<string, unknown>;
}

export interface ActionEngineLike {
  run(name: string, args: Record<string, unknown>, context?: ActionRunContext): Promise<RomeActionResult>;
}

// Agent turn lifecycle hooks.

export type LifecycleEventVersion = 1;
export type LifecycleThreadContext = Omit<RomeThreadContext, "senderBondLevel">;

export interface AgentTurnRef {
  sessionId: string;
  turnId: string;
  agentName: string;
  channelThreadKey?: string;
  threadContext?: LifecycleThreadContext;
  parent?: { sessionId: string; turnId: string; agentName: string };
}

export type AgentTurnStatus = "completed" | "interrupted" | "stopped" | "error";

export interface AgentTurnTiming {
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
}

export interface AgentTurnMetrics {
  toolCallCount: number;
  skillWritten: boolean;
}

export interface AgentTurnOutput {
  text: string;
  state: "final" | "partial" | "none";
  terminalKind?: "result" | "error";
  stopReason?: string;
  error?: string;
  accounting?: AgentAccounting;
}

export interface AgentTurnStartedEvent {
  type: "agent-turn-started";
  version: LifecycleEventVersion;
  turn: AgentTurnRef;
  timing: Pick<AgentTurnTiming, "startedAt">;
  input: { promptLength: number; attachmentsCount?: number };
}

export interface AgentTurnFinishedEvent {
  type: "agent-turn-finished";
  version: LifecycleEventVersion;
  turn: AgentTurnRef;
  status: AgentTurnStatus;
  timing: Required<AgentTurnTiming>;
  output: AgentTurnOutput;
  metrics: AgentTurnMetrics;
}

export interface AgentTurnStartedHook {
  onAgentTurnStarted(event: AgentTurnStartedEvent): Promise<void> | void;
}

export interface AgentTurnFinishedHook {
  onAgentTurnFinished(event: AgentTurnFinishedEvent): Promise<void> | void;
}

export interface AgentLifecycleHookDeps {
  appId: string;
  logger: AppLogger;
  appContext?: RomeAppContext;
  agentRunner?: AgentRunnerInterface;
}

// Channels.

export interface OutgoingAttachment {
  type: "image" | "video" | "audio" | "document";
  source: string;
  caption?: string;
}

export interface OutgoingMessage {
  text?: string;
  attachments?: OutgoingAttachment[];
  replyToMessageId?: string;
  /** Rich blocks for channels that render them (web chat); others fall back to `text`. */
  parts?: RomeMessagePart[];
  /** The turn that produced the message, for grouping and tracing; channels may ignore it. */
  turnId?: string;
}

export interface ChannelAdapter {
  readonly channelName: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  sendMessage(channelUserId: string, threadId: string, message: OutgoingMessage): Promise<void>;
  onMessage(handler: (msg: RomeNormalizedMessage) => Promise<void>): void;
  notifyTyping?(threadId: string): Promise<void>;
  /** Saves attachment bytes that are only referenced remotely; answers the list with `localPath` set. */
  saveIncomingAttachments?(message: RomeNormalizedMessage): Promise<RomeAttachment[]>;
  /** Recent history of one thread, or of every reachable thread when `threadId` is null. */
  fetchHistory?(threadId: string | null, windowHours: number): Promise<RomeNormalizedMessage[]>;
}

export interface ChannelMessageHook {
  register(): void;
  registerAdapter(adapter: ChannelAdapter): void;
}

// The app's HTTP API.

export interface RomeAppApiRequest {
  method: string;
  /** The path below the app's mount point, split on `/`. */
  path: string[];
  headers: Record<string, string>;
  query: URLSearchParams;
  body?: Uint8Array;
}

export interface RomeAppApiHandler {
  handle(request: RomeAppApiRequest): Promise<Response>;
}

// People, approvals and the sentinel log.

export type BondLevel = "guardian" | "inner-circle" | "acquaintance" | "other";

export interface ChannelMappingRecord {
  channel: string;
  channelUserId: string;
}

export interface PersonRecord {
  id: string;
  displayName: string;
  bondLevel: BondLevel;
  channelMappings: ChannelMappingRecord[];
  profilePath?: string | null;
  approved?: boolean | null;
  createdAt?: Date;
  [key: string]: unknown;
}

export interface PersonMappingRepository {
  findByChannelUser(channel: string, channelUserId: string): Promise<PersonRecord | null>;
  findByName(displayName: string): Promise<PersonRecord[]>;
  findByNameFuzzy(displayName: string): Promise<PersonRecord | null>;
  findByBondLevel(bondLevel: BondLevel): Promise<PersonRecord[]>;
  create(data: {
    displayName: string;
    bondLevel: BondLevel;
    profilePath?: string;
    approved?: boolean;
    channelMappings?: { channel: string; channelUserId: string }[];
  }): Promise<string>;
  addChannelMapping(personId: string, channel: string, channelUserId: string, displayName?: string): Promise<unknown>;
}

export type ApprovalStatus = "pending" | "approved" | "rejected" | "auto_approved";

export interface ApprovalRecord {
  id: string;
  type: string;
  status: ApprovalStatus;
  requestedBy: string;
  description: string;
  payload: unknown;
  createdAt: Date;
}

export interface ApprovalsRepository {
  create(data: { type: string; requestedBy: string; description: string; payload?: unknown; status?: ApprovalStatus }): Promise<string>;
}

export type SentinelAction = "replied" | "ignored" | "escalated";

export interface SentinelLogEntry {
  id: string;
  channel: string;
  channelUserId: string;
  displayName: string | null;
  text: string | null;
  action: SentinelAction;
  response: string | null;
  createdAt: Date;
}

export interface SentinelLogRepository {
  create(data: {
    messageId: string;
    channel: string;
    channelUserId: string;
    displayName?: string;
    threadId?: string;
    text?: string;
    action: SentinelAction;
    response?: string;
  }): Promise<string>;
  findUnreviewed(): Promise<SentinelLogEntry[]>;
  markReviewed(ids: string[]): Promise<void>;
}

// Policy.

export interface PolicyRule {
  action: "allow" | "block" | "require_approval" | "sentinel_review";
  conditions?: Record<string, unknown>;
}

export interface PolicyContext {
  channel: string;
  sender: { id: string; bondLevel: string } | null;
  bondLevel: string;
  threadName?: string;
  threadType?: string;
}

export interface PolicyEngine {
  evaluate(context: PolicyContext): Promise<PolicyRule>;
}

// Routines and the event bus.

export interface RoutinesRepository {
  create(data: {
    name: string;
    trigger: RomeTrigger;
    actionName: string;
    args: Record<string, unknown>;
    enabled?: boolean;
    nextRunAt?: Date;
  }): Promise<string>;
  listRoutines(): Promise<RomeRoutine[]>;
  /** Deletes only when no run is in flight (`running` / `pending_approval`); check and delete are atomic. */
  deleteIfNoActiveRuns(id: string): Promise<RomeDeleteRoutineResult>;
}

export interface RoutineEngine {
  activate(routine: RomeRoutine): Promise<void>;
  /** Async because a worker reaches the engine over RPC: await it before reporting success. */
  deactivate(routineId: string): Promise<void>;
}

/** Publishes a domain event onto the bus and declares its type in the catalogue. */
export interface EventPublisher {
  publish(event: { name: string; source: string; payload?: Record<string, unknown> }): Promise<{ accepted: true }>;
}
