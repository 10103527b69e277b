/**
 * Closed lists of values AWS accepts, used by the configuration schema so that a typo fails at synth time
 * instead of at `terraform apply`.
 */

/** Regions where CloudTrail, CloudWatch Logs, EventBridge, SNS and Secrets Manager are all available. */
export const AWS_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "af-south-1",
  "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ca-central-1", "ca-west-1",
  "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
  "eu-south-1", "eu-south-2", "eu-north-1",
  "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
  "us-gov-east-1", "us-gov-west-1",
  "cn-north-1", "cn-northwest-1",
] as const;

/**
 * Regions every account has enabled without opting in: AWS Account Management, "Enable or disable AWS Regions in
 * your account" — Regions introduced before March 20, 2019 are enabled by default; later ones must be enabled (an
 * opt-in Region not enabled refuses every call, so a rule there cannot even be created). What `"all"` means for
 * `realtimeAlerts.regions`: name opt-in Regions explicitly once enabled.
 */
export const DEFAULT_ENABLED_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2",
  "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
  "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1",
] as const;

/** The only values `PutRetentionPolicy` accepts (days). Terraform's `0` means "never expire", which we refuse. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The partition a region belongs to; ARNs built by hand must use it or IAM conditions never match. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** DNS suffix of the console for a partition, for links in alert messages. */
export function consoleHostOf(region: string): string {
  const partition = partitionOf(region);
  if (partition === "aws-cn") return `console.amazonaws.cn`;
  if (partition === "aws-us-gov") return `console.amazonaws-us-gov.com`;
  return `${region}.console.aws.amazon.com`;
}

/**
 * S3 bucket naming rules (general purpose buckets): 3–63 characters, lower-case letters, digits, dots and
 * hyphens, starting and ending with a letter or digit, no `..`, not shaped like an IP address, none of the
 * reserved prefixes and suffixes. Returns the broken rule, or undefined when the name is valid.
 */
export function s3BucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return "may contain only lower-case letters, digits, '.' and '-', and must start and end with a letter or digit";
  }
  if (name.includes("..")) return "must not contain two adjacent periods";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return "must not be formatted as an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "must not start with xn--, sthree- or amzn-s3-demo-";
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return "must not end with a reserved S3 suffix";
  return undefined;
}
