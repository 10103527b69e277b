/**
 * A synthesized stack (cdk.tf.json) turned into concrete AWS facts for one test account: every Terraform
 * reference in a policy (`${aws_sns_topic.X.arn}`, `${data.aws_caller_identity.current.account_id}`, …) is
 * resolved to the ARN AWS would give that resource, derived from the resource's own configuration (its name),
 * and every policy of the stack is listed with the resource it governs. Anything it cannot resolve, or a
 * policy-bearing resource type it does not know, fails loudly: a contract evaluated on half-resolved policies
 * would prove nothing. Pure: no cdktf imports.
 */

type Obj = Record<string, any>;

/** The account the contracts deploy to, and one that is not it. */
export const ACCOUNT = "111122223333";
export const OTHER_ACCOUNT = "444455556666";
/** AWS generates these at creation; any fixed value serves, as long as every reference agrees on it. */
export const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
export const SECRET_ARN_SUFFIX = "AbCdEf";

export interface PolicyDocument {
  Version?: string;
  Statement: Obj[];
}

export type PolicyKind = "bucket" | "topic" | "queue" | "key" | "trust" | "role-policy";

export interface StackPolicy {
  /** `aws_kms_key.EncryptionKey_1B843E66.policy` */
  readonly where: string;
  readonly kind: PolicyKind;
  /** ARN of the resource the policy governs (for a role policy: the role it is attached to). */
  readonly governs: string;
  /** The document with every reference resolved. */
  readonly document: PolicyDocument;
}

/** Every resource type whose configuration can carry a policy, and where. Unknown ones stop the suite. */
const POLICY_FIELDS: Record<string, { field: string; kind?: PolicyKind }> = {
  aws_s3_bucket_policy: { field: "policy", kind: "bucket" },
  aws_sns_topic_policy: { field: "policy", kind: "topic" },
  aws_sqs_queue_policy: { field: "policy", kind: "queue" },
  aws_kms_key: { field: "policy", kind: "key" },
  aws_iam_role: { field: "assume_role_policy", kind: "trust" },
  aws_iam_role_policy: { field: "policy", kind: "role-policy" },
  // Known carriers this suite does not model yet: present in a stack, they fail `stackPolicies`.
  aws_s3_bucket: { field: "policy" },
  aws_sns_topic: { field: "policy" },
  aws_sqs_queue: { field: "policy" },
  aws_iam_policy: { field: "policy" },
  aws_iam_role_policy_attachment: { field: "policy_arn" },
  aws_iam_user_policy: { field: "policy" },
  aws_iam_group_policy: { field: "policy" },
  aws_kms_grant: { field: "grantee_principal" },
  aws_secretsmanager_secret_policy: { field: "policy" },
  aws_secretsmanager_secret: { field: "policy" },
  aws_cloudwatch_log_resource_policy: { field: "policy_document" },
  aws_cloudwatch_event_bus_policy: { field: "policy" },
  aws_cloudwatch_event_permission: { field: "principal" },
  aws_lambda_permission: { field: "principal" },
};

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

function literal(value: unknown, what: string): string {
  if (typeof value !== "string" || value.length === 0) throw new Error(`${what} is not set`);
  if (value.includes("${")) throw new Error(`${what} is not a literal (${value}): its ARN cannot be derived`);
  return value;
}

/** Resolves Terraform references of one synthesized stack for the test account. */
export class TerraformResolver {
  readonly region: string;
  readonly partition: string;
  readonly account = ACCOUNT;

  constructor(readonly tf: Obj) {
    // The default configuration; an aliased one (the decoys' untagged provider) must use the same region.
    const all: Obj[] = [].concat(tf.provider?.aws ?? []);
    const providers = all.filter((p) => p.alias === undefined);
    if (providers.length !== 1) throw new Error(`expected one default aws provider block, found ${providers.length}`);
    for (const p of all) if (p.region !== providers[0].region) throw new Error(`aws provider ${p.alias} is in ${p.region}, not ${providers[0].region}`);
    this.region = literal(providers[0].region, "provider aws region");
    this.partition = partitionOf(this.region);
  }

