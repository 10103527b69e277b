import { keyOf, resources, synthMonitoring, Synthesized, tfType, TerraformJson } from "../helpers";

/** Filters and alarms of the read detections (self-monitoring and CIS have their own tests). */
const isRead = (name: string) => /-(secret-reads?|secret-read-.*|batch-secret-reads|parameter-reads?|parameter-read-.*|denied-reads)(-part-\d+)?$/.test(name);
const readAlarms = (tf: TerraformJson) => resources(tf, "aws_cloudwatch_metric_alarm").filter((a) => isRead(a.alarm_name));
const readFilters = (tf: TerraformJson) => resources(tf, "aws_cloudwatch_log_metric_filter").filter((f) => isRead(f.name));

describe("SecretAccessAlarms", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring();
  });

  test("alarm uses Sum so one read in a minute breaches", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_cloudwatch_metric_alarm"), {
      alarm_name: "sam-test0001-secret-reads",
      statistic: "Sum",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
    });
  });

  test("alarm evaluates one 60-second period, one datapoint, and treats missing data as not breaching", () => {
    for (const alarm of readAlarms(s.tf)) {
      expect(alarm).toMatchObject({
        statistic: "Sum",
        period: 60,
        evaluation_periods: 1,
        datapoints_to_alarm: 1,
        treat_missing_data: "notBreaching",
        actions_enabled: true,
      });
      expect(alarm.extended_statistic).toBeUndefined();
    }
  });

  test("every alarm notifies the alert topic (the change alarm also the health topic) and reads the metric its filter writes", () => {
    const filters = resources(s.tf, "aws_cloudwatch_log_metric_filter");
    const ref = (name: string) => `\${aws_sns_topic.${keyOf(s.tf, "aws_sns_topic", name)}.arn}`;
    for (const alarm of resources(s.tf, "aws_cloudwatch_metric_alarm").filter((a) => a.metric_name && !a.namespace.startsWith("AWS/"))) {
      const topics = alarm.alarm_name.endsWith("-monitoring-changes") ? ["sam-test0001-alerts", "sam-test0001-health"] : ["sam-test0001-alerts"];
      expect({ alarm: alarm.alarm_name, actions: alarm.alarm_actions }).toEqual({ alarm: alarm.alarm_name, actions: topics.map(ref) });
      const filter = filters.find((f) => f.metric_transformation.name === alarm.metric_name);
      expect(filter).toBeDefined();
      expect(filter!.metric_transformation.namespace).toBe(alarm.namespace);
    }
  });

  test("alarm description tells the on-call what happened and what to check first", () => {
    const alarm = resources(s.tf, "aws_cloudwatch_metric_alarm").find((a) => a.alarm_name.endsWith("-secret-reads"))!;
    expect(alarm.alarm_description).toMatch(/read of a secret value/);
    expect(alarm.alarm_description).toMatch(/First check/);
    expect(alarm.alarm_description.length).toBeLessThanOrEqual(1024);
  });

  test("metric filter requires the Secrets Manager event source and GetSecretValue, not just the event name", () => {
    const filter = resources(s.tf, "aws_cloudwatch_log_metric_filter").find((f) => f.name.endsWith("-secret-reads"))!;
    expect(filter.pattern).toContain('$.eventSource = "secretsmanager.amazonaws.com" && ');
    expect(filter.pattern).toContain('$.eventName = "GetSecretValue"');
    expect(filter.log_group_name).toMatch(/^\$\{aws_cloudwatch_log_group\..+\.name\}$/);
  });

  test("metric filter emits 1 per matching event into the configured namespace", () => {
    const custom = synthMonitoring({ metricNamespace: "Security/Reads" });
    expect(custom.json).toHaveResourceWithProperties(tfType("aws_cloudwatch_log_metric_filter"), {
      metric_transformation: {
        name: "sam-test0001-secret-reads",
        namespace: "Security/Reads",
        value: "1",
        default_value: "0",
        unit: "Count",
      },
    });
  });

  test("catch-all configuration has one filter for secret reads, one for parameter reads, one for denied reads", () => {
    expect(readFilters(s.tf).map((f) => f.name).sort()).toEqual([
      "sam-test0001-denied-reads",
      "sam-test0001-parameter-reads",
      "sam-test0001-secret-reads",
    ]);
  });

  test("scoped configuration has one filter and alarm per secret plus batch reads", () => {
    const scoped = synthMonitoring({
      demoSecret: { enabled: false },
      monitoredSecrets: [{ id: "prod/db" }, { id: "prod/api" }],
      parameterStore: { enabled: false },
      deniedReads: { enabled: false },
    });
    expect(readAlarms(scoped.tf).map((a) => a.alarm_name).sort()).toEqual([
      "sam-test0001-batch-secret-reads",
      "sam-test0001-secret-read-prod-api",
      "sam-test0001-secret-read-prod-db",
    ]);
  });

  test("a configuration needing more than 100 metric filters on the log group fails the synth", () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ id: `app/secret-${i}` }));
    expect(() => synthMonitoring({ monitoredSecrets: many })).toThrow(/needs \d{3} metric filters on one log group, CloudWatch Logs allows 100/);
  });

  test("a filter pattern over 1024 characters fails the synth and names the filter", () => {
    const readers = Array.from({ length: 12 }, (_, i) => `arn:aws:sts::123456789012:assumed-role/application-role-number-${i}/*`);
    expect(() =>
      synthMonitoring({ monitoredSecrets: [{ id: "prod/db", allowedReaders: readers }], realtimeAlerts: { enabled: false } }),
    ).toThrow(/metric filter sam-test0001-secret-read-prod-db: pattern is \d+ characters, CloudWatch Logs allows 1024/);
  });
});

describe("SecretAccessAlarms for listed parameters", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring({ parameterStore: { enabled: true, monitoredParameters: ["/prod/db/password", "/prod/api/token"] } });
  });

  test("one alarm per listed parameter replaces the catch-all parameter alarm", () => {
    const alarms = readAlarms(s.tf).map((a) => a.alarm_name);
    expect(alarms).toEqual(expect.arrayContaining(["sam-test0001-parameter-read-prod-db-password", "sam-test0001-parameter-read-prod-api-token"]));
    expect(alarms).not.toContain("sam-test0001-parameter-reads");
  });

  test("a parameter detection too long for one filter is split into filters that all feed the alarm's metric", () => {
    const parts = resources(s.tf, "aws_cloudwatch_log_metric_filter").filter((f) => f.name.startsWith("sam-test0001-parameter-read-prod-db-password"));
    expect(parts.map((f) => f.name).sort()).toEqual([1, 2].map((i) => `sam-test0001-parameter-read-prod-db-password-part-${i}`));
    for (const f of parts) {
      expect(f.metric_transformation.name).toBe("sam-test0001-parameter-read-prod-db-password");
      expect(f.pattern.length).toBeLessThanOrEqual(1024);
      expect(f.pattern).toContain("$.requestParameters.withDecryption IS TRUE");
    }
    const all = parts.map((f) => f.pattern).join("\n");
    expect(all).toContain('$.requestParameters.name = "/prod/db/password"');
    expect(all).toContain('$.requestParameters.names[9] = "*/prod/db/password*"');
    expect(all).toContain('$.requestParameters.path = "/prod/db"');
  });
});
