/**
 * The requests AWS services (and the people operating the monitor) make against this system's resources, as
 * data. Each row is one request: who (principal), what (action), on what (resource), and exactly the
 * request-context keys AWS documents that the caller sends — a key AWS documents as absent is left out, so a
 * policy that depends on it fails the row. Rows cite the AWS page they come from, with a short quote.
 *
 * Templates in braces are filled from the synthesized stack (see `World` in terraform-world.ts): `{trail.arn}`,
 * `{topic.arn}`, `{queue.arn}`, `{key.arn}`, `{bucket.arn}`, `{logGroup.arn}`, `{role.arn}`, `{role.name}`,
 * `{secret.arn}`, `{stateBucket.arn}`, `{account}`, `{otherAccount}`, `{region}`, `{partition}`, and per expanded
 * row `{rule.arn}` / `{alarm.arn}`. A template naming something the variant lacks fails the suite.
 *
 * Every request also carries `aws:SecureTransport` ("true" unless the row says otherwise): it describes the
 * connection the request arrived on, and AWS services call each other over TLS.
 *
 * To change what the system must allow or refuse, edit this table; the policies are judged against it.
 */

export type Expectation = "allow" | "deny" | "explicit-deny";

/** Whose policy decides: the resource policy of that resource, or (delivery-role) the role's own policy. */
export type Target =
  | "bucket"
  | "topic"
  | "health-topic"
  | "queue"
  | "key"
  | "trust"
  | "delivery-role"
  | "state-bucket"
  /** The first-seen workflow's execution role (trust, own policy) and the role its rules start it with. */
  | "first-seen-trust"
  | "first-seen-role"
  | "first-seen-invoke-trust"
  | "first-seen-invoke-role"
  | "destinations-trust"
  | "destinations-role"
  | "chat-trust";

/** Parts of the stack a row is about; the row exists only in variants that have all of them. */
export type Need =
  | "trail"
  | "rules"
  | "alarms"
  | "healthTopic"
  | "queue"
  | "key"
  | "secret"
  | "stateBucket"
  | "firstSeen"
  | "encrypted.firstSeenTable"
  | "encrypted.firstSeenLogGroup"
  | "destinations"
  | "chat"
  | "encrypted.trail"
  | "encrypted.bucketKey"
  | "encrypted.logGroup"
  | "encrypted.topic"
  | "encrypted.queue"
  | "encrypted.secret";

export interface Grant {
  readonly Action: string | string[];
  readonly Resource: string | string[];
}

export interface Doc {
  readonly url: string;
  /** A short quote from the page that the row encodes. */
  readonly quote: string;
}

export interface ContractRow {
  /** Unique and stable: it names the row in test output and in the report. */
  readonly id: string;
  readonly expect: Expectation;
  readonly target: Target;
  readonly needs: readonly Need[];
  /** One row per rule, per alarm of the alert topic, or per alarm of the health topic, with `{rule.*}` / `{alarm.*}` filled in. */
  readonly forEach?: "rule" | "alarm" | "health-alarm" | "first-seen-rule" | "destination-rule" | "api-destination";
  /** A principal ARN, a service principal, or "anonymous" (an unsigned request). */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
  /** The principal's own IAM policy (people and applications of the account); services have none. */
  readonly grants?: readonly Grant[];
  readonly doc: Doc;
}

/* ------------------------------------------------------------------------------------------------ pages */

const D = {
  ctBucket: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
    quote:
      'The value of aws:SourceArn is always the ARN of the trail (or array of trail ARNs) that is using the bucket to store logs. … "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}',
  },
  ctDeputy: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cross-service-confused-deputy-prevention.html",
    quote: "The value of aws:SourceArn must be the ARN of the trail, event data store, or channel that is using the resource.",
  },
  ctKmsEncrypt: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
    quote:
      '"kms:EncryptionContext:aws:cloudtrail:arn": ["arn:aws:cloudtrail:*:account-id:trail/*"] … "aws:SourceArn": "arn:aws:cloudtrail:region:account-id:trail/trailName" … The aws:SourceAccount condition key is also supported, but not recommended.',
  },
  ctKmsBucketKey: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
    quote:
      "If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are required to create or update a trail with SSE-KMS encryption enabled. (Example statement: \"Allow CloudTrail to decrypt a trail\", Principal cloudtrail.amazonaws.com, Action kms:Decrypt, no encryption-context condition.)",
  },
  ctKmsDescribe: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
    quote: 'CloudTrail requires the ability to describe the properties of the KMS key. … "Action": "kms:DescribeKey" … "aws:SourceArn": "arn:aws:cloudtrail:region:account-id:trail/trailName"',
  },
  ctKmsReadLogs: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html",
    quote: 'Enable CloudTrail log decrypt permissions … "Action": "kms:Decrypt" … "Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}',
  },
  ctLogsRole: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html",
    quote:
      'the permissions required to create a CloudWatch log stream in the log group that you specify and to deliver CloudTrail events to that log stream … "logs:CreateLogStream" … "logs:PutLogEvents"',
  },
  ctStreamNames: {
    url: "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-log-group-log-stream-naming-for-cloudtrail.html",
    quote: "it names the log stream according to the following format: account_ID_CloudTrail_trail_region",
  },
  logsKms: {
    url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    quote: "CloudWatch Logs now supports encryption context, using kms:EncryptionContext:aws:logs:arn as the key and the ARN of the log group as the value for that key.",
  },
  alarmsPublish: {
    url: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
    quote: "Allow any CloudWatch alarm to publish to a topic in a different account … aws:SourceAccount versus aws:SourceOwner",
  },
  snsKmsServices: {
    url: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
    quote:
      "To allow the AWS service to have the kms:GenerateDataKey* and kms:Decrypt permissions, add the following statement to the KMS policy. … Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for EventBridge-to-encrypted topics.",
  },
  snsEncryptionContext: {
    url: "https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html",
    quote: 'KMS key policy for an encrypted SNS topic: "StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": "arn:aws:sns:your_region:your_account:your_sns_topic_name"}',
  },
  ebApiDestinationRole: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-iam-roles.html",
    quote:
      "If the target is an API destination, the role that you specify must include a policy with the following statement: Effect: Allow; Action: events:InvokeApiDestination; Resource: arn:aws:events:*:*:api-destination/*",
  },
  sourceAccount: {
    url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount",
    quote:
      "aws:SourceAccount: Use this key to compare the account ID of the resource making a service-to-service request with the account ID that you specify in the policy (the chat application's role is assumed by chatbot.amazonaws.com)",
  },
  ebDeputy: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html",
    quote:
      "We recommend using the aws:SourceArn and aws:SourceAccount global condition context keys in resource policies … For EventBridge event bus rule targets, the value of aws:SourceArn must be the rule ARN.",
  },
  ebNoRole: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    quote:
      "For targets that use resource-based policies (Lambda, Amazon SNS, Amazon SQS, and Amazon CloudWatch Logs), do not specify a RoleArn in the target configuration. When you specify a RoleArn for these target types, event delivery may fail, particularly for Amazon SQS and Amazon SNS targets with AWS KMS encryption enabled.",
  },
  ebSnsTopicPolicy: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    quote: "To allow EventBridge to publish to an Amazon SNS topic, use the aws sns get-topic-attributes and the aws sns set-topic-attributes commands.",
  },
  ebSnsNoCondition: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html",
    quote: "You can't use Condition blocks in Amazon SNS topic policies for EventBridge.",
  },
  sqsKmsSourceArn: {
    url: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
    quote: "When using SSE enabled Amazon SQS queues, the following services support aws:SourceArn: Amazon SNS, Amazon S3, CloudWatch Events, AWS Lambda, …",
  },
  ebDlq: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html",
    quote: 'The Condition statement allows only requests that come from a rule named "MyTestRule" … "ArnEquals": {"aws:SourceArn": "arn:aws:events:us-west-2:123456789012:rule/MyTestRule"}',
  },
  sqsKmsServices: {
    url: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
    quote:
      'To allow the AWS service event source to use the kms:GenerateDataKey and kms:Decrypt API methods, add the following statement to the CMK key policy. ("Principal": {"Service": "service.amazonaws.com"}, no condition)',
  },
  sqsKmsConsumer: {
    url: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
    quote: "the consumer's next call to ReceiveMesssage also triggers a call to kms:Decrypt … the consumer must have the kms:Decrypt permission",
  },
  kmsViaService: {
    url: "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service",
    quote:
      "The kms:ViaService condition key limits use of a KMS key to requests from specified AWS services … (its table lists Amazon SQS as sqs.AWS_region.amazonaws.com); the consumer of an SSE queue \"must have the kms:Decrypt permission\" (sqs-key-management.html)",
  },
  kmsConditions: {
    url: "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html",
    quote: "For example, you can use the kms:EncryptionContext:context-key condition key to require a particular encryption context when controlling access to a symmetric encryption KMS key.",
  },
  secretsKms: {
    url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
    quote:
      "In its GenerateDataKey and Decrypt requests to AWS KMS, Secrets Manager uses an encryption context with two name–value pairs that identify the secret and its version (SecretARN, SecretVersionId) … To allow the KMS key to be used only for requests that originate in Secrets Manager, you can use the kms:ViaService condition key with the secretsmanager.<Region>.amazonaws.com value",
  },
  kmsDefaultPolicy: {
    url: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
    quote: "This default key policy has one policy statement that gives the AWS account that owns the KMS key permission to use IAM policies to allow access to all AWS KMS operations on the KMS key.",
  },
  s3Tls: {
    url: "https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule",
    quote: '"Sid": "AllowSSLRequestsOnly", "Action": "s3:*", "Effect": "Deny", … "Condition": {"Bool": {"aws:SecureTransport": "false"}}, "Principal": "*"',
  },
  globalKeys: {
    url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    quote: "the aws:SourceAccount condition key is only available when the call to your resource is made directly by an AWS service principal",
  },
  terraformS3: {
    url: "https://developer.hashicorp.com/terraform/language/backend/s3",
    quote: "s3:ListBucket on arn:aws:s3:::mybucket … s3:GetObject, s3:PutObject, s3:DeleteObject on arn:aws:s3:::mybucket/path/to/my/key (use_lockfile: the .tflock object)",
  },
  sfnDeputy: {
    url: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html",
    quote:
      'Prevent cross-service confused deputy issue … "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:states:us-east-1:123456789012:stateMachine:*"}, "StringEquals": {"aws:SourceAccount": "123456789012"}}',
  },
  sfnDynamoDb: {
    url: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html",
    quote:
      'IAM policies for calling DynamoDB … Static resources: "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], "Resource": ["arn:aws:dynamodb:[[region]]:[[accountId]]:table/[[tableName]]"]',
  },
  sfnSns: {
    url: "https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html",
    quote: 'IAM policies for calling Amazon SNS … Static resources: "Action": ["sns:Publish"], "Resource": ["arn:aws:sns:[[region]]:[[accountId]]:[[topicName]]"]',
  },
  sfnLogs: {
    url: "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
    quote:
      'IAM Policies for logging to CloudWatch Logs … "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups" … "Resource": "*"',
  },
  sfnStartFromEvents: {
    url: "https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html",
    quote: 'Asynchronous: { "Effect": "Allow", "Action": ["states:StartExecution"], "Resource": ["arn:aws:states:[[region]]:[[accountId]]:stateMachine:[[stateMachineName]]"] }',
  },
  ebTargetRole: {
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html",
    quote: "For EventBridge event bus rule targets, the value of aws:SourceArn must be the rule ARN.",
  },
  ddbKms: {
    url: "https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html",
    quote:
      "At a minimum, DynamoDB requires the following permissions on a customer managed key: kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:DescribeKey, kms:CreateGrant … The kms:ViaService condition key allows the permissions only when the request comes from DynamoDB on behalf of the principals listed in the policy statement. These principals can't call these operations directly.",
  },
} satisfies Record<string, Doc>;