  resource(type: string, name: string): Obj {
    const res = this.tf.resource?.[type]?.[name];
    if (!res) throw new Error(`reference to ${type}.${name}, which the stack does not declare`);
    return res;
  }

  /** The value AWS (or the provider) gives `type.name.attribute` once created. */
  attribute(type: string, name: string, attribute: string): string {
    const { region, partition, account } = this;
    const r = this.resource(type, name);
    const where = `${type}.${name}`;
    const attrs: Record<string, Record<string, () => string>> = {
      aws_s3_bucket: {
        id: () => literal(r.bucket, `${where}.bucket`),
        bucket: () => literal(r.bucket, `${where}.bucket`),
        arn: () => `arn:${partition}:s3:::${literal(r.bucket, `${where}.bucket`)}`,
      },
      aws_sns_topic: {
        name: () => literal(r.name, `${where}.name`),
        arn: () => `arn:${partition}:sns:${region}:${account}:${literal(r.name, `${where}.name`)}`,
        id: () => `arn:${partition}:sns:${region}:${account}:${literal(r.name, `${where}.name`)}`,
      },
      aws_sqs_queue: {
        name: () => literal(r.name, `${where}.name`),
        arn: () => `arn:${partition}:sqs:${region}:${account}:${literal(r.name, `${where}.name`)}`,
        url: () => `https://sqs.${region}.amazonaws.com/${account}/${literal(r.name, `${where}.name`)}`,
        id: () => `https://sqs.${region}.amazonaws.com/${account}/${literal(r.name, `${where}.name`)}`,
      },
      aws_cloudwatch_event_rule: {
        name: () => literal(r.name, `${where}.name`),
        arn: () => {
          const bus = r.event_bus_name ?? "default";
          const rule = literal(r.name, `${where}.name`);
          // A rule on a custom bus (the organization's central bus) names it by reference.
          const busName = typeof bus === "string" && bus.includes("${") ? this.string(bus) : literal(bus, `${where}.event_bus_name`);
          return `arn:${partition}:events:${region}:${account}:rule/${busName === "default" ? "" : `${busName}/`}${rule}`;
        },
      },
      aws_cloudwatch_event_bus: {
        name: () => literal(r.name, `${where}.name`),
        arn: () => `arn:${partition}:events:${region}:${account}:event-bus/${literal(r.name, `${where}.name`)}`,
      },
      aws_cloudwatch_log_group: {
        name: () => literal(r.name, `${where}.name`),
        id: () => literal(r.name, `${where}.name`),
        // The provider strips the ":*" the API appends: the attribute is the bare group ARN.
        arn: () => `arn:${partition}:logs:${region}:${account}:log-group:${literal(r.name, `${where}.name`)}`,
      },
      aws_iam_role: {
        name: () => literal(r.name, `${where}.name`),
        id: () => literal(r.name, `${where}.name`),
        arn: () => `arn:${partition}:iam::${account}:role${r.path ?? "/"}${literal(r.name, `${where}.name`)}`,
      },
      aws_dynamodb_table: {
        name: () => literal(r.name, `${where}.name`),
        id: () => literal(r.name, `${where}.name`),
        arn: () => `arn:${partition}:dynamodb:${region}:${account}:table/${literal(r.name, `${where}.name`)}`,
      },
      aws_sfn_state_machine: {
        name: () => literal(r.name, `${where}.name`),
        arn: () => `arn:${partition}:states:${region}:${account}:stateMachine:${literal(r.name, `${where}.name`)}`,
        id: () => `arn:${partition}:states:${region}:${account}:stateMachine:${literal(r.name, `${where}.name`)}`,
      },
      aws_kms_key: {
        arn: () => `arn:${partition}:kms:${region}:${account}:key/${KEY_ID}`,
        key_id: () => KEY_ID,
        id: () => KEY_ID,
      },
      aws_cloudtrail: {
        name: () => literal(r.name, `${where}.name`),
        arn: () => `arn:${partition}:cloudtrail:${region}:${account}:trail/${literal(r.name, `${where}.name`)}`,
      },
      aws_cloudwatch_metric_alarm: {
        alarm_name: () => literal(r.alarm_name, `${where}.alarm_name`),
        arn: () => `arn:${partition}:cloudwatch:${region}:${account}:alarm:${literal(r.alarm_name, `${where}.alarm_name`)}`,
      },
      // API destination ARNs end in an ID EventBridge assigns ("arn:aws:events:<region>:<account>:api-destination/<name>/<id>").
      aws_cloudwatch_event_api_destination: {
        name: () => literal(r.name, `${where}.name`),
        arn: () => `arn:${partition}:events:${region}:${account}:api-destination/${literal(r.name, `${where}.name`)}/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e`,
      },
      aws_secretsmanager_secret: {
        name: () => literal(r.name, `${where}.name`),
        arn: () => `arn:${partition}:secretsmanager:${region}:${account}:secret:${literal(r.name, `${where}.name`)}-${SECRET_ARN_SUFFIX}`,
        id: () => `arn:${partition}:secretsmanager:${region}:${account}:secret:${literal(r.name, `${where}.name`)}-${SECRET_ARN_SUFFIX}`,
      },
    };
    const get = attrs[type]?.[attribute];
    if (!get) throw new Error(`cannot resolve \${${type}.${name}.${attribute}}: attribute not modelled`);
    return get();
  }

