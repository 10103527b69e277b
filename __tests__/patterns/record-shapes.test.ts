/**
 * Record shapes (#9): every documented way a CloudTrail record names the resource read or changed, against every
 * way the configuration names it, replayed through the synthesized stack on both paths — the rendered metric
 * filters through the filter-pattern engine and the rendered EventBridge rules through the event-pattern engine.
 *
 * Each group below was proven to bite by applying a mutation to the pattern builders by hand:
 * (a) secret-ids.ts, a secret configured by full ARN matches only that exact string (no name, no partial ARN):
 *     "secrets: configured by full ARN" turns red for reads by name and by partial ARN, on both paths.
 * (b) secret-ids.ts, a secret configured by partial ARN loses its `<partial ARN>-*` wildcard:
 *     "secrets: configured by partial ARN" turns red for the read by full ARN, on both paths.
 * (c) parameter-names.ts, ancestor paths without their trailing-slash spelling (`/prod/db/`):
 *     "parameters: GetParametersByPath" turns red for `/prod/` and `/prod/db/`, on both paths.
 * (d) tampering.ts, the filter checks only `alarmNames[0]`:
 *     "tamper: list fields" turns red on the metric path for the monitor's alarm at indices 1–99.
 */
import { evaluateRecord, StackModel } from "../../src/engines/stack-model";
import { tamperDetection } from "../../src/patterns/tampering";
import { familyOfMetric, familyOfRule, modelOf } from "./replay";

const ACCOUNT = "111122223333";
const PREFIX = "sam-test0001";

/** An API-call record in CloudTrail's documented shape, by an IAM user on the public endpoint. */
function apiCall(eventSource: string, eventName: string, requestParameters: Record<string, unknown>, readOnly = true): Record<string, unknown> {
  return {
    eventVersion: "1.10",
    userIdentity: {
      type: "IAMUser",
      principalId: "AIDAEXAMPLEUSER",
      arn: `arn:aws:iam::${ACCOUNT}:user/mallory`,
      accountId: ACCOUNT,
      accessKeyId: "AKIAEXAMPLEUSER",
      userName: "mallory",
    },
    eventTime: "2026-11-20T14:03:27Z",
    eventSource,
    eventName,
    awsRegion: "us-east-1",
    sourceIPAddress: "203.0.113.24",
    userAgent: "aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8",
    requestParameters,
    responseElements: null,
    requestID: "6c1f2a0e-8f1b-4d52-9a1e-1f7b5e1c2d3a",
    eventID: "3f7a9c12-5b8e-4d0a-a1c3-9e2b7d4f6a80",
    readOnly,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
  };
}

/**
 * What each path did with a record: the metrics its metric filters incremented, and the families of the rules
 * that matched (`read`, `denied`, `change`). One list per path, so a test names the exact alarm it expects.
 */
function outcome(model: StackModel, record: Record<string, unknown>): { metric: string[]; realtime: string[] } {
  const v = evaluateRecord(model, record);
  return { metric: [...v.metrics].sort(), realtime: v.rules.map((r) => familyOfRule(r.rule)).sort() };
}

const NOTHING = { metric: [], realtime: [] };

// ---------------------------------------------------------------------------------------------------------
// Secrets Manager. GetSecretValue's SecretId is "the ARN or name of the secret"; an ARN may be complete or
// partial (without the hyphen and six random characters Secrets Manager appends):
// https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html. CloudTrail records the
// request as sent, in requestParameters.secretId: "AWS CloudTrail entries for Secrets Manager",
// https://docs.aws.amazon.com/secretsmanager/latest/userguide/cloudtrail_log_entries.html.

