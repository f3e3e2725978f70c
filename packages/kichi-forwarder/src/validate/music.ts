import { findTrack, MUSIC_TRACKS } from "../catalog/music.js";
import { invalid, type Validation, valid } from "./result.js";

const EXAMPLE_COUNT = 10;

/**
 * Canonical, de-duplicated track titles in the order given. Unknown titles are all named at once,
 * with examples of real ones.
 */
export function normalizeMusicTitles(titles: readonly string[]): Validation<string[]> {
  const canonical: string[] = [];
  const unknown: string[] = [];
  for (const title of titles) {
    const track = findTrack(title);
    if (!track) unknown.push(title.trim());
    else if (!canonical.includes(track.title)) canonical.push(track.title);
  }
  if (unknown.length > 0) {
    const examples = MUSIC_TRACKS.slice(0, EXAMPLE_COUNT).map((t) => t.title);
    return invalid(`Unknown music titles: ${unknown.map((t) => `"${t}"`).join(", ")}. Use titles from the Kichi music catalog.`, {
      unknownTitles: unknown,
      examples,
    });
  }
  if (canonical.length === 0) return invalid("musicTitles must be an array of track names");
  return valid(canonical);
}
