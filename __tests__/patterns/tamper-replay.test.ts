/**
 * Changes that would switch the monitor off (#10): for every watched call, records written from the documented
 * CloudTrail format (`__tests__/fixtures/cloudtrail-tamper/`, one file per call and request shape, four records each:
 * this monitor's resource, another resource, an allowed changer, a refused attempt) replayed through the synthesized
 * stack on both paths. Then every branch of the detection, and every branch's refusal scoping, is removed in turn and
 * re-rendered on both paths: each removal must silence a record that alerted, so no part of the pattern is untested.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateRecord, RecordVerdict, stackModel, StackModel } from "../../src/engines/stack-model";
import { alertTransformer } from "../../src/patterns/alert-message";
import { alertVariants, detectionFilterPatterns, ReadDetection, variantEventPatterns, variantKey } from "../../src/patterns/sensitive-reads";
import { TAMPER_DETECTION_ID, tamperCalls } from "../../src/patterns/tampering";
import { MonitoringStack } from "../../src/stacks/monitoring-stack";
import { FIXTURE_KEY_ID, fixtureKeyArn, synthesizedForReplay } from "./replay";

const DIR = join(__dirname, "..", "fixtures", "cloudtrail-tamper");
const PREFIX = "sam-test0001";
const ACCOUNT = "111122223333";
/** Planned deployments: a changer allowed by selfMonitoring.allowedChangers, and the deployment principal. */
const CONFIG = {
  selfMonitoring: { enabled: true, allowedChangers: [`arn:aws:iam::${ACCOUNT}:role/deployer`] },
  deployment: { principals: [`arn:aws:iam::${ACCOUNT}:role/terraform`] },
};

type Expect = "done" | "refused" | "none";
type Rec = Record<string, any>;

const expected: Record<string, Expect[]> = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8"));
const files = readdirSync(DIR).filter((f) => f.endsWith(".json") && f !== "expected.json").sort();
const recordsOf = (file: string): Rec[] => JSON.parse(readFileSync(join(DIR, file), "utf8")).Records;
const ROLES = ["this monitor's resource", "another resource", "an allowed changer", "a refused attempt"];
const CASES = files.flatMap((file) => recordsOf(file).map((record, i) => [file, i, ROLES[i], record] as const));

/** What each path did: the monitoring-change metric, and which change rule (done, refused, refused-nomsg). */
function changeOutcome(v: RecordVerdict): { metric: boolean; realtime: string[] } {
  return {
    metric: v.metrics.includes(`${PREFIX}-${TAMPER_DETECTION_ID}`),
    realtime: v.rules.filter((r) => r.rule.includes("-change-")).map((r) => r.rule.replace(/^.*-change-/, "").replace(/-\d+$/, "")),
  };
}
const WANT: Record<Expect, { metric: boolean; realtime: string[] }> = {
  done: { metric: true, realtime: ["done"] },
  refused: { metric: true, realtime: ["refused"] },
  none: { metric: false, realtime: [] },
};

let tf: Rec;
let stack: MonitoringStack;
let model: StackModel;
beforeAll(() => {
  ({ tf, stack } = synthesizedForReplay(CONFIG));
  model = stackModel(tf);
});

describe("fixtures", () => {
  test("every fixture file has four expectations, and only the four documented roles", () => {
    expect(files).toEqual(Object.keys(expected).sort());
    for (const f of files) {
      expect({ f, n: recordsOf(f).length }).toEqual({ f, n: 4 });
      expect({ f, roles: expected[f].slice(1) }).toEqual({ f, roles: [expected[f][1], "none", "refused"] });
    }
  });

  test("every watched call, in every request shape that names the resource, has a fixture", () => {
    const missing: string[] = [];
    for (const call of tamperCalls(stack.tamper!)) {
      for (const field of call.fields) {
        const found = files.some((f) => {
          const [ours] = recordsOf(f);
          if (ours.eventSource !== call.eventSource || ours.eventName !== call.eventName) return false;
          if (field === "(any trail)") return true;
          const path = field.split(".");
          return path.reduce<any>((o, k) => o?.[k], ours) !== undefined;
        });
        if (!found) missing.push(`${call.eventSource} ${call.eventName} (${field})`);
      }
    }
    expect(missing).toEqual([]);
  });

  test("refused records are shaped like real ones: no request parameters (S3 keeps them), the resource in errorMessage", () => {
    for (const f of files) {
      const refused = recordsOf(f)[3];
      expect(refused.errorCode).toBe("AccessDenied");
      if (refused.eventSource === "s3.amazonaws.com") {
        expect(refused.errorMessage).toBe("Access Denied");
        expect(refused.requestParameters.bucketName).toBe(`sam-trail-test0001`);
      } else {
        expect(refused.requestParameters).toBeNull();
        expect(refused.errorMessage).toMatch(/^User: arn:aws:\S+ is not authorized to perform: \S+ on resource: \S.* because no identity-based policy allows the \S+ action$/);
      }
    }
  });
});

