/**
 * Forwarding followed by the central rules alerts on exactly what the central rules alone would: every record of
 * the fixtures, replayed as if it happened in several member accounts (named and unnamed) and regions, is
 * forwarded by the member template's one rule whenever a central rule alerts on it (it forwards every read call the
 * central rules watch) and by the organization trail stack's own forwarding rules exactly when one does; each read alerts once, its message naming the account (and its friendly name
 * when configured) and the region.
 */
import { Testing } from "cdktf";
import { buildApp } from "../../src/app";
import { compileEventPattern } from "../../src/engines/event-pattern";
import { eventBridgeEnvelope, evaluateRecord, isReadOnly, stackModel } from "../../src/engines/stack-model";
import { parseConfig } from "../../src/config/load";
import { MonitorConfigInput } from "../../src/config/schema";
import { cfnSchemaProblems } from "../../src/review/cfn-schema";
import { ALL_MANAGEMENT_EVENTS, forwardingPattern } from "../../src/patterns/member-forwarding";
import { OWN_FIXTURES, records, SHARED_FIXTURES } from "./replay";

const ORG: MonitorConfigInput = {
  region: "us-east-1",
  namePrefix: "sam-org",
  suffix: "org00001",
  alertEmails: ["security@example.com"],
  organization: {
    id: "o-a1b2c3d4e5",
    managementAccountId: "111111111111",
    securityAccountId: "222222222222",
    organizationalUnits: ["ou-ab12-cd34ef56"],
    regions: ["us-east-1", "eu-west-1", "ap-southeast-2"],
    accountNames: { "333333333333": "payments-prod" },
  },
};
const ACCOUNTS = ["333333333333", "444444444444", "111111111111"];
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];

function synthesize(input: MonitorConfigInput) {
  const built = buildApp(parseConfig(input), Testing.app());
  const central = JSON.parse(Testing.synth(built.central!));
  const trail = JSON.parse(Testing.synth(built.monitoring));
  return { built, central, trail };
}

type Matcher = { name: string; matches: (event: unknown) => boolean; state: string };

/** The member template's rules, as EventBridge would evaluate them in a member account. */
function templateRules(template: Record<string, any>): Matcher[] {
  return Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === "AWS::Events::Rule")
    .map((r) => ({ name: r.Properties.Name, matches: compileEventPattern(r.Properties.EventPattern), state: r.Properties.State }));
}

/** The trail stack's forwarding rules (one region's worth: the same patterns in every region). */
function forwardingRules(tf: Record<string, any>, region: string): Matcher[] {
  return Object.values(tf.resource.aws_cloudwatch_event_rule as Record<string, any>)
    .filter((r) => r.provider === `aws.${region}`)
    .map((r) => ({ name: r.name, matches: compileEventPattern(JSON.parse(r.event_pattern)), state: r.state }));
}

const forwards = (rules: Matcher[], record: Record<string, unknown>, event: unknown) =>
  rules.some((r) => (!isReadOnly(record) || r.state === ALL_MANAGEMENT_EVENTS) && r.matches(event));

/**
 * The calls a member account forwards, whoever makes them and however they end: a secret value read (Secrets
 * Manager GetSecretValue, BatchGetSecretValue) and a parameter read with decryption (SSM GetParameter,
 * GetParameters, GetParametersByPath, GetParameterHistory with `withDecryption: true`).
 */
function watchedCall(r: Record<string, any>): boolean {
  if (r.eventSource === "secretsmanager.amazonaws.com") return ["GetSecretValue", "BatchGetSecretValue"].includes(r.eventName);
  if (r.eventSource === "ssm.amazonaws.com") return ["GetParameter", "GetParameters", "GetParametersByPath", "GetParameterHistory"].includes(r.eventName) && r.requestParameters?.withDecryption === true;
  return false;
}

