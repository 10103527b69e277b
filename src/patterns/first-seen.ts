/**
 * First-seen readers: a principal reading a secret (or a decrypted parameter) it has not read within the retention
 * window alerts once. The known set lives in a DynamoDB table written by a Step Functions Express workflow that an
 * EventBridge rule starts on every successful read; no Lambda.
 *
 * One description, two renderings: the state machine definition (Amazon States Language with JSONata, built here
 * and deployed as is) and its twin in TypeScript (`readPairs`, `principalOf`, `firstSeenMessage`), which the
 * offline engine (`src/engines/first-seen-model.ts`) runs. Each JSONata expression sits beside the function that
 * does the same, and the engine refuses a synthesized definition that is not exactly `firstSeenDefinition(...)`.
 *
 * AWS contracts this relies on (each pinned by a test that cites it):
 * - DynamoDB optimized integration (`arn:aws:states:::dynamodb:updateItem`, `:getItem`), request/response only;
 *   "For optimized integrations, the exception prefix will be DynamoDB (uppercase DB)" — a failed condition is
 *   caught as `DynamoDB.ConditionalCheckFailedException`
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html).
 * - SNS optimized integration `arn:aws:states:::sns:publish` with `TopicArn`, `Subject`, `Message`
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/connect-sns.html).
 * - JSONata states: `Arguments` and `Output`, expressions in `{% %}`, `$states.input`, `$states.result`, and
 *   `$states.errorOutput` "only available in Catch" (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
 * - Context object in JSONata: `$states.context.Execution.StartTime` ("Format: ISO 8601";
 *   https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html) judges the learning period.
 * - Asynchronous Express workflows run at least once: "You should ensure your state machine logic is idempotent"
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/express-at-least-once-execution.html). The conditional
 *   write is what makes a second run of the same event quiet.
 * - DynamoDB TTL: "DynamoDB typically deletes expired items within two days of expiration … Items that have expired
 *   and not been deleted will still show up in reads, queries, and scans" (UpdateTimeToLive API reference), so the
 *   condition itself treats `expiresAt < now` as forgotten, and the export skips expired items.
 */
import { Severity } from "./severity";

/** An alert for a principal nobody has seen read this secret: a value went to an unexpected reader. */
export const FIRST_SEEN_SEVERITY: Severity = "high";

export const KEY_ATTRIBUTE = "pk";
/** Epoch seconds (DynamoDB TTL needs a Number in epoch seconds). */
export const TTL_ATTRIBUTE = "expiresAt";
/** The item Terraform writes once, holding the end of the learning period. Never a pair's key (those contain `#` after a principal). */
export const LEARNING_ITEM_KEY = "#learning";
export const LEARNING_END_ATTRIBUTE = "learningEndsAt";

export type ReadKind = "secret" | "parameter" | "parameter-path" | "batch-filters";

/** One principal reading one secret, parameter or path. */
export interface ReadPair {
  readonly principal: string;
  readonly kind: ReadKind;
  readonly name: string;
}

type Obj = Record<string, any>;

/** `<principal>#<kind>:<name>`: the table's partition key. */
export function pairKey(p: ReadPair): string {
  return `${p.principal}#${p.kind}:${p.name}`;
}

// -------------------------------------------------------------------------------------------------------------
// Who: a role's sessions are one principal (the role), or every new session would be "first seen".

/**
 * The principal a read is learned under: the session issuer (the IAM role or user behind a session), else the
 * caller's ARN, else the AWS service that called, else the identity type and principal ID.
 */
export function principalOf(detail: Obj): string {
  const u = detail.userIdentity ?? {};
  const issuer = u.sessionContext?.sessionIssuer?.arn;
  if (issuer !== undefined) return String(issuer);
  if (u.arn !== undefined) return String(u.arn);
  if (u.invokedBy !== undefined) return String(u.invokedBy);
  if (u.principalId !== undefined) return `${u.type}:${u.principalId}`;
  return String(u.type);
}

