import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { batchesOfFile, JsonValueSplitter, OpenedFile, openFile, recordsOf, StreamItem, streamFile } from "../../src/engines/record-stream";

const rec = (i: number) => ({ eventSource: "secretsmanager.amazonaws.com", eventName: "GetSecretValue", eventID: `id-${i}`, requestParameters: { secretId: `s}{"]${i}` } });

async function collect(paths: string[], wholeFileLimit?: number): Promise<StreamItem[]> {
  const out: StreamItem[] = [];
  for await (const item of recordsOf(paths, wholeFileLimit)) out.push(item);
  return out;
}

describe("record stream", () => {
  const dir = mkdtempSync(join(tmpdir(), "sam-stream-"));

  test("a CloudTrail log file split one character at a time yields each record of its Records array", () => {
    const text = JSON.stringify({ Records: [rec(1), rec(2), rec(3)] });
    const values: string[] = [];
    const splitter = new JsonValueSplitter((v) => values.push(v));
    for (const c of text) splitter.push(c);
    expect(splitter.end()).toBe(true);
    expect(values.map((v) => JSON.parse(v).eventID)).toEqual(["id-1", "id-2", "id-3"]);
  });

  test.each([
    ["parsed whole", undefined],
    ["split while streaming", 0],
  ])("gzipped log files, single records, JSON Lines and EventBridge envelopes in a directory tree, digests skipped (%s)", async (_mode, limit) => {
    const sub = join(dir, "tree", "AWSLogs", "111122223333");
    require("node:fs").mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, "a.json.gz"), gzipSync(JSON.stringify({ Records: [rec(1), rec(2)] })));
    writeFileSync(join(dir, "tree", "b.json"), JSON.stringify(rec(3), null, 2));
    writeFileSync(join(dir, "tree", "c.jsonl"), `${JSON.stringify(rec(4))}\n${JSON.stringify(rec(5))}\n`);
    const digest = join(dir, "tree", "AWSLogs", "111122223333", "CloudTrail-Digest", "us-east-1");
    require("node:fs").mkdirSync(digest, { recursive: true });
    writeFileSync(join(digest, "digest.json.gz"), gzipSync(JSON.stringify({ awsAccountId: "111122223333", digestPublicKeyFingerprint: "x" })));
    writeFileSync(join(dir, "tree", "d.json"), JSON.stringify({ "detail-type": "AWS API Call via CloudTrail", source: "aws.secretsmanager", time: "2026-11-20T00:00:00Z", detail: rec(6) }));
    const items = await collect([join(dir, "tree")], limit);
    expect(items.every((i) => i.kind === "record")).toBe(true);
    expect(items.map((i) => (i.kind === "record" ? i.value.record.eventID : null)).sort()).toEqual(["id-1", "id-2", "id-3", "id-4", "id-5", "id-6"]);
    const env = items.find((i) => i.kind === "record" && i.value.record.eventID === "id-6");
    expect(env?.kind === "record" && env.value.envelope?.["detail-type"]).toBe("AWS API Call via CloudTrail");
  });

  test.each([
    ["parsed whole", undefined],
    ["split while streaming", 0],
  ])("malformed input is reported with file and reason, and the stream goes on (%s)", async (_mode, limit) => {
    writeFileSync(join(dir, "truncated.json"), JSON.stringify({ Records: [rec(1)] }).slice(0, -5));
    writeFileSync(join(dir, "notcloudtrail.json"), JSON.stringify({ hello: "world" }));
    writeFileSync(join(dir, "good.json"), JSON.stringify(rec(9)));
    writeFileSync(join(dir, "corrupt.json.gz"), "this is not gzip");
    const items = await collect([join(dir, "truncated.json"), join(dir, "notcloudtrail.json"), join(dir, "corrupt.json.gz"), join(dir, "good.json")], limit);
    const malformed = items.filter((i) => i.kind === "malformed").map((i) => (i.kind === "malformed" ? `${i.value.file.split("/").pop()}: ${i.value.reason}` : ""));
    expect(malformed).toEqual([
      "truncated.json: truncated JSON at end of file",
      "notcloudtrail.json: not a CloudTrail record (needs eventName and eventSource)",
      expect.stringMatching(/^corrupt\.json\.gz: unreadable: /),
    ]);
    // The truncated file was cut inside its only record: just good.json yields one.
    expect(items.filter((i) => i.kind === "record")).toHaveLength(1);
  });

  test.each([
    ["parsed whole", undefined],
    ["split while streaming", 0],
  ])("a file of random bytes, or of prose, is said not to be JSON, not to be truncated JSON (%s)", async (_mode, limit) => {
    // Fixed bytes from a seeded generator: the same "random" file on every run.
    let seed = 0x2545f491;
    const bytes = Buffer.alloc(4096, 0).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0), seed >>> 24));
    bytes[0] = 0x9c; // not '{', '[' or whitespace
    writeFileSync(join(dir, "random.bin"), bytes);
    writeFileSync(join(dir, "random"), bytes);
    writeFileSync(join(dir, "notes.json"), "Records of last week, see the bucket");
    const items = await collect([join(dir, "random"), join(dir, "notes.json")], limit);
    const reasons = items.map((i) => (i.kind === "malformed" ? `${i.value.file.split("/").pop()}: ${i.value.reason}` : "record"));
    expect(reasons).toEqual([
      "random: not JSON: binary data (not a CloudTrail log file; a gzipped one must end in .gz)",
      'notes.json: not JSON: starts with "Records of last week", not with { or [',
    ]);
  });
});

describe("gzipped log files read in one piece", () => {
  const dir = mkdtempSync(join(tmpdir(), "sam-piece-"));
  const text = JSON.stringify({ Records: Array.from({ length: 3000 }, (_, i) => rec(i)) });
  const gz = gzipSync(text);
  const variants: [string, Buffer][] = [
    ["whole", gz],
    ["truncated", gz.subarray(0, gz.length >> 1)],
    ["damaged in the middle", Buffer.from(gz).fill(0x55, gz.length >> 1, (gz.length >> 1) + 64)],
    ["damaged checksum", Buffer.concat([gz.subarray(0, -8), Buffer.from([1, 2, 3, 4]), gz.subarray(-4)])],
    ["wrong size in the trailer", Buffer.concat([gz.subarray(0, -4), Buffer.from([9, 0, 0, 0])])],
    ["two members", Buffer.concat([gzipSync(text.slice(0, 5000)), gzipSync(text.slice(5000))])],
    ["trailing bytes", Buffer.concat([gz, Buffer.from("garbage")])],
    ["empty", gzipSync("")],
    ["not gzip", Buffer.from("plain text, not gzip")],
  ];

  test.each(variants)("%s: the same items as streaming the file, parsed whole and streamed", async (name, bytes) => {
    const file = join(dir, `${name.replace(/ /g, "-")}.json.gz`);
    writeFileSync(file, bytes);
    for (const limit of [undefined, 0, 50_000]) {
      const read = async (opened: OpenedFile) => {
        const items: StreamItem[] = [];
        for await (const batch of batchesOfFile(file, limit, undefined, opened)) items.push(...batch);
        return items;
      };
      const streamed = await read(streamFile(file));
      expect({ limit, items: await read(openFile(file)) }).toEqual({ limit, items: streamed });
    }
  });
});