  /** One `${…}` expression. */
  expression(expr: string): string {
    if (expr === "data.aws_caller_identity.current.account_id") {
      if (!this.tf.data?.aws_caller_identity?.current) throw new Error("data.aws_caller_identity.current is not declared");
      return this.account;
    }
    const m = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)$/.exec(expr);
    if (!m) throw new Error(`cannot resolve \${${expr}}: not a plain resource attribute reference`);
    return this.attribute(m[1], m[2], m[3]);
  }

  /** A string with every reference replaced; fails on any `${` left. */
  string(s: string): string {
    const out = s.replace(/\$\{([^}]*)\}/g, (_, expr: string) => this.expression(expr.trim()));
    if (out.includes("${")) throw new Error(`unresolved reference left in ${JSON.stringify(s)}`);
    return out;
  }

  /** Deep copy with every string resolved. */
  value<T>(v: T): T {
    if (typeof v === "string") return this.string(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.string(k), this.value(x)])) as T;
    return v;
  }

  /** `${type.name.attr}` as its parts, for a string that is exactly one reference. */
  static reference(s: unknown): { type: string; name: string; attribute: string } | undefined {
    const m = typeof s === "string" ? /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/.exec(s) : null;
    return m ? { type: m[1], name: m[2], attribute: m[3] } : undefined;
  }
}

/** Every policy of the stack, resolved, with the resource it governs. */
export function stackPolicies(tf: Obj): StackPolicy[] {
  const resolver = new TerraformResolver(tf);
  const out: StackPolicy[] = [];
  for (const [type, { field, kind }] of Object.entries(POLICY_FIELDS)) {
    for (const [name, res] of Object.entries<Obj>(tf.resource?.[type] ?? {})) {
      if (res[field] === undefined) continue;
      const where = `${type}.${name}.${field}`;
      if (!kind) throw new Error(`${where}: a policy carrier the contract suite does not model; add it to terraform-world.ts`);
      const raw = res[field];
      if (typeof raw !== "string") throw new Error(`${where} is not a JSON string`);
      const document = resolver.value(JSON.parse(raw)) as PolicyDocument;
      document.Statement = ([] as Obj[]).concat(document.Statement ?? []);
      out.push({ where, kind, governs: governed(resolver, type, name, res), document });
    }
  }
  const text = JSON.stringify(out);
  if (text.includes("${")) throw new Error(`unresolved reference in a policy: ${/\$\{[^}]*\}/.exec(text)?.[0]}`);
  return out;
}

function governed(resolver: TerraformResolver, type: string, name: string, res: Obj): string {
  const via = (value: unknown, expectType: string, what: string): string => {
    const ref = TerraformResolver.reference(value);
    if (!ref || ref.type !== expectType) throw new Error(`${type}.${name}.${what} does not reference a ${expectType}: ${String(value)}`);
    return resolver.attribute(ref.type, ref.name, "arn");
  };
  switch (type) {
    case "aws_s3_bucket_policy":
      return via(res.bucket, "aws_s3_bucket", "bucket");
    case "aws_sns_topic_policy":
      return via(res.arn, "aws_sns_topic", "arn");
    case "aws_sqs_queue_policy":
      return via(res.queue_url, "aws_sqs_queue", "queue_url");
    case "aws_iam_role_policy":
      return via(res.role, "aws_iam_role", "role");
    default:
      return resolver.attribute(type, name, "arn");
  }
}

