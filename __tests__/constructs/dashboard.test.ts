import { only, resources, synthMonitoring, Synthesized } from "../helpers";

describe("MonitorDashboard", () => {
  let s: Synthesized;
  let body: any;
  beforeAll(() => {
    s = synthMonitoring({ monitoredSecrets: [{ id: "prod/db" }, { id: "prod/api" }] });
    body = JSON.parse(only(s.tf, "aws_cloudwatch_dashboard").dashboard_body);
  });
  const widget = (title: string) => body.widgets.find((w: any) => w.properties.title === title);

  test("reads per minute show one line per monitored secret, summed per minute", () => {
    const w = widget("Secret reads per minute");
    expect(w.properties).toMatchObject({ stat: "Sum", period: 60, region: "us-east-1" });
    expect(w.properties.metrics.map((m: any[]) => m[1])).toEqual(
      expect.arrayContaining(["sam-test0001-secret-read-sam-test0001", "sam-test0001-secret-read-prod-db", "sam-test0001-secret-read-prod-api", "sam-test0001-batch-secret-reads"]),
    );
  });

  test("denied attempts and monitoring changes have their own graphs", () => {
    expect(widget("Denied read attempts per minute").properties.metrics[0][1]).toBe("sam-test0001-denied-reads");
    expect(widget("Changes to the trail and the monitoring").properties.metrics[0][1]).toBe("sam-test0001-monitoring-changes");
  });

  test("the alarm widget shows every alarm of the stack", () => {
    const alarms = widget("Alarm states").properties.alarms;
    expect(alarms).toHaveLength(resources(s.tf, "aws_cloudwatch_metric_alarm").length);
    for (const a of alarms) expect(a).toMatch(/^\$\{aws_cloudwatch_metric_alarm\..+\.arn\}$/);
  });

  test("pipeline health shows log delivery, notification failures, rule failures and the dead-letter queue", () => {
    expect(widget("Pipeline health: events delivered to the log group").properties.metrics[0].slice(0, 3)).toEqual(["AWS/Logs", "IncomingLogEvents", "LogGroupName"]);
    const failures = widget("Alert delivery failures").properties.metrics;
    expect(failures[0].slice(0, 2)).toEqual(["AWS/SNS", "NumberOfNotificationsFailed"]);
    expect(failures[1][0].expression).toContain('MetricName="FailedInvocations" sam-test0001');
    expect(failures[2].slice(0, 4)).toEqual(["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "sam-test0001-alert-dlq"]);
  });
});
