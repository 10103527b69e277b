/**
 * The quick scan (record-stream.ts) skips parsing records nothing can match; everything simulate reports must stay
 * what the full parse gives: records, matches, malformed items, metric minutes, alarms and summary. Inputs mix
 * generated CloudTrail, the project's matching fixtures, and records a byte scanner could misread (unusual key
 * order, whitespace, escapes, duplicate keys, envelopes, invalid JSON, truncation), read whole and streamed.
 */
import { EventEmitter } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { record as generated } from "../../scripts/generate-trail";
import { batchesOfFile, inputFiles, JsonValueSplitter, QuickScanner, recordsOf } from "../../src/engines/record-stream";
import { recordRelevance, stackModel, StackModel } from "../../src/engines/stack-model";
import { Accumulator, simulate } from "../../src/simulate/simulate";
import { RunRequest, RunResult, serveRuns, splitFile, SplitTask } from "../../src/simulate/split";
import { config } from "../helpers";
import { synthesizedJson } from "../synth-cache";
import { OWN_FIXTURES, SHARED_FIXTURES } from "../patterns/replay";

type Obj = Record<string, unknown>;

const tf = JSON.parse(synthesizedJson("quick", config()));
const model: StackModel = stackModel(tf);
const dir = mkdtempSync(join(tmpdir(), "sam-quick-"));

/** The project's records that alert, compact. */
const matching: Obj[] = readdirSync(OWN_FIXTURES)
  .filter((f) => f.endsWith(".json") && f !== "expected.json")
  .map((f) => JSON.parse(readFileSync(join(OWN_FIXTURES, f), "utf8")));
const realistic = (from: number, n: number): Obj[] => Array.from({ length: n }, (_, i) => generated(from + i, 100_000) as Obj);
const gsv = matching.find((r) => r.eventName === "GetSecretValue")!;
const quiet = { ...realistic(0, 1)[0], eventSource: "ec2.amazonaws.com", eventName: "DescribeInstances" };

/** Texts of records a scanner could misread; each is a Records element as written. */
const awkward: string[] = [
  // Key order and whitespace.
  JSON.stringify(Object.fromEntries(Object.entries(quiet).reverse())),
  JSON.stringify(quiet, null, 2),
  JSON.stringify(gsv, null, "\t").replace(/\n/g, "\r\n"),
  ` {  "eventName" :"DescribeInstances" , "eventSource":  "ec2.amazonaws.com","eventTime" : "2026-11-20T10:00:00Z" } `,
  // Escapes: a read hidden behind escapes in a value or a key, and a quiet record with escapes elsewhere.
  JSON.stringify(gsv).replace('"GetSecretValue"', '"GetSecret\\u0056alue"'),
  JSON.stringify(gsv).replace('"eventSource"', '"event\\u0053ource"'),
  `{"eventSource":"ec2.amazonaws.com",${JSON.stringify(gsv).slice(1).replace('"eventSource"', '"event\\u0053ource"')}`,
  JSON.stringify({ ...quiet, userAgent: 'quote " and backslash \\ and \u00e9 and \u2028' }),
  JSON.stringify({ ...quiet, eventTime: "2026-11-20T10:00:0\\u0030Z" }).replace("\\\\u0030", "\\u0030"),
  // Duplicate keys: the last one counts.
  JSON.stringify(gsv).replace('"eventName":"GetSecretValue"', '"eventName":"DescribeInstances","eventName":"GetSecretValue"'),
  JSON.stringify(gsv).replace('"eventSource":"secretsmanager.amazonaws.com"', '"eventSource":"secretsmanager.amazonaws.com","eventSource":"ec2.amazonaws.com"'),
  // The fields delivery and time depend on, in every shape.
  JSON.stringify({ ...quiet, readOnly: "true" }),
  JSON.stringify({ ...quiet, readOnly: "false", eventName: "DescribeTags" }),
  JSON.stringify({ ...quiet, readOnly: 1 }),
  JSON.stringify({ ...quiet, readOnly: "yes" }),
  JSON.stringify({ ...quiet, readOnly: "TRUE", eventName: "CreateTags" }),
  JSON.stringify({ ...quiet, readOnly: undefined, eventName: "CreateTags" }),
  JSON.stringify({ ...quiet, managementEvent: false }),
  JSON.stringify({ ...quiet, eventCategory: "Data" }),
  JSON.stringify({ ...quiet, eventCategory: 7 }),
  JSON.stringify({ ...quiet, eventTime: undefined }),
  JSON.stringify({ ...quiet, eventTime: 1_700_000_000 }),
  JSON.stringify({ ...quiet, eventTime: null }),
  JSON.stringify({ ...quiet, eventTime: "2026-11-20 10:00:07.123456789" }),
  JSON.stringify({ ...quiet, eventTime: "2026-11-20T10:00:.5Z" }),
  JSON.stringify({ ...quiet, eventTime: "not a time" }),
  // A nested eventSource is not the record's; names outside ASCII; an EventBridge envelope; not CloudTrail.
  JSON.stringify({ ...quiet, requestParameters: { eventSource: "secretsmanager.amazonaws.com", eventName: "GetSecretValue" } }),
  JSON.stringify({ ...quiet, eventName: "Describe\u00c9" }),
  JSON.stringify({ "detail-type": "AWS API Call via CloudTrail", source: "aws.secretsmanager", time: "2026-11-20T14:03:27Z", detail: gsv }),
  JSON.stringify({ eventSource: "ec2.amazonaws.com", eventName: "DescribeInstances", "detail-type": "AWS API Call via CloudTrail", source: "aws.secretsmanager", detail: gsv }),
  JSON.stringify({ eventSource: "ec2.amazonaws.com" }),
  JSON.stringify({ ...quiet, eventName: 42 }),
  JSON.stringify({ ...quiet, deep: JSON.parse("[".repeat(300) + "]".repeat(300)) }),
  JSON.stringify({ ...quiet, numbers: [0, -0, 1.5e10, -2.25E-3, 1e+2, 12345678901234567890] }),
];