/** A fixture record as if it happened in this account and region (the fields CloudTrail sets from them). */
function relocated(record: Record<string, unknown>, account: string, region: string): Record<string, unknown> {
  return { ...record, recipientAccountId: account, awsRegion: region };
}

describe.each([
  ["every secret", {}],
  [
    "listed secrets in member accounts, allow-listed readers of other accounts",
    {
      monitoredSecrets: [
        { id: "arn:aws:secretsmanager:eu-west-1:444444444444:secret:payments/api-key-AbC123", allowedReaders: ["arn:aws:iam::444444444444:role/payments-app"] },
        { id: "prod/db/password", allowedReaders: ["arn:aws:sts::333333333333:assumed-role/app-role/*"] },
      ],
      parameterStore: { monitoredParameters: ["/prod/db/password"] },
    },
  ],
] as [string, Partial<MonitorConfigInput>][])("organization, %s", (_label, overrides) => {
  const { built, central, trail } = synthesize({ ...ORG, ...overrides });
  const model = stackModel(central);
  const template = built.members!.template;
  const memberRules = templateRules(template);
  const trailRules = Object.fromEntries(REGIONS.map((region) => [region, forwardingRules(trail, region)]));
  const all = [...records(OWN_FIXTURES), ...records(SHARED_FIXTURES)].filter(([, r]) => typeof r.eventSource === "string");
  const own = new Set(records(OWN_FIXTURES).map(([f]) => f));

  it("has records to replay and a template CloudFormation's published schemas accept", () => {
    expect(all.length).toBeGreaterThan(20);
    expect(cfnSchemaProblems(template, { templateBody: JSON.stringify(template) })).toEqual([]);
  });

  it("member forwarding then central alerts exactly when central alone would, once, naming account and region", () => {
    let alerted = 0;
    for (const [file, record] of all) {
      for (const account of ACCOUNTS) {
        for (const region of REGIONS) {
          const r = relocated(record, account, region);
          const event = eventBridgeEnvelope(r);
          const hits = evaluateRecord(model, r, event).rules;
          const forwarded = forwards(memberRules, r, event);
          const trailForwarded = forwards(trailRules[region], r, event);
          const where = `${file} in ${account}/${region}`;
          // Members forward every read call the central rules watch (nothing they need is lost: forwarding ⊇
          // central), and nothing else: no other call leaves the account. The trail stack's own rules are exact.
          if (hits.length > 0) expect({ where, forwarded }).toEqual({ where, forwarded: true });
          expect({ where, forwarded }).toEqual({ where, forwarded: watchedCall(r) });
          expect({ where, trailForwarded }).toEqual({ where, trailForwarded: hits.length > 0 });
          expect({ where, alerts: hits.length }).toEqual({ where, alerts: Math.min(hits.length, 1) });
          for (const hit of hits) {
            alerted++;
            // The shared corpus holds partial samples (documentation excerpts) that leave blanks; the project's
            // complete records never do.
            if (own.has(file)) expect({ where, missing: hit.missing }).toEqual({ where, missing: [] });
            expect(hit.message).toContain(`region ${region}, account ${account}`);
            expect(hit.message).toContain(`organizations/v2/home/accounts/${account}`);
            if (account === "333333333333") expect(hit.message).toContain("account 333333333333 (payments-prod)");
          }
        }
      }
    }
    expect(alerted).toBeGreaterThan(0);
  });
});

