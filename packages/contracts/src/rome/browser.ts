import { z } from "zod";

/** A browser the host discovered, reachable over the DevTools protocol at `browserUrl` (http://host:port). */
export const RomeBrowserEndpointSchema = z.object({ name: z.string().min(1), browserUrl: z.url() });
export type RomeBrowserEndpoint = z.infer<typeof RomeBrowserEndpointSchema>;

/** The target `/json/new` answers with: a page and the WebSocket that debugs it. */
export const RomeCdpPageTargetSchema = z.looseObject({ id: z.string().min(1), webSocketDebuggerUrl: z.string().min(1) });
export type RomeCdpPageTarget = z.infer<typeof RomeCdpPageTargetSchema>;

/** A DevTools protocol frame from the browser: a reply to command `id`, or an event (no `id`). */
export const RomeCdpIncomingFrameSchema = z.looseObject({
  id: z.number().int().optional(),
  result: z.unknown().optional(),
  error: z.looseObject({ message: z.string() }).optional(),
  method: z.string().optional(),
  params: z.unknown().optional(),
});
export type RomeCdpIncomingFrame = z.infer<typeof RomeCdpIncomingFrameSchema>;

/** `Runtime.evaluate`'s reply with `returnByValue`: the value, or why the page threw. */
export const RomeCdpEvaluateResultSchema = z.looseObject({
  result: z.looseObject({ value: z.unknown().optional() }),
  exceptionDetails: z
    .looseObject({
      text: z.string().optional(),
      exception: z.looseObject({ description: z.string().optional(), value: z.unknown().optional() }).optional(),
    })
    .optional(),
});
export type RomeCdpEvaluateResult = z.infer<typeof RomeCdpEvaluateResultSchema>;
