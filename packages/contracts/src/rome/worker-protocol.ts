import { z } from "zod";
import { RomeActionEventSchema, RomeActionInvocationFailureSchema } from "./action.js";

/** Parent → action worker, over the child process's IPC channel. */
export const RomeWorkerRequestSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("invoke"),
    id: z.number().int().nonnegative(),
    name: z.string(),
    args: z.record(z.string(), z.unknown()),
  }),
  z.object({ type: z.literal("cancel"), id: z.number().int().nonnegative() }),
]);
export type RomeWorkerRequest = z.infer<typeof RomeWorkerRequestSchema>;

/** Action worker → parent. `result` is checked again by the parent, as anything from another process. */
export const RomeWorkerReplySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), actions: z.array(z.string()) }),
  z.object({ type: z.literal("load_failed"), message: z.string() }),
  z.object({ type: z.literal("started"), id: z.number().int().nonnegative() }),
  /** An event the running action emitted, in emission order, always before its `settled`/`failed`. */
  z.object({ type: z.literal("event"), id: z.number().int().nonnegative(), event: RomeActionEventSchema }),
  z.object({ type: z.literal("settled"), id: z.number().int().nonnegative(), result: z.unknown() }),
  z.object({ type: z.literal("failed"), id: z.number().int().nonnegative(), failure: RomeActionInvocationFailureSchema }),
]);
export type RomeWorkerReply = z.infer<typeof RomeWorkerReplySchema>;
