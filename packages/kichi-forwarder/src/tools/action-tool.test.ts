import { describe, expect, it } from "vitest";
import { kichiActionDescription } from "./action-tool.js";

describe("kichiActionDescription", () => {
  it("is the base text without a cached room", () => {
    expect(kichiActionDescription(undefined)).not.toContain("PoseableProps");
    expect(kichiActionDescription({ PoseableProps: [] })).not.toContain("PoseableProps");
  });

  it("lists cached props with poses and occupancy, and asks for one that is not full", () => {
    const text = kichiActionDescription({
      PoseableProps: [
        { PropId: "sofa-1", DisplayName: "Sofa", SupportedPoseTypes: ["sit", "lay"], OccupancyState: "partially_occupied" },
        { PropId: "chair-1", DisplayName: "Chair", SupportedPoseTypes: ["sit"], OccupancyState: "fully_occupied" },
      ],
    });
    expect(text).toContain("Cached RoomContext.PoseableProps (from the last kichi_query_status):");
    expect(text).toContain('- sofa-1 "Sofa" poses: sit/lay; occupancy: partially_occupied');
    expect(text).toContain('- chair-1 "Chair" poses: sit; occupancy: fully_occupied');
    expect(text).toContain("whose occupancy is not fully_occupied");
  });
});
