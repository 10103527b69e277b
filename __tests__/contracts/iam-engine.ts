/**
 * Evaluates the contract rows (service-requests.ts) against a stack's resolved policies with
 * @cloud-copilot/iam-simulate, and mutates those policies to show every statement and condition key is needed.
 *
 * Limits of the engine (0.1.173), found by reading its source and pinned by tests in policies.test.ts:
 *
 * 1. `runSimulation` keeps a request-context key only if its service data lists it for the action. KMS lists
 *    `kms:EncryptionContext:${EncryptionContextKey}`, but the engine matches variable keys only after a `/`
 *    (`aws:PrincipalTag/…`), so every `kms:EncryptionContext:<key>` is silently dropped (reported in
 *    `ignoredContextKeys`) and a statement conditioned on one never matches. Rows that carry an encryption
 *    context are therefore decided by `runUnsafeSimulation`, which hands the context unchanged to the same core
 *    `authorize` function; `runSimulation` still runs first for them, to validate the policies, the action, the
 *    resource type and every other key. A test checks the two runners agree on every row without an encryption
 *    context, and that the core runner evaluates encryption-context conditions (match, mismatch, absent).
 * 2. Unknown context keys are not rejected, only dropped (a typo such as `aws:SourceArnn` would pass silently):
 *    `evaluate` fails any row whose request has a dropped key other than an encryption-context key.
 * 3. Every global key (`aws:SourceArn`, `aws:SourceAccount`, …) is accepted for every action, whether or not the
 *    calling service sends it: the engine cannot tell which keys a service sends. The table encodes that, from
 *    AWS's documentation, row by row.
 * 4. `runUnsafeSimulation` crashes on a plain resource-policy document (it reads `metadata().name` of a policy
 *    loaded without metadata); it is given the library's `ValidatedPolicy` shape, which carries the metadata.
 * 5. Not modelled by the engine: S3 ACLs and object ownership (`s3:x-amz-acl` is only a condition key to it; S3
 *    Block Public Access is applied from the setting passed in, read here from the stack's public access block),
 *    KMS grants, and AWS's default key policy for a key created without one (the suite refuses such a key).
 */
