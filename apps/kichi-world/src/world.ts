import { randomBytes } from "node:crypto";
import {
  type KichiAckType,
  KichiAvatarIdSchema,
  type KichiAvatarStatus,
  type KichiBotHistoryEntry,
  type KichiClientFrame,
  type KichiClock,
  type KichiIdlePlan,
  type KichiMateDailySchedule,
  type KichiPlayback,
  type KichiPoseableProp,
  type KichiQueryStatusResultFrame,
  type KichiServerFrame,
  type KichiWorldIdentitiesFile,
  mateScheduleAt,
} from "@clawbridge/contracts";
import { secretEquals } from "@clawbridge/plugin-host";
import { NOTES_BOARD_PROP_ID, ROOM_PROPS, type RoomProp } from "./props.js";

export const NOTES_DAILY_LIMIT = 3;
const MAX_NOTES = 200;
export const DEFAULT_MAX_IDENTITIES = 10_000;

export interface AvatarRecord {
  avatarId: string;
  authKey: string;
  botName: string;
  bio: string;
  tags: string[];
  joinedAt: string;
}

export interface Presence {
  poseType: string;
  action: string;
  bubble: string;
  log: string;
  playback?: KichiPlayback;
  avatarStatus?: KichiAvatarStatus;
  propId?: string;
  /** The last `kichi_glance`: where the avatar looks, and until when. */
  glance?: { target: "camera"; until: string };
  updatedAt: string;
}

/** What the person at the Kichi client is doing, as `query_status_result.currentUserActivity` carries it. */
export type CurrentUserActivity = NonNullable<KichiQueryStatusResultFrame["currentUserActivity"]>;

interface AvatarActivity {
  idlePlan?: KichiIdlePlan & { receivedAt: string };
  clock?: KichiClock & { setAt: string };
  albums: Array<{ day: string; albumTitle: string; musicTitles: string[]; createdAt: string }>;
  lastBotMessage?: { to: string; bubble: string; depth: number; at: string };
  schedule?: KichiMateDailySchedule & { syncedAt: string };
}

interface Note {
  propId: string;
  authorAvatarId: string;
  authorName: string;
  createdAtUtc: string;
  content: string;
}

/** A frame the world sends, to one connection or to every connection of an avatar. */
export interface Delivery {
  to: { connection: string } | { avatar: string };
  frame: KichiServerFrame;
  /**
   * Set on a frame that hands out or revokes an auth key (`join_ack`, `leave_ack`): the server sends it
   * only once the identities are on disk, and `ifNotSaved` instead when that write fails, so no client
   * holds a key a restart would forget.
   */
  durable?: { ifNotSaved: KichiServerFrame };
}

export interface WorldOptions {
  now?: () => Date;
  newAuthKey?: () => string;
  /** Avatars the world issues keys to; a join of a new avatar past it is refused. */
  maxIdentities?: number;
  /** What the person at the client is doing; null when nobody is there. Default: typing at the desk. */
  currentUserActivity?: CurrentUserActivity | null;
}

const DEFAULT_CURRENT_USER_ACTIVITY: CurrentUserActivity = {
  poseType: "sit",
  action: "Typing with Keyboard",
  interactingItemName: "Desk",
  desktopAppName: "Editor",
};

/** How far back a note counts as the author's recent note when refusing a repeat of it. */
const NOTE_REPEAT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A note's text as compared for repeats: case, spacing and punctuation do not make a note new. */
const noteKey = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** The ack each request frame awaits, where a refusal of it is answered (upstream reads refusals there). */
const ACK_OF: Partial<Record<KichiClientFrame["type"], KichiAckType>> = {
  leave: "leave_ack",
  status: "status_ack",
  kichi_glance: "kichi_glance_ack",
  bot_message: "bot_message_ack",
  kichi_idle_plan: "kichi_idle_plan_ack",
  clock: "clock_ack",
  create_notes_board_note: "create_notes_board_note_ack",
  create_music_album: "create_music_album_ack",
  kichi_sync_mate_daily_schedule: "kichi_sync_mate_daily_schedule_ack",
};