/** The concrete resources the contract rows talk about. Absent parts are absent in that variant. */
export interface World {
  readonly account: string;
  readonly otherAccount: string;
  readonly region: string;
  readonly partition: string;
  readonly trail?: { name: string; arn: string };
  readonly bucket?: { name: string; arn: string; blocksPublicAccess: boolean };
  readonly logGroup?: { name: string; arn: string };
  readonly role?: { name: string; arn: string };
  readonly topic?: { name: string; arn: string };
  /** The health topic (`<prefix>-health`): no customer key, alarms on the monitor itself only. */
  readonly healthTopic?: { name: string; arn: string };
  readonly queue?: { name: string; arn: string };
  readonly key?: { arn: string };
  readonly secret?: { name: string; arn: string };
  readonly stateBucket?: { name: string; arn: string; blocksPublicAccess: boolean };
  /** Rules publishing to the alert topic (the first-seen rules start the workflow instead: `firstSeen.rules`). */
  readonly rules: { name: string; arn: string }[];
  /** The API destinations (chat, paging, webhook), the role EventBridge assumes to invoke them, and the rules with such targets. */
  readonly destinations?: { role: { name: string; arn: string }; apiDestinations: { name: string; arn: string }[]; rules: { name: string; arn: string }[] };
  /** The role of Amazon Q Developer in chat applications. */
  readonly chatRole?: { name: string; arn: string };
  readonly alarms: { name: string; arn: string }[];
  /** The first-seen workflow: its table, state machine, roles, log group and the rules that start it. */
  readonly firstSeen?: {
    table: { name: string; arn: string };
    stateMachine: { name: string; arn: string };
    executionRole: { name: string; arn: string };
    invokeRole: { name: string; arn: string };
    logGroup: { name: string; arn: string };
    rules: { name: string; arn: string }[];
  };
  /** The alarms that notify the health topic. */
  readonly healthAlarms: { name: string; arn: string }[];
  /** Which resources the customer key encrypts. */
  readonly encrypted: {
    bucket: boolean;
    bucketKey: boolean;
    trail: boolean;
    logGroup: boolean;
    topic: boolean;
    queue: boolean;
    secret: boolean;
    firstSeenTable: boolean;
    firstSeenLogGroup: boolean;
  };
}

const only = (tf: Obj, type: string): [string, Obj] | undefined => {
  const entries = Object.entries<Obj>(tf.resource?.[type] ?? {});
  if (entries.length > 1) throw new Error(`expected at most one ${type}, found ${entries.length}`);
  return entries[0];
};

/** A nested block as cdktf writes it: one object, or a list of one. */
const block = (b: unknown): Obj | undefined => (Array.isArray(b) ? b[0] : (b as Obj | undefined));

