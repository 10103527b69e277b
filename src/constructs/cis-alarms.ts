import { Construct } from "constructs";
import { CIS_CONTROLS } from "../patterns/cis";
import { LogMetricAlarm } from "./log-metric-alarm";

export interface CisAlarmsProps {
  /** Names filters and alarms `<namePrefix>-cis-cloudwatch-<n>`. */
  readonly namePrefix: string;
  readonly logGroupName: string;
  readonly metricNamespace: string;
  readonly topicArn: string;
}

/**
 * Security Hub CloudWatch.1–14: one metric filter (the exact prescribed text) and one alarm (Sum ≥ 1 over 5
 * minutes, notifying the alert topic) per control.
 */
export class CisAlarms extends Construct {
  /** Alarms by control id (`CloudWatch.1` …). */
  readonly alarms: Record<string, LogMetricAlarm> = {};

  constructor(scope: Construct, id: string, props: CisAlarmsProps) {
    super(scope, id);
    for (const control of CIS_CONTROLS) {
      const slug = control.id.toLowerCase().replace(".", "-");
      this.alarms[control.id] = new LogMetricAlarm(this, slug, {
        name: `${props.namePrefix}-cis-${slug}`,
        logGroupName: props.logGroupName,
        patterns: [control.pattern],
        metricNamespace: props.metricNamespace,
        metricName: `${props.namePrefix}-cis-${slug}`,
        description:
          `Security Hub ${control.id} (CIS): ${control.title} in the last 5 minutes. ` +
          "The filter is the exact prescribed text; query the trail log group with it in Logs Insights to see the events.",
        alarmActions: [props.topicArn],
        periodSeconds: 300,
      });
    }
  }
}
