// A loopback channel adapter: inbound messages normalized, outbound ones recorded.
import type { Attachment, ChannelAdapter, ChannelMessageHook, NormalizedMessage, OutgoingMessage } from "@rome-os/app-runtime";

export class LoopbackChannel implements ChannelAdapter {
  readonly channelName = "webchat";
  readonly sent: { to: string; thread: string; message: OutgoingMessage }[] = [];
  #handler: ((message: NormalizedMessage) => Promise<void>) | undefined;

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async sendMessage(channelUserId: string, threadId: string, message: OutgoingMessage): Promise<void> {
    this.sent.push({ to: channelUserId, thread: threadId, message });
  }

  onMessage(handler: (message: NormalizedMessage) => Promise<void>): void {
    this.#handler = handler;
  }

  async saveIncomingAttachments(message: NormalizedMessage): Promise<Attachment[]> {
    return message.attachments.map((attachment) => ({ ...attachment, localPath: `/tmp/${attachment.fileName ?? "file"}` }));
  }

  async receive(text: string): Promise<void> {
    await this.#handler?.({
      id: "m1",
      channel: "webchat",
      channelUserId: "u1",
      displayName: "Ana",
      threadId: "t1",
      threadType: "private",
      timestamp: new Date(),
      text,
      attachments: [{ type: "document", fileName: "notes.txt", mimeType: "text/plain" }],
      routing: { agentName: "helper" },
      rawEvent: { text },
    });
  }
}

export function hookFor(adapters: ChannelAdapter[]): ChannelMessageHook {
  return {
    register: () => {
      for (const adapter of adapters) adapter.onMessage(async () => undefined);
    },
    registerAdapter: (adapter) => void adapters.push(adapter),
  };
}
