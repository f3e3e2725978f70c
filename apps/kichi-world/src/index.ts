export { renderRoomPage } from "./page.js";
export { NOTES_BOARD_PROP_ID, ROOM_PROPS, type RoomProp } from "./props.js";
export { KICHI_WORLD_WS_PATH, type KichiWorldServerOptions, type RunningKichiWorld, startKichiWorld } from "./server.js";
export { type Delivery, KichiWorld, NOTES_DAILY_LIMIT } from "./world.js";
