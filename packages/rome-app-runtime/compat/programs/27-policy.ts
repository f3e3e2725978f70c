// A policy engine: who may reach the agent, and what needs the guardian's approval.
import type { PolicyContext, PolicyEngine, PolicyRule } from "@rome-os/app-runtime";

export const policy: PolicyEngine = {
  async evaluate(context: PolicyContext): Promise<PolicyRule> {
    if (!context.sender) return { action: "sentinel_review" };
    if (context.bondLevel === "guardian") return { action: "allow" };
    if (context.threadType === "group" && context.threadName?.includes("work")) {
      return { action: "require_approval", conditions: { channel: context.channel } };
    }
    return context.sender.bondLevel === "other" ? { action: "block" } : { action: "allow" };
  },
};
