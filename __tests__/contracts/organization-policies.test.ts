/**
 * The contract suite for an organization: every cross-account permission the organization's stacks rely on —
 * the central bus policy, the member accounts' forwarding role (its trust and its policy, from the StackSet
 * template), the central topic, and the organization trail's bucket, key and delivery role — evaluated by the same
 * IAM engine (@cloud-copilot/iam-simulate) against the synthesized policies, resolved for test accounts. Each row
 * cites the AWS page it encodes. Must-allow rows prove the documented requests pass; must-deny rows prove other
 * organizations, other trails, other rules and other actions do not.
 */
import { Testing } from "cdktf";
import type { Simulation } from "@cloud-copilot/iam-simulate";
import { buildApp } from "../../src/app";
import { parseConfig } from "../../src/config/load";
import { MonitorConfigInput } from "../../src/config/schema";
import { evaluateSimulation, meets } from "./iam-engine";
import { Expectation } from "./service-requests";
import { ACCOUNT, PolicyDocument, TerraformResolver } from "./terraform-world";

type Obj = Record<string, any>;

const ORG_ID = "o-a1b2c3d4e5";
const MEMBER = "333333333333";
const OUTSIDER = "999999999999";
const BASE: MonitorConfigInput = {
  region: "eu-west-1",
  namePrefix: "sam-org",
  suffix: "org00001",
  alertEmails: ["security@example.com"],
};

const DOCS = {
  putPermission: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html",
    quote:
      'if all the accounts are members of the same AWS organization, you can run PutPermission once specifying Principal as "*" and specifying the AWS organization ID in Condition … accounts in that organization must specify a RoleArn with proper permissions when they use PutTarget',
  },
  busPolicySize: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html",
    quote: "The permission policy on the event bus cannot exceed 10 KB in size.",
  },
  crossAccount: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html",
    quote:
      "If the sender account inherits permissions to send events from an AWS Organization, the sender account also must have an IAM role with policies that enable it to send events to the receiver account.",
  },
  snsEventBridge: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    quote: "You can't use Condition blocks in Amazon SNS topic policies for EventBridge.",
  },
  ebDeputy: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    quote: "For EventBridge event bus rule targets, the value of aws:SourceArn must be the rule ARN",
  },
  orgBucket: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
    quote:
      'In an organization trail, the value of aws:SourceArn must be a trail ARN that is owned by the management account, and uses the management account ID. … "Resource": "arn:aws:s3:::myOrganizationBucket/AWSLogs/o-exampleorgid/*"',
  },
  orgLogs: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html",
    quote: '"arn:aws:logs:us-east-2:111111111111:log-group:log_group_name:log-stream:o-exampleorgid_*"',
  },
  ctKey: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
    quote: "The value of aws:SourceArn is always the trail ARN (or array of trail ARNs) that is using the KMS key.",
  },
} as const;

interface Row {
  readonly id: string;
  readonly expect: Expectation;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string>;
  /** Identity policies of the principal (its own account's IAM). */
  readonly identity?: PolicyDocument[];
  readonly resourcePolicy?: PolicyDocument;
  /** The account owning the resource. */
  readonly resourceAccount: string;
  readonly doc: { url: string; quote: string };
}

