/**
 * An organization's member forwarding StackSet deploys its rules and roles in every member account, and the
 * organization trail logs those calls: its own deployments (new account, new Region, template update) must not
 * page, while the same calls by anyone else, a StackSets role acting outside CloudFormation, or a role named like
 * the StackSets role in the management or central account still do; and a change to the member forwarding role
 * (fixed name per Region) pages. Records: `__tests__/fixtures/cloudtrail-stacksets/` (shape and sources in its
 * README), replayed on the organization trail's metric path and through the change detection's event patterns.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp, MonitorApp } from "../../src/app";
import { parseConfig } from "../../src/config/load";
import { compileEventPattern } from "../../src/engines/event-pattern";
import { eventBridgeEnvelope, evaluateRecord, stackModel } from "../../src/engines/stack-model";
import { memberForwardingRoleName } from "../../src/patterns/member-forwarding";
import { alertVariants, variantEventPatterns } from "../../src/patterns/sensitive-reads";
import { TAMPER_DETECTION_ID } from "../../src/patterns/tampering";

const DIR = join(__dirname, "..", "fixtures", "cloudtrail-stacksets");
const NAME = "sam-org-org00001";
type Rec = Record<string, any>;
const records: Rec[] = JSON.parse(readFileSync(join(DIR, "stacksets-deployments.json"), "utf8")).Records;
const expected: Record<string, "none" | "done"> = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8"));

let built: MonitorApp;
let trail: Rec;
let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "sam-stacksets-"));
  const cfg = parseConfig({
    region: "us-east-1",
    namePrefix: "sam-org",
    suffix: "org00001",
    alertEmails: ["security@example.com"],
    organization: {
      id: "o-a1b2c3d4e5",
      managementAccountId: "111111111111",
      securityAccountId: "222222222222",
      organizationalUnits: ["ou-ab12-cd34ef56"],
      regions: ["us-east-1", "eu-west-1"],
    },
  });
  built = buildApp(cfg, new App({ outdir }));
  built.app.synth();
  trail = JSON.parse(readFileSync(join(outdir, "stacks", "org-trail", "cdk.tf.json"), "utf8"));
});

describe("member forwarding StackSet deployments and the change detection", () => {
  test.each(records.map((r) => [r.eventID, r.eventName, r.recipientAccountId, r] as const))("%s (%s in %s)", (id, _name, _account, record) => {
    const want = expected[id];
    // Metric path: the organization trail's change filters.
    const metric = evaluateRecord(stackModel(trail), record).metrics.includes(`${NAME}-${TAMPER_DETECTION_ID}`);
    // Real-time rendering of the same detection: any of its rules' patterns.
    const changes = built.monitoring.tamper!;
    const event = eventBridgeEnvelope(record);
    const realtime = alertVariants([changes.outcome], "tamper").some((v) => variantEventPatterns([changes], v).some((p) => compileEventPattern(p)(event)));
    expect({ id, metric, realtime }).toEqual({ id, metric: want === "done", realtime: want === "done" });
  });

  test("the StackSet names its forwarding role per Region, as the change detection watches it", () => {
    const template = built.members!.template as Rec;
    expect(template.Resources.ForwardingRole.Properties.RoleName).toEqual({ "Fn::Join": ["", [memberForwardingRoleName(NAME, ""), { Ref: "AWS::Region" }]] });
    // A literal `${` in template_body would be a Terraform interpolation.
    expect(JSON.stringify(template)).not.toContain("${");
    // CreateStackSet, Capabilities: "If you have IAM resources with custom names, you must specify CAPABILITY_NAMED_IAM."
    const synthesized = JSON.parse(readFileSync(join(outdir, "stacks", "org-member-forwarding", "cdk.tf.json"), "utf8"));
    expect(Object.values(synthesized.resource.aws_cloudformation_stack_set).map((s: any) => s.capabilities)).toEqual([["CAPABILITY_NAMED_IAM"]]);
  });
});

describe("central account: alarms on its own delivery", () => {
  const central = () => JSON.parse(readFileSync(join(outdir, "stacks", "org-central", "cdk.tf.json"), "utf8"));
  const alarms = () => Object.values(central().resource.aws_cloudwatch_metric_alarm as Record<string, Rec>);

  test("failed invocations of the central rules alarm, measured on the custom bus's dimensions", () => {
    const failed = alarms().filter((a) => a.alarm_name.startsWith(`${NAME}-rule-invocations-failed-`));
    const ruleNames = Object.values(central().resource.aws_cloudwatch_event_rule as Record<string, Rec>).map((r) => r.name).sort();
    const watched = failed.flatMap((a) => a.metric_query.filter((q: Rec) => q.metric).map((q: Rec) => q.metric));
    expect(watched.map((m: Rec) => m.dimensions.RuleName).sort()).toEqual(ruleNames);
    // EventBridge User Guide, Monitoring: "Metrics that specify both the EventBusName and RuleName dimensions refer to
    // a custom event bus." A RuleName-only alarm on a custom bus's rule would never see a datapoint.
    for (const m of watched) expect(m).toMatchObject({ namespace: "AWS/Events", metric_name: "FailedInvocations", dimensions: { EventBusName: `${NAME}-org-events` } });
  });

  test("alerts waiting in the dead-letter queue and failed notifications alarm, on the health topic and the alert topic", () => {
    const byName = new Map(alarms().map((a) => [a.alarm_name, a]));
    const dlq = byName.get(`${NAME}-alerts-in-dead-letter-queue`);
    expect(dlq).toMatchObject({ namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: `${NAME}-alert-dlq` } });
    expect(byName.has(`${NAME}-alert-delivery-failed`)).toBe(true);
    expect(byName.has(`${NAME}-health-delivery-failed`)).toBe(true);
    // No log group in the central account: the dead-man alarm is the organization trail's.
    expect(byName.has(`${NAME}-trail-silent`)).toBe(false);
    const topics = central().resource.aws_sns_topic as Record<string, Rec>;
    const health = Object.entries(topics).find(([, t]) => t.name === `${NAME}-health`);
    expect(health).toBeDefined();
    expect(health![1].kms_master_key_id).toBeUndefined();
    for (const a of alarms()) expect(a.alarm_actions).toContain(`\${aws_sns_topic.${health![0]}.arn}`);
  });
});
