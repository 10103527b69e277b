/**
 * Checks over a synthesized stack's policies (cdk.tf.json): least privilege, and the links that silently drop
 * alerts when missing. Pure: no cdktf imports; used by the tests and usable on any synthesized stack.
 */

type Obj = Record<string, any>;

export interface PolicyRef {
  /** `aws_sns_topic_policy.AlertTopic_Policy_1234.policy` */
  readonly where: string;
  readonly statements: Obj[];
}

const POLICY_FIELDS: Record<string, string> = {
  aws_s3_bucket_policy: "policy",
  aws_sns_topic_policy: "policy",
  aws_sqs_queue_policy: "policy",
  aws_iam_role: "assume_role_policy",
  aws_iam_role_policy: "policy",
  aws_kms_key: "policy",
};

/** Every policy document in the stack, parsed. */
export function policiesOf(tf: Obj): PolicyRef[] {
  const out: PolicyRef[] = [];
  for (const [type, field] of Object.entries(POLICY_FIELDS)) {
    for (const [name, res] of Object.entries<Obj>(tf.resource?.[type] ?? {})) {
      if (typeof res[field] !== "string") continue;
      const doc = JSON.parse(res[field]);
      out.push({ where: `${type}.${name}.${field}`, statements: [].concat(doc.Statement ?? []) });
    }
  }
  return out;
}

/**
 * Service principals AWS documents as not presenting source keys to a kind of policy: "You can't use Condition
 * blocks in Amazon SNS topic policies for EventBridge" (EventBridge User Guide, eb-use-resource-based.html). Their
 * Allow there must be unconditioned; the policy must instead deny them wherever a source key is presented and
 * foreign. (The dead-letter queue's policy differs: eb-rule-dlq.html documents `aws:SourceArn` = the rule ARN.
 * The key policy's EventBridge-to-SNS rule is checked by `encryptedTopicProblems`.)
 */
export const SOURCE_KEYS_UNSUPPORTED: Record<string, readonly string[]> = {
  "events.amazonaws.com": ["aws_sns_topic_policy"],
};
const unsupportedHere = (service: string, where: string) => (SOURCE_KEYS_UNSUPPORTED[service] ?? []).some((t) => where.startsWith(`${t}.`));

/** A Deny for the service that applies only when a source key is present (`Null` false) and not this stack's. */
function guardedDeny(statements: Obj[], service: string): boolean {
  return statements.some(
    (d) =>
      d.Effect === "Deny" &&
      list(d.Principal?.Service).includes(service) &&
      Object.entries<string>(d.Condition?.Null ?? {}).some(([k, v]) => k.startsWith("aws:Source") && v === "false") &&
      Object.entries<Obj>(d.Condition ?? {}).some(([op, keys]) => op !== "Null" && /Not/.test(op) && Object.keys(keys).some((k) => k.startsWith("aws:Source"))),
  );
}

const list = (x: unknown): string[] => (x === undefined ? [] : Array.isArray(x) ? x : [x as string]);
const conditionKeys = (s: Obj): string[] => Object.values<Obj>(s.Condition ?? {}).flatMap((c) => Object.keys(c));