describe("README", () => {
  // IAM action prefixes of the event sources, as the README's table names the calls.
  const PREFIXES: Record<string, string> = { "monitoring.amazonaws.com": "cloudwatch" };
  test("the table \"How could someone switch this off\" has one row per watched call, and no other", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## How could someone switch this off"), readme.indexOf("\n## ", readme.indexOf("## How could someone switch this off") + 3));
    const rows = section.split("\n").filter((l) => /^\| `[a-z0-9]+:[A-Za-z]+`/.test(l));
    const calls = tamperCalls(stack.tamper!);
    for (const c of calls) {
      const name = `${PREFIXES[c.eventSource] ?? c.eventSource.split(".")[0]}:${c.eventName}`;
      expect({ name, rows: rows.filter((r) => r.includes(`\`${name}\``) || r.includes(`recorded as \`${c.eventName}\``)).length }).toEqual({ name, rows: 1 });
    }
    expect(rows).toHaveLength(calls.length);
  });
});

describe("replayed through the synthesized stack", () => {
  test.each(CASES)("%s #%i (%s): expected verdict on both paths", (file, i, _role, record) => {
    expect({ file, i, ...changeOutcome(evaluateRecord(model, record)) }).toEqual({ file, i, ...WANT[expected[file][i]] });
  });

  test.each(CASES)("%s #%i (%s): raises no read alert, and its change message has no blank or placeholder", (file, i, _role, record) => {
    const v = evaluateRecord(model, record);
    expect(v.metrics.filter((m) => !m.endsWith(`-${TAMPER_DETECTION_ID}`))).toEqual([]);
    expect(v.rules.filter((r) => !r.rule.includes("-change-"))).toEqual([]);
    for (const hit of v.rules) {
      expect({ file, i, missing: hit.missing }).toEqual({ file, i, missing: [] });
      expect(hit.message).not.toMatch(/<[A-Za-z][A-Za-z0-9_.-]*>/);
      expect(hit.message).not.toMatch(/: *$/m);
    }
  });

  test("an applied change says what changed, who changed it, from where, and what to check", () => {
    const [record] = recordsOf("events-PutRule.json");
    const [hit] = evaluateRecord(model, record).rules;
    expect(hit.rule).toMatch(new RegExp(`^${PREFIX}-change-done(-\\d+)?$`));
    expect(hit.message).toContain("MONITORING CHANGED: PutRule on events.amazonaws.com");
    expect(hit.message).toContain(`"arn":"arn:aws:sts::${ACCOUNT}:assumed-role/developer/dev-session"`);
    expect(hit.message).toContain(`"name":"${PREFIX}-read-role-pub","state":"DISABLED"`);
    expect(hit.message).toContain("Where:   from 198.51.100.23, region us-east-1, account 111122223333");
    expect(hit.message).toContain("npm run verify");
    expect(hit.message).not.toContain("secret value");
  });

  test("a refused change names the refusal, which names the resource its null request parameters do not", () => {
    const refused = recordsOf("iam-PutRolePolicy.json")[3];
    const [hit] = evaluateRecord(model, refused).rules;
    expect(hit.rule).toMatch(new RegExp(`^${PREFIX}-change-refused(-\\d+)?$`));
    expect(hit.message).toContain("MONITORING CHANGE REFUSED: PutRolePolicy on iam.amazonaws.com");
    expect(hit.message).toContain(`Refusal: User: arn:aws:iam::${ACCOUNT}:user/mallory is not authorized to perform: iam:PutRolePolicy on resource: role ${PREFIX}-cloudtrail-to-logs`);
    expect(hit.message).toContain("Result:  DENIED with AccessDenied");
  });

  test("a refusal recorded without an errorMessage still alerts, with a message that prints only what it carries", () => {
    const { errorMessage: _, ...bare } = recordsOf("cloudtrail-StopLogging.json")[3];
    const v = evaluateRecord(model, bare);
    expect(changeOutcome(v)).toEqual({ metric: true, realtime: ["refused-nomsg"] });
    expect(v.rules[0].missing).toEqual([]);
    expect(v.rules[0].message).not.toContain("Refusal:");
  });

  test("the key is matched by its ID and its ARN, as KMS records them", () => {
    const byId = recordsOf("kms-DisableKey.json")[0];
    const byArn = recordsOf("kms-ScheduleKeyDeletion.json")[0];
    expect(byId.requestParameters.keyId).toBe(FIXTURE_KEY_ID);
    expect(byArn.requestParameters.keyId).toBe(fixtureKeyArn());
    for (const r of [byId, byArn]) expect(changeOutcome(evaluateRecord(model, r))).toEqual(WANT.done);
  });

  test("without an allow-list, every allowed-changer record alerts: the allow-list is what silences them", () => {
    const open = stackModel(synthesizedForReplay({ selfMonitoring: { enabled: true } }).tf);
    for (const f of files) expect({ f, ...changeOutcome(evaluateRecord(open, recordsOf(f)[2])) }).toEqual({ f, ...WANT.done });
  });
});

// -------------------------------------------------------------------------------------------- mutations

