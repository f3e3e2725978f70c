// Looking people up across channels, filing approvals and reviewing the sentinel log.
import type {
  ApprovalRecord,
  ApprovalsRepository,
  ChannelMappingRecord,
  PersonMappingRepository,
  PersonRecord,
  SentinelLogEntry,
  SentinelLogRepository,
} from "@rome-os/app-runtime";

export async function ensureGuardian(people: PersonMappingRepository, mapping: ChannelMappingRecord): Promise<string> {
  const known: PersonRecord | null = await people.findByChannelUser(mapping.channel, mapping.channelUserId);
  if (known) return known.id;
  const [guardian] = await people.findByBondLevel("guardian");
  if (guardian) {
    await people.addChannelMapping(guardian.id, mapping.channel, mapping.channelUserId, guardian.displayName);
    return guardian.id;
  }
  return people.create({ displayName: "Guardian", bondLevel: "guardian", approved: true, channelMappings: [mapping] });
}

export async function escalate(approvals: ApprovalsRepository, log: SentinelLogRepository): Promise<number> {
  const entries: SentinelLogEntry[] = await log.findUnreviewed();
  const escalated = entries.filter((entry) => entry.action === "escalated");
  for (const entry of escalated) {
    await approvals.create({
      type: "sentinel",
      requestedBy: entry.channelUserId,
      description: entry.text ?? "",
      payload: { id: entry.id },
    });
  }
  await log.markReviewed(escalated.map((entry) => entry.id));
  return escalated.length;
}

export const pendingOnly = (records: ApprovalRecord[]) => records.filter((record) => record.status === "pending");
