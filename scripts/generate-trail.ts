/**
 * Generates a day of CloudTrail management events, gzipped as CloudTrail writes them, shaped like a real account's
 * so that a benchmark costs what a synced bucket costs: a few hundred principals (application, Lambda, ECS and
 * node roles, people through SSO and the console, a deployer, AWS service roles and AWS services themselves), each
 * with its sessions, access keys, addresses and user agents, calling a real mix of APIs (STS and KMS first, then
 * EC2, S3 bucket, Logs, SSM, ECR, IAM, … reads; a few writes, errors and service events), with random request
 * and event ids, TLS details and S3's request ids. Secret and parameter reads are there in realistic proportion
 * (ECS and Lambda read their configuration at start), as are a few denied reads. Seeded: the same output each run.
 *
 * Usage: tsx scripts/generate-trail.ts <out> [records] [recordsPerFile]
 *   <out> ending in .json.gz: one log file holding every record (the worst case for memory);
 *   otherwise a directory tree AWSLogs/<account>/CloudTrail/us-east-1/2026/11/20/*.json.gz of log files.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createGzip } from "node:zlib";

export const account = "111122223333";
const region = "us-east-1";
const dayStart = Date.parse("2026-11-20T00:00:00Z");

// ---------- seeded randomness (mulberry32) ----------
let seed = 0x5eed1234;
function rand(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const chars = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[int(alphabet.length)]).join("");
const HEX = "0123456789abcdef";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const uuid = () => `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-${pick(["8", "9", "a", "b"])}${chars(HEX, 3)}-${chars(HEX, 12)}`;
/** Picks by weight: [[weight, value], …]. */
function weighted<T>(table: readonly (readonly [number, T])[]): () => T {
  const total = table.reduce((n, [w]) => n + w, 0);
  return () => {
    let r = rand() * total;
    for (const [w, v] of table) if ((r -= w) < 0) return v;
    return table[table.length - 1][1];
  };
}
/** Index into n items, item k chosen with weight 1/(k+1)^s: a few busy callers, a long tail. */
function zipf(n: number, s: number): () => number {
  const cdf: number[] = [];
  let sum = 0;
  for (let k = 0; k < n; k++) cdf.push((sum += 1 / Math.pow(k + 1, s)));
  return () => {
    const r = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

// ---------- vocabulary ----------
const services = ["orders", "billing", "catalog", "search", "auth", "payments", "notifications", "reports", "inventory", "shipping", "ledger", "profile"];
const envs = ["prod", "staging"];
const buckets = [...services.map((s) => `acme-${s}-data`), "acme-terraform-state", "acme-cloudtrail-logs", "acme-static-assets", "acme-backups", "acme-athena-results"];
const kmsKeys = Array.from({ length: 12 }, () => uuid());
const keyArn = (k: string) => `arn:aws:kms:${region}:${account}:key/${k}`;
const secrets = services.flatMap((s) => envs.map((e) => `${e}/${s}/db-credentials`)).concat(["prod/stripe/api-key", "prod/sendgrid/api-key"]);
const secretSuffix = new Map(secrets.map((s) => [s, chars(ALNUM, 6)]));
const secretArn = (s: string) => `arn:aws:secretsmanager:${region}:${account}:secret:${s}-${secretSuffix.get(s)}`;
const instances = Array.from({ length: 60 }, () => `i-0${chars(HEX, 16)}`);
const enis = Array.from({ length: 80 }, () => `eni-0${chars(HEX, 16)}`);
const logGroups = [...services.map((s) => `/ecs/${s}`), ...services.map((s) => `/aws/lambda/${s}-handler`), "/aws/eks/main/cluster"];
const clusters = ["main", "batch"];
const sdkJava = () => `aws-sdk-java/2.${20 + int(9)}.${int(60)} Linux/5.10.${200 + int(30)}-${200 + int(30)}.${800 + int(100)}.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.${int(12)}+${int(10)}-LTS Java/17.0.${int(12)} vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy`;
const boto = (env: string) => {
  const v = `1.34.${int(160)}`;
  return `Boto3/${v} md/Botocore#${v} ua/2.0 os/linux#5.10.${200 + int(30)}-${200 + int(30)}.${800 + int(100)}.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.${int(8)} md/pyimpl#CPython exec-env/${env} cfg/retry-mode#legacy Botocore/${v}`;
};
const goSdk = (api: string) => `aws-sdk-go-v2/1.${24 + int(8)}.${int(20)} os/linux lang/go#1.22.${int(8)} md/GOOS#linux md/GOARCH#amd64 api/${api}#1.${100 + int(90)}.${int(12)}`;
const jsSdk = () => `aws-sdk-js/3.${500 + int(200)}.0 ua/2.1 os/linux#5.10.${200 + int(30)}-${200 + int(30)}.${800 + int(100)}.amzn2.x86_64 lang/js md/nodejs#20.${int(18)}.0 api/client#3.${500 + int(200)}.0 exec-env/AWS_Lambda_nodejs20.x`;
const cli = (cmd: string) => `aws-cli/2.${13 + int(10)}.${int(40)} md/awscrt#0.${19 + int(4)}.${int(10)} ua/2.0 os/macos#23.${int(7)}.0 md/arch#arm64 lang/python#3.11.${int(10)} md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${cmd}`;
const browsers = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:132.0) Gecko/20100101 Firefox/132.0",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
];
const terraformUa = (api: string) =>
  `APN/1.0 HashiCorp/1.0 Terraform/1.9.${int(8)} (+https://www.terraform.io) terraform-provider-aws/5.${70 + int(10)}.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.${int(6)} ua/2.1 os/linux lang/go#1.23.${int(4)} md/GOOS#linux md/GOARCH#amd64 api/${api}#1.${30 + int(60)}.${int(9)}`;