/** Reads the world of one synthesized stack: the monitoring stack or the state bootstrap. */
export function worldOf(tf: Obj): World {
  const r = new TerraformResolver(tf);
  const arn = (type: string, name: string) => r.attribute(type, name, "arn");
  const refArn = (value: unknown, type: string, what: string): [string, string] => {
    const ref = TerraformResolver.reference(value);
    if (!ref || ref.type !== type) throw new Error(`${what} does not reference a ${type}: ${String(value)}`);
    return [ref.name, arn(type, ref.name)];
  };
  const keyRef = (value: unknown) => {
    const ref = TerraformResolver.reference(value);
    return ref?.type === "aws_kms_key";
  };
  const blocks = (bucketName: string) =>
    Object.values<Obj>(tf.resource?.aws_s3_bucket_public_access_block ?? {}).some(
      (p) => TerraformResolver.reference(p.bucket)?.name === bucketName && p.restrict_public_buckets === true && p.block_public_policy === true,
    );

  const trailEntry = only(tf, "aws_cloudtrail");
  let trail: World["trail"];
  let bucket: World["bucket"];
  let logGroup: World["logGroup"];
  let role: World["role"];
  let bucketName: string | undefined;
  if (trailEntry) {
    const [tName, t] = trailEntry;
    trail = { name: r.attribute("aws_cloudtrail", tName, "name"), arn: arn("aws_cloudtrail", tName) };
    const bRef = TerraformResolver.reference(t.s3_bucket_name);
    if (!bRef || bRef.type !== "aws_s3_bucket") throw new Error("the trail's s3_bucket_name does not reference a bucket");
    bucketName = bRef.name;
    bucket = { name: r.attribute("aws_s3_bucket", bRef.name, "bucket"), arn: arn("aws_s3_bucket", bRef.name), blocksPublicAccess: blocks(bRef.name) };
    const gm = /^\$\{aws_cloudwatch_log_group\.([A-Za-z0-9_-]+)\.arn\}:\*$/.exec(t.cloud_watch_logs_group_arn ?? "");
    if (!gm) throw new Error(`the trail's cloud_watch_logs_group_arn is not <log group arn>:*: ${t.cloud_watch_logs_group_arn}`);
    logGroup = { name: r.attribute("aws_cloudwatch_log_group", gm[1], "name"), arn: arn("aws_cloudwatch_log_group", gm[1]) };
    const [roleName, roleArn] = refArn(t.cloud_watch_logs_role_arn, "aws_iam_role", "the trail's cloud_watch_logs_role_arn");
    role = { name: r.attribute("aws_iam_role", roleName, "name"), arn: roleArn };
  }

  const targets = Object.values<Obj>(tf.resource?.aws_cloudwatch_event_target ?? {});
  const alarmsRaw = Object.entries<Obj>(tf.resource?.aws_cloudwatch_metric_alarm ?? {});
  // Two topics at most: the alert topic, and the health topic named `<prefix>-health`.
  const topics = Object.entries<Obj>(tf.resource?.aws_sns_topic ?? {});
  const isHealth = ([n]: [string, Obj]) => r.attribute("aws_sns_topic", n, "name").endsWith("-health");
  const pick = (entries: [string, Obj][], what: string): [string, Obj] | undefined => {
    if (entries.length > 1) throw new Error(`expected at most one ${what}, found ${entries.length}`);
    return entries[0];
  };
  const topicEntry = pick(topics.filter((e) => !isHealth(e)), "alert topic");
  const healthEntry = pick(topics.filter(isHealth), "health topic");
  const topic = topicEntry ? { name: r.attribute("aws_sns_topic", topicEntry[0], "name"), arn: arn("aws_sns_topic", topicEntry[0]) } : undefined;
  const healthTopic = healthEntry ? { name: r.attribute("aws_sns_topic", healthEntry[0], "name"), arn: arn("aws_sns_topic", healthEntry[0]) } : undefined;
  const queueEntry = only(tf, "aws_sqs_queue");
  const queue = queueEntry ? { name: r.attribute("aws_sqs_queue", queueEntry[0], "name"), arn: arn("aws_sqs_queue", queueEntry[0]) } : undefined;
  const keyEntry = only(tf, "aws_kms_key");
  const key = keyEntry ? { arn: arn("aws_kms_key", keyEntry[0]) } : undefined;
  // The demo secret; decoys (on the untagged `aws.decoys` provider, Secrets Manager's default key) involve no
  // policy of the stack.
  const secretEntry = pick(
    Object.entries<Obj>(tf.resource?.aws_secretsmanager_secret ?? {}).filter(([, x]) => x.provider !== "aws.decoys"),
    "aws_secretsmanager_secret besides decoys",
  );
  const secret = secretEntry ? { name: r.attribute("aws_secretsmanager_secret", secretEntry[0], "name"), arn: arn("aws_secretsmanager_secret", secretEntry[0]) } : undefined;

  // The first-seen workflow: the state machine, the role it runs as, and the rules (with their role) that start it.
  const machineEntry = only(tf, "aws_sfn_state_machine");
  const startsMachine = (t: Obj) => machineEntry !== undefined && TerraformResolver.reference(t.arn)?.type === "aws_sfn_state_machine";
  let firstSeen: World["firstSeen"];
  let firstSeenTableEncrypted = false;
  let firstSeenLogGroupEncrypted = false;
  if (machineEntry) {
    const [mName, m] = machineEntry;
    const [execName, execArn] = refArn(m.role_arn, "aws_iam_role", "the state machine's role_arn");
    const tableEntry = only(tf, "aws_dynamodb_table");
    if (!tableEntry) throw new Error("the first-seen workflow has no table");
    const starters = targets.filter(startsMachine);
    const [invokeName, invokeArn] = refArn(starters[0]?.role_arn, "aws_iam_role", "the first-seen target's role_arn");
    const gm = /^\$\{aws_cloudwatch_log_group\.([A-Za-z0-9_-]+)\.arn\}:\*$/.exec(block(m.logging_configuration)?.log_destination ?? "");
    if (!gm) throw new Error(`the state machine's log destination is not <log group arn>:*: ${block(m.logging_configuration)?.log_destination}`);
    const ruleOf = (t: Obj) => {
      const ref = TerraformResolver.reference(t.rule);
      if (!ref || ref.type !== "aws_cloudwatch_event_rule") throw new Error(`a first-seen target's rule is not a reference: ${t.rule}`);
      return { name: r.attribute("aws_cloudwatch_event_rule", ref.name, "name"), arn: arn("aws_cloudwatch_event_rule", ref.name) };
    };
    firstSeen = {
      table: { name: r.attribute("aws_dynamodb_table", tableEntry[0], "name"), arn: arn("aws_dynamodb_table", tableEntry[0]) },
      stateMachine: { name: r.attribute("aws_sfn_state_machine", mName, "name"), arn: arn("aws_sfn_state_machine", mName) },
      executionRole: { name: r.attribute("aws_iam_role", execName, "name"), arn: execArn },
      invokeRole: { name: r.attribute("aws_iam_role", invokeName, "name"), arn: invokeArn },
      logGroup: { name: r.attribute("aws_cloudwatch_log_group", gm[1], "name"), arn: arn("aws_cloudwatch_log_group", gm[1]) },
      rules: starters.map(ruleOf),
    };
    firstSeenTableEncrypted = keyRef(block(tableEntry[1].server_side_encryption)?.kms_key_arn);
    firstSeenLogGroupEncrypted = keyRef(tf.resource.aws_cloudwatch_log_group[gm[1]].kms_key_id);
  }

  // API-destination targets (chat, paging, webhook) carry the role EventBridge assumes; every other target publishes to the topic.
  const isApiTarget = (t: Obj) => TerraformResolver.reference(t.arn)?.type === "aws_cloudwatch_event_api_destination";
  // Sanity: the targets and alarms point at the topic and queue read above.
  for (const t of targets) {
    if (startsMachine(t) || isApiTarget(t)) continue;
    if (topic && r.string(t.arn) !== topic.arn) throw new Error(`an event target publishes to ${t.arn}, not the alert topic`);
    if (queue && t.dead_letter_config && r.string(t.dead_letter_config.arn) !== queue.arn) throw new Error("an event target's dead-letter queue is not the stack's queue");
  }

  const firstSeenRuleNames = new Set(firstSeen?.rules.map((x) => x.name) ?? []);
  const ruleOf = (n: string) => ({ name: r.attribute("aws_cloudwatch_event_rule", n, "name"), arn: arn("aws_cloudwatch_event_rule", n) });
  const targetsOfRule = (n: string) => {
    const name = r.attribute("aws_cloudwatch_event_rule", n, "name");
    return targets.filter((t) => t.rule === name || TerraformResolver.reference(t.rule)?.name === n);
  };
  const ruleNames = Object.keys(tf.resource?.aws_cloudwatch_event_rule ?? {});
  // Rules with only API-destination targets (the alarm routes) publish nothing to the topic.
  const rules = ruleNames
    .filter((n) => targetsOfRule(n).some((t) => !isApiTarget(t)))
    .map(ruleOf)
    .filter((x) => !firstSeenRuleNames.has(x.name));
  const apiDestinations = Object.keys(tf.resource?.aws_cloudwatch_event_api_destination ?? {}).map((n) => ({
    name: r.attribute("aws_cloudwatch_event_api_destination", n, "name"),
    arn: arn("aws_cloudwatch_event_api_destination", n),
  }));
  const apiTargets = targets.filter(isApiTarget);
  let destinations: World["destinations"];
  if (apiTargets.length > 0) {
    const roleRef = TerraformResolver.reference(apiTargets[0].role_arn);
    if (!roleRef || roleRef.type !== "aws_iam_role") throw new Error("an API-destination target names no role");
    if (apiTargets.some((t) => TerraformResolver.reference(t.role_arn)?.name !== roleRef.name)) throw new Error("API-destination targets assume different roles");
    destinations = {
      role: { name: r.attribute("aws_iam_role", roleRef.name, "name"), arn: arn("aws_iam_role", roleRef.name) },
      apiDestinations,
      rules: ruleNames.filter((n) => targetsOfRule(n).some(isApiTarget)).map(ruleOf),
    };
  }
  const chatRoleRef = TerraformResolver.reference(
    [...Object.values<Obj>(tf.resource?.aws_chatbot_slack_channel_configuration ?? {}), ...Object.values<Obj>(tf.resource?.aws_chatbot_teams_channel_configuration ?? {})][0]?.iam_role_arn,
  );
  const chatRole = chatRoleRef ? { name: r.attribute("aws_iam_role", chatRoleRef.name, "name"), arn: arn("aws_iam_role", chatRoleRef.name) } : undefined;
  const notifying = (t?: { arn: string }) =>
    alarmsRaw
      .filter(([, a]) => t && [].concat(a.alarm_actions ?? []).map((x: string) => r.string(x)).includes(t.arn))
      .map(([n]) => ({ name: r.attribute("aws_cloudwatch_metric_alarm", n, "alarm_name"), arn: arn("aws_cloudwatch_metric_alarm", n) }));
  const alarms = notifying(topic);
  const healthAlarms = notifying(healthTopic);

  const sse = Object.values<Obj>(tf.resource?.aws_s3_bucket_server_side_encryption_configuration ?? {}).find(
    (c) => bucketName !== undefined && TerraformResolver.reference(c.bucket)?.name === bucketName,
  );
  const sseRule = sse?.rule?.[0];
  const trailRes = trailEntry?.[1];
  const groupRes = logGroup && Object.values<Obj>(tf.resource?.aws_cloudwatch_log_group ?? {}).find((g) => g.name === logGroup!.name);

  // The state bucket: a bucket that no trail writes to (only the bootstrap stack has one).
  const otherBuckets = Object.keys(tf.resource?.aws_s3_bucket ?? {}).filter((n) => n !== bucketName);
  if (otherBuckets.length > 1) throw new Error(`more than one bucket besides the trail's: ${otherBuckets.join(", ")}`);
  const stateBucket = otherBuckets.length
    ? { name: r.attribute("aws_s3_bucket", otherBuckets[0], "bucket"), arn: arn("aws_s3_bucket", otherBuckets[0]), blocksPublicAccess: blocks(otherBuckets[0]) }
    : undefined;

  return {
    account: ACCOUNT,
    otherAccount: OTHER_ACCOUNT,
    region: r.region,
    partition: r.partition,
    trail,
    bucket,
    logGroup,
    role,
    topic,
    healthTopic,
    queue,
    key,
    secret,
    stateBucket,
    rules,
    destinations,
    chatRole,
    alarms,
    healthAlarms,
    firstSeen,
    encrypted: {
      bucket: keyRef(sseRule?.apply_server_side_encryption_by_default?.kms_master_key_id),
      bucketKey: sseRule?.bucket_key_enabled === true,
      trail: keyRef(trailRes?.kms_key_id),
      logGroup: keyRef(groupRes?.kms_key_id),
      topic: keyRef(topicEntry?.[1].kms_master_key_id),
      queue: keyRef(queueEntry?.[1].kms_master_key_id),
      secret: keyRef(secretEntry?.[1].kms_key_id),
      firstSeenTable: firstSeenTableEncrypted,
      firstSeenLogGroup: firstSeenLogGroupEncrypted,
    },
  };
}
