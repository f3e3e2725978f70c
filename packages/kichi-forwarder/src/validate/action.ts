import { KICHI_POSE_TYPES, type KichiPoseType } from "@clawbridge/contracts";
import { actionNames, type CatalogAction, findAction } from "../catalog/actions.js";
import { invalid, type Validation, valid } from "./result.js";

export function isPoseType(value: string): value is KichiPoseType {
  return (KICHI_POSE_TYPES as readonly string[]).includes(value);
}

/**
 * Looks an action up within its pose. A miss names the pose and lists what is `available`, so the
 * agent can correct itself in one step.
 */
export function resolveAction(poseType: string, action: string): Validation<CatalogAction> {
  const pose = poseType.trim().toLowerCase();
  if (!isPoseType(pose)) return invalid(`poseType must be one of: ${KICHI_POSE_TYPES.join(", ")}`);
  if (!action.trim()) return invalid("poseType and action parameters are required");
  const found = findAction(pose, action);
  if (!found) {
    return invalid(`Unknown action "${action.trim()}" for poseType "${pose}"`, { available: actionNames(pose) });
  }
  return valid(found);
}
