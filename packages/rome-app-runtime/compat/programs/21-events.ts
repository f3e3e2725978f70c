// Publishing domain events, discovering watchable ones, and arming a routine engine.
import type {
  EventBusTrigger,
  EventCatalogEntry,
  EventCatalogReader,
  EventFilterCondition,
  EventPublisher,
  Routine,
  RoutineEngine,
} from "@rome-os/app-runtime";

export async function announce(bus: EventPublisher, orderId: string): Promise<boolean> {
  const receipt = await bus.publish({ name: "orders.shipped", source: "orders", payload: { orderId } });
  return receipt.accepted;
}

export async function filterableFields(catalog: EventCatalogReader, query: string): Promise<string[]> {
  const { entries, total } = await catalog.search(query, 10);
  const fields: string[] = [];
  for (const entry of entries satisfies EventCatalogEntry[]) {
    const properties = entry.payloadSchema?.properties ?? {};
    const required = entry.payloadSchema?.required ?? [];
    for (const key of Object.keys(properties)) fields.push(`${entry.appId}/${entry.eventType}.${key}${required.includes(key) ? "!" : ""}`);
    if (entry.schemaOrigin === "declared") fields.push(`(${total} declared)`);
  }
  return fields;
}

export async function arm(engine: RoutineEngine, routine: Routine, condition: EventFilterCondition): Promise<void> {
  const trigger: EventBusTrigger = { type: "event-bus", eventName: "orders.shipped", filter: [condition] };
  await engine.activate({ ...routine, trigger });
  await engine.deactivate(routine.id);
}