const publicIp = () => `${pick([3, 18, 34, 44, 52, 54, 35, 100, 198, 203, 81, 92])}.${int(256)}.${int(256)}.${1 + int(254)}`;
const privateIp = () => `10.${int(4)}.${int(64)}.${1 + int(254)}`;

// ---------- callers ----------
type Obj = Record<string, unknown>;
interface Caller {
  readonly identity: Obj;
  /** sourceIPAddress and userAgent of this caller's calls (fixed per session, as for a real process). */
  readonly ip: () => string;
  readonly ua: (source: string, name: string) => string;
  readonly calls: () => Call;
  readonly console?: boolean;
}
interface Call {
  source: string;
  name: string;
  params?: Obj | null;
  response?: Obj | null;
  resources?: Obj[];
  readOnly?: boolean;
  extra?: Obj;
}

function assumedRole(role: string, session: string, path = ""): Obj {
  const roleId = `AROA${chars(UPPER, 17)}`;
  return {
    type: "AssumedRole",
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: `ASIA${chars(UPPER, 16)}`,
    sessionContext: {
      sessionIssuer: { type: "Role", principalId: roleId, arn: `arn:aws:iam::${account}:role/${path}${role}`, accountId: account, userName: role },
      attributes: { creationDate: new Date(dayStart - int(3_600_000)).toISOString().replace(/\.\d{3}Z$/, "Z"), mfaAuthenticated: "false" },
    },
  };
}

const tls = (host: string): Obj => (host.startsWith("s3.") || host.startsWith("sts.") ? { tlsVersion: "TLSv1.2", cipherSuite: "ECDHE-RSA-AES128-GCM-SHA256", clientProvidedHostHeader: host } : { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: host });
/** Each service writes its own record version. */
const versionOf = (source: string) => ["1.08", "1.09", "1.10", "1.11"][source.length % 4];

/** A caller's repertoire: [[weight, () => call], …]. */
function callsOf(table: readonly (readonly [number, () => Call])[]): () => Call {
  const choose = weighted(table);
  return () => choose()();
}

