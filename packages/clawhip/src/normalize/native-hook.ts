import type { IncomingEvent } from "./incoming.js";
import { IngressError } from "./ingress-error.js";
import { isRecord, type JsonRecord, nonBlank } from "./json.js";

/**
 * Provider-native hook names (Claude Code, Codex) that have a session meaning; the rest are rejected.
 * A Map, so a hook named `constructor` or `__proto__` is an unknown name, not a prototype lookup.
 */
const NATIVE_HOOK_KINDS: ReadonlyMap<string, string> = new Map([
  ["SessionStart", "session.started"],
  ["SessionEnd", "session.finished"],
  ["Stop", "session.finished"],
]);

/**
 * Upstream v0.5.5's native-hook surface (`/api/native/hook`), kept as it was for existing callers; the
 * 0.6.x contract (all five shared events, Stop → `session.stopped`) is `decodeNativeHookV1`.
 *
 * Converts a provider-native hook payload (`provider`, `event_name`|`hook_event_name`, `directory`,
 * `project`, `event_payload`) into a session event. Tool events (PreToolUse, …) are low-signal and
 * rejected here, unlike on `/event` where unknown kinds pass through.
 */
export function decodeNativeHook(body: unknown): IncomingEvent {
  const hook = isRecord(body) ? body : {};
  const name = nonBlank(hook.event_name) ?? nonBlank(hook.hook_event_name) ?? nonBlank(hook.hookEventName);
  if (name === undefined) throw new IngressError(400, "missing native hook event name");
  const kind = NATIVE_HOOK_KINDS.get(name);
  if (kind === undefined) throw new IngressError(400, `unsupported native hook event '${name}'`);
  // Like upstream, a hook that does not say who sent it is still an event, from provider "unknown".
  const provider = nonBlank(hook.provider) ?? "unknown";

  const payload: JsonRecord = { tool: provider, source: provider, native_event: name };
  const project = nonBlank(hook.project);
  const directory = nonBlank(hook.directory) ?? nonBlank(hook.cwd);
  if (project !== undefined) payload.project = project;
  if (directory !== undefined) {
    payload.repo_path = directory;
    payload.worktree_path = directory;
  }
  if (hook.event_payload !== undefined) payload.event_payload = hook.event_payload;
  return { kind, payload };
}
