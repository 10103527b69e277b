import { resources, synthMonitoring } from "../helpers";

/** With the longest prefix and suffix the configuration allows, every name stays within AWS's limits. */
describe("names fit AWS limits at the configuration's maximum lengths", () => {
  const s = synthMonitoring({
    namePrefix: "abcdefghijklmnopqrstuvwx",
    suffix: "abcdef123456",
    cisAlarms: { enabled: true },
    monitoredSecrets: Array.from({ length: 30 }, (_, i) => ({ id: `team-${i}/database-password` })),
    parameterStore: { enabled: true, monitoredParameters: ["/prod/db/password"] },
  });
  // The change detection scopes key calls by the key's ID and ARN, references until apply: measured at their longest.
  const applied = (v: string) =>
    v
      .replace(/\$\{aws_kms_key\.[^.}]+\.key_id\}/g, "mrk-0123456789abcdef0123456789abcdef")
      .replace(/\$\{aws_kms_key\.[^.}]+\.arn\}/g, "arn:aws:kms:us-east-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef");
  const check = (type: string, field: string, max: number) => {
    const values = resources(s.tf, type).map((r) => r[field]).filter((v) => typeof v === "string").map(applied);
    expect(values.length).toBeGreaterThan(0);
    for (const v of values) expect({ type, field, v, ok: v.length <= max }).toEqual({ type, field, v, ok: true });
  };

  test("EventBridge rule names ≤ 64", () => check("aws_cloudwatch_event_rule", "name", 64));
  test("S3 bucket names ≤ 63", () => check("aws_s3_bucket", "bucket", 63));
  test("IAM role names ≤ 64", () => check("aws_iam_role", "name", 64));
  test("SQS queue names ≤ 80", () => check("aws_sqs_queue", "name", 80));
  test("SNS topic names ≤ 256", () => check("aws_sns_topic", "name", 256));
  test("alarm names ≤ 255 and descriptions ≤ 1024", () => {
    check("aws_cloudwatch_metric_alarm", "alarm_name", 255);
    check("aws_cloudwatch_metric_alarm", "alarm_description", 1024);
  });
  test("metric filter names ≤ 512 and patterns ≤ 1024", () => {
    check("aws_cloudwatch_log_metric_filter", "name", 512);
    check("aws_cloudwatch_log_metric_filter", "pattern", 1024);
  });
  test("event patterns ≤ 2048 and input templates ≤ 8192", () => {
    check("aws_cloudwatch_event_rule", "event_pattern", 2048);
    for (const t of resources(s.tf, "aws_cloudwatch_event_target")) expect(t.input_transformer.input_template.length).toBeLessThanOrEqual(8192);
  });
  test("dashboard name ≤ 255", () => check("aws_cloudwatch_dashboard", "dashboard_name", 255));
});
