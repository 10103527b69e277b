import { Construct } from "constructs";
import { Lazy, TerraformIterator } from "cdktf";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { policyDocument, PolicyStatement } from "./policy";

export interface AlertTopicProps {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /**
   * E-mail addresses to subscribe, as a Terraform list expression (`var.alert_emails`), so a pipeline can change
   * them at plan time without re-synthesizing. One subscription per address.
   */
  readonly emails: string[];
  /** KMS key encrypting the topic. @default - unencrypted: CloudWatch alarms cannot publish under `alias/aws/sns` */
  readonly kmsMasterKeyId?: string;
  /** @default "Secret access alerts" */
  readonly displayName?: string;
}

/**
 * An SNS topic with e-mail subscriptions. Its policy lets CloudWatch alarms of this account publish, and the
 * EventBridge rules registered with `allowEventRules`, nothing else. The monitor has two: the alert topic every
 * alert goes to, and the health topic (no customer key, alarms only) that the alarms on the monitor itself use.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly policy: SnsTopicPolicy;
  readonly subscriptions: SnsTopicSubscription;
  private readonly eventRuleArns: string[] = [];

  constructor(scope: Construct, id: string, private readonly props: AlertTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "Resource", {
      name: props.name,
      displayName: props.displayName ?? "Secret access alerts",
      kmsMasterKeyId: props.kmsMasterKeyId,
    });
    const emails = TerraformIterator.fromList(props.emails);
    this.subscriptions = new SnsTopicSubscription(this, "Email", {
      forEach: emails,
      topicArn: this.topic.arn,
      protocol: "email",
      endpoint: emails.value,
    });
    this.policy = new SnsTopicPolicy(this, "Policy", {
      arn: this.topic.arn,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements()) }),
    });
  }

  /** Lets these EventBridge rules publish; the topic policy names each rule ARN. */
  allowEventRules(ruleArns: readonly string[]): void {
    this.eventRuleArns.push(...ruleArns);
  }

  private statements(): PolicyStatement[] {
    const { accountId, region, partition } = this.props;
    const statements: PolicyStatement[] = [
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: this.topic.arn,
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:*` },
        },
      },
    ];
    if (this.eventRuleArns.length > 0) {
      statements.push(
        {
          // EventBridge User Guide, "Using resource-based policies for Amazon EventBridge", Amazon SNS permissions
          // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html): "You can't use
          // Condition blocks in Amazon SNS topic policies for EventBridge." The documented statement is
          // unconditioned; a condition EventBridge does not satisfy drops every real-time alert silently.
          Sid: "EventBridgeRulesPublish",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sns:Publish",
          Resource: this.topic.arn,
        },
        {
          // Where EventBridge presents the rule ARN (its confused-deputy guidance: "For EventBridge event bus rule
          // targets, the value of aws:SourceArn must be the rule ARN"), only this stack's rules may publish. The
          // Null test makes the statement inapplicable when no source ARN is presented, so it cannot block delivery.
          Sid: "DenyOtherEventBridgeRules",
          Effect: "Deny",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sns:Publish",
          Resource: this.topic.arn,
          Condition: { Null: { "aws:SourceArn": "false" }, ArnNotEquals: { "aws:SourceArn": [...this.eventRuleArns] } },
        },
      );
    }
    return statements;
  }
}
