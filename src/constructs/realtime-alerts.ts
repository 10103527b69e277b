import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { AlertModel, alertModel, defaultSeverity, renderEmail } from "../patterns/alert-message";
import { mostUrgent } from "../patterns/severity";
import { AlertFamily, AlertVariant, ReadDetection, variantKey } from "../patterns/sensitive-reads";
import { ALL_MANAGEMENT_EVENTS, realtimeRulePatterns, RulePattern } from "../patterns/member-forwarding";
import { policyDocument } from "./policy";

/** The dead-letter queue's name, from the rules' name prefix. */
export function deadLetterQueueNameOf(namePrefix: string): string {
  return `${namePrefix}-alert-dlq`;
}

const FAMILY_TEXT: Record<AlertFamily, string> = { read: "Secret reads", tamper: "Changes to the trail or the monitoring", decoy: "Reads of decoy secrets" };

export interface RealtimeAlertsProps {
  /** Names rules `<namePrefix>-<variant>` and the queue `<namePrefix>-alert-dlq`. */
  readonly namePrefix: string;
  /**
   * What the rules alert on; `tamper` rules are named `<namePrefix>-change-<variant>`, `decoy` rules
   * `<namePrefix>-decoy-<variant>`; either shares the read rules' dead-letter queue when given one.
   * @default "read"
   */
  readonly family?: AlertFamily;
  /** An existing dead-letter queue to use. @default - a new encrypted queue */
  readonly deadLetterQueue?: SqsQueue;
  readonly topicArn: string;
  /**
   * The bus the rules watch: `default` (where CloudTrail delivers this account's events) or the organization's
   * central bus (where member accounts forward theirs).
   * @default "default"
   */
  readonly eventBusName?: string;
  readonly detections: readonly ReadDetection[];
  /**
   * Friendly names of accounts (organization's central bus): each named account gets rules whose message prints
   * its name, and every message links the account in the AWS Organizations console.
   * @default - a single account: no names, no link
   */
  readonly accountNames?: Readonly<Record<string, string>>;
  /** Console host for the link in the message. @default `<awsRegion>.console.aws.amazon.com` */
  readonly consoleHost?: string;
  /**
   * How long EventBridge keeps retrying a failed publish before the event goes to the dead-letter queue.
   * @default 86400 - the maximum, 24 hours
   */
  readonly maximumEventAgeSeconds?: number;
  /** @default 185 - EventBridge's maximum retry attempts */
  readonly maximumRetryAttempts?: number;
  /** KMS key for the dead-letter queue. @default - SQS-managed encryption (SSE-SQS) */
  readonly kmsMasterKeyId?: string;
}

export interface VariantRule {
  readonly variant: AlertVariant;
  /** The rule's name as a plain string, for ARNs built without referencing the rule. */
  readonly name: string;
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
  /** What the rule's alerts say: the e-mail is rendered from it, and so is every other destination's payload. */
  readonly model: AlertModel;
}

/**
 * CloudTrail → EventBridge → SNS: one rule per record shape (outcome × identity × network), each with an input
 * transformer that renders a readable message, retries and a dead-letter queue.
 */
export class RealtimeAlerts extends Construct {
  readonly rules: VariantRule[] = [];
  /** The rules' patterns, for forwarding rules elsewhere (other regions, member accounts) to carry unchanged. */
  readonly patterns: RulePattern[];
  readonly deadLetterQueue: SqsQueue;
  /** The dead-letter queue's name as a plain string, when this construct created the queue. */
  readonly deadLetterQueueName?: string;
  /** The queue policy, when this construct created the queue; see `allowToDeadLetter` for a shared queue. */
  readonly deadLetterQueuePolicy?: SqsQueuePolicy;
  private readonly senderArns: string[] = [];

  constructor(scope: Construct, id: string, props: RealtimeAlertsProps) {
    super(scope, id);
    const family = props.family ?? "read";
    if (!props.deadLetterQueue) this.deadLetterQueueName = deadLetterQueueNameOf(props.namePrefix);
    this.deadLetterQueue =
      props.deadLetterQueue ??
      new SqsQueue(this, "DeadLetterQueue", {
        name: this.deadLetterQueueName,
        // The longest SQS allows: failed alerts stay for two weeks of investigation.
        messageRetentionSeconds: 1_209_600,
        sqsManagedSseEnabled: props.kmsMasterKeyId === undefined ? true : undefined,
        kmsMasterKeyId: props.kmsMasterKeyId,
      });
    const busName = props.eventBusName ?? "default";
    // No detection (successful reads left to the first-seen workflow, denied reads off): only the queue, which the
    // other families' rules share.
    this.patterns = props.detections.length === 0 ? [] : realtimeRulePatterns(props.detections, family, props.accountNames);
    for (const { id, variant, pattern, account } of this.patterns) {
      const key = variantKey(variant, family);
      // A rule covers every detection of its outcome; it pages as the most urgent of them.
      const covered = props.detections.filter((d) => d.outcome === variant.outcome || d.outcome === "any");
      const severity = mostUrgent(covered.map((d) => d.severity ?? defaultSeverity(variant.outcome, d.outcome === "any" ? "tamper" : family)));
      const model = alertModel(variant, {
        consoleHost: props.consoleHost,
        family,
        severity,
        accountName: account?.name,
        organizationAccountLink: props.accountNames !== undefined,
      });
      const transformer = renderEmail(model);
      const ruleName = `${props.namePrefix}-${id}`;
      const rule = new CloudwatchEventRule(this, `Rule-${id}`, {
        name: ruleName,
        description: `${FAMILY_TEXT[family]} (${key}) from CloudTrail, rendered for the on-call`,
        eventBusName: busName,
        eventPattern: JSON.stringify(pattern),
        // Secret reads are read-only management events; a plain ENABLED rule never receives them.
        state: ALL_MANAGEMENT_EVENTS,
      });
      const target = new CloudwatchEventTarget(this, `Target-${id}`, {
        rule: rule.name,
        eventBusName: busName,
        targetId: "alert-topic",
        arn: props.topicArn,
        inputTransformer: { inputPaths: transformer.inputPaths, inputTemplate: transformer.inputTemplate },
        retryPolicy: {
          maximumEventAgeInSeconds: props.maximumEventAgeSeconds ?? 86_400,
          maximumRetryAttempts: props.maximumRetryAttempts ?? 185,
        },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      });
      this.rules.push({ variant, name: ruleName, rule, target, model });
    }
    this.senderArns.push(...this.ruleArns);
    if (!props.deadLetterQueue) {
      this.deadLetterQueuePolicy = new SqsQueuePolicy(this, "DeadLetterQueuePolicy", {
        queueUrl: this.deadLetterQueue.url,
        policy: Lazy.stringValue({
          produce: () =>
            policyDocument([
              {
                Sid: "EventBridgeRulesSendFailedAlerts",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sqs:SendMessage",
                Resource: this.deadLetterQueue.arn,
                Condition: { ArnEquals: { "aws:SourceArn": [...this.senderArns] } },
              },
            ]),
        }),
      });
    }
  }

  /** Lets more rules (sharing this queue) send failed events to it. */
  allowToDeadLetter(ruleArns: readonly string[]): void {
    this.senderArns.push(...ruleArns);
  }

  get ruleArns(): string[] {
    return this.rules.map((r) => r.rule.arn);
  }
}
