// Writing a turn recap into a web chat session, with settings read through either name.
import type {
  AddTurnRecapMessageInput,
  AppRuntimeRepositories,
  AppSettingsRepository,
  SettingsRepository,
  WebChatRecapMessage,
  WebChatRecapRepository,
  WebChatRecapSession,
} from "@rome-os/app-runtime";

export async function recap(repositories: AppRuntimeRepositories, sessionId: string, turnId: string): Promise<WebChatRecapMessage | null> {
  const recaps: WebChatRecapRepository | undefined = repositories.webchatRecaps;
  if (!recaps) return null;
  const session: WebChatRecapSession | null = await recaps.getSession(sessionId);
  if (!session) return null;
  const messages = await recaps.getMessages(session.id);
  const input: AddTurnRecapMessageInput = {
    sessionId,
    turnId,
    content: `${messages.length} messages in ${session.name} (${session.projectName})`,
    audioMimeType: "audio/ogg",
  };
  return recaps.addTurnRecapMessage(input);
}

export async function flag(settings: SettingsRepository): Promise<boolean> {
  const same: AppSettingsRepository = settings;
  return (await same.get<boolean>("recaps.enabled")) ?? false;
}
