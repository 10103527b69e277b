/**
 * Calls that would blind, silence or redirect the monitor: one detection, rendered on both paths (metric filter and
 * real-time rules), each call scoped to this monitor's resources by the request field that names the resource, and
 * refused attempts scoped by what a refused record carries.
 *
 * Where the resource is named (sources checked for every call; CloudTrail writes `requestParameters` with the API's
 * parameter names in lowerCamelCase: "These parameters are documented in the API reference documentation for the
 * appropriate AWS service", CloudTrail User Guide, record contents,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html):
 * each call below cites its API reference page and, where AWS or a published capture shows one, a real record.
 *
 * Refused calls: a call refused by IAM is recorded with `requestParameters: null` and an `errorMessage` of the form
 * "User: <caller ARN> is not authorized to perform: <action> on resource: <resource> because …" — published
 * captures (github.com/adanalvarez/TrailDiscover, docs/logExamples) show it for events:DisableRule, DeleteRule and
 * RemoveTargets ("on resource: arn:aws:events:…:rule/<name>"), cloudwatch:DeleteAlarms ("…:alarm:<name>"),
 * logs:DeleteLogGroup ("…:log-group:<name>:log-stream:"), cloudtrail:StopLogging/DeleteTrail/UpdateTrail,
 * iam:PutRolePolicy/DeleteRolePolicy/AttachRolePolicy/DetachRolePolicy/UpdateAssumeRolePolicy/
 * PutRolePermissionsBoundary ("on resource: role <name>"), SNS ("SNS:ListTopics on resource: arn:aws:sns:…") and
 * KMS ("kms:CreateKey on resource: *"), each with `requestParameters: null`. CloudTrail: the field "includes
 * messages for authorization failures" (record contents page). S3 differs: its refusals say only "Access Denied"
 * and keep `requestParameters` (TrailDiscover's S3 ListBuckets refusal carries them; its PutBucketPolicy,
 * DeleteBucketPolicy, DeleteBucket and PutBucketVersioning records show `bucketName` kept on an error), so S3
 * refusals are scoped like successful calls.
 */
import { expandPrincipals, ReadBranch, ReadDetection, ResourceMatch, ServiceExemption } from "./sensitive-reads";
import { parameterMatchers } from "./parameter-names";
import { secretIdMatchers } from "./secret-ids";

export const TRAIL_TAMPERING = ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors"] as const;

export interface TamperScope {
  /**
   * `<namePrefix>-<suffix>`: the name every alarm, rule and topic of this monitor starts with (`<prefix>-…`), and
   * which the log group, the delivery role and the dead-letter queue contain.
   */
  readonly resourcePrefix: string;
  readonly logGroupName: string;
  /** The trail's bucket. */
  readonly bucketName: string;
  /** The role CloudTrail assumes to deliver to the log group. */
  readonly deliveryRoleName: string;
  /** The real-time path's dead-letter queue, when there is one. */
  readonly deadLetterQueueName?: string;
  /**
   * The monitor's own key, when it has one: its key ID and ARN as Terraform references (or literals), and the
   * partition and region its ARN will have, to measure patterns at their applied length.
   */
  readonly key?: { readonly id: string; readonly arn: string; readonly partition: string; readonly region: string };
  /** Principals whose changes are planned (e.g. the deployment role); their changes are not alerted on. */
  readonly allowedChangers: readonly string[];
  /**
   * The first-seen workflow, when there is one: its table, state machine and roles (its rules are `<prefix>-…`,
   * already covered by the EventBridge calls below).
   */
  readonly firstSeen?: { readonly tableName: string; readonly stateMachineName: string; readonly roleNames: readonly string[]; readonly logGroupName?: string };
  /** Decoy SecureString parameters (names): deleting or overwriting one, or relabelling its versions, alerts. */
  readonly decoyParameters?: readonly string[];
  /** Whether the harvesting detection's Contributor Insights rules (`<prefix>-harvest-…`) exist. */
  readonly insightRules?: boolean;
  /** Decoy secrets the monitor created (names): deleting one, or changing who may read it, blinds that decoy. */
  readonly decoySecrets?: readonly string[];
  /**
   * An organization's central bus (security account), whose calls the organization trail records like any
   * account's: its policy admits the member accounts' forwards.
   */
  readonly centralBusName?: string;
  /** This monitor's forwarding role of other regions (single account) or to the central bus: `<prefix>-forward-events`. */
  readonly forwardingRoleName?: string;
  /**
   * An organization's member forwarding StackSet: its rules (`<prefix>-fwd-*`) and roles (`memberForwardingRoleName`,
   * one per region) in every member account. Its own deployments there are not alerted on (`stackSetsDeployments`).
   */
  readonly memberForwarding?: {
    readonly partition: string;
    /** The roles' names as a wildcard: `<prefix>-fwd-*`. */
    readonly roleNames: string;
    /** Accounts where StackSets never deploys these (management account) or where no exemption is wanted (central). */
    readonly notExemptInAccounts: readonly string[];
  };
}

