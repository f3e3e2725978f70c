// The host surfaces an app may be handed: app definition, db, Discord control, app lifecycle, action engine.
import type {
  ActionEngineLike,
  ActionRunContext,
  AppDbContext,
  AppLifecycle,
  DiscordChannelControl,
  DiscordGuildChannel,
  DrizzleDb,
  RomeAppDefinition,
} from "@rome-os/app-runtime";

export const definition: RomeAppDefinition = { id: "notes", version: "1.2.0", description: "Notes", kind: "tool" };

export function tables(db: AppDbContext): string[] {
  const connection: DrizzleDb = db.connection;
  void connection;
  return [db.tableName("notes"), `${db.tablePrefix}tags`];
}

export async function textChannels(discord: DiscordChannelControl): Promise<DiscordGuildChannel[]> {
  await discord.reloadConfig();
  return (await discord.listChannels()).filter((channel) => channel.type === "text" && channel.parentId !== undefined);
}

export async function scaffold(apps: AppLifecycle): Promise<void> {
  await apps.create({ appId: "notes", rootPath: "/srv/apps/notes", template: "workflow" });
  await apps.install({ source: { kind: "local", path: "/srv/apps/notes" }, enabled: true });
  await apps.setEnabled({ appId: "notes", enabled: false });
  await apps.uninstall({ appId: "notes", purge: true });
}

export async function runFor(engine: ActionEngineLike, user: string): Promise<string> {
  const context: ActionRunContext = {
    initiator: user,
    channelContext: { channel: "discord", threadId: "c1" },
    sharedContext: { reason: "manual" },
  };
  const result = await engine.run("notes_list", { limit: 5 }, context);
  return result.status;
}
