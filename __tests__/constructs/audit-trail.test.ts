import { only, statement, synthMonitoring, Synthesized, tfType } from "../helpers";

describe("AuditTrail", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring();
  });

  test("trail records read and write management events, so read-only GetSecretValue reaches the logs", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_cloudtrail"), {
      event_selector: [{ read_write_type: "All", include_management_events: true }],
    });
  });

  test("trail is multi-region with global service events and log file validation by default", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_cloudtrail"), {
      name: "sam-test0001",
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
    });
  });

  test("excluding high-volume KMS and RDS Data events keeps read and write management events", () => {
    const lean = synthMonitoring({
      trail: { excludeManagementEventSources: ["kms.amazonaws.com", "rdsdata.amazonaws.com"] },
      selfMonitoring: { enabled: false },
    });
    expect(only(lean.tf, "aws_cloudtrail").event_selector).toEqual([
      { read_write_type: "All", include_management_events: true, exclude_management_event_sources: ["kms.amazonaws.com", "rdsdata.amazonaws.com"] },
    ]);
    expect(only(s.tf, "aws_cloudtrail").event_selector[0].exclude_management_event_sources).toBeUndefined();
  });

  test("multiRegion false gives a single-region trail", () => {
    const single = synthMonitoring({ trail: { multiRegion: false } });
    expect(only(single.tf, "aws_cloudtrail").is_multi_region_trail).toBe(false);
  });

  test("trail delivers to the log group ARN with the log-stream wildcard, through the delivery role", () => {
    const trail = only(s.tf, "aws_cloudtrail");
    expect(trail.cloud_watch_logs_group_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}:\*$/);
    expect(trail.cloud_watch_logs_role_arn).toMatch(/^\$\{aws_iam_role\.[^}]+\.arn\}$/);
  });

  test("trail is created after the bucket policy and the role policy it depends on", () => {
    const deps: string[] = only(s.tf, "aws_cloudtrail").depends_on;
    expect(deps.some((d) => d.startsWith("aws_s3_bucket_policy."))).toBe(true);
    expect(deps.some((d) => d.startsWith("aws_iam_role_policy."))).toBe(true);
  });

  test("bucket is named with the suffix and kept on destroy unless configured", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_s3_bucket"), {
      bucket: "sam-trail-test0001",
      force_destroy: false,
    });
    const destroyable = synthMonitoring({ trail: { bucketForceDestroy: true } });
    expect(only(destroyable.tf, "aws_s3_bucket").force_destroy).toBe(true);
  });

  test("bucket blocks all four kinds of public access", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_s3_bucket_public_access_block"), {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("bucket enforces bucket-owner ownership, versioning and default encryption", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_s3_bucket_ownership_controls"), {
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
    expect(s.json).toHaveResourceWithProperties(tfType("aws_s3_bucket_versioning"), {
      versioning_configuration: { status: "Enabled" },
    });
    expect(s.json).toHaveResourceWithProperties(tfType("aws_s3_bucket_server_side_encryption_configuration"), {
      rule: [
        { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/) }, bucket_key_enabled: true },
      ],
    });
  });

  test("with AWS-managed keys the bucket uses SSE-S3 and neither trail nor log group names a key", () => {
    const managed = synthMonitoring({ encryption: { mode: "aws-managed" } });
    expect(managed.json).toHaveResourceWithProperties(tfType("aws_s3_bucket_server_side_encryption_configuration"), {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
    expect(only(managed.tf, "aws_cloudtrail").kms_key_id).toBeUndefined();
    expect(only(managed.tf, "aws_cloudwatch_log_group").kms_key_id).toBeUndefined();
  });

  test("with the customer key the trail encrypts log files and the log group is encrypted with it", () => {
    expect(only(s.tf, "aws_cloudtrail").kms_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
    expect(only(s.tf, "aws_cloudwatch_log_group").kms_key_id).toMatch(/^\$\{aws_kms_key\..+\.arn\}$/);
  });

  test("lifecycle expiry exists only when configured, and expires old versions too", () => {
    expect(s.tf.resource.aws_s3_bucket_lifecycle_configuration).toBeUndefined();
    const expiring = synthMonitoring({ trail: { bucketExpirationDays: 400 } });
    expect(expiring.json).toHaveResourceWithProperties(tfType("aws_s3_bucket_lifecycle_configuration"), {
      rule: [expect.objectContaining({ status: "Enabled", expiration: [{ days: 400 }], noncurrent_version_expiration: [{ noncurrent_days: 400 }] })],
    });
  });

  describe("bucket policy", () => {
    const trailArn = "arn:aws:cloudtrail:us-east-1:${data.aws_caller_identity.current.account_id}:trail/sam-test0001";
    let policy: string;
    beforeAll(() => {
      policy = only(s.tf, "aws_s3_bucket_policy").policy;
    });

    test("lets CloudTrail read the bucket ACL only for this trail", () => {
      expect(statement(policy, "CloudTrailAclCheck")).toEqual({
        Sid: "CloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: expect.stringMatching(/^\$\{aws_s3_bucket\..+\.arn\}$/),
        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
      });
    });

    test("lets CloudTrail write only under AWSLogs/<account>/ and only for this trail", () => {
      const write = statement(policy, "CloudTrailWrite");
      expect(write.Action).toBe("s3:PutObject");
      expect(write.Principal).toEqual({ Service: "cloudtrail.amazonaws.com" });
      expect(write.Resource).toMatch(/\/AWSLogs\/\$\{data\.aws_caller_identity\.current\.account_id\}\/\*$/);
      expect(write.Condition.StringEquals["aws:SourceArn"]).toBe(trailArn);
      expect(write.Condition.StringEquals["s3:x-amz-acl"]).toBe("bucket-owner-full-control");
    });

    test("denies every request without TLS", () => {
      const deny = statement(policy, "DenyInsecureTransport");
      expect(deny.Effect).toBe("Deny");
      expect(deny.Action).toBe("s3:*");
      expect(deny.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
      expect(deny.Resource).toHaveLength(2);
    });
  });

  test("log group is /aws/cloudtrail/<name> with the configured retention", () => {
    expect(s.json).toHaveResourceWithProperties(tfType("aws_cloudwatch_log_group"), {
      name: "/aws/cloudtrail/sam-test0001",
      retention_in_days: 365,
    });
    const short = synthMonitoring({ trail: { logRetentionDays: 90 } });
    expect(only(short.tf, "aws_cloudwatch_log_group").retention_in_days).toBe(90);
  });

  test("delivery role trusts only CloudTrail acting for this trail in this account", () => {
    const trust = statement(only(s.tf, "aws_iam_role").assume_role_policy, "CloudTrailAssume");
    expect(trust).toEqual({
      Sid: "CloudTrailAssume",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: {
          "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:${data.aws_caller_identity.current.account_id}:trail/sam-test0001",
          "aws:SourceAccount": "${data.aws_caller_identity.current.account_id}",
        },
      },
    });
  });

  test("delivery role may only create streams and put events in this log group's CloudTrail streams", () => {
    const policy = JSON.parse(only(s.tf, "aws_iam_role_policy").policy);
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Action).toEqual(["logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(policy.Statement[0].Resource).toMatch(
      /^\$\{aws_cloudwatch_log_group\..+\.arn\}:log-stream:\$\{data\.aws_caller_identity\.current\.account_id\}_CloudTrail_\*$/,
    );
  });
});
