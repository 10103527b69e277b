import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";

export interface PipelineHealthProps {
  /** Names the alarms `<namePrefix>-<what>`. */
  readonly namePrefix: string;
  /**
   * The trail's log group, watched by the dead-man alarm.
   * @default - no dead-man alarm (an organization's central account: the organization trail's account has it)
   */
  readonly logGroupName?: string;
  /** The alert topic. */
  readonly topicArn: string;
  readonly topicName: string;
  /**
   * A second topic every alarm here also notifies, without the alert topic's key or policy: a broken alert topic or
   * key cannot silence the alarms that report it. Its own delivery failures alarm too.
   */
  readonly healthTopic?: { readonly arn: string; readonly name: string };
  readonly ruleNames: readonly string[];
  /**
   * The custom bus the rules are on. EventBridge: "Metrics that specify only the RuleName dimension refer to the
   * default event bus. Metrics that specify both the EventBusName and RuleName dimensions refer to a custom event
   * bus." (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html)
   * @default - the default bus: `RuleName` alone
   */
  readonly eventBusName?: string;
  readonly deadLetterQueueName?: string;
  /** Minutes without any event in the log group before the dead-man alarm fires (multiple of 5). @default 15 */
  readonly silenceMinutes?: number;
}

function anyFailureOf(actions: string[]) {
  return { evaluationPeriods: 1, datapointsToAlarm: 1, comparisonOperator: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching", alarmActions: actions } as const;
}

/** CloudWatch accepts at most this many metrics in one alarm's metric math. */
const METRICS_PER_ALARM = 10;

/**
 * Alarms on the monitor itself: no events reaching the log group (dead-man switch), alert deliveries failing
 * (SNS notifications, EventBridge invocations) and failed alerts waiting in the dead-letter queue. Each notifies
 * the health topic and the alert topic: whichever of the two still works carries it.
 */
export class PipelineHealth extends Construct {
  readonly silence?: CloudwatchMetricAlarm;
  readonly notificationsFailed: CloudwatchMetricAlarm;
  readonly healthNotificationsFailed?: CloudwatchMetricAlarm;
  readonly invocationsFailed: CloudwatchMetricAlarm[] = [];
  readonly deadLetters?: CloudwatchMetricAlarm;

  /** Any failure in a 5-minute period pages; periods without the metric are fine. */
  private readonly anyFailure: ReturnType<typeof anyFailureOf>;

  constructor(scope: Construct, id: string, private readonly props: PipelineHealthProps) {
    super(scope, id);
    const minutes = props.silenceMinutes ?? 15;
    if (minutes < 10 || minutes % 5 !== 0) throw new Error(`silenceMinutes: ${minutes} must be a multiple of 5, at least 10`);
    const actions = props.healthTopic ? [props.healthTopic.arn, props.topicArn] : [props.topicArn];
    const anyFailure = anyFailureOf(actions);
    this.anyFailure = anyFailure;
    if (props.logGroupName !== undefined) this.silence = new CloudwatchMetricAlarm(this, "Silence", {
      alarmName: `${props.namePrefix}-trail-silent`,
      alarmDescription:
        `No CloudTrail event reached ${props.logGroupName} for ${minutes} minutes: every metric-path alarm is blind. ` +
        "Check that the trail is logging (aws cloudtrail get-trail-status), its delivery role and the log group's key policy.",
      namespace: "AWS/Logs",
      metricName: "IncomingLogEvents",
      dimensions: { LogGroupName: props.logGroupName },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: minutes / 5,
      datapointsToAlarm: minutes / 5,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      // No datapoint at all is exactly the failure this alarm exists for.
      treatMissingData: "breaching",
      alarmActions: actions,
      okActions: actions,
    });
    this.notificationsFailed = new CloudwatchMetricAlarm(this, "NotificationsFailed", {
      alarmName: `${props.namePrefix}-alert-delivery-failed`,
      alarmDescription:
        "SNS failed to deliver alert notifications. Check the subscriptions (pending confirmation?) and, with KMS, the key policy.",
      namespace: "AWS/SNS",
      metricName: "NumberOfNotificationsFailed",
      dimensions: { TopicName: props.topicName },
      statistic: "Sum",
      period: 300,
      ...anyFailure,
    });
    if (props.healthTopic) {
      this.healthNotificationsFailed = new CloudwatchMetricAlarm(this, "HealthNotificationsFailed", {
        alarmName: `${props.namePrefix}-health-delivery-failed`,
        alarmDescription:
          "SNS failed to deliver notifications of the health topic (alarms on the monitor itself). Check its subscriptions (pending confirmation?) and its policy.",
        namespace: "AWS/SNS",
        metricName: "NumberOfNotificationsFailed",
        dimensions: { TopicName: props.healthTopic.name },
        statistic: "Sum",
        period: 300,
        ...anyFailure,
      });
    }
    this.watchRules(props.ruleNames, "EventBridge could not deliver real-time alerts to the topic (permissions or KMS key policy); failed events go to the dead-letter queue.");
    if (props.deadLetterQueueName) {
      this.deadLetters = new CloudwatchMetricAlarm(this, "DeadLetters", {
        alarmName: `${props.namePrefix}-alerts-in-dead-letter-queue`,
        alarmDescription: "Real-time alerts gave up after 24 h of retries and wait in the dead-letter queue: read them there.",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: props.deadLetterQueueName },
        statistic: "Maximum",
        period: 300,
        ...anyFailure,
      });
    }
  }

  /**
   * Alarms on failed invocations of more rules (ten per alarm, CloudWatch's metric math limit), numbered after the
   * existing ones: rules created after this construct, such as the alarm routes to chat and paging.
   */
  watchRules(ruleNames: readonly string[], description: string): void {
    for (let i = 0; i < ruleNames.length; i += METRICS_PER_ALARM) {
      const chunk = ruleNames.slice(i, i + METRICS_PER_ALARM);
      const n = this.invocationsFailed.length + 1;
      this.invocationsFailed.push(
        new CloudwatchMetricAlarm(this, `InvocationsFailed${n}`, {
          alarmName: `${this.props.namePrefix}-rule-invocations-failed-${n}`,
          alarmDescription: description,
          ...this.anyFailure,
          metricQuery: [
            { id: "failed", expression: chunk.map((_, k) => `FILL(m${k}, 0)`).join(" + "), label: "Failed invocations", returnData: true },
            ...chunk.map((rule, k) => ({
              id: `m${k}`,
              metric: { namespace: "AWS/Events", metricName: "FailedInvocations", dimensions: (this.props.eventBusName ? { EventBusName: this.props.eventBusName, RuleName: rule } : { RuleName: rule }) as Record<string, string>, stat: "Sum", period: 300 },
              returnData: false,
            })),
          ],
        }),
      );
    }
  }
}
