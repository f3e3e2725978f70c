export {
  type AgentLocator,
  AgentRuntimeRegistry,
  type AgentRuntimeRegistryOptions,
  agentIdFromSessionKey,
  normalizeAgentId,
  resolveAgentId,
} from "./agent-runtimes.js";
export {
  type ChannelCheck,
  type ChannelRegistration,
  channelTakenMessage,
  checkChannelRegistration,
  type IngressAuthority,
  ingressRefusal,
} from "./channel-registration.js";
export { type Clock, systemClock } from "./clock.js";
export { definePlugin, type PluginDefinition, type PluginMetadata, pluginMetadataOf, zodPluginConfigSchema } from "./define-plugin.js";
export { type DefinedTool, defineTool, type ToolCall, type ToolDefinition } from "./define-tool.js";
export { BodyTooLargeError, readBody, sendJson } from "./http-io.js";
export { type JsonSchemaObject, toJsonSchema } from "./json-schema.js";
export { buildManifest, collectRegistrations, type PluginEntryLike, renderManifest } from "./manifest.js";
export { createPluginApi, type PluginApiOptions } from "./plugin-api.js";
export type { HookName, HttpRouteParams, PluginRegistrations, RegisteredTool } from "./plugin-types.js";
export { type ServerBinProcess, startServerBin } from "./server-bin.js";
export {
  bearerToken,
  createGuardedServer,
  DEFAULT_MAX_CONNECTIONS,
  decodePathParam,
  guardHandler,
  guardHttpServer,
  hasBearer,
  heartbeatWebSockets,
  type RequestTarget,
  RequestTargetError,
  refuseSocket,
  requestTarget,
  type ServerGuardOptions,
  secretEquals,
  type WebSocketHeartbeatOptions,
} from "./server-guard.js";
export {
  type JsonFileRead,
  pluginStateDir,
  readJsonFile,
  removeStaleTempFiles,
  type WriteOptions,
  writeFileAtomic,
  writeJsonAtomic,
} from "./state-dir.js";
export { describeIssues, errorMessage, failure, formatIssues, jsonToolResult } from "./tool-result.js";