/**
 * A refusal of `frame`: in the ack it awaits (`{success:false, errorCode, errorMessage}`) when it is a
 * request (it has a request id, or it is a leave, which upstream sends without one and awaits the ack
 * of); undefined when the frame awaits no ack, and the caller answers another way.
 */
function refusal(frame: KichiClientFrame, code: string, message: string): KichiServerFrame | undefined {
  const requestId = "requestId" in frame && frame.requestId ? { requestId: frame.requestId } : {};
  const ack = ACK_OF[frame.type];
  if (ack && (requestId.requestId || frame.type === "leave")) {
    return { type: ack, ...requestId, success: false, errorCode: code, errorMessage: message };
  }
  return undefined;
}

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/** What a client gets instead of a key the server could not write to disk: a refusal to retry. */
const notSaved = (type: "join_ack" | "leave_ack", requestId: { requestId?: string }): KichiServerFrame => ({
  type,
  ...requestId,
  success: false,
  errorCode: "identity_not_saved",
  errorMessage: "The server could not write the identity to disk, so this is not acknowledged; try again",
});

/**
 * The state of one Kichi room and the rules of the protocol: who joined (and their auth keys), who
 * is connected, what each avatar is doing, props and their occupancy, notes with a daily quota, one
 * music album a day, clocks, idle plans, and bot messages. `handle` turns a parsed frame from one
 * connection into the frames to send; the server does the I/O.
 */
export class KichiWorld {
  readonly #avatars = new Map<string, AvatarRecord>();
  readonly #connections = new Map<string, string>();
  readonly #presence = new Map<string, Presence>();
  readonly #activity = new Map<string, AvatarActivity>();
  readonly #notes: Note[] = [];
  readonly #now: () => Date;
  readonly #newAuthKey: () => string;
  readonly #maxIdentities: number;
  readonly #currentUserActivity: CurrentUserActivity | null;

  constructor(options: WorldOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#newAuthKey = options.newAuthKey ?? (() => randomBytes(24).toString("base64url"));
    this.#maxIdentities = options.maxIdentities ?? DEFAULT_MAX_IDENTITIES;
    this.#currentUserActivity = options.currentUserActivity === undefined ? DEFAULT_CURRENT_USER_ACTIVITY : options.currentUserActivity;
  }

  /**
   * Takes the saved identities. An entry whose id is not a valid avatar id (an older server accepted
   * `__proto__`) could never be used again, as every frame naming it is refused: it is skipped and
   * its id returned for the log.
   */
  loadIdentities(file: KichiWorldIdentitiesFile): string[] {
    const skipped: string[] = [];
    for (const avatar of file.avatars) {
      if (KichiAvatarIdSchema.safeParse(avatar.avatarId).success) this.#avatars.set(avatar.avatarId, { ...avatar });
      else skipped.push(avatar.avatarId);
    }
    return skipped;
  }

