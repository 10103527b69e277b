import { encryptedTopicProblems, leastPrivilegeProblems, policiesOf } from "../../src/patterns/policy-checks";
import { alertTopic, healthTopic, only, statement, synthMonitoring, Synthesized } from "../helpers";

const variants: [string, object][] = [
  ["customer key (default)", {}],
  ["AWS-managed keys", { encryption: { mode: "aws-managed" } }],
  ["CIS set, scoped secrets, allow-lists", {
    cisAlarms: { enabled: true },
    monitoredSecrets: [{ id: "prod/db", allowedReaders: ["arn:aws:sts::123456789012:assumed-role/app/*"] }],
    selfMonitoring: { allowedChangers: ["arn:aws:iam::123456789012:role/deployer"] },
  }],
];

describe.each(variants)("least privilege: %s", (_name, overrides) => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring(overrides);
  });

  test("every policy passes the least-privilege checks", () => {
    expect(policiesOf(s.tf).length).toBeGreaterThanOrEqual(4);
    expect(leastPrivilegeProblems(s.tf)).toEqual([]);
  });

  test("alerts cannot be dropped by a key policy missing a publisher", () => {
    expect(encryptedTopicProblems(s.tf)).toEqual([]);
  });
});

describe("least-privilege checks catch what they should", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring();
  });
  const mutate = (type: string, field: string, edit: (doc: any) => void) => {
    const tf = JSON.parse(s.json);
    const res: any = Object.values(tf.resource[type])[0];
    const doc = JSON.parse(res[field]);
    edit(doc);
    res[field] = JSON.stringify(doc);
    return tf;
  };

  test("a key policy without the CloudWatch alarm publisher is reported", () => {
    const tf = mutate("aws_kms_key", "policy", (d) => (d.Statement = d.Statement.filter((x: any) => x.Sid !== "CloudWatchAlarmsPublishToEncryptedTopic")));
    expect(encryptedTopicProblems(tf)).toEqual([expect.stringMatching(/does not let CloudWatch alarms publish/)]);
  });

  test("a key policy without the EventBridge publisher is reported", () => {
    const tf = mutate("aws_kms_key", "policy", (d) => (d.Statement = d.Statement.filter((x: any) => x.Sid !== "EventBridgePublishesToEncryptedTopic")));
    expect(encryptedTopicProblems(tf)).toEqual([expect.stringMatching(/does not let EventBridge publish/)]);
  });

  test("an EventBridge topic grant under source keys, which AWS documents EventBridge does not present to KMS, is reported", () => {
    const tf = mutate("aws_kms_key", "policy", (d) => {
      const grant = d.Statement.find((x: any) => x.Sid === "EventBridgePublishesToEncryptedTopic");
      grant.Condition = { ...grant.Condition, StringEquals: { ...grant.Condition.StringEquals, "aws:SourceAccount": "111122223333" } };
    });
    expect(encryptedTopicProblems(tf)).toEqual([expect.stringMatching(/does not let EventBridge publish \(kms:Decrypt, kms:GenerateDataKey\*\) without source keys/)]);
  });

  test("an EventBridge topic-policy grant under source keys is reported", () => {
    const tf = mutate("aws_sns_topic_policy", "policy", (d) => {
      d.Statement.find((x: any) => x.Sid === "EventBridgeRulesPublish").Condition = { StringEquals: { "aws:SourceAccount": "111122223333" } };
    });
    expect(leastPrivilegeProblems(tf)).toEqual([expect.stringMatching(/EventBridgeRulesPublish: events\.amazonaws\.com is allowed only under source keys it does not present/)]);
  });

  test("an unconditioned EventBridge grant without the guarded Deny is reported", () => {
    const tf = mutate("aws_sns_topic_policy", "policy", (d) => (d.Statement = d.Statement.filter((x: any) => x.Sid !== "DenyOtherEventBridgeRules")));
    expect(leastPrivilegeProblems(tf)).toEqual([expect.stringMatching(/EventBridgeRulesPublish: service principal events\.amazonaws\.com not restricted/)]);
  });

  test("a topic under alias/aws/sns is reported", () => {
    const tf = JSON.parse(s.json);
    (Object.values(tf.resource.aws_sns_topic) as any[]).find((t) => t.name === "sam-test0001-alerts").kms_master_key_id = "alias/aws/sns";
    expect(encryptedTopicProblems(tf)).toEqual([expect.stringMatching(/alias\/aws\/sns/)]);
  });

  test("dropping a SourceArn condition from the bucket policy is reported", () => {
    const tf = mutate("aws_s3_bucket_policy", "policy", (d) => delete d.Statement[0].Condition);
    expect(leastPrivilegeProblems(tf)).toEqual([expect.stringMatching(/CloudTrailAclCheck: service principal cloudtrail\.amazonaws\.com not restricted/)]);
  });

  test("an Allow of every action is reported", () => {
    const tf = mutate("aws_iam_role_policy", "policy", (d) => (d.Statement[0].Action = "logs:*"));
    expect(leastPrivilegeProblems(tf)).toEqual([expect.stringMatching(/allows every action \(logs:\*\)/)]);
  });

  test("a TLS deny without its condition is reported as an unconditioned * principal", () => {
    const tf = mutate("aws_s3_bucket_policy", "policy", (d) => delete d.Statement[2].Condition);
    expect(leastPrivilegeProblems(tf)).toEqual(expect.arrayContaining([expect.stringMatching(/"\*" principal without a condition/), "a bucket does not deny requests without TLS"]));
  });

  test("log validation off and a log group without retention are reported", () => {
    const tf = JSON.parse(s.json);
    (Object.values(tf.resource.aws_cloudtrail)[0] as any).enable_log_file_validation = false;
    delete (Object.values(tf.resource.aws_cloudwatch_log_group)[0] as any).retention_in_days;
    expect(leastPrivilegeProblems(tf)).toEqual([expect.stringMatching(/log file validation is off/), expect.stringMatching(/no retention set/)]);
  });
});

