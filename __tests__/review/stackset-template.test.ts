/**
 * The member-forwarding StackSet template the project generates, checked against CloudFormation's published
 * resource schemas (src/review/cfn-schema.ts) for every organization variant and for the configurations that
 * change its rules; the body checked is the exact `template_body` string Terraform sends.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { parseConfig } from "../../src/config/load";
import { MonitorConfigInput } from "../../src/config/schema";
import { CFN_TEMPLATE_LIMITS, cfnSchemaProblems } from "../../src/review/cfn-schema";
import { MemberForwardingStack } from "../../src/stacks/member-forwarding-stack";

const VARIANTS = join(__dirname, "../../terraform-tests/variants");
const orgVariants = readdirSync(VARIANTS)
  .filter((f) => f.endsWith(".json"))
  .map((f) => [f, JSON.parse(readFileSync(join(VARIANTS, f), "utf8")) as MonitorConfigInput] as const)
  .filter(([, c]) => (c as { organization?: unknown }).organization !== undefined);

/** The StackSet's template object and the exact body Terraform sends, from one synthesized member stack. */
function generated(input: MonitorConfigInput): { template: Record<string, any>; body: string } {
  const config = parseConfig(input);
  const stack = new MemberForwardingStack(Testing.app(), "members", config, config.organization!);
  const tf = JSON.parse(Testing.synth(stack));
  const stackSets = Object.values(tf.resource.aws_cloudformation_stack_set) as Array<{ template_body: string }>;
  expect(stackSets).toHaveLength(1);
  return { template: stack.template as Record<string, any>, body: stackSets[0].template_body };
}

describe("member-forwarding StackSet template", () => {
  it("has organization variants to check", () => {
    expect(orgVariants.length).toBeGreaterThan(0);
  });

  describe.each(orgVariants)("variant %s", (_file, input) => {
    let t: ReturnType<typeof generated>;
    beforeAll(() => {
      t = generated(input);
    });

    it("is the object the StackSet sends, byte for byte", () => {
      expect(JSON.parse(t.body)).toEqual(t.template);
    });

    it("passes every check against CloudFormation's published schemas and the template quotas", () => {
      expect(cfnSchemaProblems(t.template, { templateBody: t.body })).toEqual([]);
    });

    it("uses only the types it is expected to (rules and their role), each with its Type checked", () => {
      const types = new Set(Object.values(t.template.Resources as Record<string, { Type: string }>).map((r) => r.Type));
      expect([...types].sort()).toEqual(["AWS::Events::Rule", "AWS::IAM::Role"]);
    });

    it("would be refused with a misspelt rule property, so the check above is not vacuous", () => {
      const mutated = JSON.parse(t.body);
      const [ruleId] = Object.entries(mutated.Resources as Record<string, { Type: string }>).find(([, r]) => r.Type === "AWS::Events::Rule")!;
      mutated.Resources[ruleId].Properties.EventPatern = mutated.Resources[ruleId].Properties.EventPattern;
      delete mutated.Resources[ruleId].Properties.EventPattern;
      expect(cfnSchemaProblems(mutated)).toEqual([expect.stringMatching(new RegExp(`^Resources\\.${ruleId}\\.Properties\\.EventPatern: not a property the schema allows`))]);
    });
  });

  // Configurations that change the template's rules: every secret (no list), no Parameter Store, no denied reads,
  // allow-lists everywhere.
  const base = orgVariants[0]?.[1];
  const shapes: Array<[string, (c: MonitorConfigInput) => MonitorConfigInput]> = [
    ["every secret", (c) => ({ ...c, monitoredSecrets: undefined })],
    ["without Parameter Store", (c) => ({ ...c, parameterStore: { enabled: false } })],
    ["without denied reads", (c) => ({ ...c, deniedReads: { enabled: false } })],
    ["with a global allow-list", (c) => ({ ...c, allowedReaders: ["arn:aws:iam::333333333333:role/app", "arn:aws:sts::444444444444:assumed-role/ci/*"] })],
  ];
  it.each(shapes)("passes the schemas %s, and stays well within 51,200 bytes", (_name, change) => {
    const { template, body } = generated(change(base!));
    expect(cfnSchemaProblems(template, { templateBody: body })).toEqual([]);
    expect(Buffer.byteLength(body, "utf8")).toBeLessThan(CFN_TEMPLATE_LIMITS.templateBodyBytes);
  });

  it("keeps the same template, far within the 51,200-byte body, however many secrets and readers are listed", () => {
    // One forwarding rule by API call (forwardingPattern): the lists of the configuration stay on the central bus.
    const account = (i: number) => String(333333333300 + i);
    const monitoredSecrets = Array.from({ length: 60 }, (_, i) => ({
      id: `arn:aws:secretsmanager:us-east-1:${account(i)}:secret:prod/app-${i}/db-password-AbC123`,
      allowedReaders: [`arn:aws:iam::${account(i)}:role/app-${i}`, `arn:aws:sts::${account(i)}:assumed-role/ci-${i}/*`],
    }));
    const config = parseConfig({ ...base!, monitoredSecrets });
    const listed = new MemberForwardingStack(Testing.app(), "org-member-forwarding", config, config.organization!).template;
    expect(listed).toEqual(generated({ ...base!, monitoredSecrets: undefined }).template);
    expect(Buffer.byteLength(JSON.stringify(listed), "utf8")).toBeLessThan(CFN_TEMPLATE_LIMITS.templateBodyBytes / 10);
  });
});