// The calls each kind of caller makes, by weight.
const kmsDecrypt = (context: Obj): Call => {
  const k = pick(kmsKeys);
  return { source: "kms.amazonaws.com", name: "Decrypt", params: { encryptionAlgorithm: "SYMMETRIC_DEFAULT", encryptionContext: context }, resources: [{ accountId: account, type: "AWS::KMS::Key", ARN: keyArn(k) }] };
};
const ssmRead = (svc: string, env: string): Call =>
  rand() < 0.6
    ? { source: "ssm.amazonaws.com", name: "GetParameter", params: { name: `/${env}/${svc}/${pick(["db/host", "feature-flags", "log-level", "db/password"])}`, ...(rand() < 0.4 ? { withDecryption: true } : {}) } }
    : { source: "ssm.amazonaws.com", name: "GetParameters", params: { names: [`/${env}/${svc}/db/host`, `/${env}/${svc}/db/password`], withDecryption: true } };
const secretRead = (svc: string, env: string): Call => {
  const s = `${env}/${svc}/db-credentials`;
  return { source: "secretsmanager.amazonaws.com", name: "GetSecretValue", params: { secretId: rand() < 0.5 ? s : secretArn(s) } };
};

function appCalls(svc: string, env: string): () => Call {
  return callsOf([
    [30, () => kmsDecrypt({ "aws:s3:arn": `arn:aws:s3:::acme-${svc}-data/${pick(["exports", "uploads", "cache", "events"])}/2026/11/20/${chars(HEX, 8)}.json` })],
    [10, () => ({ source: "kms.amazonaws.com", name: "GenerateDataKey", params: { keyId: `alias/${svc}`, keySpec: "AES_256", encryptionContext: { "aws:s3:arn": `arn:aws:s3:::acme-${svc}-data` } }, resources: [{ accountId: account, type: "AWS::KMS::Key", ARN: keyArn(pick(kmsKeys)) }] })],
    [8, () => ({ source: "sts.amazonaws.com", name: "GetCallerIdentity", params: null })],
    [3, () => ssmRead(svc, env)],
    [1, () => secretRead(svc, env)],
    [3, () => ({ source: "secretsmanager.amazonaws.com", name: "DescribeSecret", params: { secretId: `${env}/${svc}/db-credentials` } })],
    [6, () => ({ source: "logs.amazonaws.com", name: "CreateLogStream", params: { logGroupName: `/ecs/${svc}`, logStreamName: `${svc}/${svc}/${chars(HEX, 32)}` } })],
    [5, () => ({ source: "ec2.amazonaws.com", name: "DescribeTags", params: { filterSet: { items: [{ name: "resource-id", valueSet: { items: [{ value: pick(instances) }] } }] } } })],
    [4, () => ({ source: "sqs.amazonaws.com", name: "GetQueueAttributes", params: { queueUrl: `https://sqs.${region}.amazonaws.com/${account}/${svc}-events`, attributeNames: ["All"] } })],
    [4, () => ({ source: "dynamodb.amazonaws.com", name: "DescribeTable", params: { tableName: `${svc}-${env}` } })],
    [3, () => ({ source: "s3.amazonaws.com", name: "GetBucketLocation", params: { bucketName: `acme-${svc}-data`, Host: `acme-${svc}-data.s3.amazonaws.com`, location: "" } })],
    [2, () => ({ source: "sts.amazonaws.com", name: "AssumeRole", params: { roleArn: `arn:aws:iam::${account}:role/${svc}-cross`, roleSessionName: `${svc}-${int(1e9)}`, durationSeconds: 3600 }, readOnly: true })],
    [1, () => ({ source: "ecr.amazonaws.com", name: "GetAuthorizationToken", params: null })],
  ]);
}

