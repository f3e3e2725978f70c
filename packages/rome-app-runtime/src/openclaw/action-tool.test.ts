import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "../define-action.js";
import type { ActionConfig, ActionResult } from "../types.js";
import { actionToOpenClawTool } from "./action-tool.js";

const config: ActionConfig = {
  name: "plan_trip",
  type: "custom",
  description: "Plan a trip and answer with whatever the trip needs next.",
  complexity: "moderate",
  speed: "fast",
  reliability: "high",
  sideEffects: "write",
};

const outcomes: Record<string, ActionResult> = {
  ok: { status: "ok", data: { tripId: "t-1", days: 3 } },
  error: { status: "error", error: "that city is not served" },
  pending_approval: { status: "pending_approval", approval: { approvalId: "ap-9", actionName: "plan_trip", description: "Book 3 nights" } },
  pending_interaction: {
    status: "pending_interaction",
    interaction: {
      appId: "trips",
      promptText: "Which dates suit you?",
      render: { kind: "inline", componentId: "date-picker", props: { month: 11 } },
    },
  },
  handoff: {
    status: "handoff",
    handoff: {
      appId: "trips",
      promptText: "Let's design the itinerary together.",
      agentName: "planner",
      handback: { schema: { type: "object", properties: { stops: { type: "array" } } } },
      handbackHint: "Read the itinerary with get_itinerary({session: <childSessionId>})",
    },
  },
  place_widget: {
    status: "place_widget",
    placement: { appId: "trips", sessionScoped: true, route: "map", params: { tripId: "t-1", zoom: 5 } },
  },
};

const tool = actionToOpenClawTool(
  defineAction({
    config,
    schema: z.object({ outcome: z.enum(["ok", "error", "pending_approval", "pending_interaction", "handoff", "place_widget", "throw"]) }),
    execute: async ({ outcome }) => {
      if (outcome === "throw") throw new Error("booking service unreachable");
      return outcomes[outcome] as ActionResult;
    },
  }),
);

async function call(args: unknown) {
  const result = await tool.execute("call-1", args);
  expect(result.content).toEqual([{ type: "text", text: JSON.stringify(result.details) }]);
  return result.details as Record<string, unknown>;
}

describe("actionToOpenClawTool", () => {
  it("is an OpenClaw tool named after the action, advertising the action's input schema", () => {
    expect(tool.name).toBe("plan_trip");
    expect(tool.label).toBe("plan_trip");
    expect(tool.description).toBe(config.description);
    expect(tool.parameters).toMatchObject({ type: "object", properties: { outcome: { type: "string" } }, required: ["outcome"] });
    expect(tool.parameters).not.toHaveProperty("$schema");
    const renamed = actionToOpenClawTool(defineAction({ config, schema: z.object({}), execute: async () => ({ status: "ok" }) }), {
      name: "trips_plan",
      label: "Plan a trip",
    });
    expect([renamed.name, renamed.label]).toEqual(["trips_plan", "Plan a trip"]);
  });

  it("ok → success with the data", async () => {
    expect(await call({ outcome: "ok" })).toEqual({ success: true, status: "ok", data: { tripId: "t-1", days: 3 } });
  });

  it("error → success:false with the domain message", async () => {
    expect(await call({ outcome: "error" })).toEqual({ success: false, status: "error", error: "that city is not served" });
  });

  it("pending_approval → says approval is pending, with its id", async () => {
    const payload = await call({ outcome: "pending_approval" });
    expect(payload).toMatchObject({
      success: true,
      status: "pending_approval",
      approvalId: "ap-9",
      approval: { approvalId: "ap-9", actionName: "plan_trip", description: "Book 3 nights" },
    });
    expect(payload.message).toContain("waiting for approval ap-9");
    expect(payload.message).toContain("has not run");
  });

  it("pending_interaction → relays promptText with the structured interaction", async () => {
    const payload = await call({ outcome: "pending_interaction" });
    expect(payload).toMatchObject({
      success: true,
      status: "pending_interaction",
      promptText: "Which dates suit you?",
      interaction: { appId: "trips", render: { kind: "inline", componentId: "date-picker", props: { month: 11 } } },
    });
    expect(payload.message).toContain("Relay promptText");
  });

  it("handoff → relays promptText with the structured handoff, handback and hint token intact", async () => {
    const payload = await call({ outcome: "handoff" });
    expect(payload).toMatchObject({ success: true, status: "handoff", promptText: "Let's design the itinerary together." });
    expect(payload.handoff).toEqual((outcomes.handoff as Extract<ActionResult, { status: "handoff" }>).handoff);
    expect(JSON.stringify(payload)).toContain("<childSessionId>");
  });

  it("place_widget → success with the placement", async () => {
    expect(await call({ outcome: "place_widget" })).toEqual({
      success: true,
      status: "place_widget",
      placement: { appId: "trips", sessionScoped: true, route: "map", params: { tripId: "t-1", zoom: 5 } },
    });
  });

  it("invalid input → success:false with the action's readable message; a throwing body → the invocation code", async () => {
    const invalid = await call({ outcome: "teleport" });
    expect(invalid).toMatchObject({ success: false, status: "error" });
    expect(invalid.error).toMatch(/^Invalid input for plan_trip: .*outcome/s);
    expect(await call("not an object")).toMatchObject({
      success: false,
      error: expect.stringContaining("Invalid arguments for plan_trip"),
    });
    expect(await call({ outcome: "throw" })).toEqual({
      success: false,
      status: "invocation_failed",
      code: "handler_error",
      error: 'plan_trip could not run: action "plan_trip" threw: booking service unreachable',
    });
  });
});
