import { z } from "zod";

/** The channel id kichi-forwarder registers: bot messages from Kichi World enter agents through it. */
export const KICHI_CHANNEL_ID = "kichi";

/**
 * `channels.kichi`: the Kichi bot-conversation channel. One account (`default`); the section is
 * optional, and without it the channel is enabled. `enabled: false` stops automatic bot replies.
 */
export const KichiChannelConfigSchema = z.strictObject({
  enabled: z.boolean().optional().describe("Answer bot messages from Kichi World automatically (default true)"),
});
export type KichiChannelConfig = z.infer<typeof KichiChannelConfigSchema>;
