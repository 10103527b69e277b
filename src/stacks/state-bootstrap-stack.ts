import { Construct } from "constructs";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { denyInsecureTransport, policyDocument } from "../constructs/policy";

export interface StateBootstrapProps {
  readonly bucket: string;
  /** Where the bucket is created: the monitoring stack's `backend.region`, which defaults to its `region`. */
  readonly region: string;
  /** Where this stack keeps its own (local) state, relative to its directory in cdktf.out. */
  readonly localStateDirectory: string;
  readonly tags: Record<string, string>;
}

/**
 * Creates the S3 bucket that holds the monitoring stack's remote state. It keeps its own state locally: a
 * stack cannot store its state in a bucket it has yet to create.
 */
export class StateBootstrapStack extends TerraformStack {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: StateBootstrapProps) {
    super(scope, id);
    new LocalBackend(this, { path: `${props.localStateDirectory}/terraform.${id}.tfstate` });
    new AwsProvider(this, "aws", { region: props.region, defaultTags: [{ tags: props.tags }] });
    this.bucket = new S3Bucket(this, "StateBucket", {
      bucket: props.bucket,
      // Losing the state bucket orphans every resource it tracks.
      lifecycle: { preventDestroy: true },
    });
    const pab = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "Ownership", { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    // Versioning lets a corrupted or overwritten state be restored.
    new S3BucketVersioningA(this, "Versioning", { bucket: this.bucket.id, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketPolicy(this, "TlsOnly", {
      bucket: this.bucket.id,
      dependsOn: [pab],
      policy: policyDocument([denyInsecureTransport("s3", [this.bucket.arn, `${this.bucket.arn}/*`])]),
    });
    new TerraformOutput(this, "state_bucket", { value: this.bucket.bucket });
    // The region the monitoring stack's S3 backend block names; a pipeline with its own backend settings needs it too.
    new TerraformOutput(this, "state_bucket_region", { value: this.bucket.region });
  }
}