describe("EncryptionKey", () => {
  let s: Synthesized;
  let policy: string;
  beforeAll(() => {
    s = synthMonitoring();
    policy = only(s.tf, "aws_kms_key").policy;
  });
  const account = "${data.aws_caller_identity.current.account_id}";

  test("rotation is on and deletion waits the full 30 days", () => {
    expect(only(s.tf, "aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(only(s.tf, "aws_kms_alias").name).toBe("alias/sam-test0001");
  });

  test("one key encrypts the trail, bucket, log group, topic, dead-letter queue and demo secret", () => {
    const ref = expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect(only(s.tf, "aws_cloudtrail").kms_key_id).toEqual(ref);
    expect(only(s.tf, "aws_cloudwatch_log_group").kms_key_id).toEqual(ref);
    expect(alertTopic(s.tf).kms_master_key_id).toEqual(ref);
    // The health topic carries no secret data and must not depend on the key whose breakage its alarms report.
    expect(healthTopic(s.tf).kms_master_key_id).toBeUndefined();
    expect(only(s.tf, "aws_sqs_queue").kms_master_key_id).toEqual(ref);
    expect(only(s.tf, "aws_secretsmanager_secret").kms_key_id).toEqual(ref);
  });

  test("without a customer key the topic stays unencrypted rather than under alias/aws/sns", () => {
    const managed = synthMonitoring({ encryption: { mode: "aws-managed" } });
    expect(managed.tf.resource.aws_kms_key).toBeUndefined();
    expect(alertTopic(managed.tf).kms_master_key_id).toBeUndefined();
  });

  test("CloudTrail may generate data keys only for this trail, with the CloudTrail encryption context", () => {
    expect(statement(policy, "CloudTrailEncryptsLogFiles")).toEqual({
      Sid: "CloudTrailEncryptsLogFiles",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:us-east-1:${account}:trail/sam-test0001` },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*` },
      },
    });
  });

  test("CloudWatch Logs may use the key only for this log group", () => {
    expect(statement(policy, "CloudWatchLogsEncryptsTrailLogGroup")).toMatchObject({
      Principal: { Service: "logs.us-east-1.amazonaws.com" },
      Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${account}:log-group:/aws/cloudtrail/sam-test0001` } },
    });
  });

  test("CloudWatch alarms of this account and this stack's rules may publish to the encrypted topic", () => {
    expect(statement(policy, "CloudWatchAlarmsPublishToEncryptedTopic")).toMatchObject({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${account}:alarm:*` } },
    });
  });

  test("EventBridge uses the key for this topic by SNS's encryption context, and for the dead-letter queue by rule", () => {
    // SNS Developer Guide, https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services:
    // "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for
    // EventBridge-to-encrypted topics."
    expect(statement(policy, "EventBridgePublishesToEncryptedTopic")).toEqual({
      Sid: "EventBridgePublishesToEncryptedTopic",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
      Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": `arn:aws:sns:us-east-1:${account}:sam-test0001-alerts` } },
    });
    // SQS Developer Guide, sqs-key-management.html: "the following services support aws:SourceArn: … CloudWatch Events".
    const queue = statement(policy, "EventBridgeSendsFailedAlertsToEncryptedQueue");
    expect(queue.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(queue.Condition.ArnEquals["aws:SourceArn"]).toHaveLength(Object.keys(s.tf.resource.aws_cloudwatch_event_rule).length);
    for (const arn of queue.Condition.ArnEquals["aws:SourceArn"]) expect(arn).toMatch(new RegExp(`^arn:aws:events:us-east-1:\\$\\{data\\.aws_caller_identity\\.current\\.account_id\\}:rule/sam-test0001-`));
  });

  test("CloudTrail may decrypt (S3 Bucket Key) only for this trail", () => {
    // "If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are required to create
    // or update a trail with SSE-KMS encryption enabled." (create-kms-key-policy-for-cloudtrail.html)
    expect(only(s.tf, "aws_s3_bucket_server_side_encryption_configuration").rule[0].bucket_key_enabled).toBe(true);
    expect(statement(policy, "CloudTrailDecryptsForBucketKey")).toEqual({
      Sid: "CloudTrailDecryptsForBucketKey",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceArn": `arn:aws:cloudtrail:us-east-1:${account}:trail/sam-test0001` } },
    });
  });

  test("account principals with IAM permission may read the encrypted dead-letter queue, through SQS only", () => {
    expect(statement(policy, "AccountReadsDeadLetterQueueThroughSqs")).toEqual({
      Sid: "AccountReadsDeadLetterQueueThroughSqs",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": "sqs.us-east-1.amazonaws.com", "kms:CallerAccount": account } },
    });
  });

  test("account principals administer the key, and use it only through Secrets Manager, SQS or to read trail logs", () => {
    const admin = statement(policy, "AccountAdministersKey");
    expect(admin.Principal).toEqual({ AWS: `arn:aws:iam::${account}:root` });
    expect(admin.Action).not.toEqual(expect.arrayContaining(["kms:Decrypt"]));
    expect(admin.Action).not.toContain("kms:*");
    expect(statement(policy, "AccountReadsSecretsThroughSecretsManager").Condition.StringEquals["kms:ViaService"]).toBe("secretsmanager.us-east-1.amazonaws.com");
    expect(JSON.parse(policy).Statement.map((x: any) => x.Sid)).toEqual([
      "AccountAdministersKey",
      "AccountReadsSecretsThroughSecretsManager",
      "AccountReadsTrailLogFiles",
      "CloudTrailEncryptsLogFiles",
      "CloudTrailDecryptsForBucketKey",
      "CloudTrailDescribesKey",
      "CloudWatchLogsEncryptsTrailLogGroup",
      "CloudWatchAlarmsPublishToEncryptedTopic",
      "AccountReadsDeadLetterQueueThroughSqs",
      "EventBridgePublishesToEncryptedTopic",
      "EventBridgeSendsFailedAlertsToEncryptedQueue",
    ]);
  });
});