/** Records a JSON.parse refuses, or elements that are not records: each makes the file take the full path. */
const broken: string[] = [
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances",oops}',
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","n":01}',
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","s":"tab\there"}',
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","s":"bad \\x escape"}',
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","t":tru}',
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","a":[1,]}',
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","o":{"k" 1}}',
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","a":[1}]',
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","o":{"k":1]}',
  '{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances"}}',
  "42",
  '"a string"',
  "[1, 2]",
];

const records = (texts: string[]) => `{"Records":[${texts.join(",")}]}`;
const compact = (rs: Obj[]) => rs.map((r) => JSON.stringify(r));

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, name.endsWith(".gz") ? gzipSync(text) : text);
  return path;
}

interface Replay {
  items: unknown[];
  data: ReturnType<Accumulator["export"]>;
}

/** Replays files as simulate's threads do: every record reported (`all`), or only matches (skipped records counted). */
async function replay(files: string[], options: { quick: boolean; all: boolean; limit?: number; model?: StackModel }): Promise<Replay> {
  const acc = new Accumulator(options.model ?? model);
  const scanner = options.quick ? acc.scanner(options.all) : undefined;
  const items: unknown[] = [];
  for (const file of files) {
    for await (const batch of batchesOfFile(file, options.limit, scanner)) {
      for (const item of batch) {
        const r = acc.evaluate(item, (m) => items.push({ malformed: m }), options.all);
        if (r) items.push(r);
      }
    }
  }
  return { items, data: normalized(acc) };
}

/**
 * An accumulator's data with minutes in time order: onSkipped counts a skipped record before the items read ahead
 * of it are evaluated, threads merge in any order, and the alarm model sorts minutes anyway.
 */
function normalized(acc: Accumulator): Replay["data"] {
  const data = acc.export();
  const byTime = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1];
  data.series = data.series.map(([k, entries]) => [k, [...entries].sort(byTime)] as [string, [number, number, number][]]).sort(([a], [b]) => a.localeCompare(b));
  data.ingested = [...data.ingested].sort(byTime);
  return data;
}

/** Quick and full replays of the files agree, whole and streamed, reporting every record or matches only. */
async function expectSameReplays(files: string[], m = model): Promise<void> {
  for (const limit of [undefined, 0]) {
    for (const all of [true, false]) {
      const full = await replay(files, { quick: false, all, limit, model: m });
      const quick = await replay(files, { quick: true, all, limit, model: m });
      expect({ limit, all, ...quick }).toEqual({ limit, all, ...full });
    }
  }
}

/** How many records the quick scan skipped instead of parsing. */
async function skippedIn(files: string[], limit?: number): Promise<number> {
  let n = 0;
  for await (const item of recordsOf(files, limit, new QuickScanner(recordRelevance(model)!))) if (item.kind === "skipped") n++;
  return n;
}