describe("forwardingPattern", () => {
  const call = (eventSource: string, eventName: string, extra: Record<string, unknown> = {}) =>
    eventBridgeEnvelope({ eventSource, eventName, eventType: "AwsApiCall", ...extra });
  const p1 = { source: ["aws.secretsmanager"], "detail-type": ["AWS API Call via CloudTrail"], detail: { errorCode: [{ exists: false }], eventSource: ["secretsmanager.amazonaws.com"], $or: [{ eventName: ["GetSecretValue"], requestParameters: { secretId: ["a"] } }, { eventName: ["BatchGetSecretValue"] }] } };
  const p2 = { source: ["aws.ssm"], "detail-type": ["AWS API Call via CloudTrail"], detail: { errorCode: [{ exists: true }], eventSource: ["ssm.amazonaws.com"], eventName: ["GetParameter"], requestParameters: { withDecryption: [true], name: ["/x"] } } };

  it("keeps only the calls: any outcome, secret id, identity or network of them is forwarded", () => {
    const matches = compileEventPattern(forwardingPattern([p1, p2]));
    expect(matches(call("secretsmanager.amazonaws.com", "GetSecretValue", { requestParameters: { secretId: "other" }, errorCode: "AccessDenied" }))).toBe(true);
    expect(matches(call("secretsmanager.amazonaws.com", "BatchGetSecretValue"))).toBe(true);
    expect(matches(call("ssm.amazonaws.com", "GetParameter", { requestParameters: { name: "/y", withDecryption: true } }))).toBe(true);
    // Conditions of the calls themselves stay: a parameter read without decryption, another call, another service.
    expect(matches(call("ssm.amazonaws.com", "GetParameter", { requestParameters: { name: "/x", withDecryption: false } }))).toBe(false);
    expect(matches(call("secretsmanager.amazonaws.com", "DescribeSecret"))).toBe(false);
    expect(matches(call("kms.amazonaws.com", "Decrypt"))).toBe(false);
  });

  it("widens to every call of a service when a branch does not name its calls, and to everything when nothing is pinned", () => {
    const anyName = forwardingPattern([{ ...p1, detail: { eventSource: ["secretsmanager.amazonaws.com"] } }]);
    expect(compileEventPattern(anyName)(call("secretsmanager.amazonaws.com", "DescribeSecret"))).toBe(true);
    expect(forwardingPattern([{ source: ["aws.secretsmanager"], detail: { userIdentity: { type: ["Root"] } } }])).toEqual({ source: ["aws.secretsmanager"] });
    expect(() => forwardingPattern([])).toThrow("forwardingPattern: no alerting patterns to forward for");
  });
});

describe("multi-region, one account", () => {
  const input = { region: "us-east-1", namePrefix: "sam", suffix: "test0001", alertEmails: ["a@example.com"], realtimeAlerts: { regions: ["eu-west-1", "ap-southeast-2"] } } as MonitorConfigInput;
  const tf = JSON.parse(Testing.synth(buildApp(parseConfig(input), Testing.app()).monitoring));
  // The home region's rules only: the forwarding rules (other regions' provider configurations) see other records.
  const home = { ...tf, resource: { ...tf.resource, aws_cloudwatch_event_rule: Object.fromEntries(Object.entries(tf.resource.aws_cloudwatch_event_rule).filter(([, r]: [string, any]) => !r.provider)) } };
  const model = stackModel(home);
  const regional = Object.fromEntries(["eu-west-1", "ap-southeast-2"].map((region) => [region, forwardingRules(tf, region)]));
  const all = [...records(OWN_FIXTURES), ...records(SHARED_FIXTURES)].filter(([, r]) => typeof r.eventSource === "string");

  it("a read in another region is forwarded exactly when a home rule alerts on it, and alerts naming its region", () => {
    let alerted = 0;
    for (const [file, record] of all) {
      for (const region of ["eu-west-1", "ap-southeast-2"]) {
        const r = relocated(record, String(record.recipientAccountId ?? "111122223333"), region);
        const event = eventBridgeEnvelope(r);
        const hits = evaluateRecord(model, r, event).rules;
        const forwarded = forwards(regional[region], r, event);
        expect({ file, region, forwarded }).toEqual({ file, region, forwarded: hits.length > 0 });
        for (const hit of hits) {
          alerted++;
          expect(hit.message).toContain(`region ${region}`);
        }
      }
    }
    expect(alerted).toBeGreaterThan(0);
  });
});
