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
  /**
   * The trail that encrypts log files with the key (built ARN: the key must exist before the trail).
   * @default - no trail uses the key (the organization's central account): no CloudTrail statements
   */
  readonly trailArn?: string;
  /** The log group encrypted with the key. @default - none (with no `otherLogGroupNames`: no CloudWatch Logs statement) */
  readonly logGroupName?: string;
  /** More log groups encrypted with the key (the first-seen workflow's). @default - none */
  readonly otherLogGroupNames?: readonly string[];
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
  private eventBridge?: { topicArn: string; ruleArns: readonly string[] };
  private deadLetterQueueReaders = false;
  private firstSeen?: { topicArn: string };
  private readonly extraDeadLetterSenders: string[] = [];

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

  /**
   * Lets EventBridge publish to the encrypted topic (by its ARN) and these rules send failed alerts to the
   * encrypted dead-letter queue. Built ARNs: referencing the topic or the rules would order the key after them.
   */
  allowEventBridgeDelivery(topicArn: string, ruleArns: readonly string[]): void {
    this.eventBridge = { topicArn, ruleArns };
  }

  /**
   * Lets account principals with IAM permission use the key through DynamoDB (the first-seen table) and publish
   * through SNS to this topic (the first-seen workflow's role).
   */
  allowFirstSeenWorkflow(topicArn: string): void {
    this.firstSeen = { topicArn };
  }

  /**
   * Lets more rules (built ARNs) send undeliverable alerts to the encrypted dead-letter queue, without the topic
   * grant: the rules that carry only API-destination targets (the alarms' route to chat and paging).
   */
  allowDeadLetterSenders(ruleArns: readonly string[]): void {
    this.extraDeadLetterSenders.push(...ruleArns);
  }

  /** Lets account principals with IAM permission read the encrypted dead-letter queue through SQS. */
  allowDeadLetterQueueReaders(): void {
    this.deadLetterQueueReaders = true;
  }

  statements(): PolicyStatement[] {
    const { accountId: account, region, partition } = this.props;
    // Without a trail the statements naming it are dropped below; the placeholder never reaches a policy.
    const trailArn = this.props.trailArn ?? "";
    const root = `arn:${partition}:iam::${account}:root`;
    const publish = ["kms:Decrypt", "kms:GenerateDataKey*"];
    const logGroupArns = [...(this.props.logGroupName ? [this.props.logGroupName] : []), ...(this.props.otherLogGroupNames ?? [])].map(
      (g) => `arn:${partition}:logs:${region}:${account}:log-group:${g}`,
    );
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
        // CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail"
        // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html):
        // "If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are required to
        // create or update a trail with SSE-KMS encryption enabled." The trail bucket uses a Bucket Key. Pinned to
        // this trail like CloudTrail's other statements (CloudTrail presents aws:SourceArn = the trail ARN).
        Sid: "CloudTrailDecryptsForBucketKey",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
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
          ArnEquals: {
            "kms:EncryptionContext:aws:logs:arn": logGroupArns.length === 1 ? logGroupArns[0] : logGroupArns,
          },
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
    if (this.deadLetterQueueReaders) {
      statements.push({
        // The alarm on the dead-letter queue says "read the failed alerts there": its messages are SSE-KMS under
        // this key, so account principals that hold sqs:ReceiveMessage (IAM) may decrypt them through SQS. Only
        // the dead-letter queue uses this key through SQS. SQS's encryption context is not documented by AWS
        // ("Key management", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html),
        // so the statement does not depend on it.
        Sid: "AccountReadsDeadLetterQueueThroughSqs",
        Effect: "Allow",
        Principal: { AWS: root },
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com`, "kms:CallerAccount": account } },
      });
    }
    if (this.firstSeen) {
      statements.push(
        {
          // KMS Developer Guide, "How Amazon DynamoDB uses AWS KMS" (services-dynamodb.html): "At a minimum, DynamoDB
          // requires the following permissions on a customer managed key: kms:Encrypt, kms:Decrypt, kms:ReEncrypt*,
          // kms:GenerateDataKey*, kms:DescribeKey, kms:CreateGrant", granted "only when the request comes from
          // DynamoDB on behalf of the principals", with `kms:ViaService` `dynamodb.*.amazonaws.com` ("DynamoDB
          // requires the permission to be independent of any particular AWS Region"). Root: IAM decides which
          // principals (the deployer creating the table, the workflow's role using it).
          Sid: "AccountUsesKeyThroughDynamoDB",
          Effect: "Allow",
          Principal: { AWS: root },
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
          Resource: "*",
          Condition: { StringEquals: { "kms:CallerAccount": account }, StringLike: { "kms:ViaService": "dynamodb.*.amazonaws.com" } },
        },
        {
          // The first-seen workflow publishes to the encrypted alert topic as its role: SNS uses the key on the
          // publisher's behalf, with the topic ARN as encryption context (as for EventBridge above).
          Sid: "AccountPublishesToEncryptedTopicThroughSns",
          Effect: "Allow",
          Principal: { AWS: root },
          Action: publish,
          Resource: "*",
          Condition: {
            StringEquals: {
              "kms:CallerAccount": account,
              "kms:ViaService": `sns.${region}.amazonaws.com`,
              "kms:EncryptionContext:aws:sns:topicArn": this.firstSeen.topicArn,
            },
          },
        },
      );
    }
    if (this.eventBridge) {
      const { topicArn, ruleArns } = this.eventBridge;
      statements.push(
        {
          // SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted
          // topics" (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services):
          // "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported
          // for EventBridge-to-encrypted topics" — a source condition here drops every real-time alert. What SNS
          // does send is its encryption context, the topic ARN (shown for a service publisher in
          // https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html), so the
          // grant serves this topic only. Built ARN: the topic is encrypted with this key and cannot come first.
          Sid: "EventBridgePublishesToEncryptedTopic",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: publish,
          Resource: "*",
          Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": topicArn } },
        },
        {
          // SQS Developer Guide, "Key management" (sqs-key-management.html): "When using SSE enabled Amazon SQS
          // queues, the following services support aws:SourceArn: … CloudWatch Events"; for a rule the source is
          // the rule ARN. Failed alerts reach the encrypted dead-letter queue only from this stack's rules.
          Sid: "EventBridgeSendsFailedAlertsToEncryptedQueue",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: publish,
          Resource: "*",
          Condition: { ArnEquals: { "aws:SourceArn": [...ruleArns, ...this.extraDeadLetterSenders] } },
        },
      );
    }
    // A key no trail uses (the organization's central account) grants CloudTrail and CloudWatch Logs nothing.
    const unused = new Set([
      ...(this.props.trailArn === undefined ? ["AccountReadsTrailLogFiles", "CloudTrailEncryptsLogFiles", "CloudTrailDecryptsForBucketKey", "CloudTrailDescribesKey"] : []),
      ...(logGroupArns.length === 0 ? ["CloudWatchLogsEncryptsTrailLogGroup"] : []),
    ]);
    return statements.filter((st) => !unused.has(st.Sid));
  }
}