/** The stack's JSON with the change filters and rules re-rendered from `d`, as the stack renders them. */
function withDetection(d: ReadDetection): Rec {
  const copy: Rec = JSON.parse(JSON.stringify(tf));
  const r = copy.resource;
  const [template] = Object.values<Rec>(r.aws_cloudwatch_log_metric_filter).filter((f) => f.name.startsWith(`${PREFIX}-${TAMPER_DETECTION_ID}`));
  for (const [k, f] of Object.entries<Rec>(r.aws_cloudwatch_log_metric_filter)) if (f.name.startsWith(`${PREFIX}-${TAMPER_DETECTION_ID}`)) delete r.aws_cloudwatch_log_metric_filter[k];
  for (const [k, rule] of Object.entries<Rec>(r.aws_cloudwatch_event_rule)) if (rule.name.includes("-change-")) delete r.aws_cloudwatch_event_rule[k];
  for (const [k, t] of Object.entries<Rec>(r.aws_cloudwatch_event_target)) if (String(t.rule).includes("ChangeRealtimeAlerts")) delete r.aws_cloudwatch_event_target[k];
  // The detection holds the key's ID and ARN as tokens (its longestValues name them): resolved as apply would.
  const resolve = (text: string) =>
    Object.entries(d.longestValues ?? {}).reduce((t, [token, longest]) => t.split(token).join(longest.startsWith("arn:") ? fixtureKeyArn() : FIXTURE_KEY_ID), text);
  detectionFilterPatterns(d).forEach((pattern, i) => {
    r.aws_cloudwatch_log_metric_filter[`mutant_filter_${i}`] = { ...template, name: `${PREFIX}-${TAMPER_DETECTION_ID}-mutant-${i}`, pattern: resolve(pattern) };
  });
  for (const v of alertVariants([d.outcome], "tamper")) {
    variantEventPatterns([d], v).forEach((pattern, i) => {
      const name = `${PREFIX}-change-${variantKey(v, "tamper")}${i === 0 ? "" : `-${i + 1}`}`;
      const t = alertTransformer(v, { family: "tamper" });
      r.aws_cloudwatch_event_rule[`mutant_${name}`] = { name, event_pattern: resolve(JSON.stringify(pattern)), state: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" };
      r.aws_cloudwatch_event_target[`mutant_${name}`] = { rule: name, input_transformer: { input_paths: t.inputPaths, input_template: t.inputTemplate } };
    });
  }
  return copy;
}

/** Records that alert on both paths under `m` but alert on neither under the unmutated stack's model: none expected. */
const alerting = (m: StackModel, recs: readonly Rec[]) => recs.filter((x) => {
  const o = changeOutcome(evaluateRecord(m, x));
  return o.metric && o.realtime.length > 0;
});

describe("every part of the detection is needed (mutations re-rendered on both paths)", () => {
  const all = () => CASES.map(([, , , record]) => record);

  test("re-rendering the unmutated detection reproduces the synthesized filters and rules", () => {
    const same = withDetection(stack.tamper!);
    const patterns = (x: Rec) => Object.values<Rec>(x.resource.aws_cloudwatch_log_metric_filter).filter((f) => f.name.startsWith(`${PREFIX}-${TAMPER_DETECTION_ID}`)).map((f) => f.pattern).sort();
    const rules = (x: Rec) => Object.values<Rec>(x.resource.aws_cloudwatch_event_rule).filter((f) => f.name.includes("-change-")).map((f) => `${f.name} ${f.event_pattern}`).sort();
    expect(patterns(same)).toEqual(patterns(tf));
    expect(rules(same)).toEqual(rules(tf));
    expect(alerting(stackModel(same), all())).toEqual(alerting(model, all()));
  });

  test("removing any branch silences, on both paths, a record that alerted", () => {
    const d = stack.tamper!;
    const before = alerting(model, all());
    const survivors: string[] = [];
    d.branches.forEach((b, i) => {
      const mutant = stackModel(withDetection({ ...d, branches: d.branches.filter((_, j) => j !== i) }));
      const silenced = before.filter((x) => {
        const o = changeOutcome(evaluateRecord(mutant, x));
        return !o.metric && o.realtime.length === 0;
      });
      if (silenced.length === 0) survivors.push(`${b.eventSource} ${b.eventNames.join(",")} ${b.resource?.field.join(".") ?? ""}`);
    });
    expect(survivors).toEqual([]);
  });

  test("removing any branch's refusal scoping silences, on both paths, a refused record that alerted", () => {
    const d = stack.tamper!;
    const refused = CASES.filter(([file, i]) => expected[file][i] === "refused").map(([, , , record]) => record);
    const survivors: string[] = [];
    d.branches.forEach((b, i) => {
      if (!b.refusal) return;
      const mutant = stackModel(withDetection({ ...d, branches: d.branches.map((x, j) => (j === i ? { ...x, refusal: undefined } : x)) }));
      const silenced = refused.filter((x) => b.eventNames.includes(x.eventName) && x.eventSource === b.eventSource).filter((x) => {
        const o = changeOutcome(evaluateRecord(mutant, x));
        return !o.metric && o.realtime.length === 0;
      });
      if (silenced.length === 0) survivors.push(`${b.eventSource} ${b.eventNames.join(",")}`);
    });
    expect(survivors).toEqual([]);
  });
});
