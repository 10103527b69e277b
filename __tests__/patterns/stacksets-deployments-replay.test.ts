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
