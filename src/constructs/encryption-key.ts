import { Construct } from "constructs";
import { Lazy } from "cdktf";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { policyDocument, PolicyStatement } from "./policy";

export interface EncryptionKeyProps {
  /** Names the alias `alias/<name>`. */
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /** The trail that encrypts log files with the key (built ARN: the key must exist before the trail). */
  readonly trailArn: string;
  /** The log group encrypted with the key. */
  readonly logGroupName: string;
  /** Days before a scheduled deletion takes effect. @default 30 - the longest: time to notice and cancel */
  readonly deletionWindowDays?: number;
}

/**
 * One customer-managed key for the trail, its bucket, the log group, the alert topic, the dead-letter queue
 * and the demo secret. Its policy lets exactly the services that use it do so, each pinned to this account's
 * resources; account principals may administer it, and use it only through Secrets Manager or to read trail logs.
 */
export class EncryptionKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  private readonly eventRuleArns: string[] = [];

  constructor(scope: Construct, id: string, private readonly props: EncryptionKeyProps) {
    super(scope, id);
    const window = props.deletionWindowDays ?? 30;
    if (window < 7 || window > 30) throw new Error(`keyDeletionWindowDays: ${window} is not allowed; use 7–30 days`);
    this.key = new KmsKey(this, "Resource", {
      description: `Encrypts the secret-access monitor ${props.name}: trail, logs, alerts, dead-letter queue, demo secret`,
      enableKeyRotation: true,
      deletionWindowInDays: window,
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements()) }),
    });
    this.alias = new KmsAlias(this, "Alias", { name: `alias/${props.name}`, targetKeyId: this.key.keyId });
  }

  /** EventBridge rules that publish to the encrypted topic and send failures to the encrypted queue. */
  allowEventRules(ruleArns: readonly string[]): void {
    this.eventRuleArns.push(...ruleArns);
  }

  statements(): PolicyStatement[] {
    const { accountId: account, region, partition, trailArn } = this.props;
    const root = `arn:${partition}:iam::${account}:root`;
    const publish = ["kms:Decrypt", "kms:GenerateDataKey*"];
    const statements: PolicyStatement[] = [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: root },
        // Administration only: using the key goes through the service statements below.
        Action: [
          "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
          "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
          "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
        ],
        Resource: "*",
      },
      {
        Sid: "AccountReadsSecretsThroughSecretsManager",
        Effect: "Allow",
        Principal: { AWS: root },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com`, "kms:CallerAccount": account } },
      },
      {
        Sid: "AccountReadsTrailLogFiles",
        Effect: "Allow",
        Principal: { AWS: root },
        Action: ["kms:Decrypt", "kms:ReEncryptFrom"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:CallerAccount": account },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${account}:trail/*` },
        },
      },
      {
        Sid: "CloudTrailEncryptsLogFiles",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:GenerateDataKey*",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${account}:trail/*` },
        },
      },
      {
        Sid: "CloudTrailDescribesKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:DescribeKey",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
      },
      {
        Sid: "CloudWatchLogsEncryptsTrailLogGroup",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        // CloudWatch Logs passes the log group ARN as encryption context: the key serves this group only.
        Condition: {
          ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${account}:log-group:${this.props.logGroupName}` },
        },
      },
      {
        // Without this an encrypted topic silently drops every alarm notification.
        Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: publish,
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": account },
          ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      },
    ];
    if (this.eventRuleArns.length > 0) {
      statements.push({
        // Without this an encrypted topic (and dead-letter queue) silently drops every real-time alert.
        Sid: "EventBridgeRulesPublishToEncryptedTopicAndQueue",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: publish,
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": account }, ArnEquals: { "aws:SourceArn": [...this.eventRuleArns] } },
      });
    }
    return statements;
  }
}
