/**
 * The contract suite: the requests each AWS service makes in this system (service-requests.ts), evaluated by a
 * real IAM engine (@cloud-copilot/iam-simulate) against every policy of the synthesized stacks, with every
 * Terraform reference resolved for one test account. Then every statement and every condition key of every
 * policy is removed in turn: each removal must turn a passing row red, or the policy carries something no
 * documented request needs (or the table lacks the row that needs it).
 *
 * The engine's limits, and how each is handled, are described in iam-engine.ts and pinned by the
 * "engine limits" tests below.
 */
import { Testing } from "cdktf";
import { ALL_DESTINATIONS } from "../simulate/all-destinations";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { buildApp } from "../../src/app";
import { MonitorConfigInput } from "../../src/config/schema";
import { config, synthMonitoring } from "../helpers";
import { CITED_PAGES, SERVICE_REQUESTS, Target } from "./service-requests";
import {
  coreDecision,
  evaluate,
  evaluateSimulation,
  explain,
  impliedBy,
  meets,
  mutationsOf,
  policyFor,
  Request,
  requestsFor,
  simulation,
} from "./iam-engine";
import { ACCOUNT, KEY_ID, PolicyDocument, StackPolicy, stackPolicies, World, worldOf } from "./terraform-world";

type Obj = Record<string, any>;

interface Subject {
  readonly name: string;
  readonly tf: Obj;
  readonly world: World;
  readonly policies: StackPolicy[];
  readonly requests: Request[];
  /** Policy kinds the stack must have. */
  readonly kinds: StackPolicy["kind"][];
}

const MONITORING_VARIANTS: [string, Partial<MonitorConfigInput>, StackPolicy["kind"][]][] = [
  ["monitoring stack, customer key (default)", {}, ["bucket", "topic", "topic", "queue", "key", "trust", "role-policy"]],
  ["monitoring stack, AWS-managed keys", { encryption: { mode: "aws-managed" } }, ["bucket", "topic", "topic", "queue", "trust", "role-policy"]],
  [
    "monitoring stack, CIS set, scoped secrets, allow-lists, allowed changers, eu-west-1",
    {
      region: "eu-west-1",
      cisAlarms: { enabled: true },
      monitoredSecrets: [{ id: "prod/db", allowedReaders: ["arn:aws:sts::123456789012:assumed-role/app/*"] }],
      allowedReaders: ["arn:aws:iam::123456789012:role/secrets-rotation"],
      selfMonitoring: { allowedChangers: ["arn:aws:iam::123456789012:role/deployer"] },
    },
    ["bucket", "topic", "topic", "queue", "key", "trust", "role-policy"],
  ],
  [
    // The decoy rules publish to the customer-key topic and dead-letter like every rule; the harvesting and decoy
    // alarms publish like every alarm. Decoy secrets and Contributor Insights rules carry no resource policy and
    // need no role.
    "monitoring stack, decoys and harvesting",
    {
      deployment: { principals: ["arn:aws:iam::123456789012:role/terraform"] },
      decoys: { secrets: [{ name: "prod/payments/stripe-live-key" }], parameters: [{ name: "/prod/payments/root-db-password" }] },
      harvesting: { enabled: true },
    },
    ["bucket", "topic", "topic", "queue", "key", "trust", "role-policy"],
  ],
  [
    "monitoring stack, first-seen readers (customer key)",
    { firstSeenReaders: { enabled: true } },
    ["bucket", "topic", "topic", "queue", "key", "trust", "role-policy", "trust", "role-policy", "trust", "role-policy"],
  ],
  [
    // Chat, paging and a webhook through API destinations (a role EventBridge assumes, a policy naming them), the
    // alarms routed to them (rules that dead-letter to the encrypted queue), and a chat-application channel's role.
    "monitoring stack, every destination and a chat channel",
    ALL_DESTINATIONS,
    ["bucket", "topic", "topic", "queue", "key", "trust", "trust", "trust", "role-policy", "role-policy"],
  ],
];

function subject(name: string, tf: Obj, kinds: StackPolicy["kind"][]): Subject {
  const world = worldOf(tf);
  return { name, tf, world, policies: stackPolicies(tf), requests: requestsFor(world, SERVICE_REQUESTS), kinds };
}

function stateBootstrapTf(): Obj {
  const { bootstrap } = buildApp(config({ backend: { type: "s3", bucket: "sam-tfstate-test0001" } }), Testing.app());
  if (!bootstrap) throw new Error("an S3 backend configuration builds no state-bootstrap stack");
  return JSON.parse(Testing.synth(bootstrap));
}

