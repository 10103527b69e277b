import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";

export interface DashboardMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly label: string;
}

export interface MonitorDashboardProps {
  readonly name: string;
  readonly region: string;
  /** Metrics of successful reads, one line each (per secret when scoped). */
  readonly readMetrics: readonly DashboardMetric[];
  readonly deniedMetrics: readonly DashboardMetric[];
  readonly changeMetrics: readonly DashboardMetric[];
  readonly logGroupName: string;
  readonly topicName: string;
  /** Prefix of this monitor's EventBridge rule names, for a search over their failed invocations. */
  readonly rulePrefix: string;
  readonly deadLetterQueueName?: string;
  /** Alarm ARNs shown in the alarm-status widget; read when the stack synthesizes. */
  readonly alarmArns: () => string[];
}

/** One CloudWatch dashboard: reads per minute, denied attempts, changes, alarm states, pipeline health. */
export class MonitorDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: MonitorDashboardProps) {
    super(scope, id);
    const graph = (title: string, metrics: unknown[][], x: number, y: number, extra: Record<string, unknown> = {}) => ({
      type: "metric",
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: props.region, view: "timeSeries", stacked: false, period: 60, stat: "Sum", metrics, ...extra },
    });
    const lines = (ms: readonly DashboardMetric[]) => ms.map((m) => [m.namespace, m.metricName, { label: m.label }]);
    this.dashboard = new CloudwatchDashboard(this, "Resource", {
      dashboardName: props.name,
      dashboardBody: Lazy.stringValue({
        produce: () =>
          JSON.stringify({
            widgets: [
              graph("Secret reads per minute", lines(props.readMetrics), 0, 0),
              graph("Denied read attempts per minute", lines(props.deniedMetrics), 12, 0),
              {
                type: "alarm",
                x: 0,
                y: 6,
                width: 12,
                height: 6,
                properties: { title: "Alarm states", alarms: props.alarmArns(), sortBy: "stateUpdatedTimestamp", states: [] },
              },
              graph("Changes to the trail and the monitoring", lines(props.changeMetrics), 12, 6, { period: 300 }),
              graph(
                "Pipeline health: events delivered to the log group",
                [["AWS/Logs", "IncomingLogEvents", "LogGroupName", props.logGroupName, { label: "events delivered" }]],
                0,
                12,
                { period: 300 },
              ),
              graph(
                "Alert delivery failures",
                [
                  ["AWS/SNS", "NumberOfNotificationsFailed", "TopicName", props.topicName, { label: "SNS notifications failed" }],
                  [{ expression: `SEARCH('{AWS/Events,RuleName} MetricName="FailedInvocations" ${props.rulePrefix}', 'Sum', 300)`, label: "rule", id: "rules" }],
                  ...(props.deadLetterQueueName
                    ? [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", props.deadLetterQueueName, { label: "alerts in dead-letter queue", stat: "Maximum" }]]
                    : []),
                ],
                12,
                12,
                { period: 300 },
              ),
            ],
          }),
      }),
    });
  }
}
