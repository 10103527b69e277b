/**
 * First-seen readers, replayed through the synthesized stack: each record goes through the stack's EventBridge
 * rules (the first-seen rule must match it), then through the workflow read from the synthesized state machine
 * (`firstSeenModelOf`) against a model of its table. Time comes from the records' eventTime only.
 *
 * Fixtures (`__tests__/fixtures/first-seen/`, README there) are CloudTrail log files written from the documented
 * record format; `expected.json` gives each file's deployment time and the verdict of every pair in time order.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateRecord, stackModel, StackModel } from "../../src/engines/stack-model";
import { firstSeenInput, FirstSeenModel, firstSeenModelOf, replayFirstSeen } from "../../src/engines/first-seen-model";
import { synthesizedForReplay } from "../patterns/replay";

const DIR = join(__dirname, "..", "fixtures", "first-seen");
const expected: Record<string, { deployedAt: string; verdicts: string[] }> = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8"));
const recordsOf = (file: string): Record<string, any>[] => JSON.parse(readFileSync(join(DIR, file), "utf8")).Records;

/** The records the workflow's rules start it with (what EventBridge would hand it), in input order. */
function started(stack: StackModel, fs: FirstSeenModel, records: Record<string, any>[]) {
  return records.filter((r) => evaluateRecord(stack, r).rules.some((hit) => fs.ruleNames.has(hit.rule)));
}