// Synthesized once, at collection time: the rows of each stack become one test each.
const SUBJECTS: Subject[] = [
  ...MONITORING_VARIANTS.map(([name, overrides, kinds]) => subject(name, synthMonitoring(overrides).tf, kinds)),
  subject("state-bootstrap stack", stateBootstrapTf(), ["bucket"]),
];

const TARGETS: Target[] = [
  "bucket",
  "topic",
  "health-topic",
  "queue",
  "key",
  "trust",
  "delivery-role",
  "state-bucket",
  "first-seen-trust",
  "first-seen-role",
  "first-seen-invoke-trust",
  "first-seen-invoke-role",
  "destinations-trust",
  "destinations-role",
  "chat-trust",
];
const hasEncryptionContext = (r: Request) => Object.keys(r.context).some((k) => /^kms:EncryptionContext:/i.test(k));

describe.each(SUBJECTS)("$name", (s) => {
  test("every policy is extracted, attached to its resource and fully resolved for the test account", () => {
    expect(s.policies.map((p) => p.kind).sort()).toEqual([...s.kinds].sort());
    const text = JSON.stringify(s.policies);
    expect(text).not.toContain("${");
    expect(text).not.toMatch(/arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?!111122223333|444455556666)\d{12}:/);
    for (const p of s.policies) expect(p.governs).toMatch(new RegExp(`^arn:${s.world.partition}:(s3:::|[a-z0-9-]+:${s.world.region}:${ACCOUNT}:|iam::${ACCOUNT}:)`));
  });

  test.each(s.requests.map((r) => [r.expect, r.id, r] as const))("%s: %s", async (_expect, _id, req) => {
    const verdict = await evaluate(req, s.world, s.policies);
    expect(meets(req.expect, verdict.decision) ? "as expected" : explain(req, s.world, s.policies, verdict)).toBe("as expected");
  });

  test("removing any statement or any condition key of any policy turns a passing row red", async () => {
    const green = new Set<Request>();
    for (const r of s.requests) if (meets(r.expect, (await evaluate(r, s.world, s.policies)).decision)) green.add(r);
    const uncovered: string[] = [];
    for (const policy of s.policies) {
      const targets = TARGETS.filter((t) => policyFor(t, s.world, s.policies) === policy);
      const rows = s.requests.filter((r) => targets.includes(r.target) && green.has(r));
      for (const m of mutationsOf(policy)) {
        let caught = false;
        for (const r of rows) {
          if (!meets(r.expect, (await evaluate(r, s.world, s.policies, m.document)).decision)) {
            caught = true;
            break;
          }
        }
        if (caught) continue;
        // A key another element of the same statement already implies cannot be told apart by any request.
        if (m.key && impliedBy(m.statement, m.operator!, m.key)) continue;
        uncovered.push(`${policy.where}: without ${m.label}, no row that passes turns red`);
      }
    }
    expect(uncovered).toEqual([]);
  });
});

describe("the contract table", () => {
  test("row ids are unique and every row cites an AWS (or Terraform) page", () => {
    const ids = SERVICE_REQUESTS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of SERVICE_REQUESTS) expect(r.doc.url).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|repost\.aws|developer\.hashicorp\.com)\//);
    expect(CITED_PAGES.length).toBeGreaterThan(10);
  });

  test("every row applies to at least one synthesized stack", () => {
    const applied = new Set(SUBJECTS.flatMap((s) => s.requests.map((r) => r.row.id)));
    expect(SERVICE_REQUESTS.map((r) => r.id).filter((id) => !applied.has(id))).toEqual([]);
  });

  test("per-rule and per-alarm rows cover every rule and every alarm of the stack", () => {
    const s = SUBJECTS[0];
    expect(s.world.rules.length).toBeGreaterThan(0);
    expect(s.requests.filter((r) => r.row.id === "rule publishes to the topic")).toHaveLength(s.world.rules.length);
    expect(s.requests.filter((r) => r.row.id === "alarm publishes to the topic")).toHaveLength(s.world.alarms.length);
    expect(s.world.alarms).toHaveLength(Object.keys(s.tf.resource.aws_cloudwatch_metric_alarm).length);
    // The alarms on the monitor itself (and the change alarm) also notify the health topic, each with its own row.
    expect(s.world.healthAlarms.map((a) => a.name.replace(/^sam-test0001-/, "")).sort()).toEqual(
      expect.arrayContaining(["alert-delivery-failed", "alerts-in-dead-letter-queue", "health-delivery-failed", "monitoring-changes", "rule-invocations-failed-1", "trail-silent"]),
    );
    expect(s.world.healthAlarms.every((a) => !/-secret-read|-denied-reads|-parameter-read|-batch-secret-reads/.test(a.name))).toBe(true);
    expect(s.requests.filter((r) => r.row.id === "alarm publishes to the health topic")).toHaveLength(s.world.healthAlarms.length);
  });

  test("a row that names something the stack lacks fails loudly", () => {
    const world = SUBJECTS[1].world; // AWS-managed keys: no key
    const row = { ...SERVICE_REQUESTS.find((r) => r.target === "key")!, needs: [] };
    expect(() => requestsFor(world, [row])).toThrow(/\{key\.arn\} has no value/);
  });
});