/* ------------------------------------------------------------------------------------------------ principals */

/** People and applications of the account, each with the IAM policy the row gives it. */
const OPERATOR = "arn:{partition}:sts::{account}:assumed-role/security-operator/alice";
const READER = "arn:{partition}:sts::{account}:assumed-role/app/i-0abc1234def567890";
const DEPLOYER = "arn:{partition}:sts::{account}:assumed-role/terraform-deployer/ci";
const NO_PERMISSIONS = "arn:{partition}:sts::{account}:assumed-role/no-permissions/someone";
const OTHER_ACCOUNT_APP = "arn:{partition}:sts::{otherAccount}:assumed-role/app/i-0abc1234def567890";

const CLOUDTRAIL = "cloudtrail.amazonaws.com";
const CLOUDWATCH = "cloudwatch.amazonaws.com";
const EVENTS = "events.amazonaws.com";
const LOGS = "logs.{region}.amazonaws.com";

const LOG_OBJECT = "{bucket.arn}/AWSLogs/{account}/CloudTrail/{region}/2026/11/24/{account}_CloudTrail_{region}_20261124T0000Z_Ab12Cd34Ef56Gh78.json.gz";
const DIGEST_OBJECT = "{bucket.arn}/AWSLogs/{account}/CloudTrail-Digest/{region}/2026/11/24/{account}_CloudTrail-Digest_{region}_trail_{region}_20261124T000000Z.json.gz";
const THIS_TRAIL = { "aws:SourceArn": "{trail.arn}", "aws:SourceAccount": "{account}" };
const OTHER_TRAIL_SAME_ACCOUNT = { "aws:SourceArn": "arn:{partition}:cloudtrail:{region}:{account}:trail/another-trail", "aws:SourceAccount": "{account}" };
const TRAIL_OF_OTHER_ACCOUNT = { "aws:SourceArn": "arn:{partition}:cloudtrail:{region}:{otherAccount}:trail/{trail.name}", "aws:SourceAccount": "{otherAccount}" };
const THIS_RULE = { "aws:SourceArn": "{rule.arn}", "aws:SourceAccount": "{account}" };
const OTHER_RULE_SAME_ACCOUNT = { "aws:SourceArn": "arn:{partition}:events:{region}:{account}:rule/not-a-monitor-rule", "aws:SourceAccount": "{account}" };
const RULE_OF_OTHER_ACCOUNT = { "aws:SourceArn": "arn:{partition}:events:{region}:{otherAccount}:rule/attacker-rule", "aws:SourceAccount": "{otherAccount}" };
const THIS_ALARM = { "aws:SourceArn": "{alarm.arn}", "aws:SourceAccount": "{account}" };
const ALARM_OF_OTHER_ACCOUNT = { "aws:SourceArn": "arn:{partition}:cloudwatch:{region}:{otherAccount}:alarm:attacker-alarm", "aws:SourceAccount": "{otherAccount}" };
const ALARM_OF_THIS_ACCOUNT_IN_ANOTHER_REGION = { "aws:SourceArn": "arn:{partition}:cloudwatch:ap-southeast-2:{account}:alarm:alarm-elsewhere", "aws:SourceAccount": "{account}" };
/** SNS's encryption context (AWS documents it in key policies for encrypted topics). SQS documents none: its rows carry none. */
const TOPIC_CONTEXT = { "kms:EncryptionContext:aws:sns:topicArn": "{topic.arn}" };
const VIA_SECRETS_MANAGER = {
  "kms:ViaService": "secretsmanager.{region}.amazonaws.com",
  "kms:CallerAccount": "{account}",
  "kms:EncryptionContext:SecretARN": "{secret.arn}",
  "kms:EncryptionContext:SecretVersionId": "EXAMPLE1-90ab-cdef-fedc-ba987SECRET1",
};
const STATE_OBJECT = "{stateBucket.arn}/secret-access-monitor/secret-access-monitor.tfstate";
const STATE_GRANTS: Grant[] = [
  { Action: "s3:ListBucket", Resource: "{stateBucket.arn}" },
  { Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: "{stateBucket.arn}/*" },
];
const LOG_READER_GRANTS: Grant[] = [
  { Action: "s3:ListBucket", Resource: "{bucket.arn}" },
  { Action: "s3:GetObject", Resource: "{bucket.arn}/*" },
];
const DECRYPT_GRANT: Grant[] = [{ Action: "kms:Decrypt", Resource: "{key.arn}" }];

const row = (r: Omit<ContractRow, "needs"> & { needs?: Need[] }): ContractRow => ({ needs: [], ...r });

