/**
 * CloudWatch alarms notify SNS topics of their own account only, so in an organization the metric path's alarms
 * (in the account of the organization trail) reach the central account as EventBridge events: CloudWatch sends an
 * event "whenever a CloudWatch alarm changes alarm state" (CloudWatch User Guide, "Alarm events and EventBridge"),
 * source `aws.cloudwatch`, detail-type `CloudWatch Alarm State Change`, with `alarmName` and `state.value` in
 * `detail`. Pure: no cdktf imports.
 */
import { EventPattern } from "./sensitive-reads";
import { InputTransformerSpec } from "./alert-message";

export const ALARM_STATE_CHANGE = "CloudWatch Alarm State Change";

/** This monitor's alarms (named `<namePrefix>-…`) entering ALARM. */
export function alarmStateChangePattern(namePrefix: string): EventPattern {
  return {
    source: ["aws.cloudwatch"],
    "detail-type": [ALARM_STATE_CHANGE],
    detail: { alarmName: [{ prefix: `${namePrefix}-` }], state: { value: ["ALARM"] } },
  };
}

/** The message the central account sends for a metric-path alarm of another account. */
export function alarmStateTransformer(): InputTransformerSpec {
  return {
    inputPaths: {
      alarmName: "$.detail.alarmName",
      reason: "$.detail.state.reason",
      time: "$.time",
      account: "$.account",
      region: "$.region",
    },
    inputTemplate: [
      "METRIC PATH ALARM: <alarmName> is in ALARM",
      "",
      "Where:   account <account>, region <region> (the account of the organization trail)",
      "When:    <time> (UTC)",
      "Why:     <reason>",
      "",
      "The organization trail's metric filters counted a read (or a change to the monitor) in some account of the",
      "organization; the real-time alert names the account, region and caller. Open the alarm in that account.",
      "Rule:    <aws.events.rule-name>",
    ].join("\n"),
  };
}
