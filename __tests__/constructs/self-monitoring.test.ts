import { CIS_CONTROLS } from "../../src/patterns/cis";
import { tamperCalls } from "../../src/patterns/tampering";
import { keyOf, resources, synthMonitoring, Synthesized, tfType } from "../helpers";

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

  test("failed SNS notifications of the health topic alarm too", () => {
    expect(alarm("-health-delivery-failed")).toMatchObject({
      namespace: "AWS/SNS",
      metric_name: "NumberOfNotificationsFailed",
      dimensions: { TopicName: `\${aws_sns_topic.${keyOf(s.tf, "aws_sns_topic", "sam-test0001-health")}.name}` },
      comparison_operator: "GreaterThanThreshold",
      threshold: 0,
    });
  });

  test("every self-monitoring alarm notifies the health topic and the alert topic, and says how to fix what broke", () => {
    const ref = (name: string) => `\${aws_sns_topic.${keyOf(s.tf, "aws_sns_topic", name)}.arn}`;
    const both = [ref("sam-test0001-health"), ref("sam-test0001-alerts")];
    const health = resources(s.tf, "aws_cloudwatch_metric_alarm").filter((a) =>
      /-(trail-silent|alert-delivery-failed|health-delivery-failed|alerts-in-dead-letter-queue|rule-invocations-failed-\d+)$/.test(a.alarm_name),
    );
    expect(health.length).toBeGreaterThanOrEqual(6);
    for (const a of health) {
      expect({ alarm: a.alarm_name, actions: [...a.alarm_actions].sort() }).toEqual({ alarm: a.alarm_name, actions: [...both].sort() });
      expect(a.alarm_description.length).toBeGreaterThan(40);
    }
    // The dead-man switch also says when the trail is back.
    expect([...alarm("-trail-silent").ok_actions].sort()).toEqual([...both].sort());
    expect([...alarm("-monitoring-changes").alarm_actions].sort()).toEqual([...both].sort());
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
  const changeFilters = () => resources(s.tf, "aws_cloudwatch_log_metric_filter").filter((f) => f.name.includes("-monitoring-changes"));

  test("the metric filters cover every watched call of every link, scoped to this monitor's resources", () => {
    const patterns = changeFilters().map((f) => f.pattern).join("\n");
    for (const call of tamperCalls(s.stack.tamper!)) expect(patterns).toContain(`$.eventName = "${call.eventName}"`);
    for (const scoped of [
      '$.requestParameters.topicArn = "*:sam-test0001-*"',
      '$.requestParameters.subscriptionArn = "*:sam-test0001-*"',
      '$.requestParameters.logGroupName = "/aws/cloudtrail/sam-test0001"',
      '$.requestParameters.alarmNames[99] = "sam-test0001-*"',
      '$.requestParameters.alarmName = "sam-test0001-*"',
      '$.requestParameters.name = "sam-test0001-*"',
      '$.requestParameters.rule = "sam-test0001-*"',
      '$.requestParameters.bucketName = "sam-trail-test0001"',
      '$.requestParameters.roleName = "sam-test0001-cloudtrail-to-logs"',
      '$.requestParameters.queueUrl = "*/sam-test0001-alert-dlq"',
      '$.errorCode = "*" && $.errorMessage = "*sam-test0001*"',
    ]) {
      expect(patterns).toContain(scoped);
    }
    expect(patterns).toMatch(/\$\.requestParameters\.keyId = "\$\{aws_kms_key\.[^.]+\.key_id\}" \|\| \$\.requestParameters\.keyId = "\$\{aws_kms_key\.[^.]+\.arn\}"/);
    expect(patterns).toMatch(/\$\.errorMessage = "\*\$\{aws_kms_key\.[^.]+\.key_id\}\*"/);
    // A role's sessions are what CloudTrail records as the caller; the role's own ARN never is.
    expect(patterns).toContain('$.userIdentity.arn != "arn:aws:sts::123456789012:assumed-role/deployer/*"');
    expect(patterns).not.toContain('"arn:aws:iam::123456789012:role/deployer"');
  });

  test("filters and rules fit AWS's limits measured with the key's longest ID and ARN, and all write one metric", () => {
    const longest = (text: string) =>
      text.replace(/\$\{aws_kms_key\.[^.]+\.key_id\}/g, "mrk-0123456789abcdef0123456789abcdef").replace(/\$\{aws_kms_key\.[^.]+\.arn\}/g, "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef");
    expect(new Set(changeFilters().map((f) => f.metric_transformation.name))).toEqual(new Set(["sam-test0001-monitoring-changes"]));
    for (const f of changeFilters()) expect(longest(f.pattern).length).toBeLessThanOrEqual(1024);
    for (const r of resources(s.tf, "aws_cloudwatch_event_rule").filter((x) => x.name.includes("-change-"))) expect(longest(r.event_pattern).length).toBeLessThanOrEqual(2048);
  });

  test("the alarm says what changed and what to check, not the read text", () => {
    const alarm = resources(s.tf, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name === "sam-test0001-monitoring-changes")!;
    expect(alarm.alarm_description).toMatch(/^Change to the audit trail or to the monitoring itself \(applied or refused\)/);
    expect(alarm.alarm_description).toContain("npm run verify");
    expect(alarm.alarm_description).toContain("terraform apply restores it");
    expect(alarm.alarm_description).not.toMatch(/secret value|AccessDenied, not found/);
    expect(alarm.alarm_description.length).toBeLessThanOrEqual(1024);
  });

  test("real-time change rules alert on applied and refused changes, with their own wording", () => {
    const rules = resources(s.tf, "aws_cloudwatch_event_rule").filter((r) => r.name.includes("-change-"));
    expect(rules.map((r) => r.name.replace(/^sam-test0001-change-/, "").replace(/-\d+$/, "")).sort()).toEqual(
      expect.arrayContaining(["done", "refused", "refused-nomsg"]),
    );
    const targets = resources(s.tf, "aws_cloudwatch_event_target").filter((t) => String(t.rule).includes("Change"));
    expect(targets.length).toBe(rules.length);
    const templates = targets.map((t) => t.input_transformer.input_template as string);
    expect(templates.some((t) => t.startsWith("MONITORING CHANGED:"))).toBe(true);
    expect(templates.some((t) => t.startsWith("MONITORING CHANGE REFUSED:") && t.includes("Refusal: <errorMessage>"))).toBe(true);
    expect(templates.some((t) => t.startsWith("MONITORING CHANGE REFUSED:") && !t.includes("<errorMessage>"))).toBe(true);
  });

  test("without a customer key the key calls are not watched; without the real-time path the queue is not", () => {
    const managed = synthMonitoring({ encryption: { mode: "aws-managed" } });
    expect(tamperCalls(managed.stack.tamper!).some((c) => c.eventSource === "kms.amazonaws.com")).toBe(false);
    const noRealtime = synthMonitoring({ realtimeAlerts: { enabled: false } });
    expect(tamperCalls(noRealtime.stack.tamper!).some((c) => c.eventSource === "sqs.amazonaws.com")).toBe(false);
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
