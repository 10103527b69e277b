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

  test("EventBridge may publish only for this stack's rules", () => {
    const events = statement(policy, "EventBridgeRulesPublish");
    expect(events.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(events.Action).toBe("sns:Publish");
    const arns: string[] = events.Condition.ArnEquals["aws:SourceArn"];
    const ruleCount = Object.keys(s.tf.resource.aws_cloudwatch_event_rule).length;
    expect(arns).toHaveLength(ruleCount);
    for (const arn of arns) expect(arn).toMatch(/^\$\{aws_cloudwatch_event_rule\..+\.arn\}$/);
  });

  test("the policy grants nothing else", () => {
    expect(JSON.parse(policy).Statement.map((x: { Sid: string }) => x.Sid)).toEqual([
      "CloudWatchAlarmsPublish",
      "EventBridgeRulesPublish",
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