/** The first-seen workflow. */
const STATES = "states.amazonaws.com";
const WORKFLOW = "arn:{partition}:sts::{account}:assumed-role/{firstSeen.executionRole.name}/first-seen-execution";
const STARTER = "arn:{partition}:sts::{account}:assumed-role/{firstSeen.invokeRole.name}/first-seen-rule";
const THIS_STATE_MACHINE = { "aws:SourceArn": "{firstSeen.stateMachine.arn}", "aws:SourceAccount": "{account}" };
const VIA_DYNAMODB = { "kms:ViaService": "dynamodb.{region}.amazonaws.com", "kms:CallerAccount": "{account}" };
const VIA_SNS_TO_TOPIC = { "kms:ViaService": "sns.{region}.amazonaws.com", "kms:CallerAccount": "{account}", ...{ "kms:EncryptionContext:aws:sns:topicArn": "{topic.arn}" } };
const WORKFLOW_KMS_GRANT: Grant[] = [{ Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: "{key.arn}" }];
const DEPLOYER_KMS_GRANT: Grant[] = [{ Action: "kms:*", Resource: "{key.arn}" }];

/* ------------------------------------------------------------------------------------------------ the table */

export const SERVICE_REQUESTS: readonly ContractRow[] = [
  // CloudTrail → trail bucket ------------------------------------------------------------------------------
  row({ id: "cloudtrail checks the bucket ACL", expect: "allow", target: "bucket", needs: ["trail"], principal: CLOUDTRAIL, action: "s3:GetBucketAcl", resource: "{bucket.arn}", context: THIS_TRAIL, doc: D.ctBucket }),
  row({ id: "cloudtrail writes a log file", expect: "allow", target: "bucket", needs: ["trail"], principal: CLOUDTRAIL, action: "s3:PutObject", resource: LOG_OBJECT, context: { ...THIS_TRAIL, "s3:x-amz-acl": "bucket-owner-full-control" }, doc: D.ctBucket }),
  row({ id: "cloudtrail writes a digest file", expect: "allow", target: "bucket", needs: ["trail"], principal: CLOUDTRAIL, action: "s3:PutObject", resource: DIGEST_OBJECT, context: { ...THIS_TRAIL, "s3:x-amz-acl": "bucket-owner-full-control" }, doc: D.ctBucket }),
  row({ id: "another trail of the account checks the bucket ACL", expect: "deny", target: "bucket", needs: ["trail"], principal: CLOUDTRAIL, action: "s3:GetBucketAcl", resource: "{bucket.arn}", context: OTHER_TRAIL_SAME_ACCOUNT, doc: D.ctDeputy }),
  row({ id: "another trail of the account writes a log file", expect: "deny", target: "bucket", needs: ["trail"], principal: CLOUDTRAIL, action: "s3:PutObject", resource: LOG_OBJECT, context: { ...OTHER_TRAIL_SAME_ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control" }, doc: D.ctDeputy }),
  row({ id: "a trail of another account checks the bucket ACL", expect: "deny", target: "bucket", needs: ["trail"], principal: CLOUDTRAIL, action: "s3:GetBucketAcl", resource: "{bucket.arn}", context: TRAIL_OF_OTHER_ACCOUNT, doc: D.ctDeputy }),
  row({ id: "a trail of another account writes under its own prefix", expect: "deny", target: "bucket", needs: ["trail"], principal: CLOUDTRAIL, action: "s3:PutObject", resource: "{bucket.arn}/AWSLogs/{otherAccount}/CloudTrail/{region}/2026/11/24/x.json.gz", context: { ...TRAIL_OF_OTHER_ACCOUNT, "s3:x-amz-acl": "bucket-owner-full-control" }, doc: D.ctDeputy }),
  row({ id: "cloudtrail write that does not give the bucket owner full control", expect: "deny", target: "bucket", needs: ["trail"], principal: CLOUDTRAIL, action: "s3:PutObject", resource: LOG_OBJECT, context: { ...THIS_TRAIL, "s3:x-amz-acl": "private" }, doc: D.ctBucket }),
  row({ id: "confused deputy: cloudtrail write without source keys", expect: "deny", target: "bucket", needs: ["trail"], principal: CLOUDTRAIL, action: "s3:PutObject", resource: LOG_OBJECT, context: { "s3:x-amz-acl": "bucket-owner-full-control" }, doc: D.ctDeputy }),
  row({ id: "operator reads a log file over TLS", expect: "allow", target: "bucket", needs: ["trail"], principal: OPERATOR, action: "s3:GetObject", resource: LOG_OBJECT, context: {}, grants: LOG_READER_GRANTS, doc: D.s3Tls }),
  row({ id: "operator lists the trail bucket over TLS", expect: "allow", target: "bucket", needs: ["trail"], principal: OPERATOR, action: "s3:ListBucket", resource: "{bucket.arn}", context: {}, grants: LOG_READER_GRANTS, doc: D.s3Tls }),
  row({ id: "operator reads a log file without TLS", expect: "explicit-deny", target: "bucket", needs: ["trail"], principal: OPERATOR, action: "s3:GetObject", resource: LOG_OBJECT, context: { "aws:SecureTransport": "false" }, grants: LOG_READER_GRANTS, doc: D.s3Tls }),
  row({ id: "operator lists the trail bucket without TLS", expect: "explicit-deny", target: "bucket", needs: ["trail"], principal: OPERATOR, action: "s3:ListBucket", resource: "{bucket.arn}", context: { "aws:SecureTransport": "false" }, grants: LOG_READER_GRANTS, doc: D.s3Tls }),
  row({ id: "anonymous read of a log file", expect: "deny", target: "bucket", needs: ["trail"], principal: "anonymous", action: "s3:GetObject", resource: LOG_OBJECT, context: {}, doc: D.s3Tls }),
  row({ id: "principal of the account without IAM permission reads a log file", expect: "deny", target: "bucket", needs: ["trail"], principal: NO_PERMISSIONS, action: "s3:GetObject", resource: LOG_OBJECT, context: {}, doc: D.s3Tls }),

  // CloudTrail → CloudWatch Logs through the delivery role ---------------------------------------------------
  row({ id: "cloudtrail assumes the delivery role", expect: "allow", target: "trust", needs: ["trail"], principal: CLOUDTRAIL, action: "sts:AssumeRole", resource: "{role.arn}", context: THIS_TRAIL, doc: D.ctDeputy }),
  row({ id: "another trail of the account assumes the delivery role", expect: "deny", target: "trust", needs: ["trail"], principal: CLOUDTRAIL, action: "sts:AssumeRole", resource: "{role.arn}", context: OTHER_TRAIL_SAME_ACCOUNT, doc: D.ctDeputy }),
  row({ id: "a trail of another account assumes the delivery role", expect: "deny", target: "trust", needs: ["trail"], principal: CLOUDTRAIL, action: "sts:AssumeRole", resource: "{role.arn}", context: TRAIL_OF_OTHER_ACCOUNT, doc: D.ctDeputy }),
  row({ id: "confused deputy: cloudtrail assumes the role without source keys", expect: "deny", target: "trust", needs: ["trail"], principal: CLOUDTRAIL, action: "sts:AssumeRole", resource: "{role.arn}", context: {}, doc: D.ctDeputy }),
  row({ id: "principal of the account assumes the delivery role", expect: "deny", target: "trust", needs: ["trail"], principal: NO_PERMISSIONS, action: "sts:AssumeRole", resource: "{role.arn}", context: {}, grants: [{ Action: "sts:AssumeRole", Resource: "{role.arn}" }], doc: D.ctDeputy }),
  row({ id: "delivery role creates the trail's log stream", expect: "allow", target: "delivery-role", needs: ["trail"], principal: "arn:{partition}:sts::{account}:assumed-role/{role.name}/CloudTrailDelivery", action: "logs:CreateLogStream", resource: "{logGroup.arn}:log-stream:{account}_CloudTrail_{region}", context: {}, doc: D.ctStreamNames }),
  row({ id: "delivery role puts events in the trail's log stream", expect: "allow", target: "delivery-role", needs: ["trail"], principal: "arn:{partition}:sts::{account}:assumed-role/{role.name}/CloudTrailDelivery", action: "logs:PutLogEvents", resource: "{logGroup.arn}:log-stream:{account}_CloudTrail_{region}_2", context: {}, doc: D.ctLogsRole }),
  row({ id: "delivery role writes to another log group", expect: "deny", target: "delivery-role", needs: ["trail"], principal: "arn:{partition}:sts::{account}:assumed-role/{role.name}/CloudTrailDelivery", action: "logs:PutLogEvents", resource: "arn:{partition}:logs:{region}:{account}:log-group:/some/other/group:log-stream:{account}_CloudTrail_{region}", context: {}, doc: D.ctLogsRole }),

  // CloudTrail → the key ------------------------------------------------------------------------------------
  row({ id: "cloudtrail generates a data key for a log file", expect: "allow", target: "key", needs: ["trail", "encrypted.trail"], principal: CLOUDTRAIL, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { ...THIS_TRAIL, "kms:EncryptionContext:aws:cloudtrail:arn": "{trail.arn}" }, doc: D.ctKmsEncrypt }),
  row({ id: "cloudtrail describes the key", expect: "allow", target: "key", needs: ["trail", "encrypted.trail"], principal: CLOUDTRAIL, action: "kms:DescribeKey", resource: "{key.arn}", context: THIS_TRAIL, doc: D.ctKmsDescribe }),
  row({ id: "cloudtrail decrypts with the key (bucket uses an S3 Bucket Key)", expect: "allow", target: "key", needs: ["trail", "encrypted.trail", "encrypted.bucketKey"], principal: CLOUDTRAIL, action: "kms:Decrypt", resource: "{key.arn}", context: THIS_TRAIL, doc: D.ctKmsBucketKey }),
  row({ id: "another trail of the account generates a data key", expect: "deny", target: "key", needs: ["trail", "encrypted.trail"], principal: CLOUDTRAIL, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { ...OTHER_TRAIL_SAME_ACCOUNT, "kms:EncryptionContext:aws:cloudtrail:arn": "arn:{partition}:cloudtrail:{region}:{account}:trail/another-trail" }, doc: D.ctKmsEncrypt }),
  row({ id: "another trail of the account describes the key", expect: "deny", target: "key", needs: ["trail", "encrypted.trail"], principal: CLOUDTRAIL, action: "kms:DescribeKey", resource: "{key.arn}", context: OTHER_TRAIL_SAME_ACCOUNT, doc: D.ctKmsDescribe }),
  row({ id: "a trail of another account generates a data key", expect: "deny", target: "key", needs: ["trail", "encrypted.trail"], principal: CLOUDTRAIL, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { ...TRAIL_OF_OTHER_ACCOUNT, "kms:EncryptionContext:aws:cloudtrail:arn": "arn:{partition}:cloudtrail:{region}:{otherAccount}:trail/{trail.name}" }, doc: D.ctKmsEncrypt }),
  row({ id: "a trail of another account decrypts with the key", expect: "deny", target: "key", needs: ["trail", "encrypted.trail"], principal: CLOUDTRAIL, action: "kms:Decrypt", resource: "{key.arn}", context: TRAIL_OF_OTHER_ACCOUNT, doc: D.ctKmsBucketKey }),
  row({ id: "confused deputy: cloudtrail generates a data key without source keys", expect: "deny", target: "key", needs: ["trail", "encrypted.trail"], principal: CLOUDTRAIL, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { "kms:EncryptionContext:aws:cloudtrail:arn": "{trail.arn}" }, doc: D.ctDeputy }),
  row({ id: "operator decrypts a trail log file (through S3)", expect: "allow", target: "key", needs: ["trail", "encrypted.trail"], principal: OPERATOR, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:ViaService": "s3.{region}.amazonaws.com", "kms:CallerAccount": "{account}", "kms:EncryptionContext:aws:cloudtrail:arn": "{trail.arn}" }, grants: DECRYPT_GRANT, doc: D.ctKmsReadLogs }),
  row({ id: "operator decrypts another account's trail log file", expect: "deny", target: "key", needs: ["trail", "encrypted.trail"], principal: OPERATOR, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:ViaService": "s3.{region}.amazonaws.com", "kms:CallerAccount": "{account}", "kms:EncryptionContext:aws:cloudtrail:arn": "arn:{partition}:cloudtrail:{region}:{otherAccount}:trail/x" }, grants: DECRYPT_GRANT, doc: D.ctKmsReadLogs }),
  row({ id: "principal of the account without IAM permission decrypts a trail log file", expect: "deny", target: "key", needs: ["trail", "encrypted.trail"], principal: NO_PERMISSIONS, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:ViaService": "s3.{region}.amazonaws.com", "kms:CallerAccount": "{account}", "kms:EncryptionContext:aws:cloudtrail:arn": "{trail.arn}" }, doc: D.kmsDefaultPolicy }),

  // CloudWatch Logs → the key -------------------------------------------------------------------------------
  row({ id: "cloudwatch logs generates a data key for the log group", expect: "allow", target: "key", needs: ["encrypted.logGroup"], principal: LOGS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { "kms:EncryptionContext:aws:logs:arn": "{logGroup.arn}" }, doc: D.logsKms }),
  row({ id: "cloudwatch logs decrypts the log group's data", expect: "allow", target: "key", needs: ["encrypted.logGroup"], principal: LOGS, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:EncryptionContext:aws:logs:arn": "{logGroup.arn}" }, doc: D.logsKms }),
  row({ id: "cloudwatch logs uses the key for another log group", expect: "deny", target: "key", needs: ["encrypted.logGroup"], principal: LOGS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { "kms:EncryptionContext:aws:logs:arn": "arn:{partition}:logs:{region}:{account}:log-group:/some/other/group" }, doc: D.logsKms }),

  // CloudWatch alarms → topic, key ----------------------------------------------------------------------------
  row({ id: "alarm publishes to the topic", forEach: "alarm", expect: "allow", target: "topic", needs: ["alarms"], principal: CLOUDWATCH, action: "sns:Publish", resource: "{topic.arn}", context: THIS_ALARM, doc: D.alarmsPublish }),
  row({ id: "an alarm of another account publishes to the topic", expect: "deny", target: "topic", needs: ["alarms"], principal: CLOUDWATCH, action: "sns:Publish", resource: "{topic.arn}", context: ALARM_OF_OTHER_ACCOUNT, doc: D.alarmsPublish }),
  row({ id: "an alarm of the account in another region publishes to the topic", expect: "deny", target: "topic", needs: ["alarms"], principal: CLOUDWATCH, action: "sns:Publish", resource: "{topic.arn}", context: ALARM_OF_THIS_ACCOUNT_IN_ANOTHER_REGION, doc: D.alarmsPublish }),
  row({ id: "confused deputy: cloudwatch publishes without source keys", expect: "deny", target: "topic", needs: ["alarms"], principal: CLOUDWATCH, action: "sns:Publish", resource: "{topic.arn}", context: {}, doc: D.globalKeys }),
  row({ id: "anonymous publish to the topic", expect: "deny", target: "topic", needs: ["alarms"], principal: "anonymous", action: "sns:Publish", resource: "{topic.arn}", context: {}, doc: D.alarmsPublish }),
  row({ id: "principal of another account publishes to the topic", expect: "deny", target: "topic", needs: ["alarms"], principal: OTHER_ACCOUNT_APP, action: "sns:Publish", resource: "{topic.arn}", context: {}, grants: [{ Action: "sns:Publish", Resource: "{topic.arn}" }], doc: D.alarmsPublish }),
  row({ id: "alarm generates a data key for the encrypted topic", forEach: "alarm", expect: "allow", target: "key", needs: ["alarms", "encrypted.topic"], principal: CLOUDWATCH, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { ...THIS_ALARM, ...TOPIC_CONTEXT }, doc: D.snsKmsServices }),
  row({ id: "alarm decrypts the encrypted topic's data key", expect: "allow", target: "key", needs: ["alarms", "encrypted.topic"], forEach: "alarm", principal: CLOUDWATCH, action: "kms:Decrypt", resource: "{key.arn}", context: { ...THIS_ALARM, ...TOPIC_CONTEXT }, doc: D.snsKmsServices }),
  row({ id: "an alarm of another account uses the key", expect: "deny", target: "key", needs: ["alarms", "encrypted.topic"], principal: CLOUDWATCH, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { ...ALARM_OF_OTHER_ACCOUNT, "kms:EncryptionContext:aws:sns:topicArn": "arn:{partition}:sns:{region}:{otherAccount}:attacker-topic" }, doc: D.snsKmsServices }),
  row({ id: "an alarm of the account in another region uses the key", expect: "deny", target: "key", needs: ["alarms", "encrypted.topic"], principal: CLOUDWATCH, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { ...ALARM_OF_THIS_ACCOUNT_IN_ANOTHER_REGION, ...TOPIC_CONTEXT }, doc: D.snsKmsServices }),
  row({ id: "confused deputy: cloudwatch uses the key without source keys", expect: "deny", target: "key", needs: ["alarms", "encrypted.topic"], principal: CLOUDWATCH, action: "kms:GenerateDataKey", resource: "{key.arn}", context: TOPIC_CONTEXT, doc: D.globalKeys }),

  // CloudWatch alarms on the monitor itself → the health topic (no customer key; its own policy, alarms only) ------
  row({ id: "alarm publishes to the health topic", forEach: "health-alarm", expect: "allow", target: "health-topic", needs: ["healthTopic"], principal: CLOUDWATCH, action: "sns:Publish", resource: "{healthTopic.arn}", context: THIS_ALARM, doc: D.alarmsPublish }),
  row({ id: "an alarm of another account publishes to the health topic", expect: "deny", target: "health-topic", needs: ["healthTopic"], principal: CLOUDWATCH, action: "sns:Publish", resource: "{healthTopic.arn}", context: ALARM_OF_OTHER_ACCOUNT, doc: D.alarmsPublish }),
  row({ id: "an alarm of the account in another region publishes to the health topic", expect: "deny", target: "health-topic", needs: ["healthTopic"], principal: CLOUDWATCH, action: "sns:Publish", resource: "{healthTopic.arn}", context: ALARM_OF_THIS_ACCOUNT_IN_ANOTHER_REGION, doc: D.alarmsPublish }),
  row({ id: "confused deputy: cloudwatch publishes to the health topic without source keys", expect: "deny", target: "health-topic", needs: ["healthTopic"], principal: CLOUDWATCH, action: "sns:Publish", resource: "{healthTopic.arn}", context: {}, doc: D.globalKeys }),
  row({ id: "anonymous publish to the health topic", expect: "deny", target: "health-topic", needs: ["healthTopic"], principal: "anonymous", action: "sns:Publish", resource: "{healthTopic.arn}", context: {}, doc: D.alarmsPublish }),
  row({ id: "principal of another account publishes to the health topic", expect: "deny", target: "health-topic", needs: ["healthTopic"], principal: OTHER_ACCOUNT_APP, action: "sns:Publish", resource: "{healthTopic.arn}", context: {}, grants: [{ Action: "sns:Publish", Resource: "{healthTopic.arn}" }], doc: D.alarmsPublish }),
  // Only alarms publish there: no rule targets it, so no EventBridge statement, whatever EventBridge presents.
  row({ id: "eventbridge publishes to the health topic without source keys", expect: "deny", target: "health-topic", needs: ["healthTopic"], principal: EVENTS, action: "sns:Publish", resource: "{healthTopic.arn}", context: {}, doc: D.ebSnsTopicPolicy }),
  row({ id: "a rule of this stack publishes to the health topic", forEach: "rule", expect: "deny", target: "health-topic", needs: ["healthTopic", "rules"], principal: EVENTS, action: "sns:Publish", resource: "{healthTopic.arn}", context: THIS_RULE, doc: D.ebSnsTopicPolicy }),

  // EventBridge rules → topic, key --------------------------------------------------------------------------
  row({ id: "rule publishes to the topic", forEach: "rule", expect: "allow", target: "topic", needs: ["rules"], principal: EVENTS, action: "sns:Publish", resource: "{topic.arn}", context: THIS_RULE, doc: D.ebDeputy }),
  row({ id: "another rule of the account publishes to the topic", expect: "deny", target: "topic", needs: ["rules"], principal: EVENTS, action: "sns:Publish", resource: "{topic.arn}", context: OTHER_RULE_SAME_ACCOUNT, doc: D.ebDeputy }),
  row({ id: "a rule of another account publishes to the topic", expect: "deny", target: "topic", needs: ["rules"], principal: EVENTS, action: "sns:Publish", resource: "{topic.arn}", context: RULE_OF_OTHER_ACCOUNT, doc: D.ebDeputy }),
  // Two editions disagree on what EventBridge presents to a topic policy: its confused-deputy page names the rule
  // ARN, its resource-based-policy page says condition blocks cannot be used for EventBridge. Both shapes must be
  // delivered; a foreign source, where one is presented, must not.
  row({ id: "eventbridge publishes without source keys (no condition blocks for EventBridge)", expect: "allow", target: "topic", needs: ["rules"], principal: EVENTS, action: "sns:Publish", resource: "{topic.arn}", context: {}, doc: D.ebSnsNoCondition }),
  // What EventBridge sends to KMS through an encrypted topic: SNS documents that aws:SourceAccount,
  // aws:SourceArn and aws:SourceOrgID are not supported there, so the request carries only SNS's encryption
  // context, and its principal is the service: EventBridge says not to give SNS and SQS targets a RoleArn
  // ("event delivery may fail, particularly for Amazon SQS and Amazon SNS targets with AWS KMS encryption
  // enabled", D.ebNoRole), which rules out an execution role. What can tell this topic from any other is
  // kms:EncryptionContext:aws:sns:topicArn.
  row({ id: "eventbridge generates a data key for the encrypted topic", expect: "allow", target: "key", needs: ["rules", "encrypted.topic"], principal: EVENTS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: TOPIC_CONTEXT, doc: D.snsKmsServices }),
  row({ id: "eventbridge decrypts the encrypted topic's data key", expect: "allow", target: "key", needs: ["rules", "encrypted.topic"], principal: EVENTS, action: "kms:Decrypt", resource: "{key.arn}", context: TOPIC_CONTEXT, doc: D.snsKmsServices }),
  row({ id: "eventbridge uses the key for another topic of the account", expect: "deny", target: "key", needs: ["rules", "encrypted.topic"], principal: EVENTS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { "kms:EncryptionContext:aws:sns:topicArn": "arn:{partition}:sns:{region}:{account}:some-other-topic" }, doc: D.snsEncryptionContext }),
  row({ id: "eventbridge uses the key for a topic of another account", expect: "deny", target: "key", needs: ["rules", "encrypted.topic"], principal: EVENTS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { "kms:EncryptionContext:aws:sns:topicArn": "arn:{partition}:sns:{region}:{otherAccount}:attacker-topic" }, doc: D.snsEncryptionContext }),

  // EventBridge rules → dead-letter queue, key ---------------------------------------------------------------
  row({ id: "rule sends a failed event to the dead-letter queue", forEach: "rule", expect: "allow", target: "queue", needs: ["rules", "queue"], principal: EVENTS, action: "sqs:SendMessage", resource: "{queue.arn}", context: THIS_RULE, doc: D.ebDlq }),
  row({ id: "another rule of the account sends to the dead-letter queue", expect: "deny", target: "queue", needs: ["rules", "queue"], principal: EVENTS, action: "sqs:SendMessage", resource: "{queue.arn}", context: OTHER_RULE_SAME_ACCOUNT, doc: D.ebDlq }),
  row({ id: "a rule of another account sends to the dead-letter queue", expect: "deny", target: "queue", needs: ["rules", "queue"], principal: EVENTS, action: "sqs:SendMessage", resource: "{queue.arn}", context: RULE_OF_OTHER_ACCOUNT, doc: D.ebDeputy }),
  row({ id: "confused deputy: eventbridge sends to the queue without source keys", expect: "deny", target: "queue", needs: ["rules", "queue"], principal: EVENTS, action: "sqs:SendMessage", resource: "{queue.arn}", context: {}, doc: D.ebDeputy }),
  // SQS calls KMS on the producer's behalf; for an SSE queue "the following services support aws:SourceArn: …
  // CloudWatch Events", the source being the rule.
  row({ id: "rule generates a data key for the encrypted dead-letter queue", forEach: "rule", expect: "allow", target: "key", needs: ["rules", "queue", "encrypted.queue"], principal: EVENTS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: THIS_RULE, doc: D.sqsKmsSourceArn }),
  row({ id: "rule decrypts the encrypted dead-letter queue's data key", forEach: "rule", expect: "allow", target: "key", needs: ["rules", "queue", "encrypted.queue"], principal: EVENTS, action: "kms:Decrypt", resource: "{key.arn}", context: THIS_RULE, doc: D.sqsKmsSourceArn }),
  row({ id: "another rule of the account uses the key for a queue", expect: "deny", target: "key", needs: ["rules", "queue", "encrypted.queue"], principal: EVENTS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: OTHER_RULE_SAME_ACCOUNT, doc: D.sqsKmsSourceArn }),
  row({ id: "a rule of another account uses the key for a queue", expect: "deny", target: "key", needs: ["rules", "queue", "encrypted.queue"], principal: EVENTS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: RULE_OF_OTHER_ACCOUNT, doc: D.sqsKmsSourceArn }),
  row({ id: "confused deputy: eventbridge uses the key with neither a rule nor a topic context", expect: "deny", target: "key", needs: ["rules", "encrypted.topic"], principal: EVENTS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: {}, doc: D.sqsKmsSourceArn }),

  // Operators read the dead-letter queue --------------------------------------------------------------------
  row({ id: "operator receives messages from the dead-letter queue", expect: "allow", target: "queue", needs: ["queue"], principal: OPERATOR, action: "sqs:ReceiveMessage", resource: "{queue.arn}", context: {}, grants: [{ Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: "{queue.arn}" }], doc: D.sqsKmsConsumer }),
  row({ id: "principal of the account without IAM permission receives from the queue", expect: "deny", target: "queue", needs: ["queue"], principal: NO_PERMISSIONS, action: "sqs:ReceiveMessage", resource: "{queue.arn}", context: {}, doc: D.sqsKmsConsumer }),
  row({ id: "anonymous receive from the dead-letter queue", expect: "deny", target: "queue", needs: ["queue"], principal: "anonymous", action: "sqs:ReceiveMessage", resource: "{queue.arn}", context: {}, doc: D.sqsKmsConsumer }),
  row({ id: "operator decrypts dead-letter messages (through SQS)", expect: "allow", target: "key", needs: ["queue", "encrypted.queue"], principal: OPERATOR, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:ViaService": "sqs.{region}.amazonaws.com", "kms:CallerAccount": "{account}" }, grants: DECRYPT_GRANT, doc: D.kmsViaService }),
  row({ id: "principal of the account without IAM permission decrypts dead-letter messages", expect: "deny", target: "key", needs: ["queue", "encrypted.queue"], principal: NO_PERMISSIONS, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:ViaService": "sqs.{region}.amazonaws.com", "kms:CallerAccount": "{account}" }, doc: D.kmsDefaultPolicy }),

  // Secrets Manager on behalf of readers and the deployer -----------------------------------------------------
  row({ id: "secrets manager decrypts a secret for a reader", expect: "allow", target: "key", needs: ["secret", "encrypted.secret"], principal: READER, action: "kms:Decrypt", resource: "{key.arn}", context: VIA_SECRETS_MANAGER, grants: DECRYPT_GRANT, doc: D.secretsKms }),
  row({ id: "secrets manager generates a data key for the deployer's new secret value", expect: "allow", target: "key", needs: ["secret", "encrypted.secret"], principal: DEPLOYER, action: "kms:GenerateDataKey", resource: "{key.arn}", context: VIA_SECRETS_MANAGER, grants: [{ Action: "kms:GenerateDataKey", Resource: "{key.arn}" }], doc: D.secretsKms }),
  row({ id: "reader without IAM permission decrypts a secret", expect: "deny", target: "key", needs: ["secret", "encrypted.secret"], principal: NO_PERMISSIONS, action: "kms:Decrypt", resource: "{key.arn}", context: VIA_SECRETS_MANAGER, doc: D.kmsDefaultPolicy }),
  row({ id: "reader decrypts directly, not through secrets manager", expect: "deny", target: "key", needs: ["secret", "encrypted.secret"], principal: READER, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:CallerAccount": "{account}" }, grants: DECRYPT_GRANT, doc: D.kmsConditions }),
  row({ id: "principal of another account decrypts through secrets manager", expect: "deny", target: "key", needs: ["secret", "encrypted.secret"], principal: OTHER_ACCOUNT_APP, action: "kms:Decrypt", resource: "{key.arn}", context: { ...VIA_SECRETS_MANAGER, "kms:CallerAccount": "{otherAccount}" }, grants: DECRYPT_GRANT, doc: D.kmsConditions }),

  // Administering the key -------------------------------------------------------------------------------------
  row({ id: "deployer describes the key", expect: "allow", target: "key", needs: ["key"], principal: DEPLOYER, action: "kms:DescribeKey", resource: "{key.arn}", context: {}, grants: [{ Action: "kms:*", Resource: "{key.arn}" }], doc: D.kmsDefaultPolicy }),
  row({ id: "deployer updates the key policy", expect: "allow", target: "key", needs: ["key"], principal: DEPLOYER, action: "kms:PutKeyPolicy", resource: "{key.arn}", context: {}, grants: [{ Action: "kms:*", Resource: "{key.arn}" }], doc: D.kmsDefaultPolicy }),
  row({ id: "principal of the account without IAM permission updates the key policy", expect: "deny", target: "key", needs: ["key"], principal: NO_PERMISSIONS, action: "kms:PutKeyPolicy", resource: "{key.arn}", context: {}, doc: D.kmsDefaultPolicy }),
  row({ id: "key administrator decrypts directly", expect: "deny", target: "key", needs: ["key"], principal: DEPLOYER, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:CallerAccount": "{account}" }, grants: [{ Action: "kms:*", Resource: "{key.arn}" }], doc: D.kmsConditions }),
  row({ id: "anonymous use of the key", expect: "deny", target: "key", needs: ["key"], principal: "anonymous", action: "kms:Decrypt", resource: "{key.arn}", context: {}, doc: D.kmsDefaultPolicy }),

  // The first-seen workflow: EventBridge starts it, it writes the table and publishes to the topic ------------------
  row({ id: "step functions assumes the first-seen role for its state machine", expect: "allow", target: "first-seen-trust", needs: ["firstSeen"], principal: STATES, action: "sts:AssumeRole", resource: "{firstSeen.executionRole.arn}", context: THIS_STATE_MACHINE, doc: D.sfnDeputy }),
  row({ id: "another state machine of the account assumes the first-seen role", expect: "deny", target: "first-seen-trust", needs: ["firstSeen"], principal: STATES, action: "sts:AssumeRole", resource: "{firstSeen.executionRole.arn}", context: { "aws:SourceArn": "arn:{partition}:states:{region}:{account}:stateMachine:another-workflow", "aws:SourceAccount": "{account}" }, doc: D.sfnDeputy }),
  row({ id: "a state machine of another account assumes the first-seen role", expect: "deny", target: "first-seen-trust", needs: ["firstSeen"], principal: STATES, action: "sts:AssumeRole", resource: "{firstSeen.executionRole.arn}", context: { "aws:SourceArn": "arn:{partition}:states:{region}:{otherAccount}:stateMachine:{firstSeen.stateMachine.name}", "aws:SourceAccount": "{otherAccount}" }, doc: D.sfnDeputy }),
  row({ id: "confused deputy: step functions assumes the first-seen role without source keys", expect: "deny", target: "first-seen-trust", needs: ["firstSeen"], principal: STATES, action: "sts:AssumeRole", resource: "{firstSeen.executionRole.arn}", context: {}, doc: D.sfnDeputy }),
  row({ id: "principal of the account assumes the first-seen role", expect: "deny", target: "first-seen-trust", needs: ["firstSeen"], principal: NO_PERMISSIONS, action: "sts:AssumeRole", resource: "{firstSeen.executionRole.arn}", context: {}, grants: [{ Action: "sts:AssumeRole", Resource: "{firstSeen.executionRole.arn}" }], doc: D.sfnDeputy }),
  row({ id: "workflow remembers a pair (conditional UpdateItem)", expect: "allow", target: "first-seen-role", needs: ["firstSeen"], principal: WORKFLOW, action: "dynamodb:UpdateItem", resource: "{firstSeen.table.arn}", context: {}, doc: D.sfnDynamoDb }),
  row({ id: "workflow reads the learning item", expect: "allow", target: "first-seen-role", needs: ["firstSeen"], principal: WORKFLOW, action: "dynamodb:GetItem", resource: "{firstSeen.table.arn}", context: {}, doc: D.sfnDynamoDb }),
  row({ id: "workflow forgets a pair whose alert failed (conditional DeleteItem)", expect: "allow", target: "first-seen-role", needs: ["firstSeen"], principal: WORKFLOW, action: "dynamodb:DeleteItem", resource: "{firstSeen.table.arn}", context: {}, doc: D.sfnDynamoDb }),
  row({ id: "workflow writes another table", expect: "deny", target: "first-seen-role", needs: ["firstSeen"], principal: WORKFLOW, action: "dynamodb:UpdateItem", resource: "arn:{partition}:dynamodb:{region}:{account}:table/some-other-table", context: {}, doc: D.sfnDynamoDb }),
  row({ id: "workflow publishes a new pair to the alert topic", expect: "allow", target: "first-seen-role", needs: ["firstSeen"], principal: WORKFLOW, action: "sns:Publish", resource: "{topic.arn}", context: {}, doc: D.sfnSns }),
  row({ id: "workflow publishes to another topic", expect: "deny", target: "first-seen-role", needs: ["firstSeen"], principal: WORKFLOW, action: "sns:Publish", resource: "arn:{partition}:sns:{region}:{account}:some-other-topic", context: {}, doc: D.sfnSns }),
  row({ id: "step functions sets up the workflow's log delivery", expect: "allow", target: "first-seen-role", needs: ["firstSeen"], principal: WORKFLOW, action: "logs:CreateLogDelivery", resource: "*", context: {}, doc: D.sfnLogs }),
  row({ id: "workflow generates a data key for the encrypted topic through SNS", expect: "allow", target: "first-seen-role", needs: ["firstSeen", "encrypted.topic"], principal: WORKFLOW, action: "kms:GenerateDataKey", resource: "{key.arn}", context: VIA_SNS_TO_TOPIC, doc: D.snsKmsServices }),
  row({ id: "workflow decrypts the table's keys through DynamoDB", expect: "allow", target: "first-seen-role", needs: ["firstSeen", "encrypted.firstSeenTable"], principal: WORKFLOW, action: "kms:Decrypt", resource: "{key.arn}", context: VIA_DYNAMODB, doc: D.ddbKms }),
  row({ id: "workflow role decrypts directly, through no service", expect: "deny", target: "first-seen-role", needs: ["firstSeen", "key"], principal: WORKFLOW, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:CallerAccount": "{account}" }, doc: D.ddbKms }),
  row({ id: "workflow role generates a data key directly, through no service", expect: "deny", target: "first-seen-role", needs: ["firstSeen", "key"], principal: WORKFLOW, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { "kms:CallerAccount": "{account}" }, doc: D.snsKmsServices }),
  row({ id: "key lets the workflow publish to the encrypted topic through SNS", expect: "allow", target: "key", needs: ["firstSeen", "encrypted.topic"], principal: WORKFLOW, action: "kms:GenerateDataKey", resource: "{key.arn}", context: VIA_SNS_TO_TOPIC, grants: WORKFLOW_KMS_GRANT, doc: D.snsKmsServices }),
  row({ id: "key refuses the workflow role for another topic through SNS", expect: "deny", target: "key", needs: ["firstSeen", "encrypted.topic"], principal: WORKFLOW, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { ...VIA_SNS_TO_TOPIC, "kms:EncryptionContext:aws:sns:topicArn": "arn:{partition}:sns:{region}:{account}:some-other-topic" }, grants: WORKFLOW_KMS_GRANT, doc: D.snsEncryptionContext }),
  row({ id: "key refuses the workflow role calling KMS itself with the topic's encryption context", expect: "deny", target: "key", needs: ["firstSeen", "encrypted.topic"], principal: WORKFLOW, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { "kms:CallerAccount": "{account}", "kms:EncryptionContext:aws:sns:topicArn": "{topic.arn}" }, grants: WORKFLOW_KMS_GRANT, doc: D.kmsViaService }),
  row({ id: "key refuses an SNS use without the topic's encryption context", expect: "deny", target: "key", needs: ["firstSeen", "encrypted.topic"], principal: WORKFLOW, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { "kms:ViaService": "sns.{region}.amazonaws.com", "kms:CallerAccount": "{account}" }, grants: WORKFLOW_KMS_GRANT, doc: D.snsEncryptionContext }),
  row({ id: "key lets DynamoDB use it for the workflow role", expect: "allow", target: "key", needs: ["firstSeen", "encrypted.firstSeenTable"], principal: WORKFLOW, action: "kms:Decrypt", resource: "{key.arn}", context: VIA_DYNAMODB, grants: WORKFLOW_KMS_GRANT, doc: D.ddbKms }),
  row({ id: "key lets DynamoDB create its grant for the deployer creating the table", expect: "allow", target: "key", needs: ["firstSeen", "encrypted.firstSeenTable"], principal: DEPLOYER, action: "kms:CreateGrant", resource: "{key.arn}", context: VIA_DYNAMODB, grants: DEPLOYER_KMS_GRANT, doc: D.ddbKms }),
  row({ id: "key refuses the workflow role using it directly (not through DynamoDB or SNS)", expect: "deny", target: "key", needs: ["firstSeen", "encrypted.firstSeenTable"], principal: WORKFLOW, action: "kms:Decrypt", resource: "{key.arn}", context: { "kms:CallerAccount": "{account}" }, grants: WORKFLOW_KMS_GRANT, doc: D.ddbKms }),
  row({ id: "key refuses DynamoDB use for a principal without IAM permission", expect: "deny", target: "key", needs: ["firstSeen", "encrypted.firstSeenTable"], principal: NO_PERMISSIONS, action: "kms:Decrypt", resource: "{key.arn}", context: VIA_DYNAMODB, doc: D.kmsDefaultPolicy }),
  row({ id: "key refuses DynamoDB use for a principal of another account", expect: "deny", target: "key", needs: ["firstSeen", "encrypted.firstSeenTable"], principal: OTHER_ACCOUNT_APP, action: "kms:Decrypt", resource: "{key.arn}", context: { ...VIA_DYNAMODB, "kms:CallerAccount": "{otherAccount}" }, grants: [{ Action: "kms:Decrypt", Resource: "{key.arn}" }], doc: D.ddbKms }),
  row({ id: "cloudwatch logs generates a data key for the workflow's log group", expect: "allow", target: "key", needs: ["firstSeen", "encrypted.firstSeenLogGroup"], principal: LOGS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: { "kms:EncryptionContext:aws:logs:arn": "{firstSeen.logGroup.arn}" }, doc: D.logsKms }),
  row({ id: "first-seen rule assumes the role that starts the workflow", forEach: "first-seen-rule", expect: "allow", target: "first-seen-invoke-trust", needs: ["firstSeen"], principal: EVENTS, action: "sts:AssumeRole", resource: "{firstSeen.invokeRole.arn}", context: THIS_RULE, doc: D.ebTargetRole }),
  row({ id: "another rule of the account assumes the role that starts the workflow", expect: "deny", target: "first-seen-invoke-trust", needs: ["firstSeen"], principal: EVENTS, action: "sts:AssumeRole", resource: "{firstSeen.invokeRole.arn}", context: OTHER_RULE_SAME_ACCOUNT, doc: D.ebTargetRole }),
  row({ id: "a rule of another account assumes the role that starts the workflow", expect: "deny", target: "first-seen-invoke-trust", needs: ["firstSeen"], principal: EVENTS, action: "sts:AssumeRole", resource: "{firstSeen.invokeRole.arn}", context: RULE_OF_OTHER_ACCOUNT, doc: D.ebDeputy }),
  row({ id: "confused deputy: eventbridge assumes the starting role without source keys", expect: "deny", target: "first-seen-invoke-trust", needs: ["firstSeen"], principal: EVENTS, action: "sts:AssumeRole", resource: "{firstSeen.invokeRole.arn}", context: {}, doc: D.ebDeputy }),
  row({ id: "first-seen rule starts the workflow", expect: "allow", target: "first-seen-invoke-role", needs: ["firstSeen"], principal: STARTER, action: "states:StartExecution", resource: "{firstSeen.stateMachine.arn}", context: {}, doc: D.sfnStartFromEvents }),
  row({ id: "first-seen rule starts another state machine", expect: "deny", target: "first-seen-invoke-role", needs: ["firstSeen"], principal: STARTER, action: "states:StartExecution", resource: "arn:{partition}:states:{region}:{account}:stateMachine:another-workflow", context: {}, doc: D.sfnStartFromEvents }),
  row({ id: "first-seen rule sends a failed event to the dead-letter queue", forEach: "first-seen-rule", expect: "allow", target: "queue", needs: ["firstSeen", "queue"], principal: EVENTS, action: "sqs:SendMessage", resource: "{queue.arn}", context: THIS_RULE, doc: D.ebDlq }),
  row({ id: "first-seen rule generates a data key for the encrypted dead-letter queue", forEach: "first-seen-rule", expect: "allow", target: "key", needs: ["firstSeen", "queue", "encrypted.queue"], principal: EVENTS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: THIS_RULE, doc: D.sqsKmsSourceArn }),

  // The state bucket ----------------------------------------------------------------------------------------
  row({ id: "terraform reads the state over TLS", expect: "allow", target: "state-bucket", needs: ["stateBucket"], principal: DEPLOYER, action: "s3:GetObject", resource: STATE_OBJECT, context: {}, grants: STATE_GRANTS, doc: D.terraformS3 }),
  row({ id: "terraform writes the state over TLS", expect: "allow", target: "state-bucket", needs: ["stateBucket"], principal: DEPLOYER, action: "s3:PutObject", resource: STATE_OBJECT, context: {}, grants: STATE_GRANTS, doc: D.terraformS3 }),
  row({ id: "terraform lists the state bucket over TLS", expect: "allow", target: "state-bucket", needs: ["stateBucket"], principal: DEPLOYER, action: "s3:ListBucket", resource: "{stateBucket.arn}", context: {}, grants: STATE_GRANTS, doc: D.terraformS3 }),
  row({ id: "terraform removes its lock file over TLS", expect: "allow", target: "state-bucket", needs: ["stateBucket"], principal: DEPLOYER, action: "s3:DeleteObject", resource: `${STATE_OBJECT}.tflock`, context: {}, grants: STATE_GRANTS, doc: D.terraformS3 }),
  row({ id: "terraform reads the state without TLS", expect: "explicit-deny", target: "state-bucket", needs: ["stateBucket"], principal: DEPLOYER, action: "s3:GetObject", resource: STATE_OBJECT, context: { "aws:SecureTransport": "false" }, grants: STATE_GRANTS, doc: D.s3Tls }),
  row({ id: "terraform lists the state bucket without TLS", expect: "explicit-deny", target: "state-bucket", needs: ["stateBucket"], principal: DEPLOYER, action: "s3:ListBucket", resource: "{stateBucket.arn}", context: { "aws:SecureTransport": "false" }, grants: STATE_GRANTS, doc: D.s3Tls }),
  row({ id: "anonymous read of the state", expect: "deny", target: "state-bucket", needs: ["stateBucket"], principal: "anonymous", action: "s3:GetObject", resource: STATE_OBJECT, context: {}, doc: D.s3Tls }),
  row({ id: "principal of the account without IAM permission reads the state", expect: "deny", target: "state-bucket", needs: ["stateBucket"], principal: NO_PERMISSIONS, action: "s3:GetObject", resource: STATE_OBJECT, context: {}, doc: D.terraformS3 }),
  row({ id: "principal of another account reads the state", expect: "deny", target: "state-bucket", needs: ["stateBucket"], principal: OTHER_ACCOUNT_APP, action: "s3:GetObject", resource: STATE_OBJECT, context: {}, grants: STATE_GRANTS, doc: D.terraformS3 }),

  // EventBridge rules → API destinations (chat, paging, webhook) ------------------------------------------------
  row({ id: "rule assumes the API-destination role", forEach: "destination-rule", expect: "allow", target: "destinations-trust", needs: ["destinations"], principal: EVENTS, action: "sts:AssumeRole", resource: "{destinationsRole.arn}", context: THIS_RULE, doc: D.ebDeputy }),
  row({ id: "another rule of the account assumes the API-destination role", expect: "deny", target: "destinations-trust", needs: ["destinations"], principal: EVENTS, action: "sts:AssumeRole", resource: "{destinationsRole.arn}", context: OTHER_RULE_SAME_ACCOUNT, doc: D.ebDeputy }),
  row({ id: "a rule of another account assumes the API-destination role", expect: "deny", target: "destinations-trust", needs: ["destinations"], principal: EVENTS, action: "sts:AssumeRole", resource: "{destinationsRole.arn}", context: { "aws:SourceArn": "arn:{partition}:events:{region}:{otherAccount}:rule/sam-test0001-read-role-pub", "aws:SourceAccount": "{otherAccount}" }, doc: D.ebDeputy }),
  row({ id: "confused deputy: eventbridge assumes the API-destination role without source keys", expect: "deny", target: "destinations-trust", needs: ["destinations"], principal: EVENTS, action: "sts:AssumeRole", resource: "{destinationsRole.arn}", context: {}, doc: D.ebDeputy }),
  row({ id: "principal of the account assumes the API-destination role", expect: "deny", target: "destinations-trust", needs: ["destinations"], principal: NO_PERMISSIONS, action: "sts:AssumeRole", resource: "{destinationsRole.arn}", context: {}, grants: [{ Action: "sts:AssumeRole", Resource: "{destinationsRole.arn}" }], doc: D.ebDeputy }),
  row({ id: "the role invokes the monitor's API destination", forEach: "api-destination", expect: "allow", target: "destinations-role", needs: ["destinations"], principal: "arn:{partition}:sts::{account}:assumed-role/{destinationsRole.name}/events", action: "events:InvokeApiDestination", resource: "{apiDestination.arn}", context: {}, doc: D.ebApiDestinationRole }),
  row({ id: "the role invokes another API destination of the account", expect: "deny", target: "destinations-role", needs: ["destinations"], principal: "arn:{partition}:sts::{account}:assumed-role/{destinationsRole.name}/events", action: "events:InvokeApiDestination", resource: "arn:{partition}:events:{region}:{account}:api-destination/someone-elses/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e", context: {}, doc: D.ebApiDestinationRole }),
  row({ id: "the role puts events on the default bus", expect: "deny", target: "destinations-role", needs: ["destinations"], principal: "arn:{partition}:sts::{account}:assumed-role/{destinationsRole.name}/events", action: "events:PutEvents", resource: "arn:{partition}:events:{region}:{account}:event-bus/default", context: {}, doc: D.ebApiDestinationRole }),
  row({ id: "a rule delivering to API destinations sends a failed event to the dead-letter queue", forEach: "destination-rule", expect: "allow", target: "queue", needs: ["destinations", "queue"], principal: EVENTS, action: "sqs:SendMessage", resource: "{queue.arn}", context: THIS_RULE, doc: D.ebDlq }),
  row({ id: "a rule delivering to API destinations generates a data key for the encrypted dead-letter queue", forEach: "destination-rule", expect: "allow", target: "key", needs: ["destinations", "queue", "encrypted.queue"], principal: EVENTS, action: "kms:GenerateDataKey", resource: "{key.arn}", context: THIS_RULE, doc: D.sqsKmsSourceArn }),

  // Amazon Q Developer in chat applications --------------------------------------------------------------------
  row({ id: "the chat application assumes its role", expect: "allow", target: "chat-trust", needs: ["chat"], principal: "chatbot.amazonaws.com", action: "sts:AssumeRole", resource: "{chatRole.arn}", context: { "aws:SourceAccount": "{account}" }, doc: D.sourceAccount }),
  row({ id: "the chat application of another account assumes the role", expect: "deny", target: "chat-trust", needs: ["chat"], principal: "chatbot.amazonaws.com", action: "sts:AssumeRole", resource: "{chatRole.arn}", context: { "aws:SourceAccount": "{otherAccount}" }, doc: D.sourceAccount }),
  row({ id: "principal of the account assumes the chat role", expect: "deny", target: "chat-trust", needs: ["chat"], principal: NO_PERMISSIONS, action: "sts:AssumeRole", resource: "{chatRole.arn}", context: {}, grants: [{ Action: "sts:AssumeRole", Resource: "{chatRole.arn}" }], doc: D.sourceAccount }),
];

/** Every AWS page the table cites, for the report. */
export const CITED_PAGES: readonly string[] = [...new Set(Object.values(D).map((d) => d.url))];
