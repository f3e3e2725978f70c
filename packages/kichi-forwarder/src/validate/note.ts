import { KICHI_NOTE_MAX_LENGTH } from "@clawbridge/contracts";
import { invalid, type Validation, valid } from "./result.js";

/** A note board entry: trimmed, non-empty, at most 200 characters (counted as code points). */
export function normalizeNote(propId: string, data: string): Validation<{ propId: string; data: string }> {
  const prop = propId.trim();
  if (!prop) return invalid("propId is required");
  const text = data.trim();
  if (!text) return invalid("data is required");
  const length = [...text].length;
  if (length > KICHI_NOTE_MAX_LENGTH) {
    return invalid(`data must be ${KICHI_NOTE_MAX_LENGTH} characters or fewer (got ${length})`);
  }
  return valid({ propId: prop, data: text });
}