const PRINCIPAL_JSONATA =
  "$principal := $exists($u.sessionContext.sessionIssuer.arn) ? $u.sessionContext.sessionIssuer.arn : " +
  "($exists($u.arn) ? $u.arn : ($exists($u.invokedBy) ? $u.invokedBy : " +
  "($exists($u.principalId) ? $u.type & ':' & $u.principalId : $u.type)))";

// -------------------------------------------------------------------------------------------------------------
// Which: every secret a call read, named the same whatever form the caller used.

/** A secret's name from `secretId` (name, partial ARN or full ARN with AWS's random `-XXXXXX`). */
export function secretNameOf(id: string): string {
  if (!id.includes(":secret:")) return id;
  return id.slice(id.indexOf(":secret:") + ":secret:".length).replace(/-[A-Za-z0-9]{6}$/, "");
}

/** A parameter's name from `name` (name, `name:version`, `name:label`, or ARN `arn:…:parameter/name`). */
export function parameterNameOf(name: string): string {
  const afterArn = name.includes(":parameter") ? name.slice(name.indexOf(":parameter") + ":parameter".length) : name;
  const colon = afterArn.indexOf(":");
  return colon < 0 ? afterArn : afterArn.slice(0, colon);
}

const SECRET_NAME_JSONATA = "$secretName := function($id) { $contains($id, ':secret:') ? $replace($substringAfter($id, ':secret:'), /-[A-Za-z0-9]{6}$/, '') : $id }";
const PARAMETER_NAME_JSONATA = "$parameterName := function($n) { $substringBefore($substringAfter($n, ':parameter'), ':') }";

/**
 * The pairs one successful read record makes: one per secret id of GetSecretValue or BatchGetSecretValue's
 * `secretIdList` (1–20), one for a batch by `filters` (which secrets it returned is not recorded), one per name of
 * GetParameter/GetParameters (up to 10)/GetParameterHistory, one for GetParametersByPath's path.
 */
export function readPairs(detail: Obj): ReadPair[] {
  const principal = principalOf(detail);
  const r = detail.requestParameters ?? {};
  const pair = (kind: ReadKind, name: string): ReadPair => ({ principal, kind, name });
  if (detail.eventSource === "secretsmanager.amazonaws.com") {
    if (r.secretIdList !== undefined) return ([] as unknown[]).concat(r.secretIdList).map((id) => pair("secret", secretNameOf(String(id))));
    if (r.secretId !== undefined) return [pair("secret", secretNameOf(String(r.secretId)))];
    return [pair("batch-filters", jsonataString(r.filters))];
  }
  if (r.path !== undefined) return [pair("parameter-path", String(r.path))];
  const names = ([] as unknown[]).concat(r.name ?? [], r.names ?? []);
  return names.map((n) => pair("parameter", parameterNameOf(String(n))));
}

/** JSONata's `$string` of a JSON value: compact JSON; undefined stays empty. */
function jsonataString(v: unknown): string {
  if (v === undefined) return "";
  return typeof v === "string" ? v : JSON.stringify(v);
}

const PAIRS_JSONATA = [
  "$secrets := $d.eventSource = 'secretsmanager.amazonaws.com'",
  "$pair := function($kind, $name) { {'principal': $principal, 'kind': $kind, 'name': $name, 'detail': $d} }",
  "$pairs := $secrets ? ($exists($r.secretIdList) ? $map($r.secretIdList, function($id) { $pair('secret', $secretName($id)) }) : " +
    "($exists($r.secretId) ? $pair('secret', $secretName($r.secretId)) : $pair('batch-filters', $string($r.filters)))) : " +
    "($exists($r.path) ? $pair('parameter-path', $r.path) : $map($append($r.name, $r.names), function($n) { $pair('parameter', $parameterName($n)) }))",
  // $append with an empty array: always an array, even for one pair (JSONata unwraps a sequence of one).
  "$append([], $pairs)",
];

// -------------------------------------------------------------------------------------------------------------
// The message: who, which, when, where, how, result, as the real-time path's messages say them.

export interface FirstSeenMessageOptions {
  readonly retentionDays: number;
  /** Console host for the event link. @default `<awsRegion>.console.aws.amazon.com` */
  readonly consoleHost?: string;
}

