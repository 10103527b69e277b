/**
 * Decoys and bulk harvesting, replayed through the synthesized stack with `simulate` (the very artifact users
 * deploy): every fixture of __tests__/fixtures/cloudtrail-detections against its expected verdicts, then the
 * properties the detections promise, each on both paths where it has two.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { simulate, Simulation } from "../../src/simulate/simulate";
import { evaluateRecord, stackModel, StackModel } from "../../src/engines/stack-model";
import { synthesizedForReplay } from "./replay";

const DIR = join(__dirname, "..", "fixtures", "cloudtrail-detections");
const expected: Record<string, { decoyAlerts: number; decoyAlarm: boolean; harvestingAlarms: number; changeAlerts: number }> = JSON.parse(
  readFileSync(join(DIR, "expected.json"), "utf8"),
);
const DECOY = "prod/payments/stripe-live-key";
export const DETECTIONS_CONFIG = {
  allowedReaders: ["arn:aws:sts::111122223333:assumed-role/app-role/*"],
  deployment: { principals: ["arn:aws:iam::111122223333:role/terraform"], managedSecrets: [] },
  decoys: { secrets: [{ name: DECOY }], parameters: [{ name: "/prod/payments/root-db-password" }] },
  harvesting: { enabled: true },
};

const notifications = (sim: Simulation, alarm: string) =>
  sim.alarms.filter((a) => a.alarm === alarm).flatMap((a) => a.transitions).filter((t) => t.to === "ALARM" && t.notified.length > 0).length;

describe("decoys and bulk harvesting, replayed through the synthesized stack", () => {
  let tf: Record<string, any>;
  let model: StackModel;
  beforeAll(() => {
    tf = synthesizedForReplay(DETECTIONS_CONFIG).tf;
    model = stackModel(tf);
  }, 60_000);

  test.each(Object.keys(expected))("%s", async (file) => {
    const rules: string[] = [];
    const sim = await simulate(tf, [join(DIR, file)], { workers: 1, onRecord: (r) => rules.push(...r.rules.map((h) => h.rule)) });
    expect({
      decoyAlerts: rules.filter((n) => n.includes("-decoy-")).length,
      decoyAlarm: notifications(sim, "sam-test0001-decoy-reads") > 0,
      harvestingAlarms: notifications(sim, "sam-test0001-harvesting"),
      // Disabling the harvesting rules or deleting a decoy is a change to the monitor (self-monitoring).
      changeAlerts: rules.filter((n) => n.includes("-change-")).length,
    }).toEqual(expected[file]);
  });

  test("a decoy read by the allow-listed role raises no ordinary read alert but the critical decoy alert on both paths", () => {
    const [record] = JSON.parse(readFileSync(join(DIR, "decoy-read-by-allowlisted-role.json"), "utf8")).Records;
    const v = evaluateRecord(model, record);
    expect(v.metrics).toEqual(["sam-test0001-decoy-reads"]);
    expect(v.rules.map((r) => r.rule)).toEqual(["sam-test0001-decoy-read"]);
    expect(v.rules[0].message).toMatch(/^CRITICAL DECOY READ: GetSecretValue/);
    expect(v.rules[0].missing).toEqual([]);
  });

  test("the deployment principal reading a decoy alerts: decoys have no refresh exemption", () => {
    const [record] = JSON.parse(readFileSync(join(DIR, "decoy-read-by-deployer.json"), "utf8")).Records;
    const v = evaluateRecord(model, record);
    expect(v.metrics).toContain("sam-test0001-decoy-reads");
    expect(v.rules.map((r) => r.rule)).toContain("sam-test0001-decoy-read");
  });

  test("a refused decoy read names the refusal in the critical message", () => {
    const [record] = JSON.parse(readFileSync(join(DIR, "decoy-denied-by-iam.json"), "utf8")).Records;
    const v = evaluateRecord(model, record);
    const decoyHits = v.rules.filter((r) => r.rule.includes("-decoy-"));
    expect(decoyHits.map((r) => r.rule)).toEqual(["sam-test0001-decoy-tried"]);
    expect(decoyHits[0].message).toContain("CRITICAL DECOY READ ATTEMPT");
    expect(decoyHits[0].message).toContain(`secret:${DECOY}-Xy98Zw`);
  });

  test("the harvesting alarm's value is the top principal's count, in the window's period", async () => {
    const sim = await simulate(tf, [join(DIR, "harvest-burst.json")], { workers: 1 });
    const harvest = sim.alarms.find((a) => a.alarm === "sam-test0001-harvesting")!;
    const alarm = harvest.transitions.find((t) => t.to === "ALARM")!;
    expect(alarm.values.filter((x) => x !== null)).toEqual([22]);
    // 14:01:00–14:01:44 lies in the aligned period 14:00–14:05.
    expect(harvest.firstAlarm).toBe("2026-11-20T14:00:00.000Z");
  });

  test("the replay names the principal, the count and the window of a harvest (as the rule's report would)", async () => {
    const sim = await simulate(tf, [join(DIR, "harvest-batch-by-filters.json")], { workers: 1 });
    const harvest = sim.alarms.find((a) => a.alarm === "sam-test0001-harvesting")!;
    expect(harvest.topContributors).toEqual([
      { periodStart: "2026-11-20T14:00:00.000Z", periodSeconds: 300, keys: ["arn:aws:iam::111122223333:user/mallory"], value: 20 },
    ]);
  });

  test("worker threads count contributors as one thread does", async () => {
    const files = ["harvest-burst.json", "harvest-batch-by-filters.json", "repeat-reader-one-secret.json"].map((f) => join(DIR, f));
    const one = await simulate(tf, files, { workers: 1 });
    const many = await simulate(tf, files, { workers: 3 });
    const pick = (s: Simulation) => s.alarms.filter((a) => a.alarm.endsWith("-harvesting"));
    expect(pick(many)).toEqual(pick(one));
    expect(notifications(one, "sam-test0001-harvesting")).toBe(1);
    // Each worker thread compiles the stack: on a loaded 2-core machine that takes seconds.
  }, 60_000);
});
