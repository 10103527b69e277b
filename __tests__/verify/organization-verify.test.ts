/**
 * verify per role in an organization: a member account-Region's forwarding rules, and the central bus policy,
 * checked against mocked AWS answers (the real ones need the accounts).
 */
import { mockClient } from "aws-sdk-client-mock";
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { verifyCentralBus, verifyForwarding } from "../../src/verify/verify";

const BUS = "arn:aws:events:eu-west-1:222222222222:event-bus/sam-org-org00001-org-events";
const ROLE = "arn:aws:iam::333333333333:role/forwarding-ForwardingRole-ABC";
const expected = { ruleNames: ["sam-org-org00001-fwd-read-role-pub", "sam-org-org00001-fwd-denied-role-pub"], targetBusArn: BUS };

describe("verify, member account-Region", () => {
  const events = mockClient(EventBridgeClient);
  afterEach(() => events.reset());

  test("every forwarding rule receiving read-only events and targeting the central bus through a role: all links work", async () => {
    events.on(DescribeRuleCommand).resolves({ State: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: "central-bus", Arn: BUS, RoleArn: ROLE }] });
    const checks = await verifyForwarding(events as unknown as EventBridgeClient, expected, "eu-west-1");
    expect(checks).toHaveLength(4);
    expect(checks.every((c) => c.ok)).toBe(true);
  });

  test("a missing rule, a plain ENABLED rule and a target without a role are each a broken link with the fix", async () => {
    events.on(DescribeRuleCommand, { Name: expected.ruleNames[0] }).rejects(Object.assign(new Error("Rule does not exist"), { name: "ResourceNotFoundException" }));
    events.on(DescribeRuleCommand, { Name: expected.ruleNames[1] }).resolves({ State: "ENABLED" });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: "central-bus", Arn: BUS }] });
    const checks = await verifyForwarding(events as unknown as EventBridgeClient, expected, "ap-southeast-2");
    expect(checks.filter((c) => !c.ok).map((c) => c.link)).toEqual([
      "forwarding rule sam-org-org00001-fwd-read-role-pub (ap-southeast-2)",
      "forwarding rule sam-org-org00001-fwd-denied-role-pub (ap-southeast-2)",
      "forwarding target of sam-org-org00001-fwd-denied-role-pub (ap-southeast-2)",
    ]);
    for (const c of checks.filter((x) => !x.ok)) expect(c.remedy).toMatch(/org-member-forwarding/);
  });

  test("a permission error is not a broken link: it reaches the caller (verify exits 2)", async () => {
    events.on(DescribeRuleCommand).rejects(Object.assign(new Error("not allowed"), { name: "AccessDeniedException" }));
    await expect(verifyForwarding(events as unknown as EventBridgeClient, expected, "eu-west-1")).rejects.toThrow("not allowed");
  });
});

describe("verify, central account", () => {
  const events = mockClient(EventBridgeClient);
  afterEach(() => events.reset());
  const policy = (org: string) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "OrganizationAccountsPutEvents", Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: BUS, Condition: { StringEquals: { "aws:PrincipalOrgID": org } } }] });

  test("the bus policy admitting the organization works; another organization's, or none, is broken", async () => {
    events.on(DescribeEventBusCommand).resolvesOnce({ Policy: policy("o-a1b2c3d4e5") }).resolvesOnce({ Policy: policy("o-zzzzzzzzzz") }).resolvesOnce({});
    const ok = await verifyCentralBus(events as unknown as EventBridgeClient, "sam-org-org00001-org-events", "o-a1b2c3d4e5");
    const other = await verifyCentralBus(events as unknown as EventBridgeClient, "sam-org-org00001-org-events", "o-a1b2c3d4e5");
    const none = await verifyCentralBus(events as unknown as EventBridgeClient, "sam-org-org00001-org-events", "o-a1b2c3d4e5");
    expect([ok[0].ok, other[0].ok, none[0].ok]).toEqual([true, false, false]);
    expect(other[0].remedy).toMatch(/org-central/);
  });
});
