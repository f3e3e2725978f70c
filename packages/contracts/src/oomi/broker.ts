import { z } from "zod";
import { OomiChannelMessageSchema } from "./channel.js";

/**
 * The device broker WebSocket (`brokerDeviceWsUrl`, `?token=<deviceToken>`). Frames are JSON objects
 * tagged by `type`, the envelope upstream's bridge speaks; when the path ends in `/cable` each frame
 * travels inside ActionCable's envelope (below). A frame is at most `OOMI_BROKER_MAX_FRAME_BYTES`.
 */
export const OOMI_BROKER_MAX_FRAME_BYTES = 64 * 1024;
export const OOMI_BROKER_WS_PATH = "/v1/device/ws";
export const OOMI_BROKER_CABLE_PATH = "/cable";
/** The ActionCable channel a device subscribes to. */
export const OOMI_DEVICE_CHANNEL_IDENTIFIER = JSON.stringify({ channel: "DeviceChannel" });

/** Backend → device. */
export const OomiBrokerServerFrameSchema = z.discriminatedUnion("type", [
  /** The connection is authenticated and subscribed: messages for `deviceId` follow. */
  z.object({ type: z.literal("device.ready"), deviceId: z.string().min(1) }),
  /** One user chat message for the device; it stays queued until the device acks it. */
  z.object({ type: z.literal("channel.message"), message: OomiChannelMessageSchema }),
  /** The backend settled an ack (`channel.ack`) from this device. */
  z.object({ type: z.literal("channel.acked"), messageId: z.string().min(1), state: z.enum(["delivered", "failed"]) }),
  /** A frame the backend refused; the connection stays open. */
  z.object({ type: z.literal("error"), code: z.string().min(1), message: z.string().min(1) }),
]);
export type OomiBrokerServerFrame = z.infer<typeof OomiBrokerServerFrameSchema>;

/** Device → backend. Upstream's bridge also sends `gateway.frame`, `gateway.ack`, `gateway.closed` and `log` (accepted, not routed here). */
export const OomiBrokerDeviceFrameSchema = z.discriminatedUnion("type", [
  /** The device settled a `channel.message`: the reply (if any) is already posted to `/v1/channel/plugin/messages`. */
  z.object({
    type: z.literal("channel.ack"),
    messageId: z.string().min(1),
    outcome: z.enum(["delivered", "failed"]),
    failureCode: z.string().min(1).optional(),
  }),
  z.object({ type: z.literal("heartbeat") }),
  z.looseObject({ type: z.enum(["gateway.frame", "gateway.ack", "gateway.closed", "log"]) }),
]);
export type OomiBrokerDeviceFrame = z.infer<typeof OomiBrokerDeviceFrameSchema>;

/**
 * ActionCable framing (path ending `/cable`). Server → client: `welcome`, `ping`, `confirm_subscription`,
 * `reject_subscription`, `disconnect`, or `{identifier, message: <frame>}`. Client → server:
 * `{command:"subscribe", identifier}` and `{command:"message", identifier, data: JSON.stringify(<frame>)}`.
 */
export const OomiCableServerEnvelopeSchema = z.union([
  z.object({ type: z.enum(["welcome", "ping", "confirm_subscription", "reject_subscription", "disconnect"]) }).loose(),
  z.object({ identifier: z.string(), message: z.unknown() }),
]);
export const OomiCableClientEnvelopeSchema = z.discriminatedUnion("command", [
  z.object({ command: z.literal("subscribe"), identifier: z.string().min(1) }),
  z.object({ command: z.literal("unsubscribe"), identifier: z.string().min(1) }),
  z.object({ command: z.literal("message"), identifier: z.string().min(1), data: z.string().min(2) }),
]);
export type OomiCableClientEnvelope = z.infer<typeof OomiCableClientEnvelopeSchema>;
