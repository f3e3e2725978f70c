import { describe, expect, it } from "vitest";
import { actionNames, catalogProblems, findAction } from "./actions.js";
import { POSE_ACTIONS } from "./actions-data.js";
import { KICHI_ENVIRONMENT_HOSTS } from "./environments.js";
import { findTrack, MUSIC_TRACKS } from "./music.js";
import { MUSIC_ALBUMS } from "./music-data.js";

describe("action catalog", () => {
  it("b37: has the beta.37 action counts per pose and no data problems", () => {
    expect(actionNames("stand")).toHaveLength(29);
    for (const gone of ["Dance with Joy", "Float", "Horse Stance", "Star Showing", "Goofy Moves"]) {
      expect(findAction("stand", gone), gone).toBeUndefined();
    }
    expect(actionNames("sit")).toHaveLength(28);
    expect(actionNames("lay")).toHaveLength(13);
    expect(actionNames("floor")).toHaveLength(25);
    expect(catalogProblems()).toEqual([]);
  });

  it("finds actions case-insensitively and returns the canonical name and playback", () => {
    expect(findAction("stand", "  high FIVE ")).toEqual({
      poseType: "stand",
      name: "High Five",
      playback: { mode: "once", resumeAction: "Idle Backup Hands" },
    });
    expect(findAction("sit", "drink")?.playback).toEqual({ mode: "once", resumeAction: "Sit Nicely" });
    expect(findAction("lay", "sleep getup")?.playback).toEqual({ mode: "once", resumeAction: "Lie Flat" });
    expect(findAction("floor", "yawn")?.playback).toEqual({ mode: "once", resumeAction: "Cross Legged" });
    expect(findAction("floor", "Seiza")?.playback).toEqual({ mode: "loop" });
  });

  it("keeps actions within their pose", () => {
    expect(findAction("stand", "Typing with Keyboard")).toBeUndefined();
    expect(findAction("sit", "Typing with Keyboard")?.name).toBe("Typing with Keyboard");
    expect(findAction("floor", "Typing with Keyboard")?.poseType).toBe("floor");
  });

  it("reports duplicate names and resume actions that are not looping actions of the pose", () => {
    const broken = {
      ...POSE_ACTIONS,
      stand: { resumeAction: "Nope", loop: ["Wait", "wait"], once: ["Yay"] },
    };
    expect(catalogProblems(broken)).toEqual([
      'stand: duplicate action "wait"',
      'stand: resume action "Nope" is not a looping stand action',
    ]);
  });
});

describe("music catalog and environments", () => {
  it("has 58 tracks in 10 albums with unique titles", () => {
    expect(Object.keys(MUSIC_ALBUMS)).toHaveLength(10);
    expect(MUSIC_TRACKS).toHaveLength(58);
    expect(new Set(MUSIC_TRACKS.map((t) => t.title.toLowerCase())).size).toBe(58);
  });

  it("finds tracks case-insensitively", () => {
    expect(findTrack(" reverie ")).toEqual({ album: expect.any(String), title: "Reverie" });
    expect(findTrack("Not a song")).toBeUndefined();
  });

  it("knows the hosted environments; test has no host", () => {
    expect(KICHI_ENVIRONMENT_HOSTS).toEqual({
      steam: "focus-wss.yahaha.com",
      "steam-playtest": "focus-steam-playtest-wss-int.yahaha.com",
      test: null,
    });
  });
});
