import { alertTopic, healthTopic, keyOf, resources, statement, synthMonitoring, Synthesized, tfType, topicPolicyOf } from "../helpers";

describe("AlertTopic", () => {
  let s: Synthesized;
  let policy: string;
  beforeAll(() => {
    s = synthMonitoring();
    policy = topicPolicyOf(s.tf, "sam-test0001-alerts").policy;
  });

  test("topic is named with the suffix", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_sns_topic"), { name: "sam-test0001-alerts" });
  });

  test("one e-mail subscription per address of the alert_emails variable, on the alert topic and on the health topic", () => {
    const subscriptions = resources(s.tf, "aws_sns_topic_subscription");
    const topicRef = (name: string) => `\${aws_sns_topic.${keyOf(s.tf, "aws_sns_topic", name)}.arn}`;
    expect(subscriptions.map((x) => x.topic_arn).sort()).toEqual([topicRef("sam-test0001-alerts"), topicRef("sam-test0001-health")].sort());
    for (const x of subscriptions) expect(x).toMatchObject({ for_each: "${toset(var.alert_emails)}", protocol: "email", endpoint: "${each.value}" });
  });

  test("alert_emails defaults to the configured addresses and validates each address", () => {
    const v = s.tf.variable.alert_emails;
    expect(v.type).toBe("list(string)");
    expect(v.default).toEqual(["oncall@example.com"]);
    expect(v.validation[0].condition).toContain("alltrue([for e in var.alert_emails : can(regex(");
    expect(v.validation[0].condition).toContain("length(var.alert_emails) > 0");
  });

  test("CloudWatch alarms of this account may publish, restricted by SourceAccount and alarm SourceArn", () => {
    expect(statement(policy, "CloudWatchAlarmsPublish")).toEqual({
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: expect.stringMatching(/^\$\{aws_sns_topic\..+\.arn\}$/),
      Condition: {
        StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.current.account_id}" },
        ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:${data.aws_caller_identity.current.account_id}:alarm:*" },
      },
    });
  });

  test("EventBridge publishes through the documented unconditioned statement; a guarded Deny keeps other rules out", () => {
    // "You can't use Condition blocks in Amazon SNS topic policies for EventBridge" (EventBridge User Guide,
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html): the Allow has none.
    const allow = statement(policy, "EventBridgeRulesPublish");
    expect(allow).toEqual({
      Sid: "EventBridgeRulesPublish",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sns:Publish",
      Resource: expect.stringMatching(/^\$\{aws_sns_topic\..+\.arn\}$/),
    });
    const deny = statement(policy, "DenyOtherEventBridgeRules");
    expect(deny.Effect).toBe("Deny");
    expect(deny.Principal).toEqual({ Service: "events.amazonaws.com" });
    // Applies only when a source ARN is presented, so it can never block this stack's own delivery.
    expect(deny.Condition.Null).toEqual({ "aws:SourceArn": "false" });
    const arns: string[] = deny.Condition.ArnNotEquals["aws:SourceArn"];
    expect(arns).toHaveLength(Object.keys(s.tf.resource.aws_cloudwatch_event_rule).length);
    for (const arn of arns) expect(arn).toMatch(/^\$\{aws_cloudwatch_event_rule\..+\.arn\}$/);
  });

  test("the policy grants nothing else", () => {
    expect(JSON.parse(policy).Statement.map((x: { Sid: string }) => x.Sid)).toEqual([
      "CloudWatchAlarmsPublish",
      "EventBridgeRulesPublish",
      "DenyOtherEventBridgeRules",
    ]);
  });

  test("without the real-time path only CloudWatch alarms may publish", () => {
    const noRealtime = synthMonitoring({ realtimeAlerts: { enabled: false } });
    const sids = JSON.parse(topicPolicyOf(noRealtime.tf, "sam-test0001-alerts").policy).Statement.map((x: { Sid: string }) => x.Sid);
    expect(sids).toEqual(["CloudWatchAlarmsPublish"]);
  });

  test("the topic is not encrypted with the AWS-managed SNS key, which alarms cannot publish to", () => {
    expect(alertTopic(s.tf).kms_master_key_id ?? "").not.toContain("alias/aws/sns");
  });
});

describe("health topic", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring();
  });

  test("has no customer key: a broken key policy cannot silence the alarms that report it (its messages carry no secret data)", () => {
    expect(healthTopic(s.tf).kms_master_key_id).toBeUndefined();
    expect(healthTopic(s.tf).display_name).toBe("Secret access monitor health");
  });

  test("its own policy lets only CloudWatch alarms of this account publish, pinned by SourceAccount and alarm SourceArn", () => {
    const statements = JSON.parse(topicPolicyOf(s.tf, "sam-test0001-health").policy).Statement;
    expect(statements).toEqual([
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: `\${aws_sns_topic.${keyOf(s.tf, "aws_sns_topic", "sam-test0001-health")}.arn}`,
        Condition: {
          StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.current.account_id}" },
          ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:${data.aws_caller_identity.current.account_id}:alarm:*" },
        },
      },
    ]);
  });

  test("no EventBridge rule targets it", () => {
    const ref = `\${aws_sns_topic.${keyOf(s.tf, "aws_sns_topic", "sam-test0001-health")}.arn}`;
    expect(resources(s.tf, "aws_cloudwatch_event_target").filter((t) => t.arn === ref)).toEqual([]);
  });

  test("exists only with self-monitoring", () => {
    const off = synthMonitoring({ selfMonitoring: { enabled: false } });
    expect(resources(off.tf, "aws_sns_topic").map((t) => t.name)).toEqual(["sam-test0001-alerts"]);
    expect(off.tf.output.health_topic_arn).toBeUndefined();
  });
});