  identities(): KichiWorldIdentitiesFile {
    return { version: 1, avatars: [...this.#avatars.values()].map((a) => ({ ...a })) };
  }

  /** The avatar a connection speaks for, once it joined or rejoined. */
  avatarOf(connection: string): string | undefined {
    return this.#connections.get(connection);
  }

  connectionsOf(avatarId: string): string[] {
    return [...this.#connections.entries()].filter(([, avatar]) => avatar === avatarId).map(([connection]) => connection);
  }

  /** A connection closed: the avatar leaves the room (its identity stays) unless another connection holds it. */
  disconnect(connection: string): void {
    const avatarId = this.#connections.get(connection);
    this.#connections.delete(connection);
    if (avatarId && this.connectionsOf(avatarId).length === 0) this.#presence.delete(avatarId);
  }

  handle(connection: string, frame: KichiClientFrame): Delivery[] {
    const reply = (f: Delivery["frame"]): Delivery[] => [{ to: { connection }, frame: f }];
    const requestId = "requestId" in frame && frame.requestId ? { requestId: frame.requestId } : {};
    if (frame.type === "join") return [this.#join(connection, frame, requestId)];
    const avatar = this.#avatars.get(frame.avatarId);
    if (!avatar || !secretEquals(frame.authKey, avatar.authKey)) {
      const reason = avatar ? "auth key does not match" : "unknown avatar; join first";
      const refused = refusal(frame, "auth_error", `Not authorised: ${reason}`);
      if (refused) return reply(refused);
      return reply({ type: frame.type === "rejoin" ? "rejoin_failed" : "auth_error", ...requestId, reason });
    }
    if (frame.type === "rejoin") {
      this.#enter(connection, avatar.avatarId);
      return reply({ type: "rejoin_ack", ...requestId, avatarId: avatar.avatarId, acks: true });
    }
    if (this.#connections.get(connection) !== avatar.avatarId) this.#enter(connection, avatar.avatarId);
    const activity = this.#activityOf(avatar.avatarId);
    const now = this.#now();
    switch (frame.type) {
      case "leave":
        this.#avatars.set(avatar.avatarId, { ...avatar, authKey: this.#newAuthKey() });
        for (const c of this.connectionsOf(avatar.avatarId)) this.#connections.delete(c);
        this.#presence.delete(avatar.avatarId);
        return [
          {
            to: { connection },
            frame: { type: "leave_ack", ...requestId, success: true },
            durable: { ifNotSaved: notSaved("leave_ack", requestId) },
          },
        ];
      case "status": {
        const placed = this.#place(avatar.avatarId, frame.poseType, frame.action, frame.propId);
        this.#presence.set(avatar.avatarId, {
          poseType: placed.poseType,
          action: placed.action,
          bubble: frame.bubble,
          log: frame.log,
          playback: frame.playback,
          ...(frame.avatarStatus ? { avatarStatus: frame.avatarStatus } : {}),
          ...(placed.propId ? { propId: placed.propId } : {}),
          updatedAt: now.toISOString(),
        });
        if (!frame.requestId) return [];
        return reply({
          type: "status_ack",
          requestId: frame.requestId,
          poseType: placed.poseType,
          action: placed.action,
          ...(placed.propId ? { propId: placed.propId } : {}),
          ...(frame.propId ? { requestedPropId: frame.propId } : {}),
          ...(placed.warning ? { warning: placed.warning } : {}),
        });
      }
      case "message_received":
      case "before_send_message": {
        const presence = this.#presence.get(avatar.avatarId);
        if (presence) this.#presence.set(avatar.avatarId, { ...presence, bubble: frame.bubble, updatedAt: now.toISOString() });
        return [];
      }
      case "kichi_idle_plan": {
        const { type: _t, avatarId: _a, authKey: _k, requestId: _r, ...plan } = frame;
        activity.idlePlan = { ...plan, receivedAt: now.toISOString() };
        return frame.requestId ? reply({ type: "kichi_idle_plan_ack", requestId: frame.requestId }) : [];
      }
      case "clock":
        if (frame.action === "set") activity.clock = { ...frame.clock, setAt: now.toISOString() };
        else delete activity.clock;
        return frame.requestId ? reply({ type: "clock_ack", requestId: frame.requestId, action: frame.action }) : [];
      case "create_notes_board_note": {
        const error = this.#noteError(avatar.avatarId, frame.propId, frame.data, now);
        if (error) return reply(refusal(frame, error.code, error.message) ?? { type: "error", code: error.code, message: error.message });
        this.#notes.push({
          propId: frame.propId,
          authorAvatarId: avatar.avatarId,
          authorName: avatar.botName,
          createdAtUtc: now.toISOString(),
          content: frame.data,
        });
        if (this.#notes.length > MAX_NOTES) this.#notes.shift();
        const remaining = NOTES_DAILY_LIMIT - this.#notesToday(avatar.avatarId, now);
        return frame.requestId ? reply({ type: "create_notes_board_note_ack", requestId: frame.requestId, remaining }) : [];
      }
      case "create_music_album": {
        if (activity.albums.some((a) => a.day === utcDay(now))) {
          return reply({
            type: "create_music_album_ack",
            requestId: frame.requestId,
            success: false,
            errorCode: "album_already_created",
            errorMessage: "A music album was already created today; try again tomorrow (UTC)",
          });
        }
        activity.albums.push({
          day: utcDay(now),
          albumTitle: frame.albumTitle,
          musicTitles: frame.musicTitles,
          createdAt: now.toISOString(),
        });
        return reply({ type: "create_music_album_ack", requestId: frame.requestId });
      }
      case "query_status":
        return reply(this.#queryResult(avatar.avatarId, frame.requestId, now));
      case "bot_message":
        return this.#relayBotMessage(connection, avatar, frame, now);
      case "kichi_glance": {
        const presence = this.#presence.get(avatar.avatarId);
        const until = new Date(now.getTime() + frame.duration * 1000).toISOString();
        if (presence) this.#presence.set(avatar.avatarId, { ...presence, glance: { target: frame.target, until } });
        return reply({ type: "kichi_glance_ack", requestId: frame.requestId, target: frame.target });
      }
      case "kichi_sync_mate_daily_schedule":
        activity.schedule = { ...frame.schedule, syncedAt: now.toISOString() };
        return frame.requestId
          ? reply({ type: "kichi_sync_mate_daily_schedule_ack", requestId: frame.requestId, date: frame.schedule.date })
          : [];
    }
  }

  /**
   * The avatar is in the room scene unless the schedule it synced for today puts it elsewhere (home,
   * out in the real world) at this hour.
   */
  isAvatarInScene(avatarId: string, now: Date): boolean {
    const schedule = this.#activity.get(avatarId)?.schedule;
    if (!schedule) return true;
    const at = mateScheduleAt(schedule, now);
    return !at.ok || at.current.place.type === "kichi_room";
  }

  #join(connection: string, frame: Extract<KichiClientFrame, { type: "join" }>, requestId: { requestId?: string }): Delivery {
    const existing = this.#avatars.get(frame.avatarId);
    if (!existing && this.#avatars.size >= this.#maxIdentities) {
      return {
        to: { connection },
        frame: {
          type: "join_ack",
          ...requestId,
          success: false,
          errorCode: "too_many_avatars",
          errorMessage: `This world already holds ${this.#maxIdentities} avatars, its limit; join with an avatarId that joined before`,
        },
      };
    }
    const record: AvatarRecord = {
      avatarId: frame.avatarId,
      authKey: this.#newAuthKey(),
      botName: frame.botName,
      bio: frame.bio,
      tags: frame.tags,
      joinedAt: existing?.joinedAt ?? this.#now().toISOString(),
    };
    // A new join issues a new key: any other connection holding the old one is signed out.
    for (const c of this.connectionsOf(frame.avatarId)) if (c !== connection) this.#connections.delete(c);
    this.#avatars.set(record.avatarId, record);
    this.#enter(connection, record.avatarId);
    return {
      to: { connection },
      frame: { type: "join_ack", ...requestId, success: true, authKey: record.authKey, acks: true },
      durable: { ifNotSaved: notSaved("join_ack", requestId) },
    };
  }

  #enter(connection: string, avatarId: string): void {
    this.#connections.set(connection, avatarId);
    if (!this.#presence.has(avatarId)) {
      this.#presence.set(avatarId, {
        poseType: "stand",
        action: "Idle Backup Hands",
        bubble: "",
        log: "",
        updatedAt: this.#now().toISOString(),
      });
    }
  }

  #activityOf(avatarId: string): AvatarActivity {
    let activity = this.#activity.get(avatarId);
    if (!activity) {
      activity = { albums: [] };
      this.#activity.set(avatarId, activity);
    }
    return activity;
  }

  #occupants(propId: string, except?: string): string[] {
    return [...this.#presence.entries()].filter(([avatar, p]) => p.propId === propId && avatar !== except).map(([avatar]) => avatar);
  }

  #hasRoom(prop: RoomProp, avatarId: string): boolean {
    return this.#occupants(prop.propId, avatarId).length < prop.capacity;
  }

  /**
   * Where a status puts the avatar. Sit and lay need a prop: the requested one if it exists, supports
   * the pose and has room, else the first free one (with a warning); with none free the avatar stands.
   */
  #place(
    avatarId: string,
    poseType: string,
    action: string,
    propId: string | undefined,
  ): { poseType: string; action: string; propId?: string; warning?: string } {
    const needsProp = poseType === "sit" || poseType === "lay";
    const fits = (p: RoomProp) => (p.supportedPoseTypes as readonly string[]).includes(poseType);
    let warning: string | undefined;
    if (propId) {
      const prop = ROOM_PROPS.find((p) => p.propId === propId);
      if (!prop) warning = `prop "${propId}" does not exist`;
      else if (!fits(prop)) warning = `prop "${propId}" does not support pose ${poseType}`;
      else if (!this.#hasRoom(prop, avatarId)) warning = `prop "${propId}" is fully occupied`;
      else return { poseType, action, propId };
    }
    if (!needsProp) return warning ? { poseType, action, warning: `${warning}; the avatar stays where it is` } : { poseType, action };
    const free = ROOM_PROPS.find((p) => fits(p) && this.#hasRoom(p, avatarId));
    if (free)
      return { poseType, action, propId: free.propId, ...(warning ? { warning: `${warning}; used "${free.propId}" instead` } : {}) };
    return {
      poseType: "stand",
      action: "Idle Backup Hands",
      warning: `${warning ? `${warning}; ` : ""}no free prop supports ${poseType}; the action was adjusted to stand/Idle Backup Hands`,
    };
  }

  #notesToday(avatarId: string, now: Date): number {
    const day = utcDay(now);
    return this.#notes.filter((n) => n.authorAvatarId === avatarId && n.createdAtUtc.startsWith(day)).length;
  }

  #noteError(avatarId: string, propId: string, data: string, now: Date): { code: string; message: string } | undefined {
    if (propId !== NOTES_BOARD_PROP_ID)
      return { code: "unknown_notes_board", message: `"${propId}" is not a notes board (use ${NOTES_BOARD_PROP_ID})` };
    if (this.#notesToday(avatarId, now) >= NOTES_DAILY_LIMIT) {
      return { code: "note_quota_exceeded", message: `The daily limit of ${NOTES_DAILY_LIMIT} notes is reached; try again tomorrow (UTC)` };
    }
    const key = noteKey(data);
    const since = now.getTime() - NOTE_REPEAT_WINDOW_MS;
    const repeated = this.#notes.some(
      (n) => n.authorAvatarId === avatarId && n.propId === propId && Date.parse(n.createdAtUtc) >= since && noteKey(n.content) === key,
    );
    if (repeated) {
      return { code: "duplicate_note", message: "You pinned this same note on this board within the last day; write something new" };
    }
    return undefined;
  }

  poseableProps(): KichiPoseableProp[] {
    return ROOM_PROPS.map((prop) => {
      const occupants = this.#occupants(prop.propId);
      return {
        PropId: prop.propId,
        DisplayName: prop.displayName,
        Description: prop.description,
        SupportedPoseTypes: [...prop.supportedPoseTypes],
        OccupancyState: occupants.length === 0 ? "free" : occupants.length >= prop.capacity ? "fully_occupied" : "partially_occupied",
        Capacity: prop.capacity,
        OccupiedBy: occupants,
      };
    });
  }

  /** Who is in the room now and what they do; for the query result and the page. */
  personnel(currentAvatarId?: string) {
    return [...this.#presence.entries()].map(([avatarId, presence]) => {
      const record = this.#avatars.get(avatarId);
      return {
        avatarId,
        botName: record?.botName ?? avatarId,
        bio: record?.bio ?? "",
        tags: record?.tags ?? [],
        isCurrentAgent: avatarId === currentAvatarId,
        ...presence,
      };
    });
  }

  #queryResult(avatarId: string, requestId: string, now: Date): KichiQueryStatusResultFrame {
    const activity = this.#activityOf(avatarId);
    const remaining = Math.max(0, NOTES_DAILY_LIMIT - this.#notesToday(avatarId, now));
    return {
      type: "query_status_result",
      requestId,
      errorCode: null,
      errorMessage: null,
      isAvatarInScene: this.isAvatarInScene(avatarId, now),
      dailyLimit: NOTES_DAILY_LIMIT,
      remaining,
      canCreateNoteboardNote: remaining > 0,
      hasCreatedMusicAlbumToday: activity.albums.some((a) => a.day === utcDay(now)),
      notes: this.#notes.map((n) => ({
        propId: n.propId,
        authorName: n.authorName,
        isCreatedByCurrentAgent: n.authorAvatarId === avatarId,
        // Every note here is pinned by an avatar; the person at the client writes none on this server.
        isFromCurrentUser: false,
        createdAtUtc: n.createdAtUtc,
        content: n.content,
      })),
      currentUserActivity: this.#currentUserActivity,
      personnel: this.personnel(avatarId),
      timer: activity.clock ?? null,
      idlePlan: activity.idlePlan ?? null,
      musicAlbums: activity.albums,
      environmentWeather: { condition: "clear" },
      environmentTime: { utc: now.toISOString() },
      RoomContext: { PoseableProps: this.poseableProps() },
    };
  }

  #relayBotMessage(
    connection: string,
    from: AvatarRecord,
    frame: Extract<KichiClientFrame, { type: "bot_message" }>,
    now: Date,
  ): Delivery[] {
    const targets =
      frame.toAvatarId === "*"
        ? [...new Set(this.#connections.values())].filter((a) => a !== from.avatarId)
        : this.connectionsOf(frame.toAvatarId).length > 0
          ? [frame.toAvatarId]
          : [];
    if (targets.length === 0) {
      const message = frame.toAvatarId === "*" ? "No other bot is in the room" : `Avatar "${frame.toAvatarId}" is not in the room`;
      return [
        {
          to: { connection },
          frame: {
            type: "bot_message_ack",
            requestId: frame.requestId,
            success: false,
            errorCode: "target_not_in_room",
            errorMessage: message,
          },
        },
      ];
    }
    this.#activityOf(from.avatarId).lastBotMessage = {
      to: frame.toAvatarId,
      bubble: frame.bubble,
      depth: frame.depth,
      at: now.toISOString(),
    };
    if (frame.poseType && frame.action) {
      const placed = this.#place(from.avatarId, frame.poseType, frame.action, undefined);
      this.#presence.set(from.avatarId, {
        poseType: placed.poseType,
        action: placed.action,
        bubble: frame.bubble,
        log: frame.log ?? "",
        ...(placed.propId ? { propId: placed.propId } : {}),
        updatedAt: now.toISOString(),
      });
    } else {
      const presence = this.#presence.get(from.avatarId);
      if (presence) this.#presence.set(from.avatarId, { ...presence, bubble: frame.bubble, updatedAt: now.toISOString() });
    }
    const history: KichiBotHistoryEntry[] = frame.history ?? [];
    const deliveries: Delivery[] = targets.map((avatar) => ({
      to: { avatar },
      frame: {
        type: "bot_message_received",
        from: from.avatarId,
        fromName: from.botName,
        depth: frame.depth,
        bubble: frame.bubble,
        history,
      },
    }));
    deliveries.push({
      to: { connection },
      frame: { type: "bot_message_ack", requestId: frame.requestId, toAvatarId: frame.toAvatarId, deliveredTo: targets },
    });
    return deliveries;
  }

  /** A read-only snapshot for the page and `/state.json`. */
  snapshot() {
    return {
      personnel: this.personnel(),
      props: this.poseableProps(),
      notes: this.#notes.map((n) => ({ propId: n.propId, authorName: n.authorName, createdAtUtc: n.createdAtUtc, content: n.content })),
      clocks: [...this.#activity.entries()].flatMap(([avatarId, a]) => (a.clock ? [{ avatarId, ...a.clock }] : [])),
      idlePlans: [...this.#activity.entries()].flatMap(([avatarId, a]) =>
        a.idlePlan ? [{ avatarId, goal: a.idlePlan.goal, stages: a.idlePlan.stages.length }] : [],
      ),
      albums: [...this.#activity.entries()].flatMap(([avatarId, a]) => a.albums.map((album) => ({ avatarId, ...album }))),
      lastBotMessages: [...this.#activity.entries()].flatMap(([avatarId, a]) =>
        a.lastBotMessage ? [{ avatarId, ...a.lastBotMessage }] : [],
      ),
    };
  }
}