/**
 * The calls a service-managed StackSet makes in a target account: "By default, StackSets with service-managed
 * permissions creates an execution role named stacksets-exec-* in each target account" (CloudFormation User Guide,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-custom-execution-role.html; the
 * management account's StackSets role may assume only "arn:aws:iam::*:role/stacksets-exec-*",
 * CloudFormationStackSetsOrgAdminServiceRolePolicy), recorded as its sessions, and made by CloudFormation:
 * `invokedBy` is "The name of the AWS service that made the request … This field is only present when a request is
 * made by an AWS service" (CloudTrail userIdentity element,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html);
 * published records of stack operations carry `"invokedBy": "cloudformation.amazonaws.com"`.
 * Not in `exceptInAccounts`: StackSets never deploys to the management account, so a `stacksets-exec-*` role there
 * is someone else's; the central account keeps every change alerted.
 */
export function stackSetsDeployments(partition: string, exceptInAccounts: readonly string[]): ServiceExemption {
  return { arns: [`arn:${partition}:sts::*:assumed-role/stacksets-exec-*/*`], invokedBy: "cloudformation.amazonaws.com", exceptInAccounts };
}

/**
 * DeleteAlarms and DisableAlarmActions name up to 100 alarms (AlarmNames: "Maximum number of 100 items",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html). The filter checks
 * every index, so padding the list with other names hides nothing; over-long checks are split by index range.
 */
const ALARM_NAME_INDICES = 100;

/** A KMS key ID is a UUID or, for a multi-Region key, `mrk-` and 32 hex digits: 36 characters either way. */
const LONGEST_KEY_ID = "mrk-0123456789abcdef0123456789abcdef";

export const TAMPER_DETECTION_ID = "monitoring-changes";

