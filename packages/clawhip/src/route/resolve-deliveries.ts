import type {
  ClawhipCiBatchItem,
  ClawhipConfig,
  ClawhipEvent,
  ClawhipFormat,
  ClawhipRoute,
  ClawhipSink,
  ClawhipTargetKind,
} from "@clawbridge/contracts";
import { ciBatchItem, ciBatchKey } from "../deliver/ci-batch.js";
import { bypassesRoutineBatch, routineBatchKey } from "../deliver/routine-batch.js";
import { lifecycleSuffix } from "../normalize/kinds.js";
import { RenderError, renderEvent } from "../render/render-event.js";
import { dynamicPieces, literalText, type TemplatePiece, withMention } from "./dynamic-template.js";
import { globMatch } from "./glob.js";
import { contextValue, fillTemplate, templateContext } from "./template-context.js";

/** The part of the config routing reads (`dispatch` only for batching). */
export type RoutingConfig = Pick<ClawhipConfig, "defaults" | "routes"> & Partial<Pick<ClawhipConfig, "dispatch">>;

export interface PlannedDelivery {
  /** Index of the route in the config, or null for the default delivery. */
  route: number | null;
  sink: ClawhipSink;
  target: { kind: ClawhipTargetKind; value: string };
  format: ClawhipFormat;
  /** The message: the mention (if any), a space, the body. */
  content: string;
  /** The message without the mention. */
  body: string;
  // The three below are always present (undefined when not used): every delivery has one shape, which
  // keeps the per-event routing path monomorphic.
  /** The route's (or event's) mention, as written. */
  mention: string | undefined;
  /** With routine batching on and a batchable delivery: the group it joins. */
  batchKey: string | undefined;
  /** With dynamic tokens allowed and present: the body as pieces for the runtime to evaluate. */
  dynamic: TemplatePiece[] | undefined;
  /** With CI aggregation on and a GitHub CI event: what the run's aggregate is built from. */
  ci: ClawhipCiBatchItem | undefined;
}

/** `skipped` lists deliveries that could not be rendered; they are logged and dropped, like upstream. */
export type DeliveryPlan = { ok: true; deliveries: PlannedDelivery[]; skipped: string[] } | { ok: false; error: string };

/** The kinds a route's `event` glob is tried against: only the agent/session families cross-match. */
export function eventCandidates(kind: string): string[] {
  if (lifecycleSuffix(kind)) {
    return kind.startsWith("agent.") ? [kind, "agent.*", "session.*"] : [kind, "session.*", "agent.*"];
  }
  if (kind.startsWith("session.")) return [kind, "session.*"];
  if (kind === "git.commit") return [kind, "github.commit"];
  return [kind];
}

const METADATA_KEYS = ["project", "repo_name", "repo_path", "worktree_path", "session_id"];

export function isSessionGlobOnly(filter: Record<string, string>): boolean {
  const entries = Object.entries(filter);
  return entries.length > 0 && entries.every(([key, pattern]) => (key === "session" || key === "session_name") && pattern.includes("*"));
}

function effectiveSink(route: ClawhipRoute): ClawhipSink {
  if (route.slack_webhook && (route.sink === undefined || route.sink === "discord")) return "slack";
  return route.sink ?? "discord";
}

type Target = PlannedDelivery["target"];

function targetFor(event: ClawhipEvent, route: ClawhipRoute | undefined, sink: ClawhipSink, config: RoutingConfig): Target | undefined {
  if (sink === "slack") {
    const url = route?.slack_webhook ?? route?.webhook;
    return url ? { kind: "slack-webhook", value: url } : undefined;
  }
  if (route?.webhook) return { kind: "discord-webhook", value: route.webhook };
  const channel =
    event.kind === "custom"
      ? (event.channel ?? route?.channel ?? config.defaults.channel)
      : (route?.channel ?? event.channel ?? config.defaults.channel);
  return channel ? { kind: "discord-channel", value: channel } : undefined;
}

/**
 * The metadata-first rule: a session or tmux event that names its project, repository, worktree or
 * session id is routed by that metadata, so routes that only glob on the session name do not fire.
 */
export function carriesRoutingMetadata(event: ClawhipEvent): boolean {
  return (
    (event.kind.startsWith("session.") || event.kind.startsWith("tmux.")) &&
    METADATA_KEYS.some((key) => (contextValue(event, key) ?? "") !== "")
  );
}

/** A route with what routing asks of it on every event worked out once, when its config is first used. */
interface CompiledRoute {
  index: number;
  route: ClawhipRoute;
  filters: ReadonlyArray<readonly [key: string, pattern: string]>;
  sessionGlobOnly: boolean;
}

/** Keyed by the routes array: a parsed config is never edited, and a new one compiles afresh. */
const compiled = new WeakMap<readonly ClawhipRoute[], readonly CompiledRoute[]>();

function compiledRoutes(routes: readonly ClawhipRoute[]): readonly CompiledRoute[] {
  let found = compiled.get(routes);
  if (found === undefined) {
    found = routes.map((route, index) => ({
      index,
      route,
      filters: Object.entries(route.filter),
      sessionGlobOnly: isSessionGlobOnly(route.filter),
    }));
    compiled.set(routes, found);
  }
  return found;
}