function nodeCalls(): () => Call {
  return callsOf([
    [20, () => ({ source: "ec2.amazonaws.com", name: "DescribeNetworkInterfaces", params: { networkInterfaceIdSet: { items: [{ networkInterfaceId: pick(enis) }] } } })],
    [12, () => ({ source: "ec2.amazonaws.com", name: "DescribeInstances", params: { instancesSet: { items: [{ instanceId: pick(instances) }] }, filterSet: {} } })],
    [6, () => ({ source: "ec2.amazonaws.com", name: "AssignPrivateIpAddresses", params: { networkInterfaceId: pick(enis), secondaryPrivateIpAddressCount: 1 + int(4) }, response: { requestId: uuid(), _return: true, assignedPrivateIpAddressesSet: { items: [{ privateIpAddress: privateIp() }] } }, readOnly: false })],
    [10, () => ({ source: "ecr.amazonaws.com", name: "GetAuthorizationToken", params: null })],
    [8, () => ({ source: "autoscaling.amazonaws.com", name: "DescribeAutoScalingGroups", params: { maxRecords: 100 } })],
    [6, () => ({ source: "elasticloadbalancing.amazonaws.com", name: "DescribeTargetHealth", params: { targetGroupArn: `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/k8s-${pick(services)}-${chars(HEX, 10)}/${chars(HEX, 16)}` } })],
    [5, () => ({ source: "eks.amazonaws.com", name: "DescribeCluster", params: { name: pick(clusters) } })],
    [4, () => ({ source: "ssm.amazonaws.com", name: "UpdateInstanceInformation", params: { instanceId: pick(instances), agentVersion: "3.3.987.0", agentStatus: "Active", platformType: "Linux", platformName: "Amazon Linux", platformVersion: "2023", iPAddress: privateIp(), computerName: `ip-10-0-${int(64)}-${int(255)}.ec2.internal`, agentName: "amazon-ssm-agent", availabilityZone: `${region}${pick(["a", "b", "c"])}`, availabilityZoneId: `use1-az${1 + int(6)}` }, readOnly: false })],
    [4, () => ({ source: "ssm.amazonaws.com", name: "ListInstanceAssociations", params: { instanceId: pick(instances), maxResults: 50 } })],
    [3, () => ({ source: "ec2messages.amazonaws.com", name: "GetMessages", params: { destination: pick(instances), messagesRequestId: uuid(), visibilityTimeoutInSeconds: 10 } })],
  ]);
}

function configCalls(): () => Call {
  return callsOf([
    [10, () => ({ source: "s3.amazonaws.com", name: pick(["GetBucketAcl", "GetBucketPolicy", "GetBucketVersioning", "GetBucketEncryption", "GetBucketPublicAccessBlock", "GetBucketLogging"]), params: { bucketName: pick(buckets), Host: "s3.amazonaws.com" } })],
    [8, () => ({ source: "ec2.amazonaws.com", name: pick(["DescribeSecurityGroups", "DescribeSubnets", "DescribeVpcs", "DescribeRouteTables", "DescribeNetworkAcls", "DescribeVolumes"]), params: { maxResults: 1000 } })],
    [6, () => ({ source: "iam.amazonaws.com", name: pick(["GetRole", "ListAttachedRolePolicies", "ListRolePolicies", "GetPolicy", "GetPolicyVersion", "ListUsers"]), params: { roleName: `${pick(services)}-task` } })],
    [3, () => ({ source: "kms.amazonaws.com", name: pick(["DescribeKey", "GetKeyRotationStatus", "ListResourceTags"]), params: { keyId: pick(kmsKeys) } })],
    [2, () => ({ source: "secretsmanager.amazonaws.com", name: "DescribeSecret", params: { secretId: secretArn(pick(secrets)) } })],
    [2, () => ({ source: "lambda.amazonaws.com", name: "GetFunction20150331v2", params: { functionName: `${pick(services)}-handler` } })],
    [2, () => ({ source: "rds.amazonaws.com", name: "DescribeDBInstances", params: { dBInstanceIdentifier: `${pick(services)}-${pick(envs)}` } })],
  ]);
}