export function tamperDetection(scope: TamperScope): ReadDetection {
  // A role acts only through its sessions: CloudTrail records `…:assumed-role/<name>/<session>` as the caller, never
  // the role's own ARN, so only the sessions' form is worth its place in the filters' 1024 characters.
  const allowed = expandPrincipals(scope.allowedChangers).filter((a) => !/^arn:[^:]+:iam::[^:]*:role\//.test(a));
  const p = scope.resourcePrefix;
  const branches: ReadBranch[] = [];
  // Refusal messages name the resource by ARN (events, cloudwatch, logs, sns, sqs) or as "role <name>" (iam); every
  // one of those names contains the prefix. One wildcard for all of them keeps EventBridge's wildcard complexity low.
  const named = `*${p}*`;
  /**
   * Calls of one service naming the resource in `resource`'s field; refused ones also when their `errorMessage`
   * matches `refusal` (`named` unless given; none where the refusal keeps the request parameters).
   */
  const calls = (
    eventSource: string,
    eventNames: readonly string[],
    resource?: Partial<ResourceMatch> & { field: readonly string[] },
    refusal: string | null = named,
  ) =>
    branches.push({
      eventSource,
      eventNames,
      allowedReaders: allowed,
      resource: resource && { exact: [], wildcards: [], ...resource },
      refusal: resource && refusal ? { field: ["errorMessage"], exact: [], wildcards: [refusal] } : undefined,
    });

  // CloudTrail, any trail: stopping another trail in the account is as suspicious as stopping this one, so these
  // need no resource field (StopLogging/DeleteTrail/UpdateTrail `Name`, PutEventSelectors/PutInsightSelectors
  // `TrailName`: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StopLogging.html). Refusals match too.
  calls("cloudtrail.amazonaws.com", TRAIL_TAMPERING);

  if (scope.key) {
    // KMS: `KeyId` — "Specify the key ID or key ARN of the KMS key" for DisableKey, ScheduleKeyDeletion, PutKeyPolicy,
    // CreateGrant and DisableKeyRotation (https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html,
    // API_CreateGrant.html, API_DisableKeyRotation.html, API_DisableKey.html, API_ScheduleKeyDeletion.html); the
    // KMS Developer Guide's CloudTrail examples record it as `requestParameters.keyId`, by ID or by ARN
    // (awsdocs/aws-kms-developer-guide ct-disablekey.md, ct-put-key-policy.md, ct-creategrant.md,
    // ct-disable-key-rotation.md, ct-schedule-key-deletion.md).
    // Refused: the message names the key by ARN ("on resource: arn:aws:kms:…:key/<key ID>"), which contains its ID.
    // RevokeGrant and RetireGrant (by key and grant ID; API_RevokeGrant.html: "KeyId … Specify the key ID or key
    // ARN", API_RetireGrant.html) withdraw a grant a service holds on the key — DynamoDB uses one for the first-seen
    // table — and break it. A RetireGrant by grant token alone names no key and is not matched.
    calls(
      "kms.amazonaws.com",
      ["DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy", "CreateGrant", "DisableKeyRotation", "RevokeGrant", "RetireGrant"],
      { field: ["requestParameters", "keyId"], exact: [scope.key.id, scope.key.arn] },
      `*${scope.key.id}*`,
    );
  }

  // SNS: `TopicArn` for SetTopicAttributes, DeleteTopic, AddPermission, RemovePermission, Subscribe
  // (https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html, API_DeleteTopic.html, API_Subscribe.html;
  // the SNS Developer Guide's DeleteTopic record has `requestParameters.topicArn`), `ResourceArn` for
  // PutDataProtectionPolicy (a Deny statement there blocks publishes: API_PutDataProtectionPolicy.html), and
  // `SubscriptionArn` (`<topic ARN>:<id>`) for Unsubscribe and SetSubscriptionAttributes (a FilterPolicy that drops
  // every message: API_SetSubscriptionAttributes.html). Both topics are `<prefix>-alerts` and `<prefix>-health`.
  const topic = `*:${p}-*`;
  calls("sns.amazonaws.com", ["SetTopicAttributes", "DeleteTopic", "AddPermission", "RemovePermission", "Subscribe"], { field: ["requestParameters", "topicArn"], wildcards: [topic] });
  calls("sns.amazonaws.com", ["PutDataProtectionPolicy"], { field: ["requestParameters", "resourceArn"], wildcards: [topic] });
  calls("sns.amazonaws.com", ["Unsubscribe", "SetSubscriptionAttributes"], { field: ["requestParameters", "subscriptionArn"], wildcards: [topic] });

  // CloudWatch Logs: `logGroupName` (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html,
  // API_DeleteMetricFilter.html, API_PutRetentionPolicy.html, API_DeleteRetentionPolicy.html, API_DeleteLogGroup.html;
  // the CloudWatch Logs guide's CloudTrail example records `requestParameters.logGroupName`). AssociateKmsKey and
  // DisassociateKmsKey take `logGroupName` or `resourceIdentifier`, the log group ARN
  // "arn:aws:logs:REGION:ACCOUNT_ID:log-group:LOG_GROUP_NAME" (API_DisassociateKmsKey.html).
  // The first-seen workflow's error log group (its failures' only record) is watched the same way.
  const logGroups = [scope.logGroupName, ...(scope.firstSeen?.logGroupName ? [scope.firstSeen.logGroupName] : [])];
  calls("logs.amazonaws.com", ["PutMetricFilter", "DeleteMetricFilter", "DeleteLogGroup", "PutRetentionPolicy", "DeleteRetentionPolicy", "AssociateKmsKey", "DisassociateKmsKey"], {
    field: ["requestParameters", "logGroupName"],
    exact: logGroups,
  });
  // (Their refusals are scoped by the branch above, which lists the same calls.)
  calls("logs.amazonaws.com", ["AssociateKmsKey", "DisassociateKmsKey"], { field: ["requestParameters", "resourceIdentifier"], wildcards: [`*:log-group:${scope.logGroupName}*`] }, null);

  // CloudWatch Logs data protection masks matching text "at all egress points, including CloudWatch Logs Insights,
  // metric filters, and subscription filters" (mask-sensitive-log-data.html): a custom identifier matching
  // `secretsmanager.amazonaws.com` blinds every read filter while events keep flowing (the dead-man switch stays
  // quiet). Per log group: `logGroupIdentifier`, the name or ARN (API_PutDataProtectionPolicy.html,
  // API_DeleteDataProtectionPolicy.html). Account-wide (PutAccountPolicy / DeleteAccountPolicy, policyType
  // DATA_PROTECTION_POLICY among others, API_PutAccountPolicy.html): any call, like the trail calls.
  calls("logs.amazonaws.com", ["PutDataProtectionPolicy", "DeleteDataProtectionPolicy"], {
    field: ["requestParameters", "logGroupIdentifier"],
    exact: [scope.logGroupName],
    wildcards: [`*:log-group:${scope.logGroupName}*`],
  });
  calls("logs.amazonaws.com", ["PutAccountPolicy", "DeleteAccountPolicy"]);

  // CloudWatch alarms: `AlarmNames` (a list) for DeleteAlarms and DisableAlarmActions, `AlarmName` for PutMetricAlarm
  // (ActionsEnabled=false, a higher threshold, no action) and SetAlarmState (an alarm held in ALARM sends nothing for
  // the next breach) (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html,
  // API_SetAlarmState.html; the CloudWatch guide's PutMetricAlarm record has `requestParameters.alarmName`).
  calls("monitoring.amazonaws.com", ["DeleteAlarms", "DisableAlarmActions"], { field: ["requestParameters", "alarmNames"], wildcards: [`${p}-*`], arrayLength: ALARM_NAME_INDICES });
  calls("monitoring.amazonaws.com", ["PutMetricAlarm", "SetAlarmState"], { field: ["requestParameters", "alarmName"], wildcards: [`${p}-*`] });

  // EventBridge: `Name` for PutRule (State=DISABLED, a pattern that matches nothing), DisableRule, DeleteRule; `Rule`
  // for PutTargets (a target elsewhere) and RemoveTargets (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html,
  // API_PutTargets.html, API_RemoveTargets.html; the EventBridge guide's PutRule record has `requestParameters.name`).
  // In member accounts the only rules named `<prefix>-…` are the StackSet's forwarding rules: its own deployments
  // (every new account, Region and template update) are exempt there, and only there (`stackSetsDeployments`).
  const member = scope.memberForwarding;
  const exemptService = member ? stackSetsDeployments(member.partition, member.notExemptInAccounts) : undefined;
  const lastBranches = (n: number) => {
    if (exemptService) branches.splice(-n, n, ...branches.slice(-n).map((b) => ({ ...b, exemptService })));
  };
  calls("events.amazonaws.com", ["PutRule", "DisableRule", "DeleteRule"], { field: ["requestParameters", "name"], wildcards: [`${p}-*`] });
  calls("events.amazonaws.com", ["PutTargets", "RemoveTargets"], { field: ["requestParameters", "rule"], wildcards: [`${p}-*`] });
  lastBranches(2);
  if (scope.centralBusName) {
    // The central bus: `EventBusName` for PutPermission and RemovePermission (a policy without the organization
    // refuses every member's forward: API_PutPermission.html, API_RemovePermission.html), `Name` for DeleteEventBus
    // and UpdateEventBus (API_DeleteEventBus.html, API_UpdateEventBus.html), recorded in lowerCamelCase.
    calls("events.amazonaws.com", ["PutPermission", "RemovePermission"], { field: ["requestParameters", "eventBusName"], exact: [scope.centralBusName] });
    calls("events.amazonaws.com", ["DeleteEventBus", "UpdateEventBus"], { field: ["requestParameters", "name"], exact: [scope.centralBusName] });
  }

  // S3, the trail bucket: `Bucket`, recorded as `requestParameters.bucketName` (TrailDiscover's S3 records). The
  // lifecycle call is recorded as PutBucketLifecycle: "PutBucketLifecycleConfiguration is PutBucketLifecycle"
  // (S3 User Guide, https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html). A bucket
  // policy can deny CloudTrail; lifecycle rules and suspended versioning delete log files; default encryption under
  // a key CloudTrail cannot use fails its writes when the trail has no key of its own.
  calls("s3.amazonaws.com", ["PutBucketPolicy", "DeleteBucketPolicy", "PutBucketLifecycle", "PutBucketVersioning", "PutBucketEncryption", "DeleteBucket"], {
    field: ["requestParameters", "bucketName"],
    exact: [scope.bucketName],
  }, null);

  // IAM, the delivery role: `RoleName` (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html,
  // API_AttachRolePolicy.html, API_UpdateAssumeRolePolicy.html, API_PutRolePermissionsBoundary.html; Stratus Red
  // Team's UpdateAssumeRolePolicy detonation log has `requestParameters.roleName`). A deny policy or boundary, a
  // removed inline policy or a trust CloudTrail no longer satisfies stops delivery to the log group.
  calls("iam.amazonaws.com", ["PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "UpdateAssumeRolePolicy", "PutRolePermissionsBoundary", "DeleteRole"], {
    field: ["requestParameters", "roleName"],
    // The first-seen workflow's role and the role its rules start it with break it the same way.
    exact: [scope.deliveryRoleName, ...(scope.firstSeen?.roleNames ?? []), ...(scope.forwardingRoleName ? [scope.forwardingRoleName] : [])],
  });
  if (member) {
    // The member forwarding roles: a Deny on events:PutEvents, another trust or a boundary stops every forward of
    // that account and Region while its rules stay enabled.
    calls("iam.amazonaws.com", ["PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "UpdateAssumeRolePolicy", "PutRolePermissionsBoundary", "DeleteRole"], {
      field: ["requestParameters", "roleName"],
      wildcards: [member.roleNames],
    });
    lastBranches(1);
  }

  if (scope.insightRules) {
    // Contributor Insights: DeleteInsightRules and DisableInsightRules take `RuleNames`, an array with no documented
    // maximum (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DeleteInsightRules.html,
    // API_DisableInsightRules.html: "Disables the specified Contributor Insights rules. When rules are disabled, they do
    // not analyze log groups"), so no index range covers every position: any such call alerts, like the trail calls
    // (rare, and an unused rule is cheaper left disabled by the pipeline that owns it). PutInsightRule (a definition
    // that counts nothing, or RuleState DISABLED) names one `RuleName`: ours start `<prefix>-harvest-`.
    calls("monitoring.amazonaws.com", ["DeleteInsightRules", "DisableInsightRules"]);
    calls("monitoring.amazonaws.com", ["PutInsightRule"], { field: ["requestParameters", "ruleName"], wildcards: [`${p}-harvest-*`] });
  }

  if (scope.decoySecrets && scope.decoySecrets.length > 0) {
    // Secrets Manager, the decoys: `SecretId` by name or ARN for DeleteSecret, PutResourcePolicy (a Deny makes reads
    // fail before they are tried in earnest — they still alert as refused — but a policy can also reveal the bait)
    // and UpdateSecret (another key or description) (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html,
    // API_PutResourcePolicy.html, API_UpdateSecret.html; recorded as `requestParameters.secretId` like GetSecretValue).
    const ids = scope.decoySecrets.map(secretIdMatchers);
    calls(
      "secretsmanager.amazonaws.com",
      ["DeleteSecret", "PutResourcePolicy", "UpdateSecret"],
      { field: ["requestParameters", "secretId"], exact: ids.flatMap((m) => m.exact), wildcards: ids.flatMap((m) => m.wildcards) },
      null,
    );
  }

  if (scope.decoyParameters && scope.decoyParameters.length > 0) {
    // SSM, the decoy parameters: `Name` for DeleteParameter, PutParameter (an overwrite with a value that gives the
    // bait away, or another key) and LabelParameterVersion (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameter.html,
    // API_PutParameter.html, API_LabelParameterVersion.html), recorded as `requestParameters.name` like GetParameter.
    // The seed command is a PutParameter too: run it as a deployment principal (allowed changers are exempt).
    const names = scope.decoyParameters.map(parameterMatchers);
    calls(
      "ssm.amazonaws.com",
      ["DeleteParameter", "PutParameter", "LabelParameterVersion"],
      { field: ["requestParameters", "name"], exact: names.flatMap((m) => m.exact), wildcards: names.flatMap((m) => m.wildcards) },
      null,
    );
  }

  if (scope.firstSeen) {
    // DynamoDB, the learned pairs: `TableName` for DeleteTable, UpdateTable (e.g. another key) and UpdateTimeToLive
    // (TTL off: nothing is forgotten; https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html),
    // recorded as `requestParameters.tableName` (DynamoDB Developer Guide, "Logging DynamoDB operations by using AWS
    // CloudTrail": the DeleteTable record has `"requestParameters": {"tableName": "Music"}`); `ResourceArn` for a
    // resource policy that could deny the workflow's writes (API_PutResourcePolicy.html). Item writes are data
    // events, which this trail does not record.
    calls("dynamodb.amazonaws.com", ["DeleteTable", "UpdateTable", "UpdateTimeToLive"], { field: ["requestParameters", "tableName"], exact: [scope.firstSeen.tableName] });
    calls("dynamodb.amazonaws.com", ["PutResourcePolicy", "DeleteResourcePolicy"], {
      field: ["requestParameters", "resourceArn"],
      wildcards: [`*:table/${scope.firstSeen.tableName}`],
    });
    // Step Functions, the workflow: `stateMachineArn` for DeleteStateMachine and UpdateStateMachine (a definition
    // that never alerts, another role; https://docs.aws.amazon.com/step-functions/latest/apireference/API_UpdateStateMachine.html).
    // The Step Functions guide's CloudTrail examples record the ARN as `requestParameters.stateMachineArn`
    // (StartExecution) and show a refused DeleteStateMachine naming "on resource: arn:aws:states:…:stateMachine:<name>".
    calls("states.amazonaws.com", ["DeleteStateMachine", "UpdateStateMachine"], {
      field: ["requestParameters", "stateMachineArn"],
      wildcards: [`*:stateMachine:${scope.firstSeen.stateMachineName}`],
    });
  }

  if (scope.deadLetterQueueName) {
    // SQS, the dead-letter queue: `QueueUrl` (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html,
    // API_SetQueueAttributes.html, API_PurgeQueue.html, API_AddPermission.html, API_RemovePermission.html; the SQS
    // guide's records have `requestParameters.queueUrl`, https://sqs.<region>.amazonaws.com/<account>/<name>). The
    // account is not known at synth: the URL is matched by its last segment.
    calls("sqs.amazonaws.com", ["DeleteQueue", "SetQueueAttributes", "PurgeQueue", "AddPermission", "RemovePermission"], {
      field: ["requestParameters", "queueUrl"],
      wildcards: [`*/${scope.deadLetterQueueName}`],
    });
  }

  const longestValues: Record<string, string> = {};
  if (scope.key) {
    longestValues[scope.key.id] = LONGEST_KEY_ID;
    longestValues[scope.key.arn] = `arn:${scope.key.partition}:kms:${scope.key.region}:123456789012:key/${LONGEST_KEY_ID}`;
  }
  return {
    id: TAMPER_DETECTION_ID,
    title: "Change to the audit trail or to the monitoring itself",
    outcome: "any",
    branches,
    longestValues,
    description: [
      "Change to the audit trail or to the monitoring itself (applied or refused) in the last minute, not by a planned",
      "deployment (selfMonitoring.allowedChangers): the trail, its bucket or delivery role, the key, the log group or",
      "its metric filters, the alarms, the rules, the topics or their subscriptions, or the dead-letter queue.",
      "First check: the real-time alert e-mail names who changed what, from where. Then run npm run verify (every link,",
      "with the fix); terraform plan shows the drift and terraform apply restores it; investigate the principal.",
      "Without the e-mail: CloudWatch Logs Insights on the trail log group with this alarm's filter pattern, last 15",
      "minutes. This alarm publishes to the alert and the health topics, so one broken topic cannot hide it.",
    ].join(" "),
  };
}

/** Every call the detection watches, by service, for tables and coverage tests. */
export function tamperCalls(d: ReadDetection): { eventSource: string; eventName: string; fields: string[] }[] {
  const out = new Map<string, { eventSource: string; eventName: string; fields: string[] }>();
  for (const b of d.branches) {
    for (const eventName of b.eventNames) {
      const key = `${b.eventSource} ${eventName}`;
      const entry = out.get(key) ?? { eventSource: b.eventSource, eventName, fields: [] };
      const field = b.resource ? b.resource.field.join(".") : "(any trail)";
      if (!entry.fields.includes(field)) entry.fields.push(field);
      out.set(key, entry);
    }
  }
  return [...out.values()];
}