async function decide(row: Row) {
  const sim: Simulation = {
    request: { principal: row.principal, action: row.action, resource: { resource: row.resource, accountId: row.resourceAccount }, contextVariables: { "aws:SecureTransport": "true", ...row.context } },
    identityPolicies: (row.identity ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: row.resourcePolicy,
  } as Simulation;
  return (await evaluateSimulation(row.id, sim)).decision;
}

/** A stack's JSON with its references resolved for the test account (the home region's provider only). */
function resolved(tf: Obj): { tf: Obj; r: TerraformResolver } {
  const providers: Obj[] = [].concat(tf.provider?.aws ?? []);
  const home = { ...tf, provider: { ...tf.provider, aws: providers.filter((p) => !p.alias) } };
  return { tf: home, r: new TerraformResolver(home) };
}

const policyOf = (r: TerraformResolver, res: Obj, field = "policy"): PolicyDocument => r.value(JSON.parse(res[field])) as PolicyDocument;
const one = (tf: Obj, type: string): Obj => {
  const all = Object.values<Obj>(tf.resource?.[type] ?? {});
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
};

/* ------------------------------------------------------------------ central account (the test account) */

const centralApp = buildApp(
  parseConfig({ ...BASE, organization: { id: ORG_ID, managementAccountId: "111111111111", securityAccountId: ACCOUNT, organizationalUnits: ["ou-ab12-cd34ef56"], regions: ["eu-west-1", "us-east-1"] } }),
  Testing.app(),
);
const central = resolved(JSON.parse(Testing.synth(centralApp.central!)));
const busPolicy = policyOf(central.r, one(central.tf, "aws_cloudwatch_event_bus_policy"));
const busArn = centralApp.central!.busArn;
// The alert topic's policy (the health topic has its own, for the central account's alarms only).
const alertTopicPolicy = Object.entries<Obj>(central.tf.resource.aws_sns_topic_policy).find(([id]) => id.startsWith("AlertTopic"))![1];
const topic = central.r.value(alertTopicPolicy.arn) as string;
const topicPolicy = policyOf(central.r, alertTopicPolicy);
const centralRuleArns = Object.keys(central.tf.resource.aws_cloudwatch_event_rule).map((n) => central.r.attribute("aws_cloudwatch_event_rule", n, "arn"));

// The forwarding role of a member account, as the StackSet template defines it (AWS::AccountId = the member).
const template = JSON.parse(JSON.stringify(centralApp.members!.template).replace(/\{"Ref":"AWS::AccountId"\}/g, JSON.stringify(MEMBER))) as Obj;
const roleProps = template.Resources.ForwardingRole.Properties;
const forwardingTrust = roleProps.AssumeRolePolicyDocument as PolicyDocument;
const forwardingPolicy = roleProps.Policies[0].PolicyDocument as PolicyDocument;
const memberRole = `arn:aws:iam::${MEMBER}:role/sam-org-forwarding-role`;
const memberSession = `arn:aws:sts::${MEMBER}:assumed-role/sam-org-forwarding-role/events`;
const inOrg = (account: string, org = ORG_ID) => ({ "aws:PrincipalOrgID": org, "aws:PrincipalAccount": account });

/* ------------------------------------------------- organization trail (the test account is the management) */

const trailApp = buildApp(
  parseConfig({ ...BASE, organization: { id: ORG_ID, managementAccountId: ACCOUNT, securityAccountId: "222222222222", organizationalUnits: ["ou-ab12-cd34ef56"] } }),
  Testing.app(),
);
const trail = resolved(JSON.parse(Testing.synth(trailApp.monitoring)));
const trailName = Object.keys(trail.tf.resource.aws_cloudtrail)[0];
const trailArn = trail.r.attribute("aws_cloudtrail", trailName, "arn");
const bucketPolicyRes = one(trail.tf, "aws_s3_bucket_policy");
const bucketArn = trail.r.value(bucketPolicyRes.bucket.replace(".id}", ".arn}")) as string;
const bucketPolicy = policyOf(trail.r, bucketPolicyRes);
const keyPolicy = policyOf(trail.r, one(trail.tf, "aws_kms_key"));
const keyArn = trail.r.attribute("aws_kms_key", Object.keys(trail.tf.resource.aws_kms_key)[0], "arn");
const delivery = Object.entries<Obj>(trail.tf.resource.aws_iam_role_policy).find(([, p]) => p.name === "deliver-to-log-group")!;
const deliveryPolicy = policyOf(trail.r, delivery[1]);
const deliveryRoleName = trail.r.value(delivery[1].role) as string;
const logGroupArn = trail.r.attribute("aws_cloudwatch_log_group", Object.keys(trail.tf.resource.aws_cloudwatch_log_group)[0], "arn");
const otherTrail = `arn:aws:cloudtrail:eu-west-1:${OUTSIDER}:trail/org-trail`;
const put = (sourceArn: string) => ({ "aws:SourceArn": sourceArn, "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": sourceArn.split(":")[4] });

const ROWS: Row[] = [
  // The central bus: the organization's accounts put events through their forwarding role, nobody else.
  { id: "member forwarding role puts events on the central bus", expect: "allow", principal: memberSession, action: "events:PutEvents", resource: busArn, context: inOrg(MEMBER), identity: [forwardingPolicy], resourcePolicy: busPolicy, resourceAccount: ACCOUNT, doc: DOCS.putPermission },
  { id: "an account of another organization cannot put events on the central bus", expect: "deny", principal: `arn:aws:sts::${OUTSIDER}:assumed-role/x/events`, action: "events:PutEvents", resource: busArn, context: inOrg(OUTSIDER, "o-zzzzzzzzzz"), identity: [forwardingPolicy], resourcePolicy: busPolicy, resourceAccount: ACCOUNT, doc: DOCS.putPermission },
  { id: "a member account without the forwarding role's permission cannot put events on the central bus", expect: "deny", principal: `arn:aws:sts::${MEMBER}:assumed-role/other/s`, action: "events:PutEvents", resource: busArn, context: inOrg(MEMBER), resourcePolicy: busPolicy, resourceAccount: ACCOUNT, doc: DOCS.crossAccount },
  { id: "a member account cannot create rules on the central bus", expect: "deny", principal: memberSession, action: "events:PutRule", resource: `${busArn.replace(":event-bus/", ":rule/")}/injected`, context: inOrg(MEMBER), identity: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "events:*", Resource: "*" }] }], resourcePolicy: busPolicy, resourceAccount: ACCOUNT, doc: DOCS.putPermission },
  // The forwarding role: only EventBridge of the member account assumes it, and it may only reach the central bus.
  { id: "EventBridge of the member account assumes the forwarding role", expect: "allow", principal: "events.amazonaws.com", action: "sts:AssumeRole", resource: memberRole, context: { "aws:SourceAccount": MEMBER }, resourcePolicy: forwardingTrust, resourceAccount: MEMBER, doc: DOCS.crossAccount },
  { id: "EventBridge acting for another account cannot assume the forwarding role", expect: "deny", principal: "events.amazonaws.com", action: "sts:AssumeRole", resource: memberRole, context: { "aws:SourceAccount": OUTSIDER }, resourcePolicy: forwardingTrust, resourceAccount: MEMBER, doc: DOCS.crossAccount },
  { id: "the forwarding role cannot put events on any other bus", expect: "deny", principal: memberSession, action: "events:PutEvents", resource: `arn:aws:events:eu-west-1:${OUTSIDER}:event-bus/default`, context: inOrg(MEMBER), identity: [forwardingPolicy], resourcePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: "*" }] }, resourceAccount: OUTSIDER, doc: DOCS.crossAccount },
  // The central topic: the central rules publish; a member account's rule or principal cannot.
  ...centralRuleArns.slice(0, 3).map((rule): Row => ({ id: `central rule ${rule.split("/").pop()} publishes to the central topic`, expect: "allow", principal: "events.amazonaws.com", action: "sns:Publish", resource: topic, context: { "aws:SourceArn": rule, "aws:SourceAccount": ACCOUNT }, resourcePolicy: topicPolicy, resourceAccount: ACCOUNT, doc: DOCS.snsEventBridge })),
  { id: "a member account's rule cannot publish to the central topic", expect: "explicit-deny", principal: "events.amazonaws.com", action: "sns:Publish", resource: topic, context: { "aws:SourceArn": `arn:aws:events:eu-west-1:${MEMBER}:rule/x`, "aws:SourceAccount": MEMBER }, resourcePolicy: topicPolicy, resourceAccount: ACCOUNT, doc: DOCS.ebDeputy },
  { id: "a member account's principal cannot publish to the central topic", expect: "deny", principal: `arn:aws:sts::${MEMBER}:assumed-role/app/s`, action: "sns:Publish", resource: topic, context: inOrg(MEMBER), identity: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sns:Publish", Resource: "*" }] }], resourcePolicy: topicPolicy, resourceAccount: ACCOUNT, doc: DOCS.snsEventBridge },
  // The organization trail's bucket: every account's log files under AWSLogs/<org id>/, from this trail only.
  { id: "the organization trail writes a member account's log file under AWSLogs/<org id>/", expect: "allow", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: `${bucketArn}/AWSLogs/${ORG_ID}/${MEMBER}/CloudTrail/eu-west-1/2026/11/24/f.json.gz`, context: put(trailArn), resourcePolicy: bucketPolicy, resourceAccount: ACCOUNT, doc: DOCS.orgBucket },
  { id: "the organization trail writes the management account's own log file", expect: "allow", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: `${bucketArn}/AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2026/11/24/f.json.gz`, context: put(trailArn), resourcePolicy: bucketPolicy, resourceAccount: ACCOUNT, doc: DOCS.orgBucket },
  { id: "another account's trail cannot write under AWSLogs/<org id>/", expect: "deny", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: `${bucketArn}/AWSLogs/${ORG_ID}/${MEMBER}/CloudTrail/eu-west-1/2026/11/24/f.json.gz`, context: put(otherTrail), resourcePolicy: bucketPolicy, resourceAccount: ACCOUNT, doc: DOCS.orgBucket },
  { id: "the trail cannot write under another organization's prefix", expect: "deny", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: `${bucketArn}/AWSLogs/o-zzzzzzzzzz/${MEMBER}/CloudTrail/f.json.gz`, context: put(trailArn), resourcePolicy: bucketPolicy, resourceAccount: ACCOUNT, doc: DOCS.orgBucket },
  // The key: CloudTrail encrypts as this trail only.
  { id: "the organization trail encrypts log files with the key", expect: "allow", principal: "cloudtrail.amazonaws.com", action: "kms:GenerateDataKey", resource: keyArn, context: { "aws:SourceArn": trailArn, "aws:SourceAccount": ACCOUNT, "kms:EncryptionContext:aws:cloudtrail:arn": trailArn }, resourcePolicy: keyPolicy, resourceAccount: ACCOUNT, doc: DOCS.ctKey },
  { id: "another account's trail cannot encrypt with the key", expect: "deny", principal: "cloudtrail.amazonaws.com", action: "kms:GenerateDataKey", resource: keyArn, context: { "aws:SourceArn": otherTrail, "aws:SourceAccount": OUTSIDER, "kms:EncryptionContext:aws:cloudtrail:arn": otherTrail }, resourcePolicy: keyPolicy, resourceAccount: ACCOUNT, doc: DOCS.ctKey },
  // The delivery role: the organization trail's streams are named <org id>_<account>_CloudTrail_<region>.
  { id: "the delivery role writes a member account's stream of the organization trail", expect: "allow", principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${deliveryRoleName}/CloudTrail`, action: "logs:PutLogEvents", resource: `${logGroupArn}:log-stream:${ORG_ID}_${MEMBER}_CloudTrail_eu-west-1`, context: {}, identity: [deliveryPolicy], resourceAccount: ACCOUNT, doc: DOCS.orgLogs },
  { id: "the delivery role cannot write another log group's streams", expect: "deny", principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${deliveryRoleName}/CloudTrail`, action: "logs:PutLogEvents", resource: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:other:log-stream:${ORG_ID}_${MEMBER}_CloudTrail_eu-west-1`, context: {}, identity: [deliveryPolicy], resourceAccount: ACCOUNT, doc: DOCS.orgLogs },
];

describe("organization: cross-account permissions, evaluated", () => {
  test.each(ROWS.map((r) => [r.expect, r.id, r] as const))("%s: %s", async (_e, _id, row) => {
    expect(row.doc.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    const decision = await decide(row);
    expect({ id: row.id, ok: meets(row.expect, decision) }).toEqual({ id: row.id, ok: true });
  });

  test("the central bus policy stays far below EventBridge's 10 KB, whatever the number of accounts", () => {
    // One statement for the whole organization (aws:PrincipalOrgID), never one per account.
    expect(DOCS.busPolicySize.quote).toContain("10 KB");
    expect(busPolicy.Statement).toHaveLength(1);
    expect(JSON.stringify(busPolicy).length).toBeLessThan(10_240);
  });

  test("removing the organization condition of the bus policy lets another organization in (the row can fail)", async () => {
    const open = { ...busPolicy, Statement: busPolicy.Statement.map(({ Condition: _dropped, ...s }) => s) };
    const row = ROWS.find((r) => r.id.startsWith("an account of another organization"))!;
    expect(meets("deny", await decide({ ...row, resourcePolicy: open }))).toBe(false);
  });

  test("removing the AWSLogs/<org id>/ statement of the bucket policy loses the member accounts' log files", async () => {
    const without = { ...bucketPolicy, Statement: bucketPolicy.Statement.filter((s) => s.Sid !== "CloudTrailOrganizationWrite") };
    const row = ROWS.find((r) => r.id.startsWith("the organization trail writes a member"))!;
    expect(meets("allow", await decide({ ...row, resourcePolicy: without }))).toBe(false);
  });
});
