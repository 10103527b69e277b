import { Construct } from "constructs";
import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { LOG_RETENTION_DAYS } from "../config/aws-facts";
import { denyInsecureTransport, policyDocument, PolicyStatement } from "./policy";

/** The trail's ARN, from its name: policies name the trail before it exists (it is created after them). */
export function trailArnOf(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${name}`;
}

/** The role a trail named `name` delivers to its log group with. */
export function trailDeliveryRoleName(name: string): string {
  return `${name}-cloudtrail-to-logs`;
}

/** The log group a trail named `name` delivers to. */
export function trailLogGroupName(name: string): string {
  return `/aws/cloudtrail/${name}`;
}

export interface AuditTrailProps {
  /** Trail name; also names the log group `/aws/cloudtrail/<name>` and the delivery role. */
  readonly name: string;
  /** S3 bucket receiving the log files (globally unique). */
  readonly bucketName: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  /**
   * Record events from every region into this trail's log group.
   * @default true - a secret read in another region is still seen (Terraform's own default is false)
   */
  readonly multiRegion?: boolean;
  /** Days CloudWatch Logs keeps trail events; one of the values PutRetentionPolicy accepts. @default 365 */
  readonly logRetentionDays?: number;
  /** Let `terraform destroy` delete a bucket that still holds log files. @default false - audit logs survive */
  readonly bucketForceDestroy?: boolean;
  /** Expire log files (and old versions) after this many days. @default - kept forever */
  readonly bucketExpirationDays?: number;
  /**
   * Management event sources the trail leaves out (`kms.amazonaws.com`, `rdsdata.amazonaws.com`): the two
   * highest-volume sources, and none of them a secret read.
   * @default - none: every management event is recorded
   */
  readonly excludeManagementEventSources?: string[];
  /**
   * Customer-managed key for the log files, the bucket's default encryption and the log group.
   * @default - SSE-S3 for the bucket and log files, CloudWatch Logs' own encryption for the group
   */
  readonly kmsKeyArn?: string;
  /**
   * Make it an organization trail of this organization (`o-…`): it logs the management account and every member
   * account, its log files land under `AWSLogs/<organization id>/<account>/`, and its CloudWatch Logs group (in
   * this account) receives every account's events. Only the management account (or a delegated administrator)
   * may create one.
   * @default - a trail of this account only
   */
  readonly organizationId?: string;
  /**
   * An existing bucket to write to instead of creating one: an organization's log-archive bucket, in its own
   * account. Its owner adds `cloudTrailBucketStatements` to its policy (the stack outputs them); `bucketName`,
   * `bucketForceDestroy` and `bucketExpirationDays` are then unused.
   * @default - a bucket of its own, private, versioned, encrypted
   */
  readonly existingBucketName?: string;
}

/**
 * CloudTrail recording read and write management events to an S3 bucket and to a CloudWatch Logs group, with
 * the bucket policy and the delivery role CloudTrail needs, each restricted to this trail.
 */
export class AuditTrail extends Construct {
  /** The bucket, when this construct creates it (not with `existingBucketName`). */
  readonly bucket?: S3Bucket;
  readonly bucketPolicy?: S3BucketPolicy;
  readonly publicAccessBlock?: S3BucketPublicAccessBlock;
  /** The name of the bucket the trail writes to: its own, or the existing one. */
  readonly bucketName: string;
  readonly logGroup: CloudwatchLogGroup;
  readonly deliveryRole: IamRole;
  readonly deliveryPolicy: IamRolePolicy;
  readonly trail: Cloudtrail;
  /** The trail's ARN, built from its name so policies can name it before the trail exists. */
  readonly trailArn: string;

  constructor(scope: Construct, id: string, private readonly props: AuditTrailProps) {
    super(scope, id);
    const retention = props.logRetentionDays ?? 365;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
      throw new Error(`logRetentionDays: ${retention} is not a value CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(", ")})`);
    }
    if (props.bucketExpirationDays !== undefined && props.bucketExpirationDays < 1) {
      throw new Error(`bucketExpirationDays: must be at least 1, got ${props.bucketExpirationDays}`);
    }
    const { accountId, region, partition } = props;
    // The bucket policy and the role's trust need the trail ARN, and the trail must be created after them:
    // building the ARN from its parts breaks the cycle.
    this.trailArn = trailArnOf(partition, region, accountId, props.name);
    this.bucketName = props.existingBucketName ?? props.bucketName;
    if (props.existingBucketName === undefined) {
      const bucket = (this.bucket = new S3Bucket(this, "Bucket", {
        bucket: props.bucketName,
        forceDestroy: props.bucketForceDestroy ?? false,
      }));
      this.publicAccessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      new S3BucketOwnershipControls(this, "Ownership", {
        bucket: bucket.id,
        rule: { objectOwnership: "BucketOwnerEnforced" },
      });
      new S3BucketVersioningA(this, "Versioning", {
        bucket: bucket.id,
        versioningConfiguration: { status: "Enabled" },
      });
      new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
        bucket: bucket.id,
        rule: [
          props.kmsKeyArn
            ? // A bucket key cuts KMS requests (and cost) for the many small log objects.
              { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      });
      if (props.bucketExpirationDays !== undefined) {
        new S3BucketLifecycleConfiguration(this, "Expiry", {
          bucket: bucket.id,
          rule: [
            {
              id: "expire-trail-logs",
              status: "Enabled",
              filter: [{ prefix: "" }],
              expiration: [{ days: props.bucketExpirationDays }],
              noncurrentVersionExpiration: [{ noncurrentDays: props.bucketExpirationDays }],
            },
          ],
        });
      }
      this.bucketPolicy = new S3BucketPolicy(this, "BucketPolicy", {
        bucket: bucket.id,
        // Applying the policy while the public access block is still being created fails with AccessDenied.
        dependsOn: [this.publicAccessBlock],
        policy: policyDocument([
          ...this.cloudTrailBucketStatements(bucket.arn),
          denyInsecureTransport("s3", [bucket.arn, `${bucket.arn}/*`]),
        ]),
      });
    }

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: trailLogGroupName(props.name),
      retentionInDays: retention,
      kmsKeyId: props.kmsKeyArn,
    });
    this.deliveryRole = new IamRole(this, "DeliveryRole", {
      name: trailDeliveryRoleName(props.name),
      description: "Lets the trail deliver events to its CloudWatch Logs group",
      assumeRolePolicy: policyDocument([
        {
          Sid: "CloudTrailAssume",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceArn": this.trailArn, "aws:SourceAccount": accountId } },
        },
      ]),
    });
    this.deliveryPolicy = new IamRolePolicy(this, "DeliveryPolicy", {
      name: "deliver-to-log-group",
      role: this.deliveryRole.id,
      policy: policyDocument([
        {
          Sid: "WriteTrailStreams",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          // CloudTrail names its streams <account>_CloudTrail_<region>; one stream per region of a
          // multi-region trail, all in this group.
          Resource: props.organizationId
            ? [
                `${this.logGroup.arn}:log-stream:${accountId}_CloudTrail_*`,
                // CloudTrail User Guide, "Role policy document for CloudTrail to use CloudWatch Logs for
                // monitoring": an organization trail's streams are named `<organization id>_…`.
                `${this.logGroup.arn}:log-stream:${props.organizationId}_*`,
              ]
            : `${this.logGroup.arn}:log-stream:${accountId}_CloudTrail_*`,
        },
      ]),
    });

    this.trail = new Cloudtrail(this, "Trail", {
      name: props.name,
      s3BucketName: this.bucket?.id ?? this.bucketName,
      isMultiRegionTrail: props.multiRegion ?? true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      isOrganizationTrail: props.organizationId ? true : undefined,
      kmsKeyId: props.kmsKeyArn,
      // CloudTrail requires the log-stream wildcard on the group ARN.
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: this.deliveryRole.arn,
      // GetSecretValue is a read-only event: a write-only trail never records it.
      eventSelector: [
        {
          readWriteType: "All",
          includeManagementEvents: true,
          excludeManagementEventSources: props.excludeManagementEventSources?.length ? props.excludeManagementEventSources : undefined,
        },
      ],
      // CloudTrail checks bucket access and role permissions when the trail is created.
      dependsOn: [...(this.bucketPolicy ? [this.bucketPolicy] : []), this.deliveryPolicy],
    });
  }

  /**
   * What CloudTrail needs on the trail's bucket, each statement pinned to this trail: the bucket policy of a bucket
   * this construct creates, or the statements the owner of an existing (log-archive) bucket must add.
   */
  cloudTrailBucketStatements(bucketArn: string): PolicyStatement[] {
    const { accountId, organizationId } = this.props;
    const fromThisTrail = { StringEquals: { "aws:SourceArn": this.trailArn } };
    return [
        {
          Sid: "CloudTrailAclCheck",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:GetBucketAcl",
          Resource: bucketArn,
          Condition: fromThisTrail,
        },
        {
          Sid: "CloudTrailWrite",
          Effect: "Allow",
          Principal: { Service: "cloudtrail.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
          Condition: {
            StringEquals: { "aws:SourceArn": this.trailArn, "s3:x-amz-acl": "bucket-owner-full-control" },
          },
        },
        ...(organizationId
          ? [
              {
                // CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail", organization trails: the log
                // files of every account go under AWSLogs/<organization id>/, and "In an organization trail, the
                // value of aws:SourceArn must be a trail ARN that is owned by the management account".
                Sid: "CloudTrailOrganizationWrite",
                Effect: "Allow" as const,
                Principal: { Service: "cloudtrail.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${bucketArn}/AWSLogs/${organizationId}/*`,
                Condition: {
                  StringEquals: { "aws:SourceArn": this.trailArn, "s3:x-amz-acl": "bucket-owner-full-control" },
                },
              },
            ]
          : []),
    ];
  }

}
