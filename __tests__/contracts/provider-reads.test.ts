/**
 * What a `terraform plan` does to the monitor. terraform-provider-aws refreshes every managed resource on each
 * plan, apply and refresh; the API calls below are those of hashicorp/aws 5.100.0 (the version this project pins),
 * read from its Read functions (internal/service/<package>/, the binary's build at commit f7a3b98d; for
 * `aws_secretsmanager_secret_version`: resourceSecretVersionRead → findSecretVersionByTwoPartKey →
 * findSecretVersion → `conn.GetSecretValue`, also when the value is write-only). The only one CloudTrail records
 * as a sensitive read is GetSecretValue on the demo secret (and on any secret whose version a pipeline manages).
 * The detections' verdict on that record is proven here: the configured deployment principal raises nothing on
 * either path; anyone else, and the deployer reading any other secret, still alerts.
 */
import { buildApp } from "../../src/app";
import { parseConfig } from "../../src/config/load";
import { evaluateRecord, modelOf, verdicts } from "../patterns/replay";
import { config } from "../helpers";
import { Testing } from "cdktf";
import { synthesizedJson } from "../synth-cache";
import { stackModel, StackModel } from "../../src/engines/stack-model";
import { MonitorConfigInput } from "../../src/config/schema";

/** Resource type → the API calls its refresh makes (provider 5.100.0), and whether CloudTrail logs a secret read. */
const REFRESH_CALLS: Record<string, { calls: string[]; sensitive: boolean }> = {
  aws_secretsmanager_secret_version: { calls: ["secretsmanager:GetSecretValue"], sensitive: true },
  aws_secretsmanager_secret: { calls: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"], sensitive: false },
  aws_kms_key: { calls: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus"], sensitive: false },
  aws_kms_alias: { calls: ["kms:ListAliases"], sensitive: false },
  aws_s3_bucket: { calls: ["s3:HeadBucket", "s3:GetBucketAcl", "s3:GetBucketPolicy", "s3:GetBucketVersioning", "s3:GetBucketEncryption", "…"], sensitive: false },
  aws_s3_bucket_policy: { calls: ["s3:GetBucketPolicy"], sensitive: false },
  aws_s3_bucket_versioning: { calls: ["s3:GetBucketVersioning"], sensitive: false },
  aws_s3_bucket_server_side_encryption_configuration: { calls: ["s3:GetBucketEncryption"], sensitive: false },
  aws_s3_bucket_public_access_block: { calls: ["s3:GetPublicAccessBlock"], sensitive: false },
  aws_s3_bucket_ownership_controls: { calls: ["s3:GetBucketOwnershipControls"], sensitive: false },
  aws_s3_bucket_lifecycle_configuration: { calls: ["s3:GetBucketLifecycleConfiguration"], sensitive: false },
  aws_cloudtrail: { calls: ["cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:GetInsightSelectors"], sensitive: false },
  aws_cloudwatch_log_group: { calls: ["logs:DescribeLogGroups"], sensitive: false },
  aws_cloudwatch_log_metric_filter: { calls: ["logs:DescribeMetricFilters"], sensitive: false },
  aws_cloudwatch_metric_alarm: { calls: ["cloudwatch:DescribeAlarms"], sensitive: false },
  aws_cloudwatch_dashboard: { calls: ["cloudwatch:GetDashboard"], sensitive: false },
  // internal/service/cloudwatch/contributor_insight_rule.go: Read → findContributorInsightRuleByName →
  // DescribeInsightRules (paginated, filtered by name); tags through the @Tags transparent tagging.
  aws_cloudwatch_contributor_insight_rule: { calls: ["cloudwatch:DescribeInsightRules", "cloudwatch:ListTagsForResource"], sensitive: false },
  aws_sns_topic: { calls: ["sns:GetTopicAttributes"], sensitive: false },
  aws_sns_topic_policy: { calls: ["sns:GetTopicAttributes"], sensitive: false },
  aws_sns_topic_subscription: { calls: ["sns:GetSubscriptionAttributes"], sensitive: false },
  aws_sqs_queue: { calls: ["sqs:GetQueueAttributes"], sensitive: false },
  aws_sqs_queue_policy: { calls: ["sqs:GetQueueAttributes"], sensitive: false },
  aws_cloudwatch_event_rule: { calls: ["events:DescribeRule"], sensitive: false },
  aws_cloudwatch_event_target: { calls: ["events:ListTargetsByRule"], sensitive: false },
  aws_iam_role: { calls: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"], sensitive: false },
  aws_iam_role_policy: { calls: ["iam:GetRolePolicy"], sensitive: false },
  // The random provider's resource makes no AWS call.
  random_string: { calls: [], sensitive: false },
};
const DATA_SOURCES: Record<string, { calls: string[]; sensitive: boolean }> = {
  aws_caller_identity: { calls: ["sts:GetCallerIdentity"], sensitive: false },
};

const ACCOUNT = "111122223333";
const DEPLOYER_ROLE = `arn:aws:iam::${ACCOUNT}:role/terraform-deployer`;
const DEPLOYER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/terraform-deployer/ci-run-4711`;
/** The User-Agent terraform-provider-aws 5.100.0 sends under Terraform 1.11 (StdUserAgentProducts, internal/conns). */
const PROVIDER_UA =
  "APN/1.0 HashiCorp/1.0 Terraform/1.11.4 (+https://www.terraform.io) terraform-provider-aws/5.100.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.36.3 ua/2.1 os/linux lang/go#1.23.10 md/GOOS#linux md/GOARCH#amd64 api/secretsmanager#1.35.5 m/g";

/** A GetSecretValue as CloudTrail records it (secretsmanager cloudtrail_log_entries.html), by a role session. */
function getSecretValue(secretId: string, sessionArn: string, userAgent = PROVIDER_UA): Record<string, unknown> {
  const [, role, session] = /assumed-role\/([^/]+)\/(.+)$/.exec(sessionArn)!;
  return {
    eventVersion: "1.10",
    userIdentity: {
      type: "AssumedRole",
      principalId: `AROAEXAMPLEDEPLOY:${session}`,
      arn: sessionArn,
      accountId: ACCOUNT,
      accessKeyId: "ASIAEXAMPLEDEPLOY",
      sessionContext: {
        sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEDEPLOY", arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role },
        attributes: { creationDate: "2026-11-20T13:00:00Z", mfaAuthenticated: "false" },
      },
    },
    eventTime: "2026-11-20T14:03:27Z",
    eventSource: "secretsmanager.amazonaws.com",
    eventName: "GetSecretValue",
    awsRegion: "us-east-1",
    sourceIPAddress: "198.51.100.20",
    userAgent,
    // The provider reads the version it manages: secret_id (the ARN, from aws_secretsmanager_secret.id) and its version id.
    requestParameters: { secretId, versionId: "EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE" },
    responseElements: null,
    requestID: "6c1f2a0e-8f1b-4d52-9a1e-1f7b5e1c2d3a",
    eventID: "8e1f2a0e-8f1b-4d52-9a1e-1f7b5e1c2d3b",
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
  };
}

const DEMO_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:sam-test0001-Ab12Cd`;

/**
 * The stack as Terraform applies it: the demo secret's ARN (a reference in the patterns, known once the secret
 * exists) replaced by the ARN AWS gave it.
 */
function appliedModel(overrides: Partial<MonitorConfigInput>): StackModel {
  const json = synthesizedJson("applied", config(overrides));
  return stackModel(JSON.parse(json.replace(/\$\{aws_secretsmanager_secret\.[A-Za-z0-9_]+\.arn\}/g, DEMO_ARN)));
}
const OTHER_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-Zz99Yy`;

describe("provider reads: what a terraform plan calls", () => {
  test("every resource and data source type the stacks manage, in every variant, has its refresh calls listed", () => {
    const types = new Set<string>();
    const data = new Set<string>();
    for (const overrides of [
      {},
      { encryption: { mode: "aws-managed" as const }, cisAlarms: { enabled: true } },
      { suffix: undefined },
      { trail: { bucketExpirationDays: 90 } },
      { decoys: { secrets: [{ name: "prod/payments/stripe-live-key" }], parameters: [{ name: "/prod/x" }] }, harvesting: { enabled: true } },
    ]) {
      const tf = JSON.parse(synthesizedJson("types", config(overrides)));
      Object.keys(tf.resource ?? {}).forEach((t) => types.add(t));
      Object.keys(tf.data ?? {}).forEach((t) => data.add(t));
    }
    const { bootstrap } = buildApp(
      parseConfig({ alertEmails: ["oncall@example.com"], suffix: "test0001", backend: { type: "s3", bucket: "sam-tfstate-example" } }),
      Testing.app(),
    );
    const bootstrapTf = JSON.parse(Testing.synth(bootstrap!));
    Object.keys(bootstrapTf.resource ?? {}).forEach((t) => types.add(t));
    Object.keys(bootstrapTf.data ?? {}).forEach((t) => data.add(t));
    expect([...types].filter((t) => !(t in REFRESH_CALLS))).toEqual([]);
    expect([...data].filter((t) => !(t in DATA_SOURCES))).toEqual([]);
    // Exactly one managed type reads a secret value on refresh.
    expect([...types].filter((t) => REFRESH_CALLS[t].sensitive)).toEqual(["aws_secretsmanager_secret_version"]);
  });

  describe.each([
    ["every secret (catch-all)", {}],
    ["listed secrets (scoped)", { monitoredSecrets: [{ id: "prod/db", allowedReaders: [] }] }],
  ])("%s", (_name, scope: Partial<MonitorConfigInput>) => {
    let withDeployer: StackModel;
    let withoutDeployer: StackModel;
    beforeAll(() => {
      withDeployer = appliedModel({ ...scope, deployment: { principals: [DEPLOYER_ROLE], managedSecrets: [] } });
      withoutDeployer = appliedModel(scope);
    });

    test("the deployment principal's refresh of the demo secret raises no alert on either path", () => {
      expect(verdicts(evaluateRecord(withDeployer, getSecretValue(DEMO_ARN, DEPLOYER_SESSION)))).toEqual({ metric: "none", realtime: "none" });
    });

    test("without deployment.principals every plan pages: the refresh is a real GetSecretValue", () => {
      expect(verdicts(evaluateRecord(withoutDeployer, getSecretValue(DEMO_ARN, DEPLOYER_SESSION)))).toEqual({ metric: "read", realtime: "read" });
    });

    test("the same principal reading any other monitored secret still alerts", () => {
      expect(verdicts(evaluateRecord(withDeployer, getSecretValue(OTHER_ARN, DEPLOYER_SESSION)))).toEqual({ metric: "read", realtime: "read" });
      expect(verdicts(evaluateRecord(withDeployer, getSecretValue("prod/db", DEPLOYER_SESSION, "aws-cli/2.22.4")))).toEqual({ metric: "read", realtime: "read" });
    });

    test("anyone else reading the demo secret still alerts, whatever user agent they send", () => {
      const intruder = `arn:aws:sts::${ACCOUNT}:assumed-role/developer/dev-session`;
      expect(verdicts(evaluateRecord(withDeployer, getSecretValue(DEMO_ARN, intruder)))).toEqual({ metric: "read", realtime: "read" });
    });
  });

  test("catch-all: the exemption is the exact ARN the provider reads; a longer name, or the same name in another region, still alerts", () => {
    // (In scoped mode a secret is watched through its naming forms, and its refresh readers are exempt within them.)
    const model = appliedModel({ deployment: { principals: [DEPLOYER_ROLE], managedSecrets: [] } });
    for (const secretId of [
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:sam-test0001-prod-Ab12Cd`,
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:sam-test0001-prod`,
      `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:sam-test0001-Ab12Cd`,
      `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:sam-test0001-Zz99Yy`,
      "sam-test0001",
    ]) {
      expect({ secretId, ...verdicts(evaluateRecord(model, getSecretValue(secretId, DEPLOYER_SESSION))) }).toEqual({ secretId, metric: "read", realtime: "read" });
    }
  });

  test("a pipeline's own Terraform-managed secrets (deployment.managedSecrets) are quiet for the deployer only", () => {
    const managed = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/api-key-Qw12Er`;
    // The exact secret_id the pipeline's Terraform passes (usually the full ARN).
    const model = modelOf({ deployment: { principals: [DEPLOYER_ROLE], managedSecrets: [managed] } });
    expect(verdicts(evaluateRecord(model, getSecretValue(managed, DEPLOYER_SESSION)))).toEqual({ metric: "none", realtime: "none" });
    for (const near of ["prod/api-key", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/api-key`, `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/api-key-root-Ab12Cd`]) {
      expect({ near, ...verdicts(evaluateRecord(model, getSecretValue(near, DEPLOYER_SESSION))) }).toEqual({ near, metric: "read", realtime: "read" });
    }
    expect(verdicts(evaluateRecord(model, getSecretValue(managed, `arn:aws:sts::${ACCOUNT}:assumed-role/developer/x`)))).toEqual({ metric: "read", realtime: "read" });
    expect(verdicts(evaluateRecord(model, getSecretValue(OTHER_ARN, DEPLOYER_SESSION)))).toEqual({ metric: "read", realtime: "read" });
  });
});

describe("provider reads: decoys", () => {
  const DECOY_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/payments/stripe-live-key-Xy98Zw`;
  let model: StackModel;
  let tf: Record<string, any>;
  beforeAll(() => {
    tf = JSON.parse(
      synthesizedJson(
        "decoys",
        config({ deployment: { principals: [DEPLOYER_ROLE], managedSecrets: [] }, decoys: { secrets: [{ name: "prod/payments/stripe-live-key" }], parameters: [{ name: "/prod/payments/root-db-password" }] } }),
      ),
    );
    model = stackModel(tf);
  });

  test("no decoy has a version or parameter resource: nothing Terraform refreshes reads a decoy's value", () => {
    const decoyIds = Object.entries<any>(tf.resource.aws_secretsmanager_secret).filter(([, s]) => s.provider === "aws.decoys").map(([id]) => id);
    expect(decoyIds).toHaveLength(1);
    const versions = Object.values<any>(tf.resource.aws_secretsmanager_secret_version ?? {});
    expect(versions.filter((v) => decoyIds.some((id) => String(v.secret_id).includes(id)))).toEqual([]);
    // aws_ssm_parameter refreshes with GetParameter WithDecryption=true (resourceParameterRead → findParameterByName(…, true)).
    expect(tf.resource.aws_ssm_parameter).toBeUndefined();
  });

  test("the refresh of a decoy secret (DescribeSecret, GetResourcePolicy by the deployer) raises no decoy alert", () => {
    for (const eventName of ["DescribeSecret", "GetResourcePolicy"]) {
      const record = { ...getSecretValue(DECOY_ARN, DEPLOYER_SESSION), eventName };
      const v = evaluateRecord(model, record);
      expect({ eventName, metrics: v.metrics, rules: v.rules.map((r) => r.rule) }).toEqual({ eventName, metrics: [], rules: [] });
    }
  });

  test("the deployer reading a decoy's value is a critical decoy alert on both paths: no refresh exemption applies", () => {
    const v = evaluateRecord(model, getSecretValue(DECOY_ARN, DEPLOYER_SESSION));
    expect(v.metrics).toContain("sam-test0001-decoy-reads");
    expect(v.rules.map((r) => r.rule)).toContain("sam-test0001-decoy-read");
  });
});