import { anonymousPrincipal, runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { ContractRow, Expectation, Grant, Need, Target } from "./service-requests";
import { PolicyDocument, StackPolicy, World } from "./terraform-world";

type Obj = Record<string, any>;

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** A contract row with every template filled for one stack. */
export interface Request {
  readonly id: string;
  readonly row: ContractRow;
  readonly expect: Expectation;
  readonly target: Target;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string>;
  readonly grants?: PolicyDocument;
}

export interface Verdict {
  readonly decision: Decision;
  /** "validated": runSimulation decided; "core": runUnsafeSimulation decided (the request has an encryption context). */
  readonly runner: "validated" | "core";
}

const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:/i;

/* ------------------------------------------------------------------------------------------- expansion */

function has(world: World, need: Need): boolean {
  switch (need) {
    case "trail":
      return !!world.trail && !!world.bucket && !!world.role && !!world.logGroup;
    case "rules":
      return world.rules.length > 0 && !!world.topic;
    case "alarms":
      return world.alarms.length > 0 && !!world.topic;
    case "healthTopic":
      return world.healthAlarms.length > 0 && !!world.healthTopic;
    case "queue":
      return !!world.queue;
    case "key":
      return !!world.key;
    case "secret":
      return !!world.secret;
    case "stateBucket":
      return !!world.stateBucket;
    case "firstSeen":
      return !!world.firstSeen;
    case "destinations":
      return !!world.destinations;
    case "chat":
      return !!world.chatRole;
    default: {
      const part = need.slice("encrypted.".length) as keyof World["encrypted"];
      return !!world.key && world.encrypted[part];
    }
  }
}

function variables(world: World, extra: Record<string, string>): Record<string, string | undefined> {
  const v: Record<string, string | undefined> = {
    account: world.account,
    otherAccount: world.otherAccount,
    region: world.region,
    partition: world.partition,
    ...extra,
  };
  for (const part of ["trail", "bucket", "logGroup", "role", "topic", "healthTopic", "queue", "key", "secret", "stateBucket", "chatRole"] as const) {
    const value = world[part] as Obj | undefined;
    for (const field of ["arn", "name"]) v[`${part}.${field}`] = value?.[field];
  }
  for (const part of ["table", "stateMachine", "executionRole", "invokeRole", "logGroup"] as const) {
    for (const field of ["arn", "name"] as const) v[`firstSeen.${part}.${field}`] = world.firstSeen?.[part][field];
  }
  v["destinationsRole.arn"] = world.destinations?.role.arn;
  v["destinationsRole.name"] = world.destinations?.role.name;
  return v;
}

function fill(template: string, vars: Record<string, string | undefined>, rowId: string): string {
  return template.replace(/\{([A-Za-z.]+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`row "${rowId}": {${name}} has no value in this stack`);
    return value;
  });
}

function grantsDocument(grants: readonly Grant[], vars: Record<string, string | undefined>, rowId: string): PolicyDocument {
  const f = (x: string | string[]) => (Array.isArray(x) ? x.map((s) => fill(s, vars, rowId)) : fill(x, vars, rowId));
  return { Version: "2012-10-17", Statement: grants.map((g) => ({ Effect: "Allow", Action: f(g.Action as string | string[]), Resource: f(g.Resource as string | string[]) })) };
}

/** The rows that apply to this stack, with templates filled (and per-rule / per-alarm rows expanded). */
export function requestsFor(world: World, rows: readonly ContractRow[]): Request[] {
  const out: Request[] = [];
  for (const row of rows) {
    if (!row.needs.every((n) => has(world, n))) continue;
    const instances: Record<string, string>[] =
      row.forEach === "rule"
        ? world.rules.map((r) => ({ "rule.arn": r.arn, "rule.name": r.name }))
        : row.forEach === "alarm"
          ? world.alarms.map((a) => ({ "alarm.arn": a.arn, "alarm.name": a.name }))
          : row.forEach === "health-alarm"
            ? world.healthAlarms.map((a) => ({ "alarm.arn": a.arn, "alarm.name": a.name }))
            : row.forEach === "first-seen-rule"
              ? (world.firstSeen?.rules ?? []).map((x) => ({ "rule.arn": x.arn, "rule.name": x.name }))
              : row.forEach === "destination-rule"
                ? (world.destinations?.rules ?? []).map((r) => ({ "rule.arn": r.arn, "rule.name": r.name }))
                : row.forEach === "api-destination"
                  ? (world.destinations?.apiDestinations ?? []).map((d) => ({ "apiDestination.arn": d.arn, "apiDestination.name": d.name }))
                  : [{}];
    for (const extra of instances) {
      const vars = variables(world, extra);
      const suffix = extra["rule.name"] ?? extra["alarm.name"] ?? extra["apiDestination.name"];
      const id = suffix ? `${row.id} (${suffix})` : row.id;
      const context: Record<string, string> = { "aws:SecureTransport": "true" };
      for (const [k, v] of Object.entries(row.context)) context[k] = fill(v, vars, row.id);
      out.push({
        id,
        row,
        expect: row.expect,
        target: row.target,
        principal: fill(row.principal, vars, row.id),
        action: row.action,
        resource: fill(row.resource, vars, row.id),
        context,
        grants: row.grants ? grantsDocument(row.grants, vars, row.id) : undefined,
      });
    }
  }
  return out;
}

/* ------------------------------------------------------------------------------------------- policies */

/** The stack policy a target's rows are decided by. */
export function policyFor(target: Target, world: World, policies: readonly StackPolicy[]): StackPolicy | undefined {
  const find = (kind: StackPolicy["kind"], governs: string | undefined) => {
    const found = policies.filter((p) => p.kind === kind && p.governs === governs);
    if (found.length > 1) throw new Error(`${found.length} ${kind} policies govern ${governs}; the contracts expect one`);
    return found[0];
  };
  switch (target) {
    case "bucket":
      return find("bucket", world.bucket?.arn);
    case "state-bucket":
      return find("bucket", world.stateBucket?.arn);
    case "topic":
      return find("topic", world.topic?.arn);
    case "health-topic":
      return find("topic", world.healthTopic?.arn);
    case "queue":
      return find("queue", world.queue?.arn);
    case "key": {
      const key = find("key", world.key?.arn);
      if (world.key && !key) throw new Error("the key has no policy: the contracts do not model AWS's default key policy");
      return key;
    }
    case "trust":
      return find("trust", world.role?.arn);
    case "delivery-role":
      return find("role-policy", world.role?.arn);
    case "first-seen-trust":
      return find("trust", world.firstSeen?.executionRole.arn);
    case "first-seen-role":
      return find("role-policy", world.firstSeen?.executionRole.arn);
    case "first-seen-invoke-trust":
      return find("trust", world.firstSeen?.invokeRole.arn);
    case "first-seen-invoke-role":
      return find("role-policy", world.firstSeen?.invokeRole.arn);
    case "destinations-trust":
      return find("trust", world.destinations?.role.arn);
    case "destinations-role":
      return find("role-policy", world.destinations?.role.arn);
    case "chat-trust":
      return find("trust", world.chatRole?.arn);
  }
}

/** Policies as the engine receives them for one request; `override` replaces the target's policy (mutations). */
function simulationOf(req: Request, world: World, policies: readonly StackPolicy[], override?: PolicyDocument): Simulation {
  const stackPolicy = policyFor(req.target, world, policies);
  // A mutation that removes the last statement leaves no policy at all.
  const document = override ? (override.Statement.length ? override : undefined) : stackPolicy?.document;
  const anonymous = req.principal === "anonymous";
  const identity: PolicyDocument[] = [];
  if (req.grants) identity.push(req.grants);
  let resourcePolicy: PolicyDocument | undefined;
  const roleOfTarget: Partial<Record<Target, string | undefined>> = {
    "delivery-role": world.role?.name,
    "first-seen-role": world.firstSeen?.executionRole.name,
    "first-seen-invoke-role": world.firstSeen?.invokeRole.name,
    "destinations-role": world.destinations?.role.name,
  };
  if (req.target in roleOfTarget) {
    if (!req.principal.includes(`:assumed-role/${roleOfTarget[req.target]}/`)) throw new Error(`${req.id}: the ${req.target} target needs a principal acting as that role`);
    if (document) identity.push(document);
    // KMS: "IAM policies by themselves are not sufficient" — a role's use of the key is decided with the key policy.
    if (world.key && req.resource === world.key.arn) resourcePolicy = policyFor("key", world, policies)?.document;
  } else {
    resourcePolicy = document;
  }
  if (anonymous && identity.length) throw new Error(`${req.id}: an anonymous request has no identity policies`);
  const bucket = req.target === "bucket" ? world.bucket : req.target === "state-bucket" ? world.stateBucket : undefined;
  return {
    request: {
      principal: anonymous ? anonymousPrincipal : req.principal,
      action: req.action,
      resource: { resource: req.resource, accountId: world.account },
      contextVariables: req.context,
    },
    identityPolicies: identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    ...(bucket ? { additionalSettings: { s3: { blockPublicAccess: bucket.blocksPublicAccess } } } : {}),
  };
}

/** The library's ValidatedPolicy shape: lets runUnsafeSimulation load a resource policy with metadata. */
function withMetadata(document: PolicyDocument | undefined): unknown {
  return document && { __validated: true, policyDocument: document, metadata: { name: "resource policy" }, errors: [] };
}

export async function evaluateSimulation(id: string, sim: Simulation): Promise<Verdict> {
  const result = await runSimulation(sim, {});
  if (result.resultType === "error") throw new Error(`${id}: the engine refused the request: ${JSON.stringify(result.errors)}`);
  if (result.resultType !== "single") throw new Error(`${id}: the resource must be one concrete ARN, got a wildcard evaluation`);
  const ignored = result.result.ignoredContextKeys ?? [];
  const unknown = ignored.filter((k) => !ENCRYPTION_CONTEXT.test(k));
  if (unknown.length) throw new Error(`${id}: context keys the engine does not know for ${sim.request.action}: ${unknown.join(", ")}`);
  if (ignored.length === 0) return { decision: result.overallResult as Decision, runner: "validated" };
  return { decision: coreDecision(sim), runner: "core" };
}

/** The core engine with the request context unchanged (encryption-context keys included). */
export function coreDecision(sim: Simulation): Decision {
  return runUnsafeSimulation({ ...sim, resourcePolicy: withMetadata(sim.resourcePolicy) }, {}) as Decision;
}

export function evaluate(req: Request, world: World, policies: readonly StackPolicy[], override?: PolicyDocument): Promise<Verdict> {
  return evaluateSimulation(req.id, simulationOf(req, world, policies, override));
}

export function simulation(req: Request, world: World, policies: readonly StackPolicy[]): Simulation {
  return simulationOf(req, world, policies);
}

export function meets(expect: Expectation, decision: Decision): boolean {
  if (expect === "allow") return decision === "Allowed";
  if (expect === "explicit-deny") return decision === "ExplicitlyDenied";
  return decision !== "Allowed";
}

/* ------------------------------------------------------------------------------------------- explanations */

const list = (x: unknown): string[] => (x === undefined ? [] : Array.isArray(x) ? x : [x as string]);
const escapeRegExp = (s: string) => s.replace(/[.+^$(){}|[\]\\]/g, "\\$&");
/** IAM wildcard match (`*`, `?`): case-insensitive for action names, case-sensitive for StringLike values. */
const glob = (pattern: string, value: string, flags = "i") =>
  new RegExp("^" + escapeRegExp(pattern).replace(/\*/g, ".*").replace(/\?/g, ".") + "$", flags).test(value);

function names(statement: Obj, req: Request): boolean {
  const p = statement.Principal;
  if (p === "*") return true;
  if (!p) return true; // identity policy
  const account = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(req.principal)?.[1];
  return (
    list(p.Service).includes(req.principal) ||
    list(p.AWS).some((a) => a === "*" || a === req.principal || (account !== undefined && (a === account || a.endsWith(`::${account}:root`))))
  );
}

/** The statements that name the request's principal and action, with their conditions and the request's values. */
export function explain(req: Request, world: World, policies: readonly StackPolicy[], verdict: Verdict): string {
  const policy = policyFor(req.target, world, policies);
  const docs = [...(policy ? [policy.document] : []), ...(req.grants ? [req.grants] : [])];
  const lines = [
    `expected ${req.expect}, engine (${verdict.runner}) says ${verdict.decision}`,
    `request: ${req.principal} ${req.action} ${req.resource}`,
    `context: ${JSON.stringify(req.context)}`,
    `policy: ${policy?.where ?? "(none)"}`,
  ];
  for (const doc of docs) {
    for (const s of doc.Statement) {
      if (!names(s, req) || !list(s.Action).some((a) => glob(a, req.action))) continue;
      lines.push(`  ${s.Effect} ${s.Sid ?? "(no Sid)"}: Condition ${JSON.stringify(s.Condition ?? {})}`);
    }
  }
  return lines.join("\n");
}

/* ------------------------------------------------------------------------------------------- mutations */

export interface Mutation {
  readonly policy: StackPolicy;
  /** `Sid` removed, or `Sid / Operator / key` removed. */
  readonly label: string;
  readonly statement: Obj;
  readonly operator?: string;
  readonly key?: string;
  readonly document: PolicyDocument;
}

/** Every policy with one statement removed, and with one condition key of one statement removed. */
export function mutationsOf(policy: StackPolicy): Mutation[] {
  const out: Mutation[] = [];
  const copy = () => JSON.parse(JSON.stringify(policy.document)) as PolicyDocument;
  policy.document.Statement.forEach((statement, i) => {
    const sid = statement.Sid ?? `#${i}`;
    const without = copy();
    without.Statement.splice(i, 1);
    out.push({ policy, label: `${sid}`, statement, document: without });
    for (const [operator, keys] of Object.entries<Obj>(statement.Condition ?? {})) {
      for (const key of Object.keys(keys)) {
        const doc = copy();
        const s = doc.Statement[i];
        delete s.Condition[operator][key];
        if (Object.keys(s.Condition[operator]).length === 0) delete s.Condition[operator];
        if (Object.keys(s.Condition).length === 0) delete s.Condition;
        out.push({ policy, label: `${sid} / ${operator} / ${key}`, statement, operator, key, document: doc });
      }
    }
  });
  return out;
}

const ACCOUNT_IN_ARN = (arn: string) => arn.split(":")[4];
const SOURCE_ARN_OPERATORS = ["StringEquals", "ArnEquals", "StringLike", "ArnLike"];
const EXACT_OPERATORS = ["StringEquals", "ArnEquals"];

/**
 * A condition key that no request AWS sends can tell apart from its absence, because another element of the
 * same statement already implies it — proven here from the statement itself, or undefined. Three forms:
 * - `aws:SourceAccount` when every `aws:SourceArn` value of the statement names that account literally (AWS
 *   sets aws:SourceAccount to the account owning the source resource);
 * - `kms:CallerAccount` when the only principal is that account's root (it admits only that account's callers);
 * - `kms:EncryptionContext:aws:cloudtrail:arn` when `aws:SourceArn` is pinned exactly to trails the pattern
 *   matches (CloudTrail's encryption context is the ARN of the trail, which is also its aws:SourceArn).
 */
export function impliedBy(statement: Obj, operator: string, key: string): string | undefined {
  const cond: Obj = statement.Condition ?? {};
  const values = list(cond[operator]?.[key]);
  const sourceArns = (operators: string[]) =>
    operators.flatMap((op) => Object.entries<Obj>(cond[op] ?? {}).filter(([k]) => k.toLowerCase() === "aws:sourcearn").flatMap(([, v]) => list(v)));
  if (key.toLowerCase() === "aws:sourceaccount" && operator === "StringEquals") {
    const arns = sourceArns(SOURCE_ARN_OPERATORS);
    if (arns.length && arns.every((a) => /^\d{12}$/.test(ACCOUNT_IN_ARN(a) ?? "") && values.includes(ACCOUNT_IN_ARN(a)))) {
      return `every aws:SourceArn value names account ${[...new Set(arns.map(ACCOUNT_IN_ARN))].join(", ")}`;
    }
  }
  if (key.toLowerCase() === "kms:calleraccount" && operator === "StringEquals") {
    const p = statement.Principal;
    const roots = p && typeof p === "object" && !p.Service ? list(p.AWS) : [];
    const accounts = roots.map((r) => /^arn:[^:]+:iam::(\d{12}):root$/.exec(r)?.[1]);
    if (roots.length && accounts.every((a) => a !== undefined && values.includes(a))) return `the only principal is the root of ${accounts.join(", ")}`;
  }
  if (key.toLowerCase() === "kms:encryptioncontext:aws:cloudtrail:arn" && ["StringEquals", "StringLike"].includes(operator)) {
    const arns = sourceArns(EXACT_OPERATORS);
    if (arns.length && arns.every((a) => /^arn:[^:]+:cloudtrail:[^:]+:\d{12}:trail\/[^*?]+$/.test(a) && values.some((v) => glob(v, a, "")))) {
      return `aws:SourceArn pins the trail (${arns.join(", ")}), whose ARN is the encryption context`;
    }
  }
  return undefined;
}
