/**
 * `simulate` over an organization's synthesized stacks: records of several accounts (the management account, a
 * named and an unnamed member) and regions (two where the StackSet deploys, one where it does not) replayed through
 * member forwarding and the central rules together, and through the organization trail's metric path.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../../src/app";
import { parseConfig } from "../../src/config/load";
import { runSimulate as run } from "./harness";
import { evaluateRecord, stackModel } from "../../src/engines/stack-model";
import { familyOfMetric, OWN_FIXTURES } from "../patterns/replay";

const MANAGEMENT = "111111111111";
const NAMED = "333333333333";
const UNNAMED = "444444444444";


describe("simulate, organization", () => {
  const outdir = mkdtempSync(join(tmpdir(), "sam-org-sim-"));
  const events = join(outdir, "records.json");
  const expected: Record<string, { default: string }> = JSON.parse(readFileSync(join(OWN_FIXTURES, "expected.json"), "utf8"));
  const fixtures = ["gsv-role-session-vpce.json", "gsv-access-denied-on-prod-db.json", "ssm-getparametersbypath-with-decryption.json", "describesecret-by-name.json", "putsecretvalue-write.json"];
  const cases: { account: string; region: string; fixture: string; verdict: string }[] = [];

  beforeAll(() => {
    const cfg = parseConfig({
      region: "us-east-1",
      namePrefix: "sam-org",
      suffix: "org00001",
      alertEmails: ["security@example.com"],
      organization: {
        id: "o-a1b2c3d4e5",
        managementAccountId: MANAGEMENT,
        securityAccountId: "222222222222",
        organizationalUnits: ["ou-ab12-cd34ef56"],
        regions: ["us-east-1", "eu-west-1"],
        accountNames: { [NAMED]: "payments-prod" },
      },
    });
    buildApp(cfg, new App({ outdir })).app.synth();
    const records: unknown[] = [];
    for (const account of [MANAGEMENT, NAMED, UNNAMED]) {
      for (const region of ["us-east-1", "eu-west-1", "sa-east-1"]) {
        for (const fixture of fixtures) {
          const r = JSON.parse(readFileSync(join(OWN_FIXTURES, fixture), "utf8"));
          records.push({ ...r, recipientAccountId: account, awsRegion: region, eventID: `${account}-${region}-${fixture}` });
          cases.push({ account, region, fixture, verdict: expected[fixture].default });
        }
      }
    }
    // One CloudTrail log file, as the organization trail writes them ({"Records": [...]}).
    writeFileSync(events, JSON.stringify({ Records: records }));
  });

  test("each read alerts once per path, naming account and region; nothing else alerts; unlisted regions only on the metric path", async () => {
    const { code, out, err } = await run(["--out", outdir, "--events", events, "--json"]);
    // Without --accounts every member account counts as under the StackSet's OUs, and the replay says so.
    expect({ code, err }).toEqual({ code: 0, err: [expect.stringMatching(/every member account is taken to be under/)] });
    const lines = out.flatMap((l) => l.split("\n")).filter(Boolean).map((l) => JSON.parse(l));
    const summary = lines.find((l) => l.type === "summary");
    expect(summary.stack).toBe("organization");
    const recs = lines.filter((l) => l.type === "record");
    expect(recs).toHaveLength(cases.length);
    recs.forEach((rec, i) => {
      const c = cases[i];
      const label = `${c.fixture} in ${c.account}/${c.region}`;
      const metric = [...new Set(rec.filters.map((f: string) => familyOfMetric(f.replace(/-part-\d+$/, ""))))];
      const forwarded = c.region !== "sa-east-1";
      const want = c.verdict === "none" ? { metric: [], realtime: 0 } : { metric: [c.verdict === "denied" ? "denied" : "read"], realtime: forwarded ? 1 : 0 };
      // The organization trail logs every account and region: the metric path sees them all.
      expect({ label, metric, realtime: rec.rules.length }).toEqual({ label, ...want });
      for (const hit of rec.rules) {
        expect(hit.message).toContain(`region ${c.region}, account ${c.account}`);
        if (c.account === NAMED) expect(hit.message).toContain(`account ${NAMED} (payments-prod)`);
      }
    });
    expect(summary.realtimeAlerts).toBe(cases.filter((c) => c.verdict !== "none" && c.region !== "sa-east-1").length);
  });

  test("with --accounts, only accounts under the StackSet's OUs (child OUs included) alert in real time; the others on the metric path only", async () => {
    // CloudFormation User Guide, service-managed StackSets: "When a StackSet targets a parent OU, it automatically
    // includes any child OUs." (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-associate-stackset-with-org.html)
    const OUTSIDE = "555555555555";
    const parents = {
      [NAMED]: ["ou-ab12-cd34ef56", "r-ab12"],
      [UNNAMED]: ["ou-ab12-child0001", "ou-ab12-cd34ef56", "r-ab12"],
      [OUTSIDE]: ["ou-zz99-other0001", "r-ab12"],
    };
    const accountsFile = join(outdir, "accounts.json");
    writeFileSync(accountsFile, JSON.stringify(parents));
    const read = JSON.parse(readFileSync(join(OWN_FIXTURES, "gsv-role-session-vpce.json"), "utf8"));
    const file = join(outdir, "coverage.json");
    const accounts = [NAMED, UNNAMED, OUTSIDE, "666666666666"];
    writeFileSync(file, JSON.stringify({ Records: accounts.map((a) => ({ ...read, recipientAccountId: a, awsRegion: "eu-west-1", eventID: `cov-${a}` })) }));
    const { code, out, err } = await run(["--out", outdir, "--events", file, "--accounts", accountsFile, "--json"]);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const recs = out.flatMap((l) => l.split("\n")).filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.type === "record");
    const seen = recs.map((r, i) => ({ account: accounts[i], realtime: r.rules.length, metric: r.filters.length > 0 }));
    // An account missing from the map is not known to be under the OUs: metric path only.
    expect(seen).toEqual([
      { account: NAMED, realtime: 1, metric: true },
      { account: UNNAMED, realtime: 1, metric: true },
      { account: OUTSIDE, realtime: 0, metric: true },
      { account: "666666666666", realtime: 0, metric: true },
    ]);
  });

  test("without --accounts, the replay says that it takes every member account to be covered", async () => {
    const file = join(outdir, "one.json");
    writeFileSync(file, JSON.stringify({ Records: [JSON.parse(readFileSync(join(OWN_FIXTURES, "gsv-role-session-vpce.json"), "utf8"))] }));
    const { err } = await run(["--out", outdir, "--events", file, "--json"]);
    expect(err.join("\n")).toMatch(/every member account is taken to be under organization.organizationalUnits; pass --accounts/);
  });

  test("a malformed --accounts file is refused with one line naming the account", async () => {
    const bad = join(outdir, "bad-accounts.json");
    writeFileSync(bad, JSON.stringify({ "12345": ["ou-ab12-cd34ef56"] }));
    const { code, err } = await run(["--out", outdir, "--events", events, "--accounts", bad]);
    expect({ code, err }).toEqual({ code: 2, err: [expect.stringMatching(/^simulate: --accounts: 12345 is not a 12-digit account id; allowed: /)] });
  });

  test("a member account switching its forwarding rule off alarms on the organization trail's metric path", async () => {
    // The change detection watches every rule named <name>-*, in every account the organization trail logs.
    const disable = {
      eventVersion: "1.09",
      userIdentity: { type: "AssumedRole", arn: `arn:aws:sts::${UNNAMED}:assumed-role/admin/someone`, accountId: UNNAMED },
      eventTime: "2026-11-24T10:00:00Z",
      eventSource: "events.amazonaws.com",
      eventName: "DisableRule",
      awsRegion: "eu-west-1",
      sourceIPAddress: "203.0.113.9",
      userAgent: "aws-cli/2.22.4",
      requestParameters: { name: "sam-org-org00001-fwd-reads" },
      responseElements: null,
      eventID: "disable-forwarding",
      readOnly: false,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: UNNAMED,
      eventCategory: "Management",
    };
    const file = join(outdir, "disable.json");
    writeFileSync(file, JSON.stringify({ Records: [disable] }));
    const { code, out } = await run(["--out", outdir, "--events", file, "--json"]);
    expect(code).toBe(0);
    const rec = out.flatMap((l) => l.split("\n")).filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.type === "record");
    expect(rec.filters.map((f: string) => familyOfMetric(f.replace(/-part-\d+$/, "")))).toContain("change");
    // The trail stack's change rules watch the management account's home Region only.
    expect(rec.rules).toEqual([]);
  });

  /** The synthesized stacks of the organization, as `simulate --stack organization` reads them. */
  const stacks = () => {
    const read = (name: string) => JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8"));
    return { central: read("org-central"), trail: read("org-trail"), members: read("org-member-forwarding") };
  };

  /**
   * The event CloudWatch sends to the default bus of the alarm's account when the alarm changes state. CloudWatch
   * User Guide, "Alarm events and EventBridge" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html):
   * "CloudWatch sends events to Amazon EventBridge whenever a CloudWatch alarm is created, updated, deleted, or
   * changes alarm state", with `"source": "aws.cloudwatch"`, `"detail-type": "CloudWatch Alarm State Change"`, and
   * `alarmName` and `state.value` in `detail`.
   */
  const alarmStateChange = (alarmName: string, account: string, region: string) => {
    const detail = { alarmName, state: { value: "ALARM", reason: "Threshold Crossed" }, previousState: { value: "OK" } };
    return { detail, envelope: { version: "0", id: "1", "detail-type": "CloudWatch Alarm State Change", source: "aws.cloudwatch", account, time: "2026-11-24T10:05:00Z", region, resources: [`arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}`], detail } };
  };

  test("each alarm transition of the organization trail reaches on-call once per topic it names, never again through the central account", async () => {
    const disable = JSON.parse(readFileSync(join(OWN_FIXTURES, "gsv-role-session-vpce.json"), "utf8"));
    const file = join(outdir, "for-alarms.json");
    // The read records of the first test plus a change to the monitor (the change alarm notifies both topics).
    const change = { ...disable, eventSource: "events.amazonaws.com", eventName: "DisableRule", readOnly: false, requestParameters: { name: "sam-org-org00001-fwd-reads" }, recipientAccountId: UNNAMED, eventID: "change" };
    writeFileSync(file, JSON.stringify({ Records: [...JSON.parse(readFileSync(events, "utf8")).Records, change] }));
    const { code, out } = await run(["--out", outdir, "--events", file, "--json"]);
    expect(code).toBe(0);
    const alarms = out.flatMap((l) => l.split("\n")).filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.type === "alarm");
    const model = stackModel({ organization: stacks() });
    // The trail stack's two topics, by construct: `<name>-alerts` (AlertTopic) and `<name>-health` (HealthTopic).
    const topicName = (ref: string) => (/^\$\{aws_sns_topic\.AlertTopic_/.test(ref) ? "alerts" : /^\$\{aws_sns_topic\.HealthTopic_/.test(ref) ? "health" : ref);
    const counted: { alarm: string; topics: string[]; central: number }[] = [];
    for (const a of alarms) {
      for (const t of a.transitions.filter((x: { to: string }) => x.to === "ALARM")) {
        // Path 1: the alarm's actions, one e-mail per topic (alert_emails are subscribed to each topic).
        // Path 2: the state change event on the management account's default bus, through any forwarding rule
        // to the central bus and any central rule that pages.
        const { detail, envelope } = alarmStateChange(a.alarm, MANAGEMENT, "us-east-1");
        const central = evaluateRecord(model, detail, envelope).rules.length;
        counted.push({ alarm: a.alarm, topics: t.notified.map(topicName).sort(), central });
      }
    }
    const families = new Set(counted.map((c) => familyOfMetric(c.alarm)));
    expect(families).toEqual(new Set(["read", "denied", "change"]));
    for (const c of counted) {
      // The change alarm notifies the health topic too, by design (README, "Health topic"): a broken alert topic
      // or key cannot silence it. Every other alarm: the alert topic alone.
      const topics = /-monitoring-changes$/.test(c.alarm) ? ["alerts", "health"] : ["alerts"];
      expect(c).toEqual({ alarm: c.alarm, topics, central: 0 });
    }
  });

  test("the central bus pages nobody for an alarm state change, whoever sends it: a member cannot forge a metric-path alarm", () => {
    // The bus admits every account of the organization (PutEvents with aws:PrincipalOrgID), so a member can send
    // any event there: a central rule matching alarm state changes by name would page for a member's own alarm.
    const central = stackModel(stacks().central);
    for (const account of [UNNAMED, NAMED, MANAGEMENT]) {
      const { detail, envelope } = alarmStateChange("sam-org-org00001-read-secret-value", account, "us-east-1");
      expect({ account, rules: evaluateRecord(central, detail, envelope).rules.map((r) => r.rule) }).toEqual({ account, rules: [] });
    }
  });

  test("--stack organization is refused where the organization's stacks are not synthesized", async () => {
    const single = mkdtempSync(join(tmpdir(), "sam-single-"));
    buildApp(parseConfig({ alertEmails: ["a@example.com"], suffix: "abcd1234" }), new App({ outdir: single })).app.synth();
    const { code, err } = await run(["--out", single, "--stack", "organization", "--events", events]);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^simulate: --stack: organization needs org-central, org-trail, org-member-forwarding in /);
  });
});
