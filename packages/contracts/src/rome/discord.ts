import { z } from "zod";

/** A Discord guild channel as the running bot enumerates it. */
export const RomeDiscordGuildChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  guildId: z.string(),
  guildName: z.string(),
  type: z.string(),
  parentId: z.string().optional(),
});
export type RomeDiscordGuildChannel = z.infer<typeof RomeDiscordGuildChannelSchema>;
