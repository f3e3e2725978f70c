import { MUSIC_ALBUMS } from "./music-data.js";

export interface MusicTrack {
  album: string;
  title: string;
}

export const MUSIC_TRACKS: readonly MusicTrack[] = Object.entries(MUSIC_ALBUMS).flatMap(([album, titles]) =>
  titles.map((title) => ({ album, title })),
);

const BY_KEY = new Map(MUSIC_TRACKS.map((track) => [track.title.toLowerCase(), track]));

/** The canonical track for a title, matched case-insensitively and ignoring surrounding spaces. */
export function findTrack(title: string): MusicTrack | undefined {
  return BY_KEY.get(title.trim().toLowerCase());
}
