import type { KichiPoseType } from "@clawbridge/contracts";

/** A piece of furniture avatars can use, with how many fit on it at once. */
export interface RoomProp {
  propId: string;
  displayName: string;
  description: string;
  supportedPoseTypes: readonly KichiPoseType[];
  capacity: number;
}

/** The furnished room of the local server: seats, a sofa, a bed, a rug, and a notes board. */
export const ROOM_PROPS: readonly RoomProp[] = [
  { propId: "desk-chair-1", displayName: "Desk Chair", description: "Chair at the work desk", supportedPoseTypes: ["sit"], capacity: 1 },
  {
    propId: "desk-chair-2",
    displayName: "Second Desk Chair",
    description: "Chair at the window desk",
    supportedPoseTypes: ["sit"],
    capacity: 1,
  },
  { propId: "sofa-1", displayName: "Sofa", description: "Two-seat sofa by the bookshelf", supportedPoseTypes: ["sit", "lay"], capacity: 2 },
  { propId: "bed-1", displayName: "Bed", description: "Single bed", supportedPoseTypes: ["lay", "sit"], capacity: 1 },
  { propId: "rug-1", displayName: "Rug", description: "Round rug in the middle of the room", supportedPoseTypes: ["floor"], capacity: 3 },
];

/** The notes board; notes are pinned to it by prop id. */
export const NOTES_BOARD_PROP_ID = "notes-board-1";