/** Least-privilege rules every statement must follow; returns one line per violation. */
export function leastPrivilegeProblems(tf: Obj): string[] {
  const problems: string[] = [];
  for (const { where, statements } of policiesOf(tf)) {
    for (const s of statements) {
      const id = `${where} ${s.Sid ?? "(no Sid)"}`;
      const principals = s.Principal === "*" ? ["*"] : [...list(s.Principal?.AWS), ...list(s.Principal?.Service)];
      if ((principals.includes("*") || s.Principal?.AWS === "*") && !s.Condition) problems.push(`${id}: "*" principal without a condition`);
      if (s.Effect === "Allow") {
        for (const a of list(s.Action)) if (a === "*" || /^[a-z0-9-]+:\*$/.test(a)) problems.push(`${id}: allows every action (${a})`);
      }
      const services = list(s.Principal?.Service);
      if (s.Effect === "Allow" && services.length > 0) {
        const keys = conditionKeys(s);
        const pinned = keys.some((k) => ["aws:SourceArn", "aws:SourceAccount"].includes(k) || k.startsWith("kms:EncryptionContext:"));
        const exempt = services.every((svc) => unsupportedHere(svc, where) && guardedDeny(statements, svc));
        if (!pinned && !exempt) problems.push(`${id}: service principal ${services.join(", ")} not restricted by aws:SourceArn, aws:SourceAccount or encryption context`);
        if (pinned && services.some((svc) => unsupportedHere(svc, where)) && keys.some((k) => k.startsWith("aws:Source"))) {
          problems.push(`${id}: ${services.join(", ")} is allowed only under source keys it does not present: every delivery fails`);
        }
      }
    }
  }
  const buckets = Object.keys(tf.resource?.aws_s3_bucket ?? {});
  const pabs = Object.values<Obj>(tf.resource?.aws_s3_bucket_public_access_block ?? {});
  if (pabs.length < buckets.length || pabs.some((p) => !(p.block_public_acls && p.block_public_policy && p.ignore_public_acls && p.restrict_public_buckets))) {
    problems.push("a bucket does not block all public access");
  }
  const bucketPolicies = policiesOf(tf).filter((p) => p.where.startsWith("aws_s3_bucket_policy."));
  if (bucketPolicies.length < buckets.length || bucketPolicies.some((p) => !p.statements.some((s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false"))) {
    problems.push("a bucket does not deny requests without TLS");
  }
  for (const [name, trail] of Object.entries<Obj>(tf.resource?.aws_cloudtrail ?? {})) {
    if (trail.enable_log_file_validation !== true) problems.push(`aws_cloudtrail.${name}: log file validation is off`);
  }
  for (const [name, group] of Object.entries<Obj>(tf.resource?.aws_cloudwatch_log_group ?? {})) {
    if (!group.retention_in_days) problems.push(`aws_cloudwatch_log_group.${name}: no retention set`);
  }
  return problems;
}

/**
 * An encrypted topic whose key policy lacks a publisher drops that publisher's alerts without a trace:
 * CloudWatch alarms, and EventBridge when rules target the topic, must be able to use the topic's key.
 */
export function encryptedTopicProblems(tf: Obj): string[] {
  const problems: string[] = [];
  const keys = tf.resource?.aws_kms_key ?? {};
  for (const [topicName, topic] of Object.entries<Obj>(tf.resource?.aws_sns_topic ?? {})) {
    const keyRef = /^\$\{aws_kms_key\.([^.]+)\.(arn|id|key_id)\}$/.exec(topic.kms_master_key_id ?? "");
    if (!topic.kms_master_key_id) continue;
    if (/alias\/aws\/sns/.test(topic.kms_master_key_id)) {
      problems.push(`aws_sns_topic.${topicName}: encrypted with alias/aws/sns, which CloudWatch alarms cannot publish under`);
      continue;
    }
    if (!keyRef || !keys[keyRef[1]]) continue;
    const statements: Obj[] = JSON.parse(keys[keyRef[1]].policy).Statement;
    const can = (service: string, withoutSourceKeys = false) =>
      statements.some(
        (s) =>
          s.Effect === "Allow" &&
          list(s.Principal?.Service).includes(service) &&
          ["kms:Decrypt", "kms:GenerateDataKey*"].every((a) => list(s.Action).includes(a)) &&
          !(withoutSourceKeys && conditionKeys(s).some((k) => k.startsWith("aws:Source"))),
      );
    const topicRef = `\${aws_sns_topic.${topicName}.arn}`;
    const alarmsPublish = Object.values<Obj>(tf.resource?.aws_cloudwatch_metric_alarm ?? {}).some((a) => list(a.alarm_actions).includes(topicRef));
    const rulesPublish = Object.values<Obj>(tf.resource?.aws_cloudwatch_event_target ?? {}).some((t) => t.arn === topicRef);
    if (alarmsPublish && !can("cloudwatch.amazonaws.com")) problems.push(`aws_sns_topic.${topicName}: key policy does not let CloudWatch alarms publish (kms:Decrypt, kms:GenerateDataKey*)`);
    // "Adding the aws:SourceAccount, aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for
    // EventBridge-to-encrypted topics" (SNS Developer Guide, sns-key-management.html).
    if (rulesPublish && !can("events.amazonaws.com", true)) problems.push(`aws_sns_topic.${topicName}: key policy does not let EventBridge publish (kms:Decrypt, kms:GenerateDataKey*) without source keys`);
  }
  return problems;
}