const SECRET_ARN = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:`;

/** The three ways to name a secret: bare name, partial ARN, full ARN with AWS's random suffix. */
function secretForms(name: string, suffix: string, arnPrefix = SECRET_ARN): [string, string][] {
  return [
    ["name", name],
    ["partial ARN", `${arnPrefix}${name}`],
    ["full ARN", `${arnPrefix}${name}-${suffix}`],
  ];
}

const MONITORED_SECRET = secretForms("prod/db", "AbCdEf");
const MAX_SECRET_IDS_PER_BATCH = 20;
const gsv = (secretId: string) => apiCall("secretsmanager.amazonaws.com", "GetSecretValue", { secretId });

describe.each(MONITORED_SECRET)("secrets: configured by %s", (_configForm, configId) => {
  let model: StackModel;
  beforeAll(() => {
    model = modelOf({ demoSecret: { enabled: false }, monitoredSecrets: [{ id: configId, allowedReaders: [] }] });
  });

  test.each(MONITORED_SECRET)("a successful GetSecretValue by %s alerts on both paths, through the secret's own alarm", (_form, secretId) => {
    expect(outcome(model, gsv(secretId))).toEqual({ metric: [`${PREFIX}-secret-read-prod-db`], realtime: ["read"] });
  });

  // Different secrets, by each naming form: a longer name, a name sharing a prefix, a shorter name, an unrelated
  // name, and the same name under another path.
  const others = ["prod/db2", "prod/dbx", "prod/d", "other", "team/prod/db"].flatMap((name) =>
    secretForms(name, "XyZ123").map(([form, id]) => [`${name} by ${form}`, id] as const),
  );
  test.each(others)("a read of %s does not alert", (_what, secretId) => {
    expect(outcome(model, gsv(secretId))).toEqual(NOTHING);
  });

  // BatchGetSecretValue names "up to 20 secrets" by name or ARN in SecretIdList
  // (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html). Which read alarm
  // counts it (the secret's own or the batch catch-all) is the detection's choice; that both paths alert is not.
  const batchCells = MONITORED_SECRET.flatMap(([form, id]) => Array.from({ length: MAX_SECRET_IDS_PER_BATCH }, (_, i) => [form, i, id] as const));
  test.each(batchCells)("BatchGetSecretValue naming it by %s at index %i of 20 alerts on both paths", (_form, index, secretId) => {
    const secretIdList = Array.from({ length: MAX_SECRET_IDS_PER_BATCH }, (_, i) => (i === index ? secretId : `team/setting-${i}`));
    const v = outcome(model, apiCall("secretsmanager.amazonaws.com", "BatchGetSecretValue", { secretIdList }));
    expect({ read: v.metric.length > 0 && v.metric.every((m) => familyOfMetric(m) === "read"), realtime: v.realtime }).toEqual({ read: true, realtime: ["read"] });
  });

  test("a failed read of the monitored secret is a denied attempt, not a read", () => {
    const denied = { ...gsv(configId), errorCode: "AccessDenied", errorMessage: "User is not authorized" };
    expect(outcome(model, denied)).toEqual({ metric: [`${PREFIX}-denied-reads`], realtime: ["denied"] });
  });
});

describe("secrets: the documented over-match and exact ARNs (README, \"Secret ids\")", () => {
  let byName: StackModel;
  let byFullArn: StackModel;
  beforeAll(() => {
    byName = modelOf({ demoSecret: { enabled: false }, monitoredSecrets: [{ id: "prod/db", allowedReaders: [] }] });
    byFullArn = modelOf({ demoSecret: { enabled: false }, monitoredSecrets: [{ id: `${SECRET_ARN}prod/db-AbCdEf`, allowedReaders: [] }] });
  });

  // "…:secret:<name>-* … also matches a longer name such as <name>-old: a false alarm is preferred to a missed read."
  test.each(secretForms("prod/db-old", "XyZ123").slice(1))("configured by name, %s of prod/db-old alerts (accepted false alarm)", (_form, secretId) => {
    expect(outcome(byName, gsv(secretId))).toEqual({ metric: [`${PREFIX}-secret-read-prod-db`], realtime: ["read"] });
  });

  // "A full ARN matches exactly": no wildcard, so neither a longer name nor the same name in another account.
  const notIt = [
    ...secretForms("prod/db-old", "XyZ123").map(([form, id]) => [`prod/db-old by ${form}`, id] as const),
    ["prod/db by full ARN in another account", `arn:aws:secretsmanager:us-east-1:444455556666:secret:prod/db-AbCdEf`] as const,
    ["prod/db by partial ARN in another account", `arn:aws:secretsmanager:us-east-1:444455556666:secret:prod/db`] as const,
  ];
  test.each(notIt)("configured by full ARN, %s does not alert", (_what, secretId) => {
    expect(outcome(byFullArn, gsv(secretId))).toEqual(NOTHING);
  });

  // GetSecretValue, SecretId: "If you specify an incomplete ARN without the random suffix, and instead provide the
  // 'friendly name', you must not include a hyphen followed by six characters; … Secrets Manager might treat it as
  // a complete ARN" — the configuration has the same ambiguity: `…:secret:prod/db-backup` is the full ARN of
  // prod/db, or the partial ARN of prod/db-backup. Both readings are watched.
  const ambiguous = [
    ...secretForms("prod/db-backup", "Qw12Er").map(([form, id]) => [`prod/db-backup by ${form}`, id] as const),
    // Read as the full ARN of prod/db (whose random suffix would then be "backup"): prod/db by name or partial ARN.
    ...MONITORED_SECRET.slice(0, 2).map(([form, id]) => [`prod/db by ${form}`, id] as const),
  ];
  test.each(ambiguous)("configured by the ambiguous ARN …:secret:prod/db-backup, %s alerts", (_what, secretId) => {
    const model = modelOf({ demoSecret: { enabled: false }, monitoredSecrets: [{ id: `${SECRET_ARN}prod/db-backup`, allowedReaders: [] }] });
    expect(outcome(model, gsv(secretId))).toEqual({ metric: [`${PREFIX}-secret-read-prod-db`], realtime: ["read"] });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Parameter Store. GetParameter's Name is "the name or Amazon Resource Name (ARN) of the parameter"; "to query by
// parameter label, use "Name": "name:label". To query by parameter version, use "Name": "name:version""
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html). GetParameters' Names
// take the same forms, "Array Members: Minimum number of 1 item. Maximum number of 10 items"
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html). GetParametersByPath's
// Path is "the hierarchy for the parameter … the parameter name except the last part", with Recursive and
// WithDecryption (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParametersByPath.html).
// GetParameterHistory's Name is the name or ARN
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameterHistory.html).

const MAX_NAMES_PER_GET_PARAMETERS = 10;
const PARAMETER_ARN = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter`;