const KIND_WORDS: Record<ReadKind, string> = {
  secret: "secret",
  parameter: "SecureString parameter",
  "parameter-path": "parameters under path",
  "batch-filters": "secrets matching batch filters",
};

/** SNS: "Subject … must be less than 100 characters long". */
export const MAX_SUBJECT_LENGTH = 99;

export function firstSeenMessage(pair: ReadPair, detail: Obj, o: FirstSeenMessageOptions): { subject: string; message: string } {
  const host = o.consoleHost ?? `${detail.awsRegion}.console.aws.amazon.com`;
  const u = detail.userIdentity ?? {};
  const caller = u.arn !== undefined ? String(u.arn) : pair.principal;
  const where = `from ${detail.sourceIPAddress}${detail.vpcEndpointId !== undefined ? ` through VPC endpoint ${detail.vpcEndpointId}` : ""}, region ${detail.awsRegion}, account ${detail.recipientAccountId}`;
  const subject = `First-seen reader (${FIRST_SEEN_SEVERITY}): ${pair.name}`.slice(0, MAX_SUBJECT_LENGTH);
  const lines = [
    `FIRST-SEEN READER (severity ${FIRST_SEEN_SEVERITY}): a principal read a ${KIND_WORDS[pair.kind]} it had not read in ${o.retentionDays} days`,
    "",
    `Who:     ${caller} (${u.type})`,
    `         learned as ${pair.principal}`,
    `What:    ${detail.eventName} on ${detail.eventSource}: ${KIND_WORDS[pair.kind]} ${pair.name}`,
    `When:    ${detail.eventTime} (UTC)`,
    `Where:   ${where}`,
    `How:     ${detail.userAgent}`,
    "Result:  success, the value was returned to the caller",
    `Event:   ${detail.eventID}`,
    `Open:    https://${host}/cloudtrail/home?region=${detail.awsRegion}#/events/${detail.eventID}`,
    "",
    "If this reader is expected, add it to allowedReaders for this secret (npm run first-seen:export proposes them);",
    "otherwise rotate the secret and review what else this principal did around that time.",
  ];
  return { subject, message: lines.join("\n") };
}

