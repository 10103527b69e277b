import { only, statement, synthMonitoring, Synthesized, tfType } from "../helpers";

describe("AlertTopic", () => {
  let s: Synthesized;
  let policy: string;
  beforeAll(() => {
    s = synthMonitoring();
    policy = only(s.tf, "aws_sns_topic_policy").policy;
  });

  test("topic is named with the suffix", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_sns_topic"), { name: "sam-test0001-alerts" });
  });

  test("one e-mail subscription per address of the alert_emails variable", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_sns_topic_subscription"), {
      for_each: "${toset(var.alert_emails)}",
      protocol: "email",
      endpoint: "${each.value}",
    });
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
    const sids = JSON.parse(only(noRealtime.tf, "aws_sns_topic_policy").policy).Statement.map((x: { Sid: string }) => x.Sid);
    expect(sids).toEqual(["CloudWatchAlarmsPublish"]);
  });

  test("the topic is not encrypted with the AWS-managed SNS key, which alarms cannot publish to", () => {
    expect(only(s.tf, "aws_sns_topic").kms_master_key_id ?? "").not.toContain("alias/aws/sns");
  });
});
