import { CIS_CONTROLS } from "../../src/patterns/cis";
import { resources, synthMonitoring, Synthesized, tfType } from "../helpers";

describe("PipelineHealth", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring();
  });
  const alarm = (suffix: string) => resources(s.tf, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name.endsWith(suffix))!;

  test("dead-man switch: no event in the log group for 15 minutes breaches, and missing data counts as breaching", () => {
    expect(alarm("-trail-silent")).toMatchObject({
      namespace: "AWS/Logs",
      metric_name: "IncomingLogEvents",
      dimensions: { LogGroupName: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\..+\.name\}$/) },
      statistic: "Sum",
      period: 300,
      evaluation_periods: 3,
      datapoints_to_alarm: 3,
      comparison_operator: "LessThanThreshold",
      threshold: 1,
      treat_missing_data: "breaching",
    });
  });

  test("the silence window follows the configuration", () => {
    const slow = synthMonitoring({ selfMonitoring: { silenceMinutes: 60 } });
    expect(resources(slow.tf, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name.endsWith("-trail-silent"))!.evaluation_periods).toBe(12);
  });

  test("failed SNS notifications alarm", () => {
    expect(alarm("-alert-delivery-failed")).toMatchObject({
      namespace: "AWS/SNS",
      metric_name: "NumberOfNotificationsFailed",
      dimensions: { TopicName: expect.stringMatching(/^\$\{aws_sns_topic\..+\.name\}$/) },
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
    });
  });

  test("failed EventBridge invocations of every rule are summed, at most 10 rules per alarm", () => {
    const alarms = resources(s.tf, "aws_cloudwatch_metric_alarm").filter((a) => /-rule-invocations-failed-\d+$/.test(a.alarm_name));
    const ruleRefs = Object.keys(s.tf.resource.aws_cloudwatch_event_rule).map((k) => `\${aws_cloudwatch_event_rule.${k}.name}`);
    const covered = alarms.flatMap((a) => a.metric_query.filter((q: any) => q.metric).map((q: any) => q.metric.dimensions.RuleName));
    expect(covered.sort()).toEqual([...ruleRefs].sort());
    for (const a of alarms) {
      const metrics = a.metric_query.filter((q: any) => q.metric);
      expect(metrics.length).toBeLessThanOrEqual(10);
      expect(metrics.every((q: any) => q.metric.namespace === "AWS/Events" && q.metric.metric_name === "FailedInvocations")).toBe(true);
      expect(a.metric_query.find((q: any) => q.return_data).expression).toMatch(/^FILL\(m0, 0\)( \+ FILL\(m\d+, 0\))*$/);
    }
  });

  test("alerts waiting in the dead-letter queue alarm", () => {
    expect(alarm("-alerts-in-dead-letter-queue")).toMatchObject({ namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", threshold: 0 });
  });

  test("every self-monitoring alarm notifies the topic and says how to fix what broke", () => {
    for (const suffix of ["-trail-silent", "-alert-delivery-failed", "-alerts-in-dead-letter-queue", "-monitoring-changes"]) {
      const a = alarm(suffix);
      expect(a.alarm_actions).toEqual([expect.stringMatching(/^\$\{aws_sns_topic\./)]);
      expect(a.alarm_description.length).toBeGreaterThan(40);
    }
  });

  test("disabling self-monitoring removes its alarms and rules", () => {
    const off = synthMonitoring({ selfMonitoring: { enabled: false } });
    const names = resources(off.tf, "aws_cloudwatch_metric_alarm").map((a) => a.alarm_name);
    expect(names.some((n) => /trail-silent|delivery-failed|invocations-failed|dead-letter|monitoring-changes/.test(n))).toBe(false);
    expect(resources(off.tf, "aws_cloudwatch_event_rule").some((r) => r.name.includes("-change-"))).toBe(false);
  });
});

describe("monitoring-change detection", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring({ selfMonitoring: { allowedChangers: ["arn:aws:iam::123456789012:role/deployer"] } });
  });

  test("the metric filter covers trail tampering, key disabling and changes to this monitor's topic, logs, alarms and rules", () => {
    const patterns = resources(s.tf, "aws_cloudwatch_log_metric_filter").filter((f) => f.name.includes("-monitoring-changes")).map((f) => f.pattern).join("\n");
    for (const name of ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors", "DisableKey", "ScheduleKeyDeletion", "SetTopicAttributes", "Unsubscribe", "DeleteMetricFilter", "DeleteAlarms", "DisableRule", "RemoveTargets"]) {
      expect(patterns).toContain(`$.eventName = "${name}"`);
    }
    expect(patterns).toContain('$.userIdentity.arn != "arn:aws:iam::123456789012:role/deployer"');
    expect(patterns).not.toContain("$.errorCode");
  });

  test("real-time change rules alert on applied and refused changes, with their own wording", () => {
    const rules = resources(s.tf, "aws_cloudwatch_event_rule").filter((r) => r.name.includes("-change-"));
    expect(rules.some((r) => r.name.includes("-change-done-"))).toBe(true);
    expect(rules.some((r) => r.name.includes("-change-refused-"))).toBe(true);
    const targets = resources(s.tf, "aws_cloudwatch_event_target").filter((t) => String(t.rule).includes("Change"));
    expect(targets.length).toBe(rules.length);
    expect(targets.some((t) => t.input_transformer.input_template.startsWith("MONITORING CHANGED:"))).toBe(true);
  });
});

describe("CisAlarms", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring({ cisAlarms: { enabled: true } });
  });

  test("is off by default", () => {
    const plain = synthMonitoring();
    expect(resources(plain.tf, "aws_cloudwatch_metric_alarm").some((a) => a.alarm_name.includes("-cis-"))).toBe(false);
  });

  test.each(CIS_CONTROLS.map((c) => [c.id, c.pattern]))("%s uses the exact prescribed filter text and an alarm citing the control", (id, pattern) => {
    const slug = id.toLowerCase().replace(".", "-");
    expect(s.json).toHaveResourceWithProperties(tfType("aws_cloudwatch_log_metric_filter"), { name: `sam-test0001-cis-${slug}`, pattern });
    expect(s.json).toHaveResourceWithProperties(tfType("aws_cloudwatch_metric_alarm"), {
      alarm_name: `sam-test0001-cis-${slug}`,
      statistic: "Sum",
      period: 300,
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
      alarm_description: expect.stringContaining(`Security Hub ${id} (CIS)`),
    });
  });

  test("the prescribed texts are AWS's verbatim (spot checks against the Security Hub documentation)", () => {
    expect(CIS_CONTROLS[0].pattern).toBe('{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}');
    expect(CIS_CONTROLS[1].pattern).toBe('{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}');
    expect(CIS_CONTROLS).toHaveLength(14);
  });
});
