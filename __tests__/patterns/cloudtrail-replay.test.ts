import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { changeVerdicts, evaluateRecord, familyOfRule, modelOf, OWN_FIXTURES, records, SHARED_FIXTURES, verdicts } from "./replay";
import { TRAIL_TAMPERING } from "../../src/patterns/tampering";
import { StackModel } from "../../src/engines/stack-model";

const SCOPED = {
  demoSecret: { enabled: false },
  monitoredSecrets: [{ id: "prod/db", allowedReaders: ["arn:aws:sts::111122223333:assumed-role/app-role/*"] }],
  parameterStore: { enabled: true, monitoredParameters: ["/prod/db/password"] },
};

/** Fields CloudTrail writes in every API-call record; a record lacking one is a partial excerpt. */
const COMPLETE = ["eventTime", "eventID", "sourceIPAddress", "userAgent", "userIdentity", "awsRegion", "recipientAccountId", "requestParameters"];

function checkMessages(model: StackModel, name: string, record: Record<string, unknown>) {
  const v = evaluateRecord(model, record);
  // The variants partition events: at most one read/denied rule and one change rule per record.
  expect(v.rules.filter((r) => familyOfRule(r.rule) !== "change").length).toBeLessThanOrEqual(1);
  expect(v.rules.filter((r) => familyOfRule(r.rule) === "change").length).toBeLessThanOrEqual(1);
  for (const hit of v.rules) {
    expect(hit.message).not.toMatch(/<[A-Za-z][A-Za-z0-9_.-]*>/);
    if (COMPLETE.every((k) => k in record)) {
      expect({ name, missing: hit.missing }).toEqual({ name, missing: [] });
      expect(hit.message).not.toMatch(/: *$/m);
    }
  }
}

describe("project fixtures replayed through the synthesized stack", () => {
  const expected: Record<string, Record<string, string>> = JSON.parse(readFileSync(join(OWN_FIXTURES, "expected.json"), "utf8"));
  const cases = records(OWN_FIXTURES);
  const models: Record<string, StackModel> = {};
  beforeAll(() => {
    models.default = modelOf({});
    models.scoped = modelOf(SCOPED);
  });

  test("every fixture has an expected verdict", () => {
    expect(cases.map(([n]) => n).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const configName of ["default", "scoped"]) {
    test.each(cases)(`${configName}: %s gets the expected verdict on both paths`, (name, record) => {
      const v = verdicts(evaluateRecord(models[configName], record));
      expect({ name, ...v }).toEqual({ name, metric: expected[name][configName], realtime: expected[name][configName] });
    });
  }

  test("an allow-listed IAM role ARN also covers its sessions, as CloudTrail records them", () => {
    const record = Object.fromEntries(cases)["gsv-allowlisted-app-role-by-name.json"];
    const byRole = modelOf({ ...SCOPED, monitoredSecrets: [{ id: "prod/db", allowedReaders: ["arn:aws:iam::111122223333:role/service/app-role"] }] });
    expect(verdicts(evaluateRecord(byRole, record))).toEqual({ metric: "none", realtime: "none" });
    const other = modelOf({ ...SCOPED, monitoredSecrets: [{ id: "prod/db", allowedReaders: ["arn:aws:iam::111122223333:role/other-role"] }] });
    expect(verdicts(evaluateRecord(other, record))).toEqual({ metric: "read", realtime: "read" });
  });

  test("the message of a GetSecretValue through a VPC endpoint names who, which, when, where, how and the result", () => {
    const record = Object.fromEntries(cases)["gsv-role-session-vpce.json"];
    const [hit] = evaluateRecord(models.default, record).rules;
    expect(hit.rule).toBe("sam-test0001-read-role-vpce");
    expect(hit.message).toContain("arn:aws:sts::111122223333:assumed-role/developer/dev-session (AssumedRole)");
    expect(hit.message).toContain("session issuer arn:aws:iam::111122223333:role/developer");
    expect(hit.message).toContain('{"secretId":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-Ab12Cd"}');
    expect(hit.message).toContain("2026-11-20T14:03:27Z (UTC)");
    expect(hit.message).toContain("from 10.0.12.7 through VPC endpoint vpce-0a1b2c3d4e5f67890, region us-east-1, account 111122223333");
    expect(hit.message).toContain("How:     aws-cli/2.22.4");
    expect(hit.message).toContain("Result:  success");
    expect(hit.message).toContain(
      "https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/3f7a9c12-5b8e-4d0a-a1c3-9e2b7d4f6a80",
    );
  });

  test("an AWS service caller without a principal ARN renders its identity instead of a blank", () => {
    const record = Object.fromEntries(cases)["gsv-aws-service-caller.json"];
    const [hit] = evaluateRecord(models.default, record).rules;
    expect(hit.rule).toBe("sam-test0001-read-svc-pub");
    expect(hit.message).toContain("Who:     no principal ARN in the record (identity type AWSService)");
    expect(hit.message).toContain('Caller:  {"type":"AWSService","invokedBy":"rds.amazonaws.com"}');
  });

  test("a denied attempt names the error code", () => {
    const record = Object.fromEntries(cases)["gsv-access-denied-on-prod-db.json"];
    const [hit] = evaluateRecord(models.default, record).rules;
    expect(hit.message).toContain("DENIED READ ATTEMPT: GetSecretValue was refused");
    expect(hit.message).toContain("Result:  DENIED with AccessDenied");
  });

  test.each(cases)("messages for %s have no blank field and no literal placeholder", (name, record) => {
    checkMessages(models.default, name, record);
    checkMessages(models.scoped, name, record);
  });
});

const sharedPresent = existsSync(join(SHARED_FIXTURES, "expected.json"));
if (!sharedPresent) {
  console.warn(`shared CloudTrail corpus not found at ${SHARED_FIXTURES}: replay of real records skipped`);
}
(sharedPresent ? describe : describe.skip)("shared real CloudTrail records (default configuration)", () => {
  const expected: Record<string, { secretRead: boolean; deniedRead: boolean }> = sharedPresent
    ? JSON.parse(readFileSync(join(SHARED_FIXTURES, "expected.json"), "utf8"))
    : {};
  const cases = records(SHARED_FIXTURES);
  let model: StackModel;
  beforeAll(() => {
    model = modelOf({});
  });

  test("every record in the corpus has an expected verdict", () => {
    expect(cases.map(([n]) => n).sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(cases)("%s: both paths agree with the expected verdict", (name, record) => {
    const e = expected[name];
    const want = e.secretRead ? "read" : e.deniedRead ? "denied" : "none";
    const v = verdicts(evaluateRecord(model, record));
    expect({ name, ...v }).toEqual({ name, metric: want, realtime: want });
  });

  test.each(cases)("%s: an alert message has no blank field or literal placeholder", (name, record) => {
    checkMessages(model, name, record);
  });

  // The corpus's records come from other accounts: only the calls watched on any trail are changes to this monitor;
  // the keys, topics, alarms and rules they name are not this monitor's.
  test.each(cases)("%s: trail tampering raises a monitoring-change alert on both paths, nothing else does", (name, record) => {
    const r = record as { eventSource: string; eventName: string };
    const want = r.eventSource === "cloudtrail.amazonaws.com" && (TRAIL_TAMPERING as readonly string[]).includes(r.eventName);
    expect({ name, ...changeVerdicts(evaluateRecord(model, record)) }).toEqual({ name, metric: want, realtime: want });
  });
});
