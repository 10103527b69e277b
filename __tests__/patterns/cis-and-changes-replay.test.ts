import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateRecord, StackModel } from "../../src/engines/stack-model";
import { changeVerdicts, modelOf, records, SHARED_FIXTURES } from "./replay";

const CHANGE_FIXTURES = join(__dirname, "..", "fixtures", "cloudtrail-changes");
const CONFIG = {
  cisAlarms: { enabled: true },
  selfMonitoring: { enabled: true, allowedChangers: ["arn:aws:sts::111122223333:assumed-role/deployer/*"] },
};

/** CIS control ids whose filters a record matched. */
function cisHits(model: StackModel, record: Record<string, unknown>): string[] {
  return evaluateRecord(model, record)
    .metrics.filter((m) => m.includes("-cis-"))
    .map((m) => m.replace(/^.*-cis-cloudwatch-(\d+)$/, "CloudWatch.$1"))
    .sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
}

let model: StackModel;
beforeAll(() => {
  model = modelOf(CONFIG);
});

describe("project change fixtures", () => {
  const expected: Record<string, { change: boolean; cis: string[] }> = JSON.parse(readFileSync(join(CHANGE_FIXTURES, "expected.json"), "utf8"));
  const cases = records(CHANGE_FIXTURES);

  test("every fixture has an expectation", () => {
    expect(cases.map(([n]) => n).sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(cases)("%s: monitoring-change verdict on both paths and CIS controls", (name, record) => {
    const want = expected[name];
    expect({ name, ...changeVerdicts(evaluateRecord(model, record)), cis: cisHits(model, record) }).toEqual({
      name,
      metric: want.change,
      realtime: want.change,
      cis: want.cis,
    });
  });

  test("a refused change renders the refusal", () => {
    const record = Object.fromEntries(cases)["stoplogging-denied.json"];
    const hit = evaluateRecord(model, record).rules.find((r) => r.rule.includes("-change-"))!;
    expect(hit.rule).toMatch(/^sam-test0001-change-refused(-\d+)?$/);
    expect(hit.message).toContain("MONITORING CHANGE REFUSED: StopLogging on cloudtrail.amazonaws.com");
    expect(hit.message).toContain("Result:  DENIED with AccessDenied");
    expect(hit.message).toContain("Refusal: User is not authorized to perform: cloudtrail:StopLogging");
  });
});

// Expected CIS controls per shared record, from the corpus's SOURCES.md verdict column.
const CIS_EXPECTED: Record<string, string[]> = {
  "cis/cloudtrail-deletetrail-stratus.json": ["CloudWatch.5"],
  "cis/cloudtrail-puteventselectors-stratus.json": [],
  "cis/cloudtrail-stoplogging-stratus.json": ["CloudWatch.5"],
  "cis/cloudtrail-updatetrail-error-awsdocs.json": ["CloudWatch.5"],
  "cis/config-deletedeliverychannel-panther.json": ["CloudWatch.9"],
  "cis/config-stopconfigurationrecorder-elastic.json": ["CloudWatch.9"],
  "cis/consolelogin-iamuser-failure-awsdocs.json": ["CloudWatch.6"],
  "cis/consolelogin-iamuser-mfa-awsdocs.json": [],
  "cis/consolelogin-iamuser-nomfa-awsdocs.json": ["CloudWatch.3"],
  "cis/consolelogin-iamuser-nomfa-stratus.json": ["CloudWatch.3"],
  "cis/consolelogin-root-failure-awsdocs.json": ["CloudWatch.1", "CloudWatch.6"],
  "cis/consolelogin-root-mfa-YES-awsdocs.json": ["CloudWatch.1"],
  "cis/consolelogin-root-nomfa-awsdocs.json": ["CloudWatch.1"],
  "cis/ec2-attachinternetgateway-panther.json": ["CloudWatch.12"],
  "cis/ec2-authorizesecuritygroupingress-port22-stratus.json": ["CloudWatch.10"],
  "cis/ec2-createnetworkaclentry-panther.json": ["CloudWatch.11"],
  "cis/ec2-createroute-console-panther.json": ["CloudWatch.13"],
  "cis/ec2-createvpc-console-panther.json": ["CloudWatch.14"],
  "cis/ec2-deletenetworkacl-elastic.json": ["CloudWatch.11"],
  "cis/ec2-getpassworddata-unauthorizedoperation-stratus.json": ["CloudWatch.2"],
  "cis/iam-attachuserpolicy-admin-stratus.json": ["CloudWatch.4"],
  "cis/iam-createservicelinkedrole-accessdenied-panther.json": ["CloudWatch.2"],
  "cis/kms-disablekey-elastic.json": ["CloudWatch.7"],
  "cis/kms-schedulekeydeletion-elastic.json": ["CloudWatch.7"],
  "cis/s3-putbucketpolicy-public-panther.json": ["CloudWatch.8"],
  "cis/sts-assumerole-accessdenied-stratus.json": ["CloudWatch.2"],
};

const sharedPresent = existsSync(join(SHARED_FIXTURES, "cis"));
(sharedPresent ? describe : describe.skip)("shared real records against the CIS set", () => {
  const all = records(SHARED_FIXTURES);

  test("every shared CIS record has an expectation", () => {
    expect(all.filter(([n]) => n.startsWith("cis/")).map(([n]) => n).sort()).toEqual(Object.keys(CIS_EXPECTED).sort());
  });

  test.each(all.filter(([n]) => n.startsWith("cis/")))("%s fires exactly its controls", (name, record) => {
    expect({ name, cis: cisHits(model, record) }).toEqual({ name, cis: CIS_EXPECTED[name] });
  });

  // Outside cis/, only root usage (CloudWatch.1) and unauthorized calls (CloudWatch.2) can apply.
  test.each(all.filter(([n]) => !n.startsWith("cis/")))("%s fires only root-usage or unauthorized-call controls, when they apply", (name, record) => {
    const r = record as { userIdentity?: { type?: string; invokedBy?: string }; errorCode?: string; eventType?: string };
    const want: string[] = [];
    if (r.userIdentity?.type === "Root" && !r.userIdentity.invokedBy && r.eventType !== "AwsServiceEvent") want.push("CloudWatch.1");
    if (/UnauthorizedOperation$|^AccessDenied/.test(r.errorCode ?? "")) want.push("CloudWatch.2");
    expect({ name, cis: cisHits(model, record) }).toEqual({ name, cis: want });
  });
});
