import { MAX_WILDCARD_COMPLEXITY, readDetections, variantEventPatterns } from "../../src/patterns/sensitive-reads";
import { eventPatternWildcardComplexity } from "../../src/engines/event-pattern";
import { only, resources, synthMonitoring, Synthesized, tfType, TerraformJson, topicPolicyOf } from "../helpers";

/** The rules of the read path (change rules are tested with self-monitoring). */
const readRules = (tf: TerraformJson) => resources(tf, "aws_cloudwatch_event_rule").filter((r) => !r.name.includes("-change-"));

describe("RealtimeAlerts", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring();
  });

  test("rules opt in to read-only management events, which a plain ENABLED rule never receives", () => {
    const rules = resources(s.tf, "aws_cloudwatch_event_rule");
    expect(readRules(s.tf).length).toBe(12);
    for (const rule of rules) {
      expect(rule.state).toBe("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
      expect(rule.is_enabled).toBeUndefined();
      expect(rule.event_bus_name).toBe("default");
    }
  });

  test("rule patterns match CloudTrail API calls with the real detail-type, not the .cn docs' spelling", () => {
    for (const rule of resources(s.tf, "aws_cloudwatch_event_rule")) {
      expect(JSON.parse(rule.event_pattern)["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    }
    for (const rule of readRules(s.tf)) expect(JSON.parse(rule.event_pattern).source).toEqual(expect.arrayContaining(["aws.secretsmanager"]));
  });

  test("the successful-read rule for role sessions over public endpoints covers GetSecretValue, BatchGetSecretValue (once per batch) and SecureString reads", () => {
    const rule = resources(s.tf, "aws_cloudwatch_event_rule").find((r) => r.name === "sam-test0001-read-role-pub")!;
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.secretsmanager", "aws.ssm"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: {
        errorCode: [{ exists: false }],
        vpcEndpointId: [{ exists: false }],
        // What every alternative requires is stated once, beside the shared conditions.
        userIdentity: { sessionContext: { sessionIssuer: { arn: [{ exists: true }] } }, arn: [{ exists: true }] },
        $or: [
          // Secrets Manager's own per-secret entries of a batch (sourceIPAddress = its DNS name) are left to the
          // batch's record; records without a sourceIPAddress still alert.
          {
            eventSource: ["secretsmanager.amazonaws.com"],
            eventName: ["GetSecretValue"],
            sourceIPAddress: [{ "anything-but": "secretsmanager.amazonaws.com" }],
          },
          {
            eventSource: ["secretsmanager.amazonaws.com"],
            eventName: ["GetSecretValue"],
            sourceIPAddress: [{ exists: false }],
          },
          {
            eventSource: ["secretsmanager.amazonaws.com"],
            eventName: ["BatchGetSecretValue"],
          },
          {
            eventSource: ["ssm.amazonaws.com"],
            eventName: ["GetParameter", "GetParameters", "GetParametersByPath", "GetParameterHistory"],
            requestParameters: { withDecryption: [true] },
          },
        ],
      },
    });
  });

  test("allow-listed readers are excluded with anything-but wildcards", () => {
    const allowed = synthMonitoring({ allowedReaders: ["arn:aws:sts::123456789012:assumed-role/app/*"] });
    const rule = resources(allowed.tf, "aws_cloudwatch_event_rule").find((r) => r.name === "sam-test0001-read-user-pub")!;
    const detail = JSON.parse(rule.event_pattern).detail;
    // The same allow-list for every branch: stated once, not in each alternative.
    expect(detail.userIdentity.arn).toEqual([{ "anything-but": { wildcard: ["arn:aws:sts::123456789012:assumed-role/app/*"] } }]);
    for (const b of detail.$or) expect(b.userIdentity).toBeUndefined();
  });

  test("each target sends to the alert topic through an input transformer, with retries and a dead-letter queue", () => {
    const targets = resources(s.tf, "aws_cloudwatch_event_target");
    expect(targets).toHaveLength(resources(s.tf, "aws_cloudwatch_event_rule").length);
    for (const t of targets) {
      expect(t.arn).toMatch(/^\$\{aws_sns_topic\..+\.arn\}$/);
      expect(t.input_transformer.input_template).toContain("<eventName>");
      expect(t.retry_policy).toEqual({ maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 });
      expect(t.dead_letter_config.arn).toMatch(/^\$\{aws_sqs_queue\..+\.arn\}$/);
    }
  });

  test("every placeholder of a transformer has an input path, and no path is unused", () => {
    for (const t of resources(s.tf, "aws_cloudwatch_event_target")) {
      const used = [...t.input_transformer.input_template.matchAll(/<([A-Za-z0-9_.-]+)>/g)]
        .map((m: RegExpMatchArray) => m[1])
        .filter((p: string) => !p.startsWith("aws.events."));
      expect(Object.keys(t.input_transformer.input_paths).sort()).toEqual([...new Set(used)].sort());
    }
  });

  test("dead-letter queue is encrypted with the customer key and keeps failed alerts for 14 days", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_sqs_queue"), {
      name: "sam-test0001-alert-dlq",
      kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
      message_retention_seconds: 1209600,
    });
  });

  test("without a customer key the dead-letter queue uses SQS-managed encryption", () => {
    const managed = synthMonitoring({ encryption: { mode: "aws-managed" } });
    expect(managed.json).toHaveResourceWithProperties(tfType("aws_sqs_queue"), { sqs_managed_sse_enabled: true });
    expect(only(managed.tf, "aws_sqs_queue").kms_master_key_id).toBeUndefined();
  });

  test("dead-letter queue policy lets only this stack's rules send to it", () => {
    const policy = JSON.parse(only(s.tf, "aws_sqs_queue_policy").policy);
    expect(policy.Statement).toHaveLength(1);
    const st = policy.Statement[0];
    expect(st).toMatchObject({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage" });
    expect(st.Condition.ArnEquals["aws:SourceArn"]).toHaveLength(resources(s.tf, "aws_cloudwatch_event_rule").length);
  });

  test("without denied-read alerting only the six successful-read rules exist", () => {
    const noDenied = synthMonitoring({ deniedReads: { enabled: false } });
    expect(readRules(noDenied.tf).map((r) => r.name).every((n: string) => n.includes("-read-"))).toBe(true);
    expect(readRules(noDenied.tf)).toHaveLength(6);
  });

  test("secrets that do not fit one 2048-character pattern are packed into extra rules of the same variant", () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ id: `team-${i}/database-password` }));
    const big = synthMonitoring({ monitoredSecrets: many });
    const rules = resources(big.tf, "aws_cloudwatch_event_rule");
    const roleRules = rules.filter((r) => /-read-role-pub(-\d+)?$/.test(r.name));
    expect(roleRules.length).toBeGreaterThan(1);
    for (const r of rules) expect(r.event_pattern.length).toBeLessThanOrEqual(2048);
    const secretIds = roleRules.flatMap((r) => (JSON.parse(r.event_pattern).detail.$or ?? [JSON.parse(r.event_pattern).detail]))
      .map((b: any) => b.requestParameters?.secretId?.[0])
      .filter(Boolean);
    expect(secretIds).toEqual(expect.arrayContaining(many.map((m) => m.id)));
    const policy = JSON.parse(topicPolicyOf(big.tf, "sam-test0001-alerts").policy);
    expect(policy.Statement.find((x: any) => x.Sid === "DenyOtherEventBridgeRules").Condition.ArnNotEquals["aws:SourceArn"]).toHaveLength(rules.length);
  });

  test("every rule stays within the wildcard complexity EventBridge accepts: many secrets are packed into more rules", () => {
    // PutRule refuses wildcard patterns it finds too complex; the measure is event-ruler's (src/engines/event-pattern.ts).
    const many = synthMonitoring({ monitoredSecrets: Array.from({ length: 40 }, (_, i) => ({ id: `team/app-${i}/db`, allowedReaders: ["arn:aws:sts::123456789012:assumed-role/app/*"] })) });
    const rules = resources(many.tf, "aws_cloudwatch_event_rule");
    const scores = rules.map((r) => eventPatternWildcardComplexity(JSON.parse(r.event_pattern)));
    expect(Math.max(...scores)).toBeLessThanOrEqual(MAX_WILDCARD_COMPLEXITY);
    expect(rules.filter((r) => /-read-role-pub-\d+$/.test(r.name)).length).toBeGreaterThan(1);
  });

  test("one branch too long for any rule is refused with the reason", () => {
    const detections = readDetections({ allowedReaders: [], parameterReads: true, deniedReads: false });
    const variant = { outcome: "success", identity: "principal", network: "public" } as const;
    expect(variantEventPatterns(detections, variant)).toHaveLength(1);
    expect(() => variantEventPatterns(detections, variant, 300)).toThrow(
      /event pattern for read-user-pub needs \d+ characters for one secretsmanager.amazonaws.com branch, EventBridge allows 300/,
    );
  });
});
