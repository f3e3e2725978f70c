import type { ClawhipConfig, ClawhipEvent, ClawhipFormat, ClawhipRoute, ClawhipSink, ClawhipTargetKind } from "@clawbridge/contracts";
import { lifecycleSuffix } from "../normalize/kinds.js";
import { RenderError, renderEvent } from "../render/render-event.js";
import { globMatch } from "./glob.js";
import { contextValue, fillTemplate, templateContext } from "./template-context.js";

/** The part of the config routing reads. */
export type RoutingConfig = Pick<ClawhipConfig, "defaults" | "routes">;

export interface PlannedDelivery {
  /** Index of the route in the config, or null for the default delivery. */
  route: number | null;
  sink: ClawhipSink;
  target: { kind: ClawhipTargetKind; value: string };
  format: ClawhipFormat;
  content: string;
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
  for (const { index, route } of selections) {
    const sink = route ? effectiveSink(route) : "discord";
    const target = targetFor(event, route, sink, config);
    if (!target) return { ok: false, error: `no channel configured for event ${event.kind}` };
    const format = event.format ?? route?.format ?? config.defaults.format;
    const template = event.template ?? route?.template;
    let body: string;
    try {
      body = template !== undefined ? fillTemplate(template, templateContext(event)) : renderEvent(event, format);
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      skipped.push(`route ${index ?? "default"}: ${error.message}`);
      continue;
    }
    const mention = route?.mention ?? event.mention;
    deliveries.push({ route: index, sink, target, format, content: mention ? `${mention} ${body}` : body });
  }
  return { ok: true, deliveries, skipped };
}
