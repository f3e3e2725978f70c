import type { ClawhipEvent, ClawhipExplanation } from "@clawbridge/contracts";
import { redactedTargetValue } from "../deliver/redact-target.js";
import { globMatch } from "./glob.js";
import { carriesRoutingMetadata, eventCandidates, isSessionGlobOnly, type RoutingConfig, resolveDeliveries } from "./resolve-deliveries.js";
import { contextValue } from "./template-context.js";

/**
 * Route provenance for one normalized event: each route's pattern and filter results, whether the
 * metadata-first rule dropped it, and the deliveries (targets redacted) routing produces. Pure; it asks
 * the same questions `resolveDeliveries` does, so the two cannot disagree.
 */
export function explainRouting(event: ClawhipEvent, incomingKind: string, config: RoutingConfig): ClawhipExplanation {
  const candidates = eventCandidates(event.kind);
  const metadata = carriesRoutingMetadata(event);
  const routes = config.routes.map((route, index) => {
    const patternMatched = candidates.some((candidate) => globMatch(route.event, candidate));
    const filterResults = Object.entries(route.filter).map(([key, pattern]) => {
      const actual = contextValue(event, key);
      return { key, pattern, actual: actual ?? null, matched: actual !== undefined && globMatch(pattern, actual) };
    });
    const filtersMatch = filterResults.every((f) => f.matched);
    const dropped = patternMatched && filtersMatch && isSessionGlobOnly(route.filter) && metadata;
    return {
      route_index: index,
      event_pattern: route.event,
      matched: patternMatched && filtersMatch && !dropped,
      pattern_matched: patternMatched,
      filter_results: filterResults,
      dropped_for_metadata: dropped,
    };
  });
  const plan = resolveDeliveries(event, config);
  const explanation: ClawhipExplanation = {
    event_kind: incomingKind,
    canonical_kind: event.kind,
    route_candidates: candidates,
    routes,
    deliveries: plan.ok
      ? plan.deliveries.map((d) => ({ ...d, target: { kind: d.target.kind, value: redactedTargetValue(d.target) } }))
      : [],
  };
  if (!plan.ok) explanation.error = plan.error;
  return explanation;
}

/** The human report: one line per route (`[MATCH]`/`[skip ]`, ✓/✗ per filter), then the deliveries. */
export function explanationText(e: ClawhipExplanation): string {
  const lines = [`event: ${e.event_kind}`];
  if (e.canonical_kind !== e.event_kind) lines.push(`canonical: ${e.canonical_kind}`);
  lines.push(`route candidates: ${e.route_candidates.join(", ")}`);
  if (e.routes.length === 0) lines.push("routes: (none configured)");
  else {
    lines.push("routes:");
    for (const r of e.routes) {
      let line = `  [${r.matched ? "MATCH" : "skip "}] #${r.route_index} event=${JSON.stringify(r.event_pattern)}`;
      if (!r.pattern_matched) line += " (pattern mismatch)";
      if (r.dropped_for_metadata) line += " (session-name-only route dropped: the event carries path/project metadata)";
      for (const f of r.filter_results)
        line += ` ${f.matched ? "✓" : "✗"}${f.key}:${JSON.stringify(f.pattern)}→${f.actual === null ? "<missing>" : JSON.stringify(f.actual)}`;
      lines.push(line);
    }
  }
  if (e.error) lines.push(`deliveries: none — ${e.error}`);
  else if (e.deliveries.length === 0) lines.push("deliveries: (none - event would be dropped)");
  else {
    lines.push("deliveries:");
    for (const d of e.deliveries)
      lines.push(`  ${d.route === null ? "default" : `route #${d.route}`} → ${d.sink} ${d.target.value} (${d.format}): ${d.content}`);
  }
  return lines.join("\n");
}