/** The same message in JSONata, over `$p` (a pair with its `detail`). */
function messageJsonata(o: FirstSeenMessageOptions): { subject: string; message: string } {
  const q = (s: string) => {
    // JSONata string literals take JSON's escapes only; none of these texts needs one.
    if (/['\\]/.test(s)) throw new Error(`first-seen message text must not contain quotes or backslashes: ${s}`);
    return `'${s}'`;
  };
  const host = o.consoleHost ? q(o.consoleHost) : "$d.awsRegion & '.console.aws.amazon.com'";
  const kindWords = `{${Object.entries(KIND_WORDS).map(([k, v]) => `${q(k)}: ${q(v)}`).join(", ")}}`;
  const lines = [
    `'FIRST-SEEN READER (severity ${FIRST_SEEN_SEVERITY}): a principal read a ' & $kind & ' it had not read in ${o.retentionDays} days'`,
    "''",
    "'Who:     ' & ($exists($d.userIdentity.arn) ? $d.userIdentity.arn : $p.principal) & ' (' & $d.userIdentity.type & ')'",
    "'         learned as ' & $p.principal",
    "'What:    ' & $d.eventName & ' on ' & $d.eventSource & ': ' & $kind & ' ' & $p.name",
    "'When:    ' & $d.eventTime & ' (UTC)'",
    "'Where:   from ' & $d.sourceIPAddress & ($exists($d.vpcEndpointId) ? ' through VPC endpoint ' & $d.vpcEndpointId : '') & ', region ' & $d.awsRegion & ', account ' & $d.recipientAccountId",
    "'How:     ' & $d.userAgent",
    "'Result:  success, the value was returned to the caller'",
    "'Event:   ' & $d.eventID",
    `'Open:    https://' & ${host} & '/cloudtrail/home?region=' & $d.awsRegion & '#/events/' & $d.eventID`,
    "''",
    q("If this reader is expected, add it to allowedReaders for this secret (npm run first-seen:export proposes them);"),
    q("otherwise rotate the secret and review what else this principal did around that time."),
  ];
  const prelude = `$p := $states.input; $d := $p.detail; $kind := $lookup(${kindWords}, $p.kind);`;
  return {
    subject: `{% ($p := $states.input; $substring('First-seen reader (${FIRST_SEEN_SEVERITY}): ' & $p.name, 0, ${MAX_SUBJECT_LENGTH})) %}`,
    message: `{% (${prelude} $join([${lines.join(", ")}], '\\n')) %}`,
  };
}

// -------------------------------------------------------------------------------------------------------------
// The state machine.

export interface FirstSeenDefinitionProps {
  /** The learned-pairs table (name or Terraform reference). */
  readonly tableName: string;
  /** The alert topic (ARN or Terraform reference). */
  readonly topicArn: string;
  /** A pair not read for this many days is forgotten (alerts again). */
  readonly retentionDays: number;
  readonly consoleHost?: string;
}

/** DynamoDB errors worth retrying (throttling, service errors); never the condition failure, which is the answer. */
export const DYNAMODB_RETRYABLE = [
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.RequestLimitExceeded",
  "DynamoDB.ThrottlingException",
  "DynamoDB.InternalServerError",
];
export const CONDITION_FAILED = "DynamoDB.ConditionalCheckFailedException";

/** Attribute names go through placeholders: `name` is a DynamoDB reserved word, and others may become one. */
const ATTRIBUTE_NAMES = {
  "#pk": KEY_ATTRIBUTE,
  "#principal": "principal",
  "#kind": "kind",
  "#name": "name",
  "#firstSeen": "firstSeen",
  "#lastSeen": "lastSeen",
  "#expiresAt": TTL_ATTRIBUTE,
};
export const REMEMBER_CONDITION = "attribute_not_exists(#pk) OR #expiresAt < :now";
export const REFRESH_CONDITION = "#expiresAt < :exp";
/** Forget only the item this read wrote (its firstSeen is this read's eventTime), never a pair written since. */
export const FORGET_CONDITION = "#firstSeen = :t";

/** The ASL definition (an object; the construct serializes it). */
export function firstSeenDefinition(p: FirstSeenDefinitionProps): Obj {
  const retentionSeconds = p.retentionDays * 86_400;
  const epoch = "$floor($toMillis($states.input.detail.eventTime) / 1000)";
  const retry = [{ ErrorEquals: DYNAMODB_RETRYABLE, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }];
  const key = { [KEY_ATTRIBUTE]: { S: "{% $states.input.principal & '#' & $states.input.kind & ':' & $states.input.name %}" } };
  const message = messageJsonata(p);
  return {
    Comment: "First-seen readers: remember each principal/secret pair; alert on a new one after the learning period",
    QueryLanguage: "JSONata",
    StartAt: "EachPair",
    States: {
      EachPair: {
        Type: "Map",
        Items: `{% ($d := $states.input.detail; $u := $d.userIdentity; $r := $d.requestParameters; ${PRINCIPAL_JSONATA}; ${SECRET_NAME_JSONATA}; ${PARAMETER_NAME_JSONATA}; ${PAIRS_JSONATA.join("; ")}) %}`,
        ItemProcessor: {
          ProcessorConfig: { Mode: "INLINE" },
          StartAt: "Remember",
          States: {
            Remember: {
              Type: "Task",
              Comment: "A new pair, or one whose TTL has passed (DynamoDB may not have deleted it yet): write it",
              Resource: "arn:aws:states:::dynamodb:updateItem",
              Arguments: {
                TableName: p.tableName,
                Key: key,
                UpdateExpression: "SET #principal = :p, #kind = :k, #name = :n, #firstSeen = :t, #lastSeen = :t, #expiresAt = :exp",
                ConditionExpression: REMEMBER_CONDITION,
                ExpressionAttributeNames: ATTRIBUTE_NAMES,
                ExpressionAttributeValues: {
                  ":p": { S: "{% $states.input.principal %}" },
                  ":k": { S: "{% $states.input.kind %}" },
                  ":n": { S: "{% $states.input.name %}" },
                  ":t": { S: "{% $states.input.detail.eventTime %}" },
                  ":now": { N: `{% $string(${epoch}) %}` },
                  ":exp": { N: `{% $string(${epoch} + ${retentionSeconds}) %}` },
                },
              },
              Output: "{% $states.input %}",
              Retry: retry,
              Catch: [{ ErrorEquals: [CONDITION_FAILED], Output: "{% $states.input %}", Next: "Refresh" }],
              Next: "ReadLearningEnd",
            },
            Refresh: {
              Type: "Task",
              Comment: "A known pair: keep it for another retention window from this read (never shorten it)",
              Resource: "arn:aws:states:::dynamodb:updateItem",
              Arguments: {
                TableName: p.tableName,
                Key: key,
                UpdateExpression: "SET #lastSeen = :t, #expiresAt = :exp",
                ConditionExpression: REFRESH_CONDITION,
                ExpressionAttributeNames: { "#lastSeen": "lastSeen", "#expiresAt": TTL_ATTRIBUTE },
                ExpressionAttributeValues: {
                  ":t": { S: "{% $states.input.detail.eventTime %}" },
                  ":exp": { N: `{% $string(${epoch} + ${retentionSeconds}) %}` },
                },
              },
              Retry: retry,
              Catch: [{ ErrorEquals: [CONDITION_FAILED], Next: "Known" }],
              Next: "Known",
            },
            Known: { Type: "Succeed" },
            ReadLearningEnd: {
              Type: "Task",
              Resource: "arn:aws:states:::dynamodb:getItem",
              Arguments: { TableName: p.tableName, Key: { [KEY_ATTRIBUTE]: { S: LEARNING_ITEM_KEY } } },
              Output: `{% $merge([$states.input, {'learningEndsAt': $states.result.Item.${LEARNING_END_ATTRIBUTE}.S}]) %}`,
              Retry: retry,
              Catch: [{ ErrorEquals: ["States.ALL"], Output: "{% $states.input %}", Next: "Forget" }],
              Next: "StillLearning",
            },
            StillLearning: {
              Type: "Choice",
              Comment: "During the learning period a new pair is remembered quietly; without the learning item, it alerts",
              Choices: [
                {
                  // The execution's own start, not the record's eventTime: whoever may call states:StartExecution
                  // could otherwise backdate a read into the learning period.
                  Condition: "{% $exists($states.input.learningEndsAt) and $toMillis($states.context.Execution.StartTime) < $toMillis($states.input.learningEndsAt) %}",
                  Next: "Learned",
                },
              ],
              Default: "Alert",
            },
            Learned: { Type: "Succeed" },
            Alert: {
              Type: "Task",
              Resource: "arn:aws:states:::sns:publish",
              Arguments: { TopicArn: p.topicArn, Subject: message.subject, Message: message.message },
              Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }],
              Catch: [{ ErrorEquals: ["States.ALL"], Output: "{% $states.input %}", Next: "Forget" }],
              End: true,
            },
            Forget: {
              Type: "Task",
              Comment:
                "The pair was written but not judged or not published: delete it (only if it is still this read's write), so the next read of the pair alerts instead of being known",
              Resource: "arn:aws:states:::dynamodb:deleteItem",
              Arguments: {
                TableName: p.tableName,
                Key: key,
                ConditionExpression: FORGET_CONDITION,
                ExpressionAttributeNames: { "#firstSeen": "firstSeen" },
                ExpressionAttributeValues: { ":t": { S: "{% $states.input.detail.eventTime %}" } },
              },
              Retry: retry,
              Catch: [{ ErrorEquals: ["States.ALL"], Next: "Failed" }],
              Next: "Failed",
            },
            Failed: {
              Type: "Fail",
              Error: "FirstSeenAlertNotPublished",
              Cause: "A new pair could not be judged or published; it was forgotten so that its next read alerts (ExecutionsFailed alarm)",
            },
          },
        },
        End: true,
      },
    },
  };
}
