import { Construct } from "constructs";
import { MAX_METRIC_FILTERS_PER_LOG_GROUP } from "../patterns/filter-pattern";
import { detectionFilterPatterns, ReadDetection } from "../patterns/sensitive-reads";
import { LogMetricAlarm } from "./log-metric-alarm";

export interface SecretAccessAlarmsProps {
  /** Names alarms and filters: `<namePrefix>-<detection id>`. */
  readonly namePrefix: string;
  readonly logGroupName: string;
  readonly metricNamespace: string;
  readonly topicArn: string;
  /** More topics every alarm notifies (the health topic, for alarms on the monitor itself). @default none */
  readonly extraTopicArns?: readonly string[];
  readonly detections: readonly ReadDetection[];
  /**
   * Metric filters other constructs already put on the same log group, counted against the quota of 100.
   * @default 0
   */
  readonly otherFiltersOnLogGroup?: number;
  /**
   * Detections whose alarm keeps its metric and state (dashboard, history) but notifies no one: another path
   * alerts for them (the first-seen workflow, for successful reads). @default none
   */
  readonly silentDetectionIds?: readonly string[];
}

/** One metric filter and alarm per detection (per monitored secret, or one catch-all), on the trail's log group. */
export class SecretAccessAlarms extends Construct {
  /** Alarms by detection id. */
  readonly alarms: Record<string, LogMetricAlarm> = {};
  /** The metric each detection's filters write, by detection id (plain strings, for dashboards). */
  readonly metrics: Record<string, { namespace: string; metricName: string }> = {};

  constructor(scope: Construct, id: string, props: SecretAccessAlarmsProps) {
    super(scope, id);
    const patterns = props.detections.map((d) => detectionFilterPatterns(d));
    const total = patterns.reduce((n, p) => n + p.length, 0) + (props.otherFiltersOnLogGroup ?? 0);
    if (total > MAX_METRIC_FILTERS_PER_LOG_GROUP) {
      throw new Error(
        `monitoredSecrets: this configuration needs ${total} metric filters on one log group, CloudWatch Logs allows ${MAX_METRIC_FILTERS_PER_LOG_GROUP}; ` +
          "monitor fewer secrets individually (omit monitoredSecrets to watch every secret with one filter)",
      );
    }
    props.detections.forEach((d, i) => {
      const name = `${props.namePrefix}-${d.id}`;
      this.metrics[d.id] = { namespace: props.metricNamespace, metricName: name };
      this.alarms[d.id] = new LogMetricAlarm(this, d.id, {
        name,
        logGroupName: props.logGroupName,
        patterns: patterns[i],
        metricNamespace: props.metricNamespace,
        metricName: name,
        description: describe(d),
        alarmActions: props.silentDetectionIds?.includes(d.id) ? [] : [props.topicArn, ...(props.extraTopicArns ?? [])],
      });
    });
  }
}

function describe(d: ReadDetection): string {
  if (d.description) return d.description;
  const what =
    d.outcome === "success"
      ? `${d.title}: at least one read of a secret value in the last minute by a principal not on the allow-list.`
      : `${d.title}: a read of a secret value failed with an error (AccessDenied, not found, decryption failure) in the last minute.`;
  return [
    what,
    "First check: the real-time alert e-mail (same topic) names who, which secret, when, from where and how.",
    "Without it: CloudWatch Logs Insights on the trail log group with this alarm's filter pattern, last 15 minutes.",
    "The alarm notifies on entering ALARM only; later reads in the same burst send no second alarm e-mail.",
  ].join(" ");
}