describe("first-seen readers, replayed from the synthesized stack", () => {
  let stack: StackModel;
  let fs: FirstSeenModel;
  let tf: Record<string, any>;
  beforeAll(() => {
    tf = synthesizedForReplay({ firstSeenReaders: { enabled: true } }).tf;
    stack = stackModel(tf);
    fs = firstSeenModelOf(tf)!;
  });

  test("the model is read from the synthesized workflow and learning item: 14 learning days, 90 retention days, one rule", () => {
    expect({ learning: fs.learningDays, retention: fs.retentionDays, rules: [...fs.ruleNames] }).toEqual({
      learning: 14,
      retention: 90,
      rules: ["sam-test0001-first-seen"],
    });
  });

  test.each(Object.keys(expected))("%s: every pair gets its expected verdict", (file) => {
    const records = recordsOf(file);
    const reads = started(stack, fs, records);
    expect(reads).toHaveLength(records.length);
    const { outcomes } = replayFirstSeen(fs, reads.map((r) => r), { deployedAt: expected[file].deployedAt });
    expect(outcomes.map((o) => o.verdict)).toEqual(expected[file].verdicts);
  });

  test("a new reader alerts once, naming principal, secret, when, where and how, at severity high", () => {
    const { outcomes } = replayFirstSeen(fs, recordsOf("new-reader-alerts-once.json"), { deployedAt: "2026-11-01T09:00:00Z" });
    const alerts = outcomes.filter((o) => o.verdict === "alert");
    expect(alerts).toHaveLength(1);
    expect(alerts[0].subject).toBe("First-seen reader (high): prod/db");
    expect(alerts[0].message).toContain("Who:     arn:aws:sts::111122223333:assumed-role/developer/dev-session (AssumedRole)");
    expect(alerts[0].message).toContain("learned as arn:aws:iam::111122223333:role/developer");
    expect(alerts[0].message).toContain("What:    GetSecretValue on secretsmanager.amazonaws.com: secret prod/db");
    expect(alerts[0].message).toContain("When:    2026-11-20T14:03:27Z (UTC)");
    expect(alerts[0].message).toContain("Where:   from 10.0.12.7 through VPC endpoint vpce-0a1b2c3d4e5f67890, region us-east-1, account 111122223333");
    expect(alerts[0].message).toMatch(/How: {5}aws-cli\/2\.22\.4/);
    expect(alerts[0].message).not.toMatch(/undefined|<[a-zA-Z]+>/);
  });

  test("nothing alerts during learning, whatever the readers; the same reads after learning would all alert", () => {
    const records = recordsOf("quiet-during-learning.json");
    expect(replayFirstSeen(fs, records, { deployedAt: "2026-11-01T09:00:00Z" }).outcomes.every((o) => o.verdict === "learned")).toBe(true);
    const deployedLongBefore = replayFirstSeen(fs, records, { deployedAt: "2026-09-01T00:00:00Z" }).outcomes;
    expect(deployedLongBefore.map((o) => o.verdict)).toEqual(["alert", "alert", "alert", "alert"]);
  });

  test("without a deployment time, learning starts at the earliest record (input order does not matter)", () => {
    const records = recordsOf("new-reader-alerts-once.json");
    const forwards = replayFirstSeen(fs, records).outcomes.map((o) => o.verdict);
    const backwards = replayFirstSeen(fs, [...records].reverse()).outcomes.map((o) => o.verdict);
    expect(forwards).toEqual(["learned", "alert", "known", "known"]);
    expect(backwards).toEqual(forwards);
  });

  test("expiry is judged on the stored attribute: one second past expiresAt alerts again, one second before does not", () => {
    const records = recordsOf("expiry-re-alerts.json").slice(0, 3);
    const { table } = replayFirstSeen(fs, records, { deployedAt: "2026-11-01T09:00:00Z" });
    const item = [...table.items.values()][0];
    // Refreshed by the 2027-02-17T09:00:00Z read: 90 days later.
    expect(item.expiresAt).toBe(Date.parse("2027-05-18T09:00:00Z") / 1000);
    const at = (t: string) => ({ ...records[0], eventTime: t, eventID: `probe-${t}` });
    const before = replayFirstSeen(fs, [...records, at("2027-05-18T08:59:59Z")], { deployedAt: "2026-11-01T09:00:00Z" }).outcomes.at(-1);
    const equal = replayFirstSeen(fs, [...records, at("2027-05-18T09:00:00Z")], { deployedAt: "2026-11-01T09:00:00Z" }).outcomes.at(-1);
    const after = replayFirstSeen(fs, [...records, at("2027-05-18T09:00:01Z")], { deployedAt: "2026-11-01T09:00:00Z" }).outcomes.at(-1);
    // Condition `#expiresAt < :now`: equal is not expired.
    expect([before?.verdict, equal?.verdict, after?.verdict]).toEqual(["known", "known", "alert"]);
  });

  test("an allow-listed reader never reaches the workflow (the rule excludes it), so it is neither learned nor alerted", () => {
    const allowed = synthesizedForReplay({ firstSeenReaders: { enabled: true }, allowedReaders: ["arn:aws:iam::111122223333:role/developer"] }).tf;
    const model = firstSeenModelOf(allowed)!;
    const records = recordsOf("new-reader-alerts-once.json");
    const reads = started(stackModel(allowed), model, records);
    expect(reads.map((r) => r.userIdentity.sessionContext.sessionIssuer.arn)).toEqual([
      "arn:aws:iam::111122223333:role/app-role",
      "arn:aws:iam::111122223333:role/app-role",
    ]);
  });

  test("what simulate keeps of a read (firstSeenInput) gives the same pairs, verdicts and messages as the whole record", () => {
    for (const file of Object.keys(expected)) {
      const records = recordsOf(file);
      const whole = replayFirstSeen(fs, records, { deployedAt: expected[file].deployedAt }).outcomes;
      const kept = replayFirstSeen(fs, records.map(firstSeenInput), { deployedAt: expected[file].deployedAt }).outcomes;
      expect(kept).toEqual(whole);
    }
  });

  test("a definition edited after synthesis is refused, not replayed as if it were the modelled one", () => {
    const edited = JSON.parse(JSON.stringify(tf));
    const machine = Object.values<any>(edited.resource.aws_sfn_state_machine)[0];
    machine.definition = machine.definition.replace("#expiresAt < :now", "#expiresAt <= :now");
    expect(() => firstSeenModelOf(edited)).toThrow(/differs from the workflow this simulate models/);
  });

  test("learningDays 0 writes no learning item: the first read of every pair alerts", () => {
    const noLearning = firstSeenModelOf(synthesizedForReplay({ firstSeenReaders: { enabled: true, learningDays: 0 } }).tf)!;
    expect(noLearning.learningDays).toBe(0);
    expect(replayFirstSeen(noLearning, recordsOf("known-reader-after-learning.json")).outcomes.map((o) => o.verdict)).toEqual(["alert", "known", "known"]);
  });
});