describe("resolution of Terraform references", () => {
  const base = SUBJECTS[0].tf;
  const copy = (): Obj => JSON.parse(JSON.stringify(base));
  const [topicName] = Object.keys(base.resource.aws_sns_topic);
  const [topicPolicyName] = Object.keys(base.resource.aws_sns_topic_policy);

  test("ARNs are derived from each resource's configuration: account, region and name", () => {
    const tf = copy();
    tf.resource.aws_sns_topic[topicName].name = "renamed-topic";
    tf.provider.aws[0].region = "ap-southeast-2";
    const world = worldOf(tf);
    expect(world.topic!.arn).toBe(`arn:aws:sns:ap-southeast-2:${ACCOUNT}:renamed-topic`);
    expect(world.key!.arn).toBe(`arn:aws:kms:ap-southeast-2:${ACCOUNT}:key/${KEY_ID}`);
    const topicPolicy = stackPolicies(tf).find((p) => p.kind === "topic")!;
    expect(topicPolicy.governs).toBe(world.topic!.arn);
    expect(JSON.stringify(topicPolicy.document)).toContain(`"Resource":"arn:aws:sns:ap-southeast-2:${ACCOUNT}:renamed-topic"`);
    expect(SUBJECTS[2].world.region).toBe("eu-west-1");
    expect(SUBJECTS[2].world.logGroup!.arn).toMatch(/^arn:aws:logs:eu-west-1:111122223333:log-group:\/aws\/cloudtrail\//);
  });

  test("a reference to an attribute or resource it cannot resolve fails", () => {
    const tf = copy();
    const doc = JSON.parse(tf.resource.aws_sns_topic_policy[topicPolicyName].policy);
    doc.Statement[0].Resource = "${aws_lambda_function.Handler.arn}";
    tf.resource.aws_sns_topic_policy[topicPolicyName].policy = JSON.stringify(doc);
    expect(() => stackPolicies(tf)).toThrow(/aws_lambda_function\.Handler/);
  });

  test("a name that is itself a reference fails: its ARN cannot be derived", () => {
    const tf = copy();
    tf.resource.aws_sns_topic[topicName].name = "${random_string.Suffix.result}-alerts";
    expect(() => stackPolicies(tf)).toThrow(/not a literal/);
  });

  test("a policy-bearing resource the suite does not model fails", () => {
    const tf = copy();
    tf.resource.aws_iam_policy = { Extra: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) } };
    expect(() => stackPolicies(tf)).toThrow(/does not model/);
  });
});