function matchesAny(pattern: string, candidates: readonly string[]): boolean {
  for (let i = 0; i < candidates.length; i += 1) if (globMatch(pattern, candidates[i] as string)) return true;
  return false;
}

/**
 * Whether a delivery may evaluate dynamic tokens: its route says so; a `custom` event no route matched
 * inherits the opt-in of a route for its channel (upstream router.rs `allow_dynamic_tokens_for`).
 */
function allowsDynamicTokens(event: ClawhipEvent, route: ClawhipRoute | undefined, config: RoutingConfig): boolean {
  if (route) return route.allow_dynamic_tokens === true;
  if (event.kind !== "custom" || event.channel === undefined) return false;
  return config.routes.some((r) => r.allow_dynamic_tokens === true && r.channel === event.channel);
}

/**
 * The body of one delivery with dynamic tokens allowed. Tokens are found only in operator text: the
 * route's template (placeholders filled with event values that are not scanned again) or a `custom`
 * event's message (written by whoever ran `clawhip send` or a cron job). Upstream also scans rendered
 * events of every other family; here their text, which can come from anyone who can open an issue or
 * print into a pane, never reaches a shell. Undefined pieces: nothing to evaluate.
 */
function dynamicBody(
  event: ClawhipEvent,
  template: string | undefined,
  format: ClawhipFormat,
): { body: string; pieces: TemplatePiece[] | undefined } {
  const pieces =
    template !== undefined
      ? dynamicPieces(template, templateContext(event))
      : event.kind === "custom"
        ? dynamicPieces(renderEvent(event, format))
        : [renderEvent(event, format)];
  return { body: literalText(pieces), pieces: pieces.some((piece) => typeof piece !== "string") ? pieces : undefined };
}

/**
 * Every delivery an event produces: all matching routes in config order, or one default delivery
 * when none matches. A delivery with no target aborts the plan, as upstream does. Pure.
 */
export function resolveDeliveries(event: ClawhipEvent, config: RoutingConfig): DeliveryPlan {
  const candidates = eventCandidates(event.kind);
  let metadataFirst: boolean | undefined;
  const carriesMetadata = () => {
    metadataFirst ??= carriesRoutingMetadata(event);
    return metadataFirst;
  };

  const matched: Array<{ index: number; route: ClawhipRoute }> = [];
  routes: for (const { index, route, filters, sessionGlobOnly } of compiledRoutes(config.routes)) {
    if (!matchesAny(route.event, candidates)) continue;
    for (const [key, pattern] of filters) {
      const value = contextValue(event, key);
      if (value === undefined || !globMatch(pattern, value)) continue routes;
    }
    if (sessionGlobOnly && carriesMetadata()) continue;
    matched.push({ index, route });
  }

  const selections: Array<{ index: number | null; route: ClawhipRoute | undefined }> =
    matched.length > 0 ? matched : [{ index: null, route: undefined }];
  const deliveries: PlannedDelivery[] = [];
  const skipped: string[] = [];
  const batching = (config.dispatch?.routine_batch_window_secs ?? 0) > 0 && !bypassesRoutineBatch(event.kind);
  const ciBatching = config.dispatch?.ci_batch_window_secs !== undefined && event.kind.startsWith("github.ci-");
  for (const { index, route } of selections) {
    const sink = route ? effectiveSink(route) : "discord";
    const target = targetFor(event, route, sink, config);
    if (!target) return { ok: false, error: `no channel configured for event ${event.kind}` };
    const format = event.format ?? route?.format ?? config.defaults.format;
    const template = event.template ?? route?.template;
    const dynamic = allowsDynamicTokens(event, route, config);
    let body: string;
    let pieces: TemplatePiece[] | undefined;
    try {
      if (dynamic) ({ body, pieces } = dynamicBody(event, template, format));
      else body = template !== undefined ? fillTemplate(template, templateContext(event)) : renderEvent(event, format);
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      skipped.push(`route ${index ?? "default"}: ${error.message}`);
      continue;
    }
    const mention = route?.mention ?? event.mention;
    // A CI event joins its run's aggregate for this route target, rendered later with the route's template and mention.
    const ci = ciBatching ? ciBatchItem(event.payload, { template, mention }) : undefined;
    const delivery: PlannedDelivery = {
      route: index,
      sink,
      target,
      format,
      content: withMention(mention, body),
      body,
      mention,
      // Upstream batches Discord deliveries only; a Slack message goes out as it comes.
      batchKey: ci
        ? ["ci", ciBatchKey(ci), index ?? "default", target.kind, target.value].join("\u0000")
        : batching && sink === "discord"
          ? routineBatchKey({ kind: event.kind, sink, target, format, mention, template, allowDynamicTokens: dynamic })
          : undefined,
      dynamic: pieces,
      ci,
    };
    deliveries.push(delivery);
  }
  return { ok: true, deliveries, skipped };
}