function humanCalls(): () => Call {
  const svc = pick(services);
  return callsOf([
    [10, () => ({ source: "ec2.amazonaws.com", name: pick(["DescribeInstances", "DescribeInstanceStatus", "DescribeSecurityGroups", "DescribeAddresses"]), params: { maxResults: 50, filterSet: {} } })],
    [8, () => ({ source: "monitoring.amazonaws.com", name: pick(["GetMetricData", "DescribeAlarms", "ListMetrics"]), params: { maxDatapoints: 1440, startTime: "Nov 19, 2026, 11:00:00 PM", endTime: "Nov 20, 2026, 11:00:00 PM" } })],
    [6, () => ({ source: "logs.amazonaws.com", name: pick(["DescribeLogGroups", "FilterLogEvents", "StartQuery", "GetQueryResults"]), params: { logGroupName: pick(logGroups), limit: 50 } })],
    [5, () => ({ source: "s3.amazonaws.com", name: pick(["ListBuckets", "GetBucketLocation", "GetBucketTagging"]), params: { Host: "s3.amazonaws.com" } })],
    [4, () => ({ source: "cloudformation.amazonaws.com", name: pick(["DescribeStacks", "ListStacks", "DescribeStackEvents"]), params: { stackName: `${svc}-${pick(envs)}` } })],
    [3, () => ({ source: "iam.amazonaws.com", name: pick(["ListRoles", "GetAccountSummary", "ListPolicies"]), params: { maxItems: 100 } })],
    [2, () => ({ source: "secretsmanager.amazonaws.com", name: pick(["ListSecrets", "DescribeSecret", "GetResourcePolicy"]), params: { secretId: pick(secrets) } })],
    [1, () => secretRead(svc, pick(envs))],
    [1, () => ({ source: "ssm.amazonaws.com", name: "DescribeParameters", params: { maxResults: 50 } })],
    [1, () => ({ source: "ssm.amazonaws.com", name: "GetParametersByPath", params: { path: `/${pick(envs)}/${svc}`, recursive: true, withDecryption: rand() < 0.5 } })],
    [1, () => ({ source: "ecs.amazonaws.com", name: "UpdateService", params: { cluster: pick(clusters), service: svc, forceNewDeployment: true }, response: { service: { serviceArn: `arn:aws:ecs:${region}:${account}:service/${pick(clusters)}/${svc}`, status: "ACTIVE", desiredCount: 2 + int(6) } }, readOnly: false })],
  ]);
}

