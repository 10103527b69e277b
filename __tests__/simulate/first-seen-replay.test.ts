/**
 * `simulate` replays the first-seen workflow of the synthesized stack: the rule's hits start it (they are not
 * messages), its table is modelled across every record in eventTime order, and each pair's verdict is printed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../../src/app";
import { runSimulate as run } from "./harness";
import { config } from "../helpers";

const FIXTURES = join(__dirname, "..", "fixtures", "first-seen");
const expected: Record<string, { deployedAt: string; verdicts: string[] }> = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8"));


describe("simulate: first-seen readers", () => {
  const outdir = mkdtempSync(join(tmpdir(), "sam-fs-"));
  beforeAll(() => {
    const { app } = buildApp(config({ firstSeenReaders: { enabled: true } }), new App({ outdir }));
    app.synth();
  });

  test.each(Object.keys(expected))("--json %s: one first-seen line per pair with its expected verdict; starts are not counted as alerts", async (file) => {
    const { code, out } = await run(["--out", outdir, "--json", "--deployed-at", expected[file].deployedAt, "--events", join(FIXTURES, file)]);
    expect(code).toBe(0);
    const lines = out.map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === "first-seen").map((l) => l.verdict)).toEqual(expected[file].verdicts);
    const summary = lines.at(-1);
    expect(summary.firstSeenAlerts).toBe(expected[file].verdicts.filter((v) => v === "alert").length);
    // No record line lists the first-seen rule: starting the workflow is not a message.
    expect(lines.filter((l) => l.type === "record").flatMap((l) => l.rules.map((r: { rule: string }) => r.rule))).not.toContain("sam-test0001-first-seen");
  });

  // The workflow replaces the per-read alerts on successful reads (`replacesReadAlerts`, default true): the WHOLE
  // replay (alarms, real-time rules, first-seen) is what the on-call receives.
  test.each([
    ["known-reader-after-learning.json", 0],
    ["quiet-during-learning.json", 0],
    ["new-reader-alerts-once.json", 1],
  ])("whole replay of %s pages %i time(s) in all: no per-read alarm or real-time alert besides the workflow's", async (file, pages) => {
    const { code, out } = await run(["--out", outdir, "--json", "--deployed-at", expected[file].deployedAt, "--events", join(FIXTURES, file)]);
    expect(code).toBe(0);
    const summary = out.map((l) => JSON.parse(l)).at(-1);
    expect({ realtime: summary.realtimeAlerts, alarms: summary.alarmNotifications, firstSeen: summary.firstSeenAlerts }).toEqual({ realtime: 0, alarms: 0, firstSeen: pages });
  });

  test("replacesReadAlerts false keeps the per-read alerts beside the workflow (each read of a known reader pages)", async () => {
    const out2 = mkdtempSync(join(tmpdir(), "sam-fs-both-"));
    buildApp(config({ firstSeenReaders: { enabled: true, replacesReadAlerts: false } }), new App({ outdir: out2 })).app.synth();
    const file = "known-reader-after-learning.json";
    const { code, out } = await run(["--out", out2, "--json", "--deployed-at", expected[file].deployedAt, "--events", join(FIXTURES, file)]);
    expect(code).toBe(0);
    const summary = out.map((l) => JSON.parse(l)).at(-1);
    expect(summary.realtimeAlerts).toBe(3);
    expect(summary.firstSeenAlerts).toBe(0);
  });

  test("text output prints the alert as the on-call reads it", async () => {
    const { code, out } = await run(["--out", outdir, "--deployed-at", "2026-11-01T09:00:00Z", "--events", join(FIXTURES, "new-reader-alerts-once.json")]);
    expect(code).toBe(0);
    const text = out.join("\n");
    expect(text).toContain("first-seen readers (");
    expect(text).toMatch(/2026-11-20T14:03:27Z alert {3}arn:aws:iam::111122223333:role\/developer → secret prod\/db/);
    expect(text).toContain("FIRST-SEEN READER (severity high)");
    expect(text).toMatch(/, 1 first-seen alerts, /);
  });

  test("--deployed-at must be an ISO 8601 time with a zone: one line, exit code 2", async () => {
    const { code, err } = await run(["--out", outdir, "--deployed-at", "yesterday", "--events", join(FIXTURES, "new-reader-alerts-once.json")]);
    expect(code).toBe(2);
    expect(err.join("\n")).toMatch(/--deployed-at: yesterday is not a time; use ISO 8601 with a zone/);
  });

  test("worker threads give the same first-seen verdicts as one thread (the reads are gathered, then replayed in time order)", async () => {
    const json = async (workers: string) => {
      const child = spawn(process.execPath, ["--import", "tsx", "src/simulate/cli.ts", "--events", FIXTURES, "--out", outdir, "--json", "--workers", workers, "--deployed-at", "2026-11-01T09:00:00Z"], {
        cwd: join(__dirname, "..", ".."),
        stdio: ["ignore", "pipe", "ignore"],
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      await new Promise((resolve) => child.on("close", resolve));
      return out.trimEnd().split("\n").map((l) => JSON.parse(l)).filter((l) => l.type === "first-seen");
    };
    const [one, two] = [await json("1"), await json("2")];
    expect(one.length).toBeGreaterThan(10);
    expect(two).toEqual(one);
  }, 60_000);
});
