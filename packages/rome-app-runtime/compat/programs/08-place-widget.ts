// Putting a read-only widget on the guardian's workspace without stopping the turn.
import type { ActionResult, PlaceWidget } from "@rome-os/app-runtime";

export function showOrder(orderId: number, live: boolean): ActionResult<{ shown: true }> {
  const placement: PlaceWidget = {
    appId: "orders",
    sessionScoped: live,
    route: `orders/${orderId}`,
    params: { orderId, highlight: true, tab: "items" },
  };
  return { status: "place_widget", placement };
}