function deployerCalls(): () => Call {
  return callsOf([
    [10, () => ({ source: "iam.amazonaws.com", name: pick(["GetRole", "GetRolePolicy", "ListAttachedRolePolicies", "GetPolicy", "GetPolicyVersion"]), params: { roleName: `${pick(services)}-task`, policyArn: `arn:aws:iam::${account}:policy/${pick(services)}-access` } })],
    [8, () => ({ source: "s3.amazonaws.com", name: pick(["GetBucketPolicy", "GetBucketAcl", "GetBucketCors", "GetBucketWebsite", "GetBucketVersioning", "GetAccelerateConfiguration", "GetBucketRequestPayment", "GetBucketLogging", "GetLifecycleConfiguration", "GetBucketReplication", "GetBucketEncryption", "GetBucketObjectLockConfiguration", "GetBucketTagging"]), params: { bucketName: pick(buckets), Host: "s3.amazonaws.com" } })],
    [6, () => ({ source: "ec2.amazonaws.com", name: pick(["DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups", "DescribeSecurityGroupRules", "DescribeVpcAttribute"]), params: { maxResults: 1000 } })],
    [4, () => ({ source: "logs.amazonaws.com", name: pick(["DescribeLogGroups", "ListTagsForResource", "DescribeMetricFilters"]), params: { logGroupNamePrefix: pick(logGroups) } })],
    [3, () => ({ source: "monitoring.amazonaws.com", name: pick(["DescribeAlarms", "ListTagsForResource"]), params: { alarmNames: [`${pick(services)}-errors`] } })],
    [3, () => ({ source: "kms.amazonaws.com", name: pick(["DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "ListResourceTags"]), params: { keyId: keyArn(pick(kmsKeys)) } })],
    [2, () => ({ source: "secretsmanager.amazonaws.com", name: pick(["DescribeSecret", "GetResourcePolicy"]), params: { secretId: secretArn(pick(secrets)) } })],
    [1, () => ({ source: "secretsmanager.amazonaws.com", name: "GetSecretValue", params: { secretId: secretArn(pick(secrets)) } })],
    [1, () => ({ source: "events.amazonaws.com", name: pick(["DescribeRule", "ListTargetsByRule", "ListTagsForResource"]), params: { name: `${pick(services)}-schedule` } })],
    [1, () => ({ source: "iam.amazonaws.com", name: "PutRolePolicy", params: { roleName: `${pick(services)}-task`, policyName: "access", policyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: `arn:aws:s3:::${pick(buckets)}/*` }] }) }, readOnly: false })],
  ]);
}

/** Calls AWS services make themselves, signed as the service. */
function serviceCalls(): Call & { by: string } {
  const by = weighted<string>([[40, "lambda.amazonaws.com"], [25, "ecs-tasks.amazonaws.com"], [20, "ec2.amazonaws.com"], [10, "cloudtrail.amazonaws.com"], [5, "s3.amazonaws.com"]])();
  if (by === "cloudtrail.amazonaws.com") {
    return { by, source: "kms.amazonaws.com", name: "GenerateDataKey", params: { keyId: keyArn(kmsKeys[0]), keySpec: "AES_256", encryptionContext: { "aws:cloudtrail:arn": `arn:aws:cloudtrail:${region}:${account}:trail/org-trail`, "aws:s3:arn": `arn:aws:s3:::acme-cloudtrail-logs/AWSLogs/${account}/CloudTrail/${region}/2026/11/20/${account}_CloudTrail_${region}_20261120T${chars("0123456789", 4)}Z_${chars(ALNUM, 16)}.json.gz` } }, resources: [{ accountId: account, type: "AWS::KMS::Key", ARN: keyArn(kmsKeys[0]) }] };
  }
  if (by === "s3.amazonaws.com") return { by, ...kmsDecrypt({ "aws:s3:arn": `arn:aws:s3:::${pick(buckets)}` }) };
  const svc = pick(services);
  const role = by === "lambda.amazonaws.com" ? `${svc}-handler-role` : by === "ec2.amazonaws.com" ? "eks-node-role" : `${svc}-task`;
  const session = by === "lambda.amazonaws.com" ? `${svc}-handler` : by === "ec2.amazonaws.com" ? pick(instances) : chars(HEX, 32);
  return {
    by,
    source: "sts.amazonaws.com",
    name: "AssumeRole",
    params: { roleArn: `arn:aws:iam::${account}:role/${role}`, roleSessionName: session, durationSeconds: by === "ec2.amazonaws.com" ? 21600 : 3600 },
    response: {
      credentials: { accessKeyId: `ASIA${chars(UPPER, 16)}`, expiration: "Nov 20, 2026, 6:00:00 PM" },
      assumedRoleUser: { assumedRoleId: `AROA${chars(UPPER, 17)}:${session}`, arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}` },
    },
    resources: [{ accountId: account, type: "AWS::IAM::Role", ARN: `arn:aws:iam::${account}:role/${role}` }],
    extra: { sharedEventID: uuid() },
  };
}

function makeCallers(): Caller[] {
  const callers: Caller[] = [];
  // Applications: ECS tasks (Java), Lambda functions (Python, Node), each a few sessions.
  for (const svc of services) {
    for (const env of envs) {
      for (let t = 0; t < 6; t++) {
        const task = chars(HEX, 32);
        const ua = sdkJava();
        const ip = privateIp();
        callers.push({ identity: assumedRole(`${svc}-task`, task), ip: () => ip, ua: () => ua, calls: appCalls(svc, env) });
      }
      for (let l = 0; l < 3; l++) {
        const ua = rand() < 0.5 ? boto(`AWS_Lambda_python3.12`) : jsSdk();
        const ip = publicIp();
        callers.push({ identity: assumedRole(`${svc}-handler-role`, `${svc}-handler`), ip: () => ip, ua: () => ua, calls: appCalls(svc, env) });
      }
    }
  }
  // Kubernetes nodes and controllers.
  for (const instance of instances) {
    const ip = privateIp();
    callers.push({ identity: assumedRole("eks-node-role", instance), ip: () => ip, ua: (src) => goSdk(src.split(".")[0]), calls: nodeCalls() });
  }
  // AWS Config and other service-linked roles, calling from the service's own address.
  for (const [role, svcHost] of [["AWSServiceRoleForConfig", "config.amazonaws.com"], ["AWSServiceRoleForSecurityHub", "securityhub.amazonaws.com"], ["AWSServiceRoleForTrustedAdvisor", "trustedadvisor.amazonaws.com"]]) {
    const identity = { ...assumedRole(role, role.replace("AWSServiceRoleFor", "AWS") + "-Describe", `aws-service-role/${svcHost}/`), invokedBy: svcHost };
    callers.push({ identity, ip: () => svcHost, ua: () => svcHost, calls: configCalls() });
  }
  // People: SSO roles in the console and the CLI.
  for (const person of ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]) {
    const role = pick(["AWSReservedSSO_AdministratorAccess_8a3c5e1f2b4d6a7c", "AWSReservedSSO_ReadOnlyAccess_1f2e3d4c5b6a7988", "AWSReservedSSO_DeveloperAccess_c4b3a29180f7e6d5"]);
    const identity = assumedRole(role, `${person}@acme.example`, `aws-reserved/sso.amazonaws.com/${region}/`);
    const browser = pick(browsers);
    const home = publicIp();
    callers.push({ identity, ip: () => home, ua: () => browser, calls: humanCalls(), console: true });
    callers.push({ identity: assumedRole(role, `${person}@acme.example`, `aws-reserved/sso.amazonaws.com/${region}/`), ip: () => home, ua: (src, name) => cli(`${src.split(".")[0]}.${name.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase()}`), calls: humanCalls() });
  }
  // The deployer, refreshing state from CI.
  for (let r = 0; r < 4; r++) {
    const ip = publicIp();
    callers.push({ identity: assumedRole("terraform-deployer", `ci-${chars("0123456789", 10)}`), ip: () => ip, ua: (src) => terraformUa(src.split(".")[0]), calls: deployerCalls() });
  }
  return callers;
}

const errors: [number, Obj][] = [
  [6, { errorCode: "AccessDenied", errorMessage: "User is not authorized to perform this operation" }],
  [3, { errorCode: "ThrottlingException", errorMessage: "Rate exceeded" }],
  [2, { errorCode: "ResourceNotFoundException", errorMessage: "Requested resource not found" }],
  [1, { errorCode: "Client.InvalidInstanceID.NotFound", errorMessage: "The instance ID does not exist" }],
];
const anError = weighted(errors);

let callers: Caller[] | undefined;
let whoCalls: (() => number) | undefined;
const recent: Caller[] = [];

/** The i-th of `count` records, spread over the day. */
export function record(i: number, count: number): Obj {
  if (!callers) {
    callers = makeCallers();
    // Busy callers of every kind: shuffle before ranking them.
    for (let k = callers.length - 1; k > 0; k--) {
      const j = int(k + 1);
      [callers[k], callers[j]] = [callers[j], callers[k]];
    }
    whoCalls = zipf(callers.length, 1.2);
  }
  const eventTime = new Date(dayStart + Math.floor((i / count) * 86_400_000)).toISOString().replace(/\.\d{3}Z$/, "Z");
  const base = (identity: Obj, call: Call, ip: string, ua: string, extra: Obj = {}): Obj => {
    const read = call.readOnly ?? /^(Get|List|Describe|Lookup|Head|Decrypt|GenerateDataKey)/.test(call.name);
    const error = rand() < 0.025 ? anError() : {};
    const s3 = call.source === "s3.amazonaws.com";
    return {
      eventVersion: versionOf(call.source),
      userIdentity: identity,
      eventTime,
      eventSource: call.source,
      eventName: call.name,
      awsRegion: region,
      sourceIPAddress: ip,
      userAgent: ua,
      ...error,
      requestParameters: call.params ?? null,
      responseElements: "errorCode" in error ? null : call.response ?? null,
      ...(s3 ? { additionalEventData: { SignatureVersion: "SigV4", CipherSuite: "TLS_AES_128_GCM_SHA256", bytesTransferredIn: 0, AuthenticationMethod: "AuthHeader", "x-amz-id-2": Buffer.from(Array.from({ length: 56 }, () => int(256))).toString("base64"), bytesTransferredOut: 100 + int(4000) } } : {}),
      requestID: s3 ? chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16) : uuid(),
      eventID: uuid(),
      readOnly: read,
      ...(call.resources ? { resources: call.resources } : {}),
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: account,
      ...call.extra,
      ...extra,
      eventCategory: "Management",
      ...(typeof ip === "string" && !ip.endsWith(".amazonaws.com") ? { tlsDetails: tls(`${call.source.replace(".amazonaws.com", "")}.${region}.amazonaws.com`) } : {}),
    };
  };
  // One record in six comes from AWS services themselves (role assumption, KMS for S3 and CloudTrail).
  if (rand() < 0.17) {
    const call = serviceCalls();
    const { by } = call;
    return base({ type: "AWSService", invokedBy: by }, call, by, by);
  }
  // Calls come in bursts: a process that just called is likely to call again.
  const caller = rand() < 0.6 && recent.length > 0 ? pick(recent) : callers[whoCalls!()];
  if (recent.length === 8) recent.shift();
  recent.push(caller);
  const call = caller.calls();
  return base(caller.identity, call, caller.ip(), caller.ua(call.source, call.name), caller.console ? { sessionCredentialFromConsole: "true" } : {});
}

/** Writes records [from, to) of `count` as one gzipped `{"Records":[…]}` file, compressed as CloudTrail does. */
async function writeLogFile(file: string, from: number, to: number, count: number): Promise<void> {
  const gzip = createGzip();
  const done = new Promise<void>((resolve, reject) => gzip.pipe(createWriteStream(file)).on("finish", resolve).on("error", reject));
  const write = (text: string) => (gzip.write(text) ? Promise.resolve() : new Promise<void>((r) => gzip.once("drain", () => r())));
  await write('{"Records":[');
  for (let i = from; i < to; i += 1000) {
    const batch: string[] = [];
    for (let j = i; j < Math.min(i + 1000, to); j++) batch.push(JSON.stringify(record(j, count)));
    await write((i === from ? "" : ",") + batch.join(","));
  }
  await write("]}");
  gzip.end();
  await done;
}

async function main() {
  const [out, countText, perFileText] = process.argv.slice(2);
  const fail = (message: string): never => {
    console.error(message);
    process.exit(2);
  };
  if (!out) fail("usage: tsx scripts/generate-trail.ts <out.json.gz | out-dir> [records] [recordsPerFile]");
  const count = Number(countText ?? 1_000_000);
  if (!Number.isInteger(count) || count < 1) fail(`records: ${countText} is not a positive whole number`);
  const perFile = Number(perFileText ?? 2_000);
  if (!Number.isInteger(perFile) || perFile < 1) fail(`recordsPerFile: ${perFileText} is not a positive whole number`);
  if (out.endsWith(".json.gz")) return writeLogFile(out, 0, count, count);
  const dir = join(out, "AWSLogs", account, "CloudTrail", region, "2026", "11", "20");
  mkdirSync(dir, { recursive: true });
  for (let from = 0, n = 0; from < count; from += perFile, n++) {
    const stamp = new Date(dayStart + Math.floor((from / count) * 86_400_000)).toISOString().replace(/[-:]|\.\d{3}/g, "").slice(0, 13);
    await writeLogFile(join(dir, `${account}_CloudTrail_${region}_${stamp}Z_${String(n).padStart(6, "0")}.json.gz`), from, Math.min(from + perFile, count), count);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`generate-trail: ${(err as Error).message}`);
    process.exit(1);
  });
}
