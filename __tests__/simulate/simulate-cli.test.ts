import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { App } from "cdktf";
import { record as generated } from "../../scripts/generate-trail";
import { buildApp } from "../../src/app";
import { HELP, main, referencesNote } from "../../src/simulate/cli";
import { config } from "../helpers";
import { synthesizedJson } from "../synth-cache";
import { familyOfMetric, familyOfRule, OWN_FIXTURES, SHARED_FIXTURES } from "../patterns/replay";

/** A record line's read verdict on each path, from the names of what it matched. */
function readVerdict(r: { filters: string[]; rules: { rule: string }[] }, metricOf: (filter: string) => string) {
  const m = r.filters.map((f) => familyOfMetric(metricOf(f)));
  const x = r.rules.map((h) => familyOfRule(h.rule));
  const pick = (fams: string[]) => (fams.includes("denied") ? "denied" : fams.includes("read") ? "read" : "none");
  return { metric: pick(m), realtime: pick(x) };
}
/** Filter names are their metric names, or `<metric>-part-<n>` when a detection is split. */
const metricOfFilter = (f: string) => f.replace(/-part-\d+$/, "");

/** Runs the CLI, capturing what it prints. */
async function run(argsIn: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  let args = argsIn;
  // Jest cannot load TypeScript in worker threads: evaluate in this thread (the worker path has its own test).
  args = [...args, "--workers", "1"];
  // One entry per line: the CLI prints records in blocks of lines.
  const log = jest.spyOn(console, "log").mockImplementation((...a) => void out.push(...a.join(" ").split("\n")));
  const error = jest.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe("simulate CLI over the synthesized stack", () => {
  const outdir = mkdtempSync(join(tmpdir(), "sam-sim-"));
  /** The CLI's --json output read through a pipe, as `simulate … --json | jq` reads it. */
  const pipedJson = async (events: string, workers: string) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/simulate/cli.ts", "--events", events, "--out", outdir, "--json", "--workers", workers], {
      cwd: join(__dirname, "..", ".."),
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    return { code, lines: out.trimEnd().split("\n") };
  };
  beforeAll(() => {
    const { app } = buildApp(config(), new App({ outdir }));
    app.synth();
  });

  test("--json: every project fixture gets its expected verdict on both paths, and the read alarm fires in the first minute with a read", async () => {
    const expected: Record<string, Record<string, string>> = JSON.parse(readFileSync(join(OWN_FIXTURES, "expected.json"), "utf8"));
    const files = Object.keys(expected).map((f) => join(OWN_FIXTURES, f));
    const { code, out } = await run(["--out", outdir, "--json", ...files.flatMap((f) => ["--events", f])]);
    expect(code).toBe(0);
    const lines = out.map((l) => JSON.parse(l));
    for (const r of lines.filter((l) => l.type === "record")) {
      const name = r.file.split("/").pop();
      const want = expected[name].default;
      expect({ name, ...readVerdict(r, metricOfFilter) }).toEqual({ name, metric: want, realtime: want });
    }
    const alarm = lines.find((l) => l.type === "alarm" && l.alarm === "sam-test0001-secret-reads");
    expect(alarm.firstAlarm).toBe("2026-11-20T14:03:00.000Z");
    const summary = lines.at(-1);
    expect(summary).toMatchObject({ type: "summary", records: files.length, malformed: 0, stack: "secret-access-monitor" });
  });

  test("says plainly which values a replay cannot know: the references in the patterns, and that the rest is exact", async () => {
    const { code, err } = await run(["--out", outdir, "--events", join(OWN_FIXTURES, "gsv-role-session-vpce.json")]);
    expect(code).toBe(0);
    // The customer key's ID and ARN exist only once Terraform creates the key; an explicit suffix leaves nothing else.
    expect(err).toEqual([
      expect.stringMatching(/^simulate: note: \d+ of \d+ patterns test values known only after terraform apply \(aws_kms_key\.[\w]+\.arn, aws_kms_key\.[\w]+\.key_id\); records are replayed exactly against everything else, but a condition on one of these values is compared with the reference text itself \(\$\{…\}\), which no real record holds\.$/),
    ]);
    // Without a suffix the random one is among them, and the note says how to fix it.
    const random = referencesNote(JSON.parse(synthesizedJson("test", config({ suffix: undefined }))));
    expect(random).toMatch(/random_string\.[\w]+\.result/);
    expect(random).toMatch(/Synthesize with MONITOR_SUFFIX=<suffix> to fix the name suffix instead of a random one\.$/);
    // Nothing to say when the patterns hold no reference.
    expect(referencesNote({ resource: { aws_cloudwatch_log_metric_filter: { f: { pattern: '{ $.eventName = "GetSecretValue" }' } } } })).toBeUndefined();
  });

  test("--help prints every option, one line each, on stdout, and exits 0", async () => {
    const { code, out, err } = await run(["--help"]);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out.join("\n")).toBe(HELP);
    // Every option the parser accepts (as its refusal of an unknown one lists them), each on one line of its own.
    const refused = await run(["--bogus"]);
    const allowed = /allowed: (.*)$/.exec(refused.err.join("\n"))![1].split(", ");
    expect(allowed).toEqual(expect.arrayContaining(["--events", "--stack", "--out", "--json", "--all", "--stats", "--workers", "--help"]));
    for (const flag of allowed) expect({ flag, lines: HELP.split("\n").filter((l) => l.trimStart().startsWith(`${flag} `)).length }).toEqual({ flag, lines: 1 });
  });

  test("--json | head: when the reader goes away the run ends quietly, exit 0, no EPIPE", async () => {
    // Enough output that the pipe fills long after the reader has closed it.
    const rec = JSON.parse(readFileSync(join(OWN_FIXTURES, "gsv-role-session-vpce.json"), "utf8"));
    const big = join(outdir, "many.jsonl");
    writeFileSync(big, Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ ...rec, eventID: `id-${i}` })).join("\n"));
    const child = spawn(process.execPath, ["--import", "tsx", "src/simulate/cli.ts", "--events", big, "--out", outdir, "--json", "--workers", "1"], {
      cwd: join(__dirname, "..", ".."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    let first = "";
    child.stdout.once("data", (d) => {
      first = String(d).split("\n")[0];
      child.stdout.destroy(); // what `head -1` does after its line
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(JSON.parse(first).type).toBe("record");
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 60_000);

  test("--json through a pipe delivers every line, and worker threads print what one thread prints", async () => {
    // Several gzipped log files, enough output that the pipe is still full when the replay ends.
    const tree = join(outdir, "piped");
    const fixtures = readdirSync(OWN_FIXTURES).filter((f) => f.endsWith(".json") && f !== "expected.json").map((f) => JSON.parse(readFileSync(join(OWN_FIXTURES, f), "utf8")));
    mkdirSync(tree, { recursive: true });
    for (let f = 0; f < 4; f++) {
      const records = [...Array.from({ length: 3000 }, (_, i) => generated(f * 3000 + i, 12_000)), ...fixtures];
      writeFileSync(join(tree, `log-${f}.json.gz`), gzipSync(JSON.stringify({ Records: records })));
    }
    const total = 4 * (3000 + fixtures.length);
    const piped = (workers: string) => pipedJson(tree, workers);
    const one = await piped("1");
    expect(one.code).toBe(0);
    expect(one.lines.filter((l) => l.startsWith('{"type":"record"'))).toHaveLength(total);
    expect(JSON.parse(one.lines.at(-1)!)).toMatchObject({ type: "summary", records: total, malformed: 0 });
    expect(JSON.parse(one.lines.at(-1)!).matched).toBeGreaterThanOrEqual(4 * fixtures.length - 8);
    const two = await piped("2");
    expect(two.code).toBe(0);
    expect(two.lines).toEqual(one.lines);
  }, 120_000);

  test("one large log file read by two worker threads prints what one thread prints", async () => {
    // Over 16 MB inflated: streamed, and cut into runs of records for the threads (split.ts).
    const fixtures = readdirSync(OWN_FIXTURES).filter((f) => f.endsWith(".json") && f !== "expected.json").map((f) => readFileSync(join(OWN_FIXTURES, f), "utf8"));
    const texts: string[] = [];
    for (let i = 0; texts.length < 13_000; i++) texts.push(...Array.from({ length: 100 }, (_, k) => JSON.stringify(generated(i * 100 + k, 13_000))), ...fixtures.map((f) => JSON.stringify(JSON.parse(f))));
    const text = `{"Records":[${texts.join(",")}]}`;
    expect(text.length).toBeGreaterThan(17 << 20);
    const file = join(outdir, "large.json.gz");
    writeFileSync(file, gzipSync(text));
    const one = await pipedJson(file, "1");
    const two = await pipedJson(file, "2");
    expect(one.code).toBe(0);
    expect(JSON.parse(one.lines.at(-1)!)).toMatchObject({ type: "summary", records: texts.length, malformed: 0 });
    expect(two.lines).toEqual(one.lines);
  }, 120_000);

  test("npm run -s simulate -- … --json writes JSON Lines only: no npm banner (as the README's commands use it)", () => {
    const root = join(__dirname, "..", "..");
    const r = spawnSync("npm", ["run", "-s", "simulate", "--", "--events", join(OWN_FIXTURES, "gsv-role-session-vpce.json"), "--out", outdir, "--json", "--workers", "1"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const jsonRedirects = readme.split("\n").filter((l) => /npm run .*simulate.*--json.*>/.test(l));
    expect(jsonRedirects.length).toBeGreaterThan(0);
    for (const l of jsonRedirects) expect(l).toMatch(/npm run -s simulate/);
  }, 60_000);

  const sharedPresent = existsSync(join(SHARED_FIXTURES, "expected.json"));
  (sharedPresent ? test : test.skip)("--json over the shared corpus: 0 false negatives and 0 false positives", async () => {
    const expected: Record<string, { secretRead: boolean; deniedRead: boolean }> = JSON.parse(readFileSync(join(SHARED_FIXTURES, "expected.json"), "utf8"));
    const { code, out } = await run(["--out", outdir, "--json", "--events", SHARED_FIXTURES]);
    expect(code).toBe(1); // expected.json itself is not a CloudTrail record
    const records = out.map((l) => JSON.parse(l)).filter((l) => l.type === "record");
    expect(records).toHaveLength(Object.keys(expected).length);
    const wrong = records.filter((r) => {
      const e = expected[r.file.slice(SHARED_FIXTURES.length + 1)];
      const v = readVerdict(r, metricOfFilter);
      const want = e.secretRead ? "read" : e.deniedRead ? "denied" : "none";
      return v.metric !== want || v.realtime !== want;
    });
    expect(wrong.map((r) => r.file)).toEqual([]);
  });

  test("text output shows the rendered message, the alarm timeline and the summary", async () => {
    const { code, out } = await run(["--out", outdir, "--events", join(OWN_FIXTURES, "gsv-role-session-vpce.json")]);
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("real-time: sam-test0001-read-role-vpce");
    expect(text).toContain("| Who:     arn:aws:sts::111122223333:assumed-role/developer/dev-session (AssumedRole)");
    expect(text).toMatch(/sam-test0001-secret-reads: 2026-11-20T14:0\d:00\.000Z INSUFFICIENT_DATA→ALARM \(notifies\)/);
    expect(text).toMatch(/^summary: 1 records read, 1 delivered to the log group, 1 matched, 1 real-time alerts, \d+ alarm notifications, 0 malformed/m);
  });

  test("malformed input is reported with file and reason; the exit code says so", async () => {
    const bad = join(outdir, "bad.json");
    writeFileSync(bad, "{ not json");
    const { code, err } = await run(["--out", outdir, "--events", bad, "--events", join(OWN_FIXTURES, "gsv-partial-arn.json")]);
    expect(code).toBe(1);
    expect(err.join("\n")).toMatch(/malformed: .*bad\.json.*: (truncated JSON at end of file|invalid JSON)/);
  });

  test.each([
    [["--events"], /^simulate: --events: needs a value$/],
    [["--bogus"], /^simulate: --bogus: unknown argument; allowed: --events, --stack, --out, --workers, --deployed-at, --deliver, --accounts, --json, --all, --stats, --help$/],
    [[], /^simulate: --events: required/],
    [["--deliver", "ftp://127.0.0.1/x"], /^simulate: --deliver: ftp:\/\/127\.0\.0\.1\/x must be an http:\/\/ or https:\/\/ URL$/],
    [["--deliver", "not a url"], /^simulate: --deliver: not a url is not a URL; give http:\/\/host:port\/path or https:\/\/…$/],
    [["--events", "/nonexistent/file.json"], /^simulate: --events: \/nonexistent\/file\.json does not exist$/],
  ])("bad arguments %j exit 2 with one line", async (args, expected) => {
    const { code, err } = await run(args as string[]);
    expect(code).toBe(2);
    expect(err).toEqual([expect.stringMatching(expected)]);
  });

  test("an unknown --stack names the stacks that exist", async () => {
    const { code, err } = await run(["--out", outdir, "--stack", "nope", "--events", OWN_FIXTURES]);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/--stack: nope is not in .*; allowed: secret-access-monitor/);
  });
});
