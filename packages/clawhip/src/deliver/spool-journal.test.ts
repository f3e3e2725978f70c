import { writeSync } from "node:fs";
import { appendFile, type FileHandle, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawhipConfigSchema, type ClawhipDeliveryJob } from "@clawbridge/contracts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClawhipRuntime } from "../runtime/clawhip-runtime.js";
import { SpoolJournal } from "./spool-journal.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "clawhip-journal-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const job = (n: number): ClawhipDeliveryJob => ({
  key: `e${n}|0|discord-webhook|http://127.0.0.1:1/w`,
  event_id: `e${n}`,
  event_kind: "session.finished",
  sink: "discord",
  target: { kind: "discord-webhook", value: "http://127.0.0.1:1/w" },
  format: "compact",
  content: `message ${n}`,
  accepted_at: "2026-04-01T00:00:00.000Z",
});

describe("SpoolJournal", () => {
  it("group-commits concurrent appends and replays pending jobs and delivered keys after reopening", async () => {
    const journal = await SpoolJournal.open(dir, { dedupeWindow: 100 });
    await Promise.all([1, 2, 3].map((n) => journal.append([{ t: "job", job: job(n) }])));
    await journal.append([{ t: "done", key: job(2).key }]);
    await journal.close();
    const reopened = await SpoolJournal.open(dir, { dedupeWindow: 100 });
    expect(reopened.pendingJobs().map((j) => j.event_id)).toEqual(["e1", "e3"]);
    expect(reopened.isKnown(job(2).key)).toBe(true);
    expect(reopened.isKnown(job(4).key)).toBe(false);
    await reopened.close();
    const files = await readdir(join(dir));
    expect(files).toHaveLength(1);
    expect((await stat(join(dir, files[0] as string))).mode & 0o777).toBe(0o600);
  });

  it("ignores a torn last line (a write that was never acknowledged) and counts it", async () => {
    const journal = await SpoolJournal.open(dir, { dedupeWindow: 100 });
    await journal.append([{ t: "job", job: job(1) }]);
    await journal.close();
    const [segment] = await readdir(dir);
    await appendFile(join(dir, segment as string), '{"t":"job","job":{"key":"half');
    const reopened = await SpoolJournal.open(dir, { dedupeWindow: 100 });
    expect(reopened.skippedLines).toBe(1);
    expect(reopened.pendingJobs().map((j) => j.event_id)).toEqual(["e1"]);
    // A torn tail is what a crash mid-write leaves: expected, so nothing is set aside.
    expect(reopened.setAside).toEqual([]);
    await reopened.close();
    expect((await readdir(dir)).filter((name) => name.includes(".corrupt-"))).toEqual([]);
  });

  it("item 11: a corrupt line among good ones keeps every good line's job and sets the damaged segment aside, bytes intact", async () => {
    const journal = await SpoolJournal.open(dir, { dedupeWindow: 100 });
    for (const n of [1, 2, 3, 4]) await journal.append([{ t: "job", job: job(n) }]);
    await journal.append([{ t: "done", key: job(2).key }]);
    await journal.close();
    const [segment] = await readdir(dir);
    const path = join(dir, segment as string);
    const lines = (await readFile(path, "utf8")).split("\n");
    // Damage in the middle: bytes that are not JSON, and JSON that is not a journal line.
    lines.splice(2, 0, '{"t":"job","job":{"key":"e9|0|disc\u0000\u00ff garbage', '{"t":"job","job":{"key":"half"}}');
    const damaged = Buffer.concat([Buffer.from(lines.join("\n")), Buffer.from([0xff, 0xfe, 0x0a])]);
    await writeFile(path, damaged);

    const now = () => new Date("2026-04-01T12:34:56.789Z");
    const reopened = await SpoolJournal.open(dir, { dedupeWindow: 100, now });
    expect(reopened.pendingJobs().map((j) => j.event_id)).toEqual(["e1", "e3", "e4"]);
    expect(reopened.isKnown(job(2).key)).toBe(true);
    const movedTo = `${path}.corrupt-2026-04-01T12-34-56-789Z`;
    expect(reopened.setAside).toEqual([{ movedTo, badLines: 3 }]);
    expect(await readFile(movedTo)).toEqual(damaged);
    await reopened.close();

    // The evidence outlives later opens and compactions; the good state stays as it was.
    const again = await SpoolJournal.open(dir, { dedupeWindow: 100 });
    expect(again.pendingJobs().map((j) => j.event_id)).toEqual(["e1", "e3", "e4"]);
    expect(again.setAside).toEqual([]);
    await again.close();
    expect((await readdir(dir)).filter((name) => name.includes(".corrupt-"))).toEqual([`${segment}.corrupt-2026-04-01T12-34-56-789Z`]);
  });

  it("item 11: the runtime logs where a damaged segment was set aside and resumes its good jobs", async () => {
    const spool = join(dir, "spool");
    const journal = await SpoolJournal.open(spool, { dedupeWindow: 100 });
    await journal.append([{ t: "job", job: job(1) }]);
    await journal.close();
    const [segment] = await readdir(spool);
    await appendFile(join(spool, segment as string), "not json\n");
    const logs: string[] = [];
    const sent: string[] = [];
    const runtime = await ClawhipRuntime.start({
      config: ClawhipConfigSchema.parse({}),
      stateDir: dir,
      fetch: async (_url, init) => {
        sent.push(JSON.parse(init.body).content);
        return { status: 204, headers: { get: () => null }, text: async () => "" };
      },
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    await runtime.dispatcher.idle();
    await runtime.stop();
    expect(sent).toEqual(["message 1"]);
    const movedTo = join(spool, (await readdir(spool)).find((name) => name.includes(".corrupt-")) as string);
    expect(logs).toContain(`error: spool segment with 1 unreadable line(s) set aside as ${movedTo}; its readable lines were kept`);
  });

  it("compacts a full segment into one holding only the live state, and forgets the oldest delivered keys", async () => {
    const journal = await SpoolJournal.open(dir, { dedupeWindow: 3, maxSegmentBytes: 2000 });
    for (let n = 0; n < 20; n += 1) {
      await journal.append([{ t: "job", job: job(n) }]);
      if (n !== 7) await journal.append([{ t: "done", key: job(n).key }]);
    }
    await journal.close();
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const reopened = await SpoolJournal.open(dir, { dedupeWindow: 3 });
    expect(reopened.pendingJobs().map((j) => j.event_id)).toEqual(["e7"]);
    expect(reopened.isKnown(job(19).key)).toBe(true);
    expect(reopened.isKnown(job(0).key)).toBe(false);
    await reopened.close();
    expect((await readFile(join(dir, (await readdir(dir))[0] as string), "utf8")).split("\n").filter(Boolean)).toHaveLength(4);
  });

  it("does not compact on every flush when the remembered keys alone exceed the segment size", async () => {
    const journal = await SpoolJournal.open(dir, { dedupeWindow: 1000, maxSegmentBytes: 500 });
    for (let n = 0; n < 60; n += 1)
      await journal.append([
        { t: "job", job: job(n) },
        { t: "done", key: job(n).key },
      ]);
    const segments = Number(((await readdir(dir))[0] as string).slice("journal-".length, -".ndjson".length));
    await journal.close();
    // Each compaction waits for the segment to reach twice its snapshot, so compactions thin out as the
    // remembered keys grow (16 here); a fixed 500-byte threshold would compact on ~53 of the 60 flushes.
    expect(segments).toBeLessThan(25);
    const reopened = await SpoolJournal.open(dir, { dedupeWindow: 1000 });
    expect(reopened.isKnown(job(0).key)).toBe(true);
    expect(reopened.pendingJobs()).toEqual([]);
    await reopened.close();
  });

  it("never rewrites a backlog of undelivered jobs, and compacts once delivered jobs outweigh the live lines", async () => {
    const journal = await SpoolJournal.open(dir, { dedupeWindow: 1000, maxSegmentBytes: 1000 });
    const segment = async () => Number(((await readdir(dir))[0] as string).slice("journal-".length, -".ndjson".length));
    const opened = await segment();
    for (let n = 0; n < 100; n += 1) await journal.append([{ t: "job", job: job(n) }]);
    expect(await segment()).toBe(opened);
    for (let n = 0; n < 40; n += 1) await journal.append([{ t: "done", key: job(n).key }]);
    // 40 delivered job lines are fewer bytes than the 60 still pending: rewriting now would cost more than it frees.
    expect(await segment()).toBe(opened);
    for (let n = 40; n < 80; n += 1) await journal.append([{ t: "done", key: job(n).key }]);
    expect(await segment()).toBeGreaterThan(opened);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const lines = (await readFile(join(dir, files[0] as string), "utf8")).split("\n").filter(Boolean);
    // The compacted segment dropped the delivered jobs' lines; what is pending is all still there.
    const jobLines = lines.filter((l) => l.startsWith('{"t":"job"'));
    expect(jobLines.length).toBeLessThan(60);
    for (let n = 80; n < 100; n += 1) expect(jobLines.some((l) => l.includes(`"event_id":"e${n}"`))).toBe(true);
    expect(journal.pendingJobs()).toHaveLength(20);
    await journal.close();
  });

  it("refuses appends after close", async () => {
    const journal = await SpoolJournal.open(dir, { dedupeWindow: 10 });
    await journal.close();
    await expect(journal.append([{ t: "job", job: job(1) }])).rejects.toThrow("closed");
  });

  async function journalText(): Promise<string> {
    const names = await readdir(dir);
    return (await Promise.all(names.map((name) => readFile(join(dir, name), "utf8")))).join("");
  }

  it.each(["always", "interval", "never"] as const)("in %s mode an append resolves only once its line is in the file", async (fsync) => {
    const journal = await SpoolJournal.open(dir, { dedupeWindow: 10, fsync, fsyncIntervalMs: 5 });
    await journal.append([{ t: "job", job: job(1) }]);
    // What a kill -9 right now would leave behind: the written line, replayable.
    expect(await journalText()).toContain('"event_id":"e1"');
    await journal.close();
  });

  it("fdatasyncs every group commit in always mode, in the background in interval mode, never in never mode", async () => {
    const always = await SpoolJournal.open(join(dir, "always"), { dedupeWindow: 10, fsync: "always" });
    await Promise.all([1, 2].map((n) => always.append([{ t: "job", job: job(n) }])));
    expect(always.syncs).toBe(1);
    await always.append([{ t: "job", job: job(3) }]);
    expect(always.syncs).toBe(2);
    await always.close();

    const interval = await SpoolJournal.open(join(dir, "interval"), { dedupeWindow: 10, fsync: "interval", fsyncIntervalMs: 5 });
    await interval.append([{ t: "job", job: job(1) }]);
    expect(interval.syncs).toBe(0);
    for (let i = 0; i < 200 && interval.syncs === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
    expect(interval.syncs).toBe(1);
    // A write still waiting for its interval is flushed by close.
    await interval.append([{ t: "job", job: job(2) }]);
    await interval.close();
    expect(interval.syncs).toBe(2);

    const never = await SpoolJournal.open(join(dir, "never"), { dedupeWindow: 10, fsync: "never" });
    await never.append([{ t: "job", job: job(1) }]);
    await never.close();
    expect(never.syncs).toBe(0);
  });

  it("a failed fdatasync fails the appends it covers (always) or the next group commit (interval), then recovers", async () => {
    let failures = 1;
    // Settles on the turn after a failure, once the journal has seen the rejection.
    const signal = () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      return { promise, resolve };
    };
    let failed = signal();
    const syncFile = async (handle: FileHandle) => {
      if (failures > 0) {
        failures -= 1;
        setImmediate(failed.resolve);
        throw new Error("EIO: i/o error");
      }
      await handle.datasync();
    };
    const always = await SpoolJournal.open(join(dir, "always"), { dedupeWindow: 10, fsync: "always", syncFile });
    await expect(always.append([{ t: "job", job: job(1) }])).rejects.toThrow("EIO");
    // A job that was never acknowledged is not remembered, so the client's retry is not deduplicated.
    expect(always.isKnown(job(1).key)).toBe(false);
    await always.append([{ t: "job", job: job(1) }]);
    expect(always.pendingJobs().map((j) => j.event_id)).toEqual(["e1"]);
    await always.close();

    failures = 1;
    failed = signal();
    const interval = await SpoolJournal.open(join(dir, "interval"), { dedupeWindow: 10, fsync: "interval", fsyncIntervalMs: 1, syncFile });
    await interval.append([{ t: "job", job: job(1) }]);
    await failed.promise;
    await expect(interval.append([{ t: "job", job: job(2) }])).rejects.toThrow("spool fdatasync failed: EIO");
    await interval.append([{ t: "job", job: job(3) }]);
    await interval.close();
  });

  it("a short write (a full disk) fails its batch, leaves no torn line behind, and the next batch is whole", async () => {
    let failNext = false;
    const appendFile = (fd: number, text: string) => {
      if (!failNext) return writeSync(fd, text);
      failNext = false;
      const bytes = Buffer.from(text);
      writeSync(fd, bytes, 0, Math.floor(bytes.length / 2));
      throw new Error("ENOSPC: no space left on device");
    };
    const journal = await SpoolJournal.open(dir, { dedupeWindow: 100, appendFile });
    await journal.append([{ t: "job", job: job(1) }]);
    failNext = true;
    await expect(journal.append([{ t: "job", job: job(2) }])).rejects.toThrow("ENOSPC");
    expect(journal.isKnown(job(2).key)).toBe(false);
    await journal.append([{ t: "job", job: job(3) }]);
    await journal.close();
    const reopened = await SpoolJournal.open(dir, { dedupeWindow: 100 });
    expect(reopened.skippedLines).toBe(0);
    expect(reopened.setAside).toEqual([]);
    expect(reopened.pendingJobs().map((j) => j.event_id)).toEqual(["e1", "e3"]);
    await reopened.close();
  });

  describe("a target's backlog past residentPerTarget waits in the file", () => {
    const to = (n: number, target: string): ClawhipDeliveryJob => {
      const base = job(n);
      const value = `http://127.0.0.1:1/${target}`;
      return { ...base, key: `${base.event_id}|0|discord-webhook|${value}`, target: { kind: "discord-webhook", value } };
    };
    const ids = (jobs: readonly ClawhipDeliveryJob[]) => jobs.map((j) => j.event_id);

    /** Delivers resident jobs one at a time (as a lane would) and collects what comes back from the file. */
    async function drain(journal: SpoolJournal, first: ClawhipDeliveryJob[]): Promise<string[]> {
      const order: string[] = [];
      const queue = [...first];
      journal.onLoad((jobs) => queue.push(...jobs));
      while (queue.length > 0 || journal.waitingInFile > 0) {
        const next = queue.shift();
        if (!next) {
          await new Promise((r) => setImmediate(r));
          continue;
        }
        order.push(next.event_id);
        await journal.append([{ t: "done", key: next.key }]);
      }
      return order;
    }

    it("keeps at most residentPerTarget of a target in memory and hands the rest back in order as it drains", async () => {
      const journal = await SpoolJournal.open(dir, { dedupeWindow: 100, residentPerTarget: 3 });
      const jobs = Array.from({ length: 10 }, (_, n) => to(n, "a"));
      const resident = await journal.appendJobs(jobs);
      expect(ids(resident)).toEqual(["e0", "e1", "e2"]);
      expect(ids(journal.pendingJobs())).toEqual(["e0", "e1", "e2"]);
      expect(journal.pendingCount).toBe(10);
      expect(journal.waitingInFile).toBe(7);
      expect(await drain(journal, resident)).toEqual(jobs.map((j) => j.event_id));
      expect(journal.pendingCount).toBe(0);
      await journal.close();
    });

    it("never holds up another target: a new target's jobs are in memory at once", async () => {
      const journal = await SpoolJournal.open(dir, { dedupeWindow: 100, residentPerTarget: 2 });
      await journal.appendJobs(Array.from({ length: 6 }, (_, n) => to(n, "dead")));
      expect(ids(await journal.appendJobs([to(100, "alive"), to(101, "alive")]))).toEqual(["e100", "e101"]);
      await journal.close();
    });

    it("knows the key of a job that is only in the file, queued or written, and no other", async () => {
      const journal = await SpoolJournal.open(dir, { dedupeWindow: 100, residentPerTarget: 1 });
      const written = journal.appendJobs([to(1, "a"), to(2, "a"), to(3, "a")]);
      // Still in the write queue.
      expect(journal.isKnown(to(3, "a").key)).toBe(true);
      await written;
      expect(journal.isKnown(to(2, "a").key)).toBe(true);
      expect(journal.isKnown(to(3, "a").key)).toBe(true);
      expect(journal.isKnown(to(4, "a").key)).toBe(false);
      // Same event, other target: a key of the same hash prefix, told apart by reading the line.
      expect(journal.isKnown(to(3, "b").key)).toBe(false);
      await journal.close();
    });

    it("after a restart, the first residentPerTarget are in memory and the rest come back in order", async () => {
      const first = await SpoolJournal.open(dir, { dedupeWindow: 100, residentPerTarget: 100 });
      const jobs = [...Array.from({ length: 8 }, (_, n) => to(n, "a")), to(50, "b")];
      await first.appendJobs(jobs);
      await first.append([{ t: "done", key: to(0, "a").key }]);
      await first.close();
      const reopened = await SpoolJournal.open(dir, { dedupeWindow: 100, residentPerTarget: 3 });
      expect(ids(reopened.pendingJobs())).toEqual(["e1", "e2", "e3", "e50"]);
      expect(reopened.pendingCount).toBe(8);
      expect(reopened.isKnown(to(7, "a").key)).toBe(true);
      expect(await drain(reopened, reopened.pendingJobs())).toEqual(["e1", "e2", "e3", "e50", "e4", "e5", "e6", "e7"]);
      await reopened.close();
    });

    it("replays a job line written twice once, and a job accepted again after its key was settled", async () => {
      const line = (j: ClawhipDeliveryJob) => JSON.stringify({ t: "job", job: j });
      const done = (j: ClawhipDeliveryJob) => JSON.stringify({ t: "done", key: j.key });
      await writeFile(
        join(dir, "journal-00000007.ndjson"),
        `${[line(to(1, "a")), line(to(2, "a")), line(to(3, "a")), line(to(3, "a")), done(to(1, "a")), line(to(1, "a")), line(to(4, "a"))].join("\n")}\n`,
      );
      const journal = await SpoolJournal.open(dir, { dedupeWindow: 100, residentPerTarget: 1 });
      expect(journal.skippedLines).toBe(0);
      expect(journal.pendingCount).toBe(4);
      expect(await drain(journal, journal.pendingJobs())).toEqual(["e2", "e3", "e1", "e4"]);
      await journal.close();
      expect(await readdir(dir)).toHaveLength(1);
    });

    it("a compaction keeps the jobs that are only in the file, still in order and still known", async () => {
      const journal = await SpoolJournal.open(dir, { dedupeWindow: 5, residentPerTarget: 2, maxSegmentBytes: 1500 });
      const segment = async () => (await readdir(dir))[0] as string;
      const opened = await segment();
      // Two targets' backlogs, interleaved in the file.
      const waiting = Array.from({ length: 12 }, (_, n) => to(n, n % 2 === 0 ? "slow" : "slower"));
      const resident = await journal.appendJobs(waiting);
      // Another target delivers a lot: its done jobs are what the compaction drops.
      for (let n = 100; n < 130; n += 1) {
        await journal.appendJobs([to(n, "fast")]);
        await journal.append([{ t: "done", key: to(n, "fast").key }]);
      }
      expect(await segment()).not.toBe(opened);
      expect(journal.isKnown(to(10, "slow").key)).toBe(true);
      expect(journal.isKnown(to(11, "slower").key)).toBe(true);
      expect(journal.isKnown(to(11, "slow").key)).toBe(false);
      expect(journal.waitingInFile).toBe(8);
      const order = await drain(journal, resident);
      expect(order.filter((id) => Number(id.slice(1)) % 2 === 0)).toEqual(["e0", "e2", "e4", "e6", "e8", "e10"]);
      expect(order.filter((id) => Number(id.slice(1)) % 2 === 1)).toEqual(["e1", "e3", "e5", "e7", "e9", "e11"]);
      await journal.close();
    });

    it("a failed fdatasync forgets the file-only jobs it covered: not known, never handed out", async () => {
      let fail = false;
      const syncFile = async (handle: FileHandle) => {
        if (fail) throw new Error("EIO: i/o error");
        await handle.datasync();
      };
      const journal = await SpoolJournal.open(dir, { dedupeWindow: 100, residentPerTarget: 1, fsync: "always", syncFile });
      const resident = await journal.appendJobs([to(1, "a")]);
      fail = true;
      await expect(journal.appendJobs([to(2, "a"), to(3, "a")])).rejects.toThrow("EIO");
      fail = false;
      expect(journal.isKnown(to(2, "a").key)).toBe(false);
      expect(journal.waitingInFile).toBe(0);
      // The client's retry is taken afresh, and only it is handed out.
      await journal.appendJobs([to(2, "a")]);
      expect(await drain(journal, resident)).toEqual(["e1", "e2"]);
      await journal.close();
    });
  });
});
