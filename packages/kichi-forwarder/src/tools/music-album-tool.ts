import { KichiMusicAlbumParamsSchema } from "@clawbridge/contracts";
import { type DefinedTool, defineTool } from "@clawbridge/plugin-host";
import type { OpenClawPluginToolContext } from "openclaw/plugin-sdk/plugin-entry";
import { MUSIC_TRACKS } from "../catalog/music.js";
import { normalizeMusicTitles } from "../validate/music.js";
import { type KichiToolDeps, rejected, withRuntime } from "./shared.js";

export function kichiMusicAlbumTool(deps: KichiToolDeps, ctx: OpenClawPluginToolContext): DefinedTool {
  return defineTool({
    name: "kichi_music_album_create",
    label: "Kichi: daily music album",
    description: `Create today's recommended music album (one a day; check hasCreatedMusicAlbumToday with kichi_query_status). musicTitles must be titles of the room's library (case-insensitive), e.g. ${MUSIC_TRACKS.slice(
      0,
      5,
    )
      .map((t) => `"${t.title}"`)
      .join(", ")}.`,
    params: KichiMusicAlbumParamsSchema,
    execute: (params) =>
      withRuntime(deps, ctx, async (runtime) => {
        const titles = normalizeMusicTitles(params.musicTitles);
        if (!titles.ok) return rejected(titles);
        const sent = await runtime.createMusicAlbum(params.albumTitle, titles.value, params.requestId);
        return { success: true, albumTitle: params.albumTitle, musicTitles: titles.value, acknowledged: sent.acknowledged };
      }),
  });
}
