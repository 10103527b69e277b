/**
 * Changes that would blind or silence the monitor: the trail stopped, deleted or re-scoped; the key disabled or
 * scheduled for deletion; the topic's policy or subscriptions changed; metric filters, alarms or rules deleted
 * or disabled. One detection, alerted on both paths whether the call succeeded or failed.
 */
import { expandPrincipals, ReadBranch, ReadDetection } from "./sensitive-reads";

export const TRAIL_TAMPERING = ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors"] as const;

export interface TamperScope {
  /** Prefix shared by this monitor's alarms and rules (`<namePrefix>-<suffix>`). */
  readonly resourcePrefix: string;
  readonly topicName: string;
  readonly logGroupName: string;
  /** Principals whose changes are planned (e.g. the deployment role); their changes are not alerted on. */
  readonly allowedChangers: readonly string[];
  /** Include key disabling and deletion (when the monitor has its own key). */
  readonly key: boolean;
}

/**
 * DeleteAlarms and DisableAlarmActions name up to 100 alarms (AlarmNames: "Maximum number of 100 items",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html). The filter checks
 * every index, so padding the list with other names hides nothing; over-long checks are split by index range.
 */
const ALARM_NAME_INDICES = 100;

export function tamperDetection(scope: TamperScope): ReadDetection {
  const allowed = expandPrincipals(scope.allowedChangers);
  const branch = (eventSource: string, eventNames: readonly string[], field?: string[], wildcards: string[] = [], exact: string[] = [], arrayLength?: number): ReadBranch => ({
    eventSource,
    eventNames,
    allowedReaders: allowed,
    resource: field ? { field, exact, wildcards, arrayLength } : undefined,
  });
  const branches: ReadBranch[] = [
    // Any trail: stopping another trail in the account is as suspicious as stopping this one.
    branch("cloudtrail.amazonaws.com", TRAIL_TAMPERING),
    branch("sns.amazonaws.com", ["SetTopicAttributes", "DeleteTopic", "AddPermission", "RemovePermission", "Subscribe"], ["requestParameters", "topicArn"], [`*:${scope.topicName}`]),
    branch("sns.amazonaws.com", ["Unsubscribe"], ["requestParameters", "subscriptionArn"], [`*:${scope.topicName}:*`]),
    branch("logs.amazonaws.com", ["DeleteMetricFilter", "DeleteLogGroup", "DisassociateKmsKey", "DeleteRetentionPolicy"], ["requestParameters", "logGroupName"], [], [scope.logGroupName]),
    branch("monitoring.amazonaws.com", ["DeleteAlarms", "DisableAlarmActions"], ["requestParameters", "alarmNames"], [`${scope.resourcePrefix}-*`], [], ALARM_NAME_INDICES),
    branch("events.amazonaws.com", ["DisableRule", "DeleteRule"], ["requestParameters", "name"], [`${scope.resourcePrefix}-*`]),
    branch("events.amazonaws.com", ["RemoveTargets"], ["requestParameters", "rule"], [`${scope.resourcePrefix}-*`]),
  ];
  if (scope.key) branches.splice(1, 0, branch("kms.amazonaws.com", ["DisableKey", "ScheduleKeyDeletion"]));
  return { id: "monitoring-changes", title: "Change to the audit trail or to the monitoring itself", outcome: "any", branches };
}
