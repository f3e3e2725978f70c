import { KICHI_POSE_TYPES, type KichiPlayback, type KichiPoseType } from "@clawbridge/contracts";
import { POSE_ACTIONS } from "./actions-data.js";

export interface CatalogAction {
  poseType: KichiPoseType;
  name: string;
  playback: KichiPlayback;
}

function buildIndex(): Map<KichiPoseType, Map<string, CatalogAction>> {
  const index = new Map<KichiPoseType, Map<string, CatalogAction>>();
  for (const poseType of KICHI_POSE_TYPES) {
    const { loop, once, resumeAction } = POSE_ACTIONS[poseType];
    const byKey = new Map<string, CatalogAction>();
    for (const name of loop) byKey.set(name.toLowerCase(), { poseType, name, playback: { mode: "loop" } });
    for (const name of once) byKey.set(name.toLowerCase(), { poseType, name, playback: { mode: "once", resumeAction } });
    index.set(poseType, byKey);
  }
  return index;
}

const INDEX = buildIndex();

/** The canonical action of a pose, matched case-insensitively and ignoring surrounding spaces. */
export function findAction(poseType: KichiPoseType, name: string): CatalogAction | undefined {
  return INDEX.get(poseType)?.get(name.trim().toLowerCase());
}

/** Every action name of a pose, in catalog order (loops first). */
export function actionNames(poseType: KichiPoseType): string[] {
  return [...(INDEX.get(poseType)?.values() ?? [])].map((a) => a.name);
}

/**
 * Problems with the catalog data itself: duplicate names in a pose, a `once` action whose resume
 * action is not a looping action of the same pose. Empty for a sound catalog.
 */
export function catalogProblems(data = POSE_ACTIONS): string[] {
  const problems: string[] = [];
  for (const poseType of KICHI_POSE_TYPES) {
    const { loop, once, resumeAction } = data[poseType];
    const seen = new Set<string>();
    for (const name of [...loop, ...once]) {
      const key = name.toLowerCase();
      if (seen.has(key)) problems.push(`${poseType}: duplicate action "${name}"`);
      seen.add(key);
    }
    if (once.length > 0 && !loop.some((name) => name.toLowerCase() === resumeAction.toLowerCase())) {
      problems.push(`${poseType}: resume action "${resumeAction}" is not a looping ${poseType} action`);
    }
  }
  return problems;
}
