import type { ClawhipDeliveryJob } from "@clawbridge/contracts";

type Target = ClawhipDeliveryJob["target"];

/** A target value safe to print: webhook URLs carry their secret in the path, so only the origin shows. */
export function redactedTargetValue(target: Target): string {
  if (target.kind === "discord-channel") return target.value;
  try {
    return `${new URL(target.value).origin}/…`;
  } catch {
    return "(invalid url)";
  }
}

/** `<kind>:<redacted value>`, for logs. */
export function describeTarget(target: Target): string {
  return `${target.kind}:${redactedTargetValue(target)}`;
}