describe("engine limits (@cloud-copilot/iam-simulate 0.1.173)", () => {
  const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
  const keySim = (condition: Obj, context: Record<string, string>): Simulation => ({
    request: { principal: "logs.us-east-1.amazonaws.com", action: "kms:GenerateDataKey", resource: { resource: key, accountId: ACCOUNT }, contextVariables: context },
    identityPolicies: [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "logs.us-east-1.amazonaws.com" }, Action: "kms:GenerateDataKey*", Resource: "*", Condition: condition }],
    },
  });
  const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/cloudtrail/x`;
  const ctx = "kms:EncryptionContext:aws:logs:arn";

  test("the validated runner drops every kms:EncryptionContext:* key, so a statement conditioned on one never matches", async () => {
    const result = await runSimulation(keySim({ ArnEquals: { [ctx]: group } }, { [ctx]: group }), {});
    expect(result.resultType).toBe("single");
    if (result.resultType !== "single") return;
    expect(result.overallResult).toBe("ImplicitlyDenied");
    expect(result.result.ignoredContextKeys).toEqual([ctx]);
  });

  test.each([
    ["ArnEquals", group, group, "Allowed"],
    ["ArnEquals", group, `${group}-other`, "ImplicitlyDenied"],
    ["StringEquals", group, group, "Allowed"],
    ["StringLike", `arn:aws:logs:*:${ACCOUNT}:log-group:*`, group, "Allowed"],
    ["StringLike", `arn:aws:logs:*:${ACCOUNT}:log-group:*`, "arn:aws:logs:us-east-1:444455556666:log-group:x", "ImplicitlyDenied"],
    ["StringLike", `arn:aws:logs:*:${ACCOUNT}:log-group:*`, undefined, "ImplicitlyDenied"],
  ])("the core runner evaluates %s on an encryption-context key (%s vs %s → %s)", async (operator, value, actual, expected) => {
    const sim = keySim({ [operator]: { [ctx]: value } }, actual === undefined ? {} : { [ctx]: actual });
    expect(coreDecision(sim)).toBe(expected);
    // evaluateSimulation routes a request with an encryption context to the core runner.
    if (actual !== undefined) expect(await evaluateSimulation("probe", sim)).toEqual({ decision: expected, runner: "core" });
  });

  test("unknown context keys are dropped, not rejected; the suite refuses them", async () => {
    const sim = keySim({ StringEquals: { "aws:SourceAccount": ACCOUNT } }, { "aws:SourceAccount": ACCOUNT, "kms:EncryptionContxt:typo": "x" });
    const result = await runSimulation(sim, {});
    expect(result.resultType === "single" && result.result.ignoredContextKeys).toEqual(["kms:EncryptionContxt:typo"]);
    await expect(evaluateSimulation("probe", sim)).rejects.toThrow(/does not know.*EncryptionContxt/);
  });

  test("global keys are accepted for any action: the engine cannot tell whether a service sends them", async () => {
    const sim = keySim({ StringEquals: { "aws:SourceAccount": ACCOUNT } }, { "aws:SourceAccount": ACCOUNT, "aws:SourceOrgID": "o-exampleorgid" });
    expect(await evaluateSimulation("probe", sim)).toEqual({ decision: "Allowed", runner: "validated" });
  });

  test("runUnsafeSimulation cannot load a plain resource policy; the suite passes the library's ValidatedPolicy shape", () => {
    const sim = keySim({ ArnEquals: { [ctx]: group } }, { [ctx]: group });
    expect(() => runUnsafeSimulation(sim, {})).toThrow(/reading 'name'/);
    expect(coreDecision(sim)).toBe("Allowed");
  });

  test("the core runner agrees with the validated runner on every row without an encryption context", async () => {
    const disagreements: string[] = [];
    let compared = 0;
    for (const s of SUBJECTS) {
      for (const r of s.requests.filter((x) => !hasEncryptionContext(x))) {
        const sim = simulation(r, s.world, s.policies);
        const validated = await evaluateSimulation(r.id, sim);
        const core = coreDecision(sim);
        compared++;
        if (validated.decision !== core) disagreements.push(`${s.name} / ${r.id}: validated ${validated.decision}, core ${core}`);
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(disagreements).toEqual([]);
  });
});

describe("mutations and implied keys", () => {
  const policy: StackPolicy = {
    where: "example",
    kind: "key",
    governs: "arn",
    document: {
      Statement: [
        { Sid: "A", Effect: "Allow", Principal: { Service: "x.amazonaws.com" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/t", "aws:SourceAccount": "111122223333" } } },
        { Sid: "B", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": "111122223333" } } },
      ],
    },
  };

  test("one mutation per statement and per condition key; an emptied operator or Condition is removed", () => {
    const labels = mutationsOf(policy).map((m) => m.label);
    expect(labels).toEqual(["A", "A / StringEquals / aws:SourceArn", "A / StringEquals / aws:SourceAccount", "B", "B / StringEquals / kms:CallerAccount"]);
    const withoutCaller = mutationsOf(policy).find((m) => m.label === "B / StringEquals / kms:CallerAccount")!.document as PolicyDocument;
    expect(withoutCaller.Statement[1].Condition).toBeUndefined();
    expect(policy.document.Statement[1].Condition).toBeDefined();
  });

  test("implied keys are recognised only when another element of the statement proves them", () => {
    const [a, b] = policy.document.Statement;
    expect(impliedBy(a, "StringEquals", "aws:SourceAccount")).toMatch(/names account 111122223333/);
    expect(impliedBy(b, "StringEquals", "kms:CallerAccount")).toMatch(/root of 111122223333/);
    expect(impliedBy({ ...a, Condition: { StringEquals: { "aws:SourceAccount": "111122223333" }, ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:*:*:alarm:*" } } }, "StringEquals", "aws:SourceAccount")).toBeUndefined();
    expect(impliedBy({ ...b, Principal: { AWS: ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"] } }, "StringEquals", "kms:CallerAccount")).toBeUndefined();
    expect(impliedBy(a, "StringEquals", "aws:SourceArn")).toBeUndefined();
  });
});