/** Every documented spelling of one parameter in `name` / `names`: plain, with a version or label selector, ARN. */
function parameterForms(name: string): [string, string][] {
  const arn = `${PARAMETER_ARN}${name.startsWith("/") ? name : `/${name}`}`;
  return [
    ["name", name],
    ["name:version", `${name}:3`],
    ["name:label", `${name}:prod`],
    ["ARN", arn],
    ["ARN:version", `${arn}:3`],
    ["ARN:label", `${arn}:prod`],
  ];
}

/** Parameter tests watch one unrelated secret, so only the parameter detections can match an SSM record. */
const PARAMETERS = { demoSecret: { enabled: false }, monitoredSecrets: [{ id: "unrelated/secret", allowedReaders: [] }] };

const ssm = (eventName: string, requestParameters: Record<string, unknown>) => apiCall("ssm.amazonaws.com", eventName, requestParameters);

/** GetParameters with `name` at `index` among 10 names of other parameters. */
function getParameters(name: string, index: number, withDecryption = true): Record<string, unknown> {
  const names = Array.from({ length: MAX_NAMES_PER_GET_PARAMETERS }, (_, i) => (i === index ? name : `/prod/app/setting-${i}`));
  return ssm("GetParameters", { names, withDecryption });
}

describe.each([
  ["/prod/db/password", "prod-db-password"],
  ["dbpassword", "dbpassword"],
])("parameters: monitored %s", (parameter, slug) => {
  const READ = { metric: [`${PREFIX}-parameter-read-${slug}`], realtime: ["read"] };
  let model: StackModel;
  beforeAll(() => {
    model = modelOf({ ...PARAMETERS, parameterStore: { enabled: true, monitoredParameters: [parameter] } });
  });

  const single = ["GetParameter", "GetParameterHistory"].flatMap((api) => parameterForms(parameter).map(([form, name]) => [api, form, name] as const));

  test.each(single)("%s by %s with decryption alerts on both paths", (api, _form, name) => {
    expect(outcome(model, ssm(api, { name, withDecryption: true }))).toEqual(READ);
  });

  test.each(single)("%s by %s without decryption does not alert", (api, _form, name) => {
    expect(outcome(model, ssm(api, { name, withDecryption: false }))).toEqual(NOTHING);
    expect(outcome(model, ssm(api, { name }))).toEqual(NOTHING);
  });

  const indexed = parameterForms(parameter).flatMap(([form, name]) =>
    Array.from({ length: MAX_NAMES_PER_GET_PARAMETERS }, (_, i) => [form, i, name] as const),
  );
  test.each(indexed)("GetParameters naming it by %s at index %i of 10 alerts on both paths", (_form, index, name) => {
    expect(outcome(model, getParameters(name, index))).toEqual(READ);
  });

  test.each(parameterForms(parameter))("GetParameters naming it by %s without decryption does not alert", (_form, name) => {
    expect(outcome(model, getParameters(name, 0, false))).toEqual(NOTHING);
  });

  test("GetParameters with a single name alerts on both paths", () => {
    expect(outcome(model, ssm("GetParameters", { names: [parameter], withDecryption: true }))).toEqual(READ);
  });
});

