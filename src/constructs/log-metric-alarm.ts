import { Construct } from "constructs";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { MAX_FILTER_PATTERN_LENGTH } from "../patterns/filter-pattern";

export interface LogMetricAlarmProps {
  /** Log group the filter reads. */
  readonly logGroupName: string;
  /** Metric filter and alarm name. */
  readonly name: string;
  /**
   * CloudWatch Logs filter patterns (≤ 1024 characters each). Several patterns become several filters writing
   * the same metric: a detection too long for one filter still has one alarm.
   */
  readonly patterns: readonly string[];
  readonly metricNamespace: string;
  readonly metricName: string;
  /** What the on-call reads in the alarm e-mail: what happened and what to check first. */
  readonly description: string;
  /** Topics notified when the alarm enters ALARM. */
  readonly alarmActions: string[];
  /**
   * Seconds per datapoint. Metric-filter metrics have 1-minute resolution, so 60 is the shortest useful period.
   * @default 60
   */
  readonly periodSeconds?: number;
}

/**
 * A metric filter that counts matching log events and an alarm that pages on the first one: statistic Sum,
 * `>= 1` over one 60-second period, missing data not breaching.
 */
export class LogMetricAlarm extends Construct {
  readonly filters: CloudwatchLogMetricFilter[] = [];
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: LogMetricAlarmProps) {
    super(scope, id);
    if (props.patterns.length === 0) throw new Error(`metric filter ${props.name}: no filter pattern`);
    for (const pattern of props.patterns) {
      if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
        throw new Error(
          `metric filter ${props.name}: pattern is ${pattern.length} characters, CloudWatch Logs allows ${MAX_FILTER_PATTERN_LENGTH}; ` +
            "shorten the allow-list or split the secrets",
        );
      }
    }
    const period = props.periodSeconds ?? 60;
    if (period < 60 || period % 60 !== 0) {
      throw new Error(`periodSeconds: ${period} is not a multiple of 60 (metric-filter metrics have 1-minute resolution)`);
    }
    props.patterns.forEach((pattern, i) => {
      const several = props.patterns.length > 1;
      this.filters.push(
        new CloudwatchLogMetricFilter(this, several ? `Filter${i + 1}` : "Filter", {
          name: several ? `${props.name}-part-${i + 1}` : props.name,
          logGroupName: props.logGroupName,
          pattern,
          metricTransformation: {
            name: props.metricName,
            namespace: props.metricNamespace,
            value: "1",
            // Minutes with logs but no match report 0, so graphs show "no reads" rather than gaps.
            defaultValue: "0",
            unit: "Count",
          },
        }),
      );
    });
    this.alarm = new CloudwatchMetricAlarm(this, "Alarm", {
      alarmName: props.name,
      alarmDescription: props.description,
      namespace: props.metricNamespace,
      metricName: props.metricName,
      // Sum, not Average: with default value 0 the average of a minute with one read among zeros can stay < 1.
      statistic: "Sum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      period,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      alarmActions: props.alarmActions,
      actionsEnabled: true,
      dependsOn: this.filters,
    });
  }
}