describe("quick scan", () => {
  test("the default stack pins what it can match, so the quick scan has records to skip", () => {
    const relevance = recordRelevance(model);
    expect(relevance).toBeDefined();
    expect(relevance!("secretsmanager.amazonaws.com", "GetSecretValue")).toBe(true);
    expect(relevance!("ec2.amazonaws.com", "DescribeInstances")).toBe(false);
  });

  test("same records, matches, malformed items, metric minutes, alarms and summary as the full parse on a mixed tree", async () => {
    const tree = join(dir, "tree");
    const base = realistic(0, 600);
    const mixed = [...compact(base.slice(0, 300)), ...compact(matching), ...awkward, ...compact(base.slice(300))];
    write("tree/a/realistic.json.gz", records(compact(realistic(600, 400))));
    write("tree/b/mixed.json", records(mixed));
    write("tree/b/mixed-pretty.json", JSON.stringify({ Records: JSON.parse(records(mixed)).Records }, null, 2));
    broken.forEach((b, i) => write(`tree/c/broken-${i}.json`, records([...compact(base.slice(0, 5)), b, ...compact(matching.slice(0, 3))])));
    write("tree/d/truncated.json.gz", records(mixed).slice(0, -2000));
    write("tree/d/cut-inside-wrapper.json", records(mixed).slice(0, -1));
    write("tree/d/trailing-text.json", `${records(compact(matching))} trailing`);
    write("tree/d/two-wrappers.json", `${records(compact(matching))}\n${records(compact(base.slice(0, 3)))}`);
    write("tree/d/wrapper-with-spaces.json", `{ "Records" : [${compact(matching).join(",")}] }`);
    write("tree/d/empty.json", '{"Records":[]}');
    write("tree/d/bom.json", `\uFEFF${records(compact(matching))}`);
    write("tree/d/lines.jsonl", compact([...matching, ...base.slice(0, 20)]).join("\n"));
    // Nesting deeper than the scan follows (a recursive scan would overflow its stack): the full parse reads it.
    const deep = `{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","deep":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    write("tree/e/deep.json", records([...compact(base.slice(0, 3)), deep, ...compact(matching.slice(0, 2))]));
    const files = inputFiles(tree);

    await expectSameReplays(files);
    // Trails that deliver only writes, or only reads, or leave a source out: delivery reads readOnly,
    // managementEvent, eventCategory and eventSource of skipped records.
    for (const selector of [{ read_write_type: "WriteOnly" }, { read_write_type: "ReadOnly" }, { read_write_type: "All", exclude_management_event_sources: ["ec2.amazonaws.com"] }]) {
      const variant = JSON.parse(JSON.stringify(tf));
      for (const trail of Object.values<Obj>(variant.resource.aws_cloudtrail)) trail.event_selector = [{ include_management_events: true, ...selector }];
      const m = stackModel(variant);
      expect(m.trail?.readWriteType).toBe(selector.read_write_type);
      await expectSameReplays(files, m);
    }
    // Through simulate itself, alarms and summary included.
    for (const limit of [undefined, 0]) {
      const run = async (quickScan: boolean) => {
        const out: unknown[] = [];
        const sim = await simulate(tf, [tree], { workers: 1, wholeFileLimit: limit, quickScan, onRecord: (r) => void out.push(r), onMalformed: (m) => void out.push(m) });
        return { out, ...sim };
      };
      const quick = await run(true);
      expect(quick).toEqual(await run(false));
      expect(quick.summary.matched).toBeGreaterThan(matching.length);
      expect(quick.summary.malformed).toBeGreaterThan(broken.length);
      expect(quick.alarms.some((a) => a.transitions.length > 0)).toBe(true);
    }
    // The comparison is not vacuous: most records were skipped, not parsed.
    expect(await skippedIn(files)).toBeGreaterThan(900);
    expect(await skippedIn(files, 0)).toBeGreaterThan(900);
  }, 60_000);

  test("reads that hide behind escapes or duplicate keys are parsed, not skipped", async () => {
    const hidden = [awkward[4], awkward[5], awkward[6], awkward[9], awkward.find((a) => a.startsWith('{"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","detail-type"'))!];
    const file = write("hidden.json", records(hidden));
    for (const limit of [undefined, 0]) {
      expect(await skippedIn([file], limit)).toBe(0);
      const { items } = await replay([file], { quick: true, all: false, limit });
      expect(items).toHaveLength(hidden.length);
    }
    const skippable = write("skippable.json", records([awkward[0], awkward[1], awkward[3], awkward[10], awkward.find((a) => a.includes('"requestParameters":{"eventSource"'))!]));
    expect(await skippedIn([skippable])).toBe(5);
  });

  // Real CloudTrail records (AWS documentation and public corpora): as they are, and packed into log files among
  // generated ones, the quick scan gives what the full parse gives, with the stack's rules and with CIS filters.
  (existsSync(SHARED_FIXTURES) ? test : test.skip)("the shared corpus of real records gives the same results on both paths", async () => {
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith(".json") && e.name !== "expected.json" ? [join(d, e.name)] : []));
    const originals = walk(SHARED_FIXTURES).sort();
    expect(originals.length).toBeGreaterThan(40);
    const real = originals.map((f) => JSON.parse(readFileSync(f, "utf8")) as Obj).filter((r) => typeof r.eventSource === "string");
    const packed = [
      write("shared/packed.json.gz", records([...compact(realistic(0, 200)), ...compact(real), ...compact(realistic(200, 200))])),
      write("shared/packed-pretty.json", JSON.stringify({ Records: real }, null, 2)),
    ];
    const files = [...originals, ...packed];
    await expectSameReplays(files);
    const cis = JSON.parse(synthesizedJson("quick-cis", config({ cisAlarms: { enabled: true } })));
    await expectSameReplays(files, stackModel(cis));
    // Not vacuous: real reads among them match, and the generated records around them were skipped.
    const matched = (await replay(packed, { quick: true, all: false })).items.length;
    expect(matched).toBeGreaterThan(10);
    expect(await skippedIn(packed)).toBeGreaterThan(300);
  }, 60_000);

  test("streamed files whose records straddle read chunks give the same results (gzipped and plain)", async () => {
    // Several megabytes: records cross the 1 MB read chunks at arbitrary offsets, relevant ones among them.
    const texts: string[] = [];
    for (let i = 0; texts.length < 2400; i++) texts.push(...compact(realistic(i * 50, 50)), ...(i % 8 === 0 ? compact(matching) : []), awkward[(i * 7) % 24]);
    const files = [write("big/big.json.gz", records(texts)), write("big/big.json", records(texts))];
    expect(readFileSync(files[1]).length).toBeGreaterThan(3 << 20);
    await expectSameReplays(files);
    expect(await skippedIn(files, 0)).toBeGreaterThan(4000);
  }, 60_000);

  test("files mutated at random bytes give the same items either way", async () => {
    // Deletions, insertions and replacements of structural and plain bytes, from a fixed seed.
    let seed = 0x1234abcd;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const base = records([...compact(realistic(0, 4)), JSON.stringify(gsv), awkward[1], ...compact(realistic(10, 3))]);
    const alphabet = '{}[]",:\\ \n\tu0aeZ-.1\u00e9\u0001';
    const files: string[] = [];
    for (let k = 0; k < 120; k++) {
      let text = base;
      for (let m = 1 + rand(3); m > 0; m--) {
        const at = rand(text.length);
        const op = rand(3);
        const c = alphabet[rand(alphabet.length)];
        text = op === 0 ? text.slice(0, at) + text.slice(at + 1) : op === 1 ? text.slice(0, at) + c + text.slice(at) : text.slice(0, at) + c + text.slice(at + 1);
      }
      files.push(write(`mutated/${String(k).padStart(3, "0")}.json`, text));
    }
    await expectSameReplays(files);
  }, 60_000);

  test("a splitter started inside a Records wrapper emits what one reading the wrapper emits", () => {
    const text = records([JSON.stringify(gsv), '"x"', JSON.stringify(quiet)]);
    const whole: string[] = [];
    const s1 = new JsonValueSplitter((v) => whole.push(v));
    s1.push(text);
    expect(s1.end()).toBe(true);
    const inside: string[] = [];
    const s2 = new JsonValueSplitter((v) => inside.push(v), { depth: 2 });
    s2.push(text.slice('{"Records":['.length));
    expect(s2.end()).toBe(true);
    expect(inside).toEqual(whole);
    expect(whole).toHaveLength(2);
  });
});

/**
 * A worker thread's stand-in (Jest cannot load TypeScript in worker threads): serveRuns in this thread, with
 * messages passed as a thread would pass them (cloned, later) — each result held back by `delay(id)` turns of the
 * event loop, so runs finish out of order.
 */
function inThread(delay: (id: number) => number, seen: { runs: number; failed: number }) {
  return (task: SplitTask) => {
    const toMain = new EventEmitter();
    const toWorker = new EventEmitter();
    const later = (n: number, f: () => void): void => void (n <= 0 ? setImmediate(f) : setImmediate(() => later(n - 1, f)));
    serveRuns(structuredClone(task), {
      on: (_event: "message", f: (m: RunRequest) => void) => void toWorker.on("message", f),
      postMessage: (m: RunResult, transfer: ArrayBuffer[]) => {
        seen.runs++;
        if (!m.ok) seen.failed++;
        const sent = structuredClone(m, { transfer });
        later(delay(m.id), () => toMain.emit("message", sent));
      },
    });
    const worker = {
      on: (event: string, f: (...a: unknown[]) => void) => (toMain.on(event, f), worker),
      postMessage: (m: RunRequest, transfer: ArrayBuffer[]) => {
        const sent = structuredClone(m, { transfer });
        setImmediate(() => toWorker.emit("message", sent));
      },
      terminate: async () => 0,
    };
    return worker as never;
  };
}

describe("one large file over several threads", () => {
  /** splitFile's output and totals, against the full parse's, for `count` stand-in workers and small runs. */
  async function expectSplitLikeFull(file: string, count = 3, runBytes = 16 * 1024): Promise<{ runs: number; failed: number }> {
    const seen = { runs: 0, failed: 0 };
    for (const all of [true, false]) {
      const acc = new Accumulator(model);
      const items: unknown[] = [];
      await splitFile(
        tf,
        file,
        count,
        acc,
        { wholeFileLimit: 0, allRecords: all, onRecord: all ? (r) => void items.push(r) : (r) => void items.push(r), onMalformed: (m) => void items.push({ malformed: m }) },
        inThread((id) => (id * 7) % 5, seen),
        runBytes,
      );
      const full = await replay([file], { quick: false, all: true, limit: 0 });
      const wanted = all ? full.items : full.items.filter((r) => !(r as { filters?: string[] }).filters || (r as { filters: string[] }).filters.length > 0 || (r as { rules: unknown[] }).rules.length > 0);
      expect({ all, items, data: normalized(acc) }).toEqual({ all, items: wanted, data: full.data });
    }
    return seen;
  }

  const texts = (n: number, every: (i: number) => string[] = () => []) => {
    const out: string[] = [];
    for (let i = 0; out.length < n; i++) out.push(...compact(realistic(i * 20, 20)), ...(i % 3 === 0 ? compact(matching) : []), ...every(i));
    return out;
  };

  test("runs taken in order give what the serial path gives, gzipped and plain", async () => {
    const t = texts(600);
    for (const [file, count] of [[write("split/plain.json", records(t)), 3], [write("split/zipped.json.gz", records(t)), 2]] as const) {
      const seen = await expectSplitLikeFull(file, count);
      expect(seen.runs).toBeGreaterThan(40);
      expect(seen.failed).toBe(0);
    }
  }, 60_000);

  test("a cut that is not a record boundary, an invalid record, a truncated or damaged file: read serially from there, same results", async () => {
    // An array of objects inside a record puts the boundary hint where no record starts.
    const falseHint = JSON.stringify({ ...quiet, requestParameters: { items: Array.from({ length: 200 }, (_, n) => ({ eventVersion: "1.0", n })) } });
    const withFalseHints = texts(500, () => [falseHint]);
    expect((await expectSplitLikeFull(write("split/false-hints.json", records(withFalseHints)))).failed).toBeGreaterThan(0);
    const withBroken = texts(500, (i) => (i === 9 ? [broken[0]] : []));
    expect((await expectSplitLikeFull(write("split/broken.json", records(withBroken)))).failed).toBeGreaterThan(0);
    await expectSplitLikeFull(write("split/truncated.json", records(texts(500)).slice(0, -3000)));
    await expectSplitLikeFull(write("split/trailing.json", `${records(texts(300))} and more`));
    // Records that do not start with eventVersion: no hint at all.
    const reordered = texts(400).map((t) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(t)).reverse())));
    await expectSplitLikeFull(write("split/no-hints.json", records(reordered)));
    // A gzip stream damaged in the middle: what comes before, then "unreadable".
    const zipped = gzipSync(records(texts(800)));
    zipped[zipped.length >> 1] ^= 0xff;
    const damaged = join(dir, "split", "damaged.json.gz");
    writeFileSync(damaged, zipped);
    await expectSplitLikeFull(damaged);
  }, 120_000);
});