describe("parameters: GetParametersByPath", () => {
  let hierarchical: StackModel;
  let flat: StackModel;
  const READ = { metric: [`${PREFIX}-parameter-read-prod-db-password`], realtime: ["read"] };
  beforeAll(() => {
    hierarchical = modelOf({ ...PARAMETERS, parameterStore: { enabled: true, monitoredParameters: ["/prod/db/password"] } });
    flat = modelOf({ ...PARAMETERS, parameterStore: { enabled: true, monitoredParameters: ["dbpassword"] } });
  });
  const byPath = (path: string, recursive: boolean, withDecryption = true) => ssm("GetParametersByPath", { path, recursive, withDecryption });

  // Non-recursive reads of a higher level do not return the parameter; they alert anyway (a false alarm beats a
  // miss, and the README promises every ancestor path).
  const ancestors = ["/", "/prod", "/prod/", "/prod/db", "/prod/db/"].flatMap((p) => [[p, true], [p, false]] as const);
  test.each(ancestors)("path %s (recursive %s) with decryption alerts on both paths", (path, recursive) => {
    expect(outcome(hierarchical, byPath(path, recursive))).toEqual(READ);
  });

  test.each(ancestors)("path %s (recursive %s) without decryption does not alert", (path, recursive) => {
    expect(outcome(hierarchical, byPath(path, recursive, false))).toEqual(NOTHING);
  });

  // Not ancestors: a shorter or longer sibling level, the parameter itself (its children only), another tree.
  const notAncestors = ["/prod/d", "/prod/dbx", "/prod/dbx/", "/prod/db2/", "/prod/db/password", "/prod/db/password/", "/other", "/other/prod/db/"];
  test.each(notAncestors)("path %s does not alert", (path) => {
    expect(outcome(hierarchical, byPath(path, true))).toEqual(NOTHING);
  });

  // A name without a hierarchy sits at the root: GetParametersByPath on "/" returns it (observed AWS behaviour,
  // reproduced in https://github.com/getmoto/moto/issues/1700).
  test.each([true, false])("a name without hierarchy is read by path / (recursive %s) and alerts on both paths", (recursive) => {
    expect(outcome(flat, byPath("/", recursive))).toEqual({ metric: [`${PREFIX}-parameter-read-dbpassword`], realtime: ["read"] });
  });

  test.each(["/dbpassword", "/prod/", "/db"])("a name without hierarchy is not read by path %s", (path) => {
    expect(outcome(flat, byPath(path, true))).toEqual(NOTHING);
  });
});

describe("parameters: siblings of /prod/db/password", () => {
  let model: StackModel;
  beforeAll(() => {
    model = modelOf({ ...PARAMETERS, parameterStore: { enabled: true, monitoredParameters: ["/prod/db/password"] } });
  });

  const siblings = ["/prod/db/password2", "/prod/db/passwor", "/prod/db", "/prod/dbx", "/prod/db/password/old", "/staging/db/password"].flatMap(
    (name) => parameterForms(name).map(([form, value]) => [name, form, value] as const),
  );
  test.each(siblings)("GetParameter of %s by %s does not alert", (_name, _form, name) => {
    expect(outcome(model, ssm("GetParameter", { name, withDecryption: true }))).toEqual(NOTHING);
  });

  // GetParameters keeps one `*<name>*` wildcard per index (filter length), so names containing the monitored one
  // (`/prod/db/password2`) are accepted false alarms there; names that do not contain it never alert.
  const unrelated = ["/prod/db/passwor", "/prod/db", "/prod/dbx", "/staging/db/pass"].flatMap((name) =>
    parameterForms(name).map(([form, value]) => [name, form, value] as const),
  );
  test.each(unrelated)("GetParameters naming %s by %s does not alert", (_name, _form, name) => {
    expect(outcome(model, getParameters(name, 9))).toEqual(NOTHING);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Tampering: calls whose request names resources in a list. DeleteAlarms: "You can delete up to 100 alarms in
// one operation" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DeleteAlarms.html);
// DisableAlarmActions' AlarmNames: "Array Members: Maximum number of 100 items"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DisableAlarmActions.html). CloudTrail
// records them as requestParameters.alarmNames.

const MAX_ALARM_NAMES = 100;
const LIST_CALLS = ["DeleteAlarms", "DisableAlarmActions"] as const;

describe("tamper: list fields", () => {
  let model: StackModel;
  const CHANGE = { metric: [`${PREFIX}-monitoring-changes`], realtime: ["change"] };
  beforeAll(() => {
    model = modelOf({ selfMonitoring: { enabled: true, allowedChangers: [`arn:aws:sts::${ACCOUNT}:assumed-role/deployer/*`] } });
  });

  /** A call naming 100 alarms (the API maximum), this monitor's own alarm at `index` and other alarms elsewhere. */
  function alarms(eventName: string, index: number | undefined): Record<string, unknown> {
    const alarmNames = Array.from({ length: MAX_ALARM_NAMES }, (_, i) => (i === index ? `${PREFIX}-monitoring-changes` : `billing-alarm-${i}`));
    return apiCall("monitoring.amazonaws.com", eventName, { alarmNames }, false);
  }
  const indices = (n: number) => LIST_CALLS.flatMap((call) => Array.from({ length: n }, (_, i) => [call, i] as const));

  test("every tamper branch on a list field is one of the calls tested here", () => {
    const scope = {
      resourcePrefix: PREFIX,
      logGroupName: `/aws/cloudtrail/${PREFIX}`,
      bucketName: "sam-trail-test0001",
      deliveryRoleName: `${PREFIX}-cloudtrail-to-logs`,
      deadLetterQueueName: `${PREFIX}-alert-dlq`,
      key: { id: "1234abcd-12ab-34cd-56ef-1234567890ab", arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`, partition: "aws", region: "us-east-1" },
      allowedChangers: [],
    };
    const listBranches = tamperDetection(scope).branches.filter((b) => b.resource?.arrayLength !== undefined);
    expect(listBranches.flatMap((b) => b.eventNames).sort()).toEqual([...LIST_CALLS].sort());
  });

  // CloudWatch filter selectors cannot say "any element", so the metric path checks each index (split over several
  // filters feeding one metric); the real-time path matches any element natively.
  test.each(indices(MAX_ALARM_NAMES))("%s with this monitor's alarm at index %i of 100 alerts on both paths", (call, index) => {
    expect(outcome(model, alarms(call, index))).toEqual(CHANGE);
  });

  test.each(LIST_CALLS)("%s of 100 other alarms does not alert", (call) => {
    expect(outcome(model, alarms(call, undefined))).toEqual(NOTHING);
  });

  test.each(LIST_CALLS)("%s of this monitor's alarm by the allowed deployer does not alert", (call) => {
    const record = alarms(call, 0);
    const deployer = { type: "AssumedRole", arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/pipeline`, accountId: ACCOUNT };
    expect(outcome(model, { ...record, userIdentity: deployer })).toEqual(NOTHING);
  });
});
