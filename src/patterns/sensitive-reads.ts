/**
 * One description of "a sensitive read worth alerting on", rendered two ways so that both alert paths agree:
 * CloudWatch Logs filter patterns (metric path) and EventBridge event patterns (real-time path).
 * Pure: no cdktf imports; the offline engines evaluate exactly what these functions return.
 */
import * as fp from "./filter-pattern";
import { eventPatternWildcardComplexity } from "../engines/event-pattern";
import { MAX_NAMES_PER_GET_PARAMETERS, parameterMatchers } from "./parameter-names";
import { secretIdMatchers } from "./secret-ids";
import { Severity } from "./severity";

export const SECRETS_MANAGER = "secretsmanager.amazonaws.com";
export const SSM = "ssm.amazonaws.com";
export const SECRET_VALUE_READS = ["GetSecretValue"] as const;
/** One call returns up to 20 secret values; the record names ids or tag filters, never the secrets returned. */
export const BATCH_SECRET_READS = ["BatchGetSecretValue"] as const;
export const PARAMETER_READS = ["GetParameter", "GetParameters", "GetParametersByPath", "GetParameterHistory"] as const;
/** CloudTrail's detail-type on EventBridge. Pages on docs.amazonaws.cn print "Amazon API Call…", which matches nothing. */
export const CLOUDTRAIL_API_CALL = "AWS API Call via CloudTrail";

const ARN = "$.userIdentity.arn";

/** A secret whose reads are alerted on, with the readers expected to read it. */
export interface ScopedSecret {
  /** Name, full ARN or partial ARN; may contain Terraform interpolations (the demo secret's random name). */
  readonly id: string;
  readonly allowedReaders: readonly string[];
}

/** A secret whose version Terraform manages: its refresh reads it by exactly `secretId`, as `readers`. */
export interface RefreshedSecret {
  /** How scoped mode names the secret (as `ScopedSecret.id`). */
  readonly id: string;
  /**
   * The exact `SecretId` the provider's refresh sends: the version's `secret_id` (the demo secret's full ARN, a
   * Terraform reference). Only reads naming exactly this are exempt, so the deployer's reads of a secret whose
   * name merely starts the same, or of the same name in another region, still alert.
   */
  readonly secretId: string;
  readonly readers: readonly string[];
}

export interface ReadScope {
  /** Secrets to watch; undefined watches every secret in the account. */
  readonly secrets?: readonly ScopedSecret[];
  /**
   * Secrets whose versions Terraform manages, with the principals Terraform runs as. terraform-provider-aws
   * refreshes `aws_secretsmanager_secret_version` with GetSecretValue on every plan, apply and refresh, so those
   * principals' reads of these secrets (and only of these) are expected. Watched in scoped mode like `secrets`.
   */
  readonly refreshedSecrets?: readonly RefreshedSecret[];
  /** Readers never alerted on, for every secret and for batch and parameter reads. */
  readonly allowedReaders: readonly string[];
  /** Alert on SecureString reads (`withDecryption: true`) from Parameter Store. */
  readonly parameterReads: boolean;
  /** Parameters to watch (names); undefined watches every SecureString read. */
  readonly parameters?: readonly string[];
  /** Alert on read attempts that failed (any errorCode): probing is worth a page even when nothing was read. */
  readonly deniedReads: boolean;
}

/** What a detection looks at, independent of how it is rendered. */
export interface ReadDetection {
  /** Stable id, used in resource and metric names: `secret-reads`, `secret-read-<name>`, `batch-secret-reads`, … */
  readonly id: string;
  /** Human title for alarm names and descriptions. */
  readonly title: string;
  /** `any`: successful and failed calls alike (changes to the monitoring are worth a page either way). */
  readonly outcome: "success" | "denied" | "any";
  readonly branches: readonly ReadBranch[];
  /** What the on-call reads in the alarm e-mail. @default - a text about reads of secret values */
  readonly description?: string;
  /**
   * Terraform references the patterns contain (`${aws_kms_key.X.arn}`), each with the longest value it can take
   * once applied: pattern lengths are measured with these in place, so a pattern that fits at synth fits in AWS.
   */
  readonly longestValues?: Readonly<Record<string, string>>;
  /** How urgent its alerts are. @default - `high` for successful reads, `medium` for denied ones, `critical` for `any` */
  readonly severity?: Severity;
}

/** Which request field names the resource read, and the values that mean "the watched one". */
export interface ResourceMatch {
  /** Path under the record, e.g. `["requestParameters", "secretId"]`. */
  readonly field: readonly string[];
  readonly exact: readonly string[];
  readonly wildcards: readonly string[];
  /**
   * `any-of` (default): the field names one of the values; `none-of`: the field is present and names none of them
   * (every other resource); `absent`: the record has no such field (a partial record: which resource is unknown).
   */
  readonly match?: "any-of" | "none-of" | "absent";
  /**
   * The field is an array (e.g. GetParameters' `names`); the filter pattern checks indices 0…n-1 because
   * CloudWatch selectors cannot say "any element". EventBridge matches any element natively.
   */
  readonly arrayLength?: number;
  /** First index the filter pattern checks (a long array check is split over several filters). @default 0 */
  readonly arrayFrom?: number;
}

/** One alternative of a detection: an API family, optionally one resource, and who may call it unalerted. */
export interface ReadBranch {
  readonly eventSource: string;
  readonly eventNames: readonly string[];
  readonly resource?: ResourceMatch;
  readonly withDecryption?: boolean;
  readonly allowedReaders: readonly string[];
  /**
   * Skip records whose `sourceIPAddress` is this service's DNS name: calls the service made itself on the caller's
   * behalf (CloudTrail writes the service's name there), such as the per-secret GetSecretValue entries that
   * Secrets Manager writes for a BatchGetSecretValue, whose own record already alerted.
   */
  readonly notMadeBy?: string;
  /**
   * How a refused call names the resource, when its record does not carry `resource`'s field: a call refused by IAM is
   * recorded with `requestParameters: null` and the resource named in `errorMessage`. A record with an `errorCode`
   * matching this alone counts too. Only with `resource`.
   */
  readonly refusal?: ResourceMatch;
  /**
   * A deployment service's own calls, not alerted on: the caller's ARN matches one of `arns` AND
   * `userIdentity.invokedBy` is `invokedBy` AND the record's `recipientAccountId` is none of `exceptInAccounts`.
   * All three must hold, so the same role acting outside the service, or any caller in those accounts, alerts.
   */
  readonly exemptService?: ServiceExemption;
}

/** See `ReadBranch.exemptService`. */
export interface ServiceExemption {
  readonly arns: readonly string[];
  readonly invokedBy: string;
  readonly exceptInAccounts: readonly string[];
}

const uniq = (xs: readonly string[]) => [...new Set(xs)];

const IAM_ROLE = /^arn:([^:]+):iam::(\d{12}|\*):role\/(?:.*\/)?([^/]+)$/;

/**
 * Principals as CloudTrail records them. A role acts through sessions, recorded as
 * `arn:<partition>:sts::<account>:assumed-role/<role name>/<session>` (without the role's path), so an IAM role
 * ARN in an allow-list also covers every session of that role.
 */
export function expandPrincipals(arns: readonly string[]): string[] {
  return uniq(
    arns.flatMap((arn) => {
      const m = IAM_ROLE.exec(arn);
      return m ? [arn, `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/*`] : [arn];
    }),
  );
}

/** The detections a scope asks for, in a stable order. */
export function readDetections(scope: ReadScope): ReadDetection[] {
  const global = expandPrincipals(scope.allowedReaders);
  const detections: ReadDetection[] = [];
  const parameterBranch: ReadBranch = {
    eventSource: SSM,
    eventNames: PARAMETER_READS,
    withDecryption: true,
    allowedReaders: global,
  };
  const refreshed = scope.refreshedSecrets ?? [];
  if (scope.secrets === undefined) {
    const secretId = ["requestParameters", "secretId"];
    // Without readers to exempt, a Terraform-managed secret is just one of every secret.
    const exempt = refreshed.filter((s) => s.readers.length > 0);
    const exemptIds = uniq(exempt.map((s) => s.secretId));
    const others = { eventSource: SECRETS_MANAGER, eventNames: SECRET_VALUE_READS, allowedReaders: global, notMadeBy: SECRETS_MANAGER };
    const branches: ReadBranch[] =
      exempt.length === 0
        ? [others, batchBranch(global)]
        : [
            // Every secret but the Terraform-managed ones, whose reads the branches below watch with their readers,
            // and reads whose record does not say which secret.
            {
              ...others,
              resource: { field: secretId, exact: exemptIds, wildcards: [], match: "none-of" },
            },
            { ...others, resource: { field: secretId, exact: [], wildcards: [], match: "absent" } },
          ];
    for (const s of exempt) {
      branches.push({ ...others, resource: { field: secretId, exact: [s.secretId], wildcards: [] }, allowedReaders: expandPrincipals([...global, ...s.readers]) });
    }
    if (exempt.length > 0) branches.push(batchBranch(global));
    detections.push({ id: "secret-reads", title: "Secret value read", outcome: "success", branches });
  } else {
    const seen = new Set<string>();
    const listed = [...scope.secrets];
    // Scoped mode watches a Terraform-managed secret like any listed one; its refresh readers are exempt on its
    // GetSecretValue branch only (Terraform never batches), within this one secret's detection.
    const refreshReaders = new Map<string, readonly string[]>();
    for (const r of refreshed) {
      const name = secretIdMatchers(r.id).name;
      refreshReaders.set(name, [...(refreshReaders.get(name) ?? []), ...r.readers]);
      if (!listed.some((s) => secretIdMatchers(s.id).name === name)) listed.unshift({ id: r.id, allowedReaders: [] });
    }
    for (const secret of listed) {
      const matchers = secretIdMatchers(secret.id);
      const id = `secret-read-${slug(matchers.name)}`;
      if (seen.has(id)) throw new Error(`monitoredSecrets: ${matchers.name} is listed twice`);
      seen.add(id);
      const readers = expandPrincipals([...global, ...secret.allowedReaders]);
      const refreshers = refreshReaders.get(matchers.name) ?? [];
      detections.push({
        id,
        title: `Read of secret ${matchers.name}`,
        outcome: "success",
        branches: [
          {
            eventSource: SECRETS_MANAGER,
            eventNames: SECRET_VALUE_READS,
            resource: { field: ["requestParameters", "secretId"], exact: matchers.exact, wildcards: matchers.wildcards },
            allowedReaders: expandPrincipals([...readers, ...refreshers]),
            notMadeBy: SECRETS_MANAGER,
          },
          {
            // A batch naming this secret (by name, partial or full ARN) in `secretIdList`, up to 20 ids. One
            // wildcard per index keeps the filter short; like `name-*` it may over-match a longer name.
            eventSource: SECRETS_MANAGER,
            eventNames: BATCH_SECRET_READS,
            resource: { field: ["requestParameters", "secretIdList"], exact: [], wildcards: [`*${matchers.name}*`], arrayLength: MAX_SECRET_IDS_PER_BATCH },
            allowedReaders: readers,
          },
        ],
      });
    }
    // A batch by tag or name `filters` (no `secretIdList`) names no secret: it is bulk enumeration, alerted once.
    detections.push({
      id: "batch-secret-reads",
      title: "Batch read of secret values by filters",
      outcome: "success",
      branches: [{ ...batchBranch(global), resource: { field: ["requestParameters", "secretIdList"], exact: [], wildcards: [], match: "absent" } }],
    });
  }
  if (scope.parameterReads && scope.parameters === undefined) {
    detections.push({ id: "parameter-reads", title: "SecureString parameter read", outcome: "success", branches: [parameterBranch] });
  } else if (scope.parameterReads && scope.parameters !== undefined) {
    const seen = new Set<string>();
    for (const name of scope.parameters) {
      const m = parameterMatchers(name);
      const id = `parameter-read-${slug(name)}`;
      if (seen.has(id)) throw new Error(`parameterStore.monitoredParameters: ${name} is listed twice`);
      seen.add(id);
      const common = { eventSource: SSM, withDecryption: true, allowedReaders: global };
      const branches: ReadBranch[] = [
        { ...common, eventNames: ["GetParameter", "GetParameterHistory"], resource: { field: ["requestParameters", "name"], exact: m.exact, wildcards: m.wildcards } },
        {
          ...common,
          eventNames: ["GetParameters"],
          // Per index the filter keeps one wildcard covering name, selectors and ARN, to stay within 1024 characters.
          resource: { field: ["requestParameters", "names"], exact: [], wildcards: [`*${name}*`], arrayLength: MAX_NAMES_PER_GET_PARAMETERS },
        },
      ];
      if (m.ancestorPaths.length > 0) {
        branches.push({ ...common, eventNames: ["GetParametersByPath"], resource: { field: ["requestParameters", "path"], exact: m.ancestorPaths, wildcards: [] } });
      }
      detections.push({ id, title: `Read of SecureString parameter ${name}`, outcome: "success", branches });
    }
  }
  if (scope.deniedReads) {
    const families: ReadBranch[] = [
      { eventSource: SECRETS_MANAGER, eventNames: [...SECRET_VALUE_READS, ...BATCH_SECRET_READS], allowedReaders: [] },
    ];
    if (scope.parameterReads) families.push({ ...parameterBranch, allowedReaders: [] });
    detections.push({ id: "denied-reads", title: "Denied secret read attempt", outcome: "denied", branches: families });
  }
  return detections;
}

/**
 * BatchGetSecretValue's own record: it names ids or filters, never the values returned. The API reference
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html): "Secrets Manager
 * generates CloudTrail GetSecretValue log entries for each secret you request when you call this action"; those
 * entries are skipped by `notMadeBy` so a batch alerts once, on its own record.
 */
function batchBranch(allowedReaders: readonly string[]): ReadBranch {
  return { eventSource: SECRETS_MANAGER, eventNames: BATCH_SECRET_READS, allowedReaders };
}

/** BatchGetSecretValue's `SecretIdList` takes 1–20 ids (API reference, Request Parameters). */
export const MAX_SECRET_IDS_PER_BATCH = 20;

/** Lower-case alphanumerics and hyphens, for resource and metric names; interpolations become `demo`. */
export function slug(text: string): string {
  const s = text
    .replace(/\$\{[^}]*\}/g, "demo")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s.slice(0, 48) || "secret";
}

// ---------------------------------------------------------------------------------------------------------
// Metric path: CloudWatch Logs filter patterns

function allowListTerm(allowed: readonly string[]): fp.Term {
  if (allowed.length === 0) return "";
  // A record without a principal ARN (AWS service callers, partial records) is never on the allow-list; the
  // explicit NOT EXISTS keeps it alerting whatever `!=` does with a missing field.
  return fp.or(fp.notExists(ARN), fp.and(...allowed.map((a) => fp.ne(ARN, a))));
}

function branchTerms(b: ReadBranch): fp.Term[] {
  const r = b.resource;
  const selectors = r
    ? r.arrayLength
      ? Array.from({ length: r.arrayLength }, (_, i) => `$.${r.field.join(".")}[${(r.arrayFrom ?? 0) + i}]`)
      : [`$.${r.field.join(".")}`]
    : [];
  if (r?.match && r.match !== "any-of" && r.arrayLength) throw new Error(`a ${r.match} resource match cannot be an array field`);
  // `!=` takes `*` wildcards like `=` ({ $.sourceIPAddress != 123.123.* } in "Using filter patterns to match terms in
  // JSON log events", https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html);
  // the explicit presence test keeps `none-of` independent of what `!=` does with a missing field.
  const resourceTerm = !r
    ? ""
    : r.match === "absent"
      ? fp.notExists(selectors[0])
      : r.match === "none-of"
        ? fp.and(fp.exists(selectors[0]), ...[...r.exact, ...r.wildcards].map((v) => fp.ne(selectors[0], v)))
        : fp.or(...selectors.flatMap((sel) => [...r.exact, ...r.wildcards].map((v) => fp.eq(sel, v))));
  const f = b.refusal;
  if (f && (!r || f.match || f.arrayLength)) throw new Error("a refusal match needs a resource match and is one plain field");
  const refusalTerm = f ? fp.and(fp.exists("$.errorCode"), fp.or(...[...f.exact, ...f.wildcards].map((v) => fp.eq(`$.${f.field.join(".")}`, v)))) : "";
  return [
    fp.eq("$.eventSource", b.eventSource),
    fp.anyOf("$.eventName", b.eventNames),
    b.withDecryption ? fp.isTrue("$.requestParameters.withDecryption") : "",
    refusalTerm ? fp.or(resourceTerm, refusalTerm) : resourceTerm,
    b.notMadeBy ? fp.or(fp.notExists(SOURCE_IP), fp.ne(SOURCE_IP, b.notMadeBy)) : "",
    allowListTerm(b.allowedReaders),
    exemptionTerm(b.exemptService),
  ];
}

const INVOKED_BY = "$.userIdentity.invokedBy";
const RECIPIENT = "$.recipientAccountId";

/** Not (ARN matches and invokedBy is the service and the account is not excepted); missing fields alert. */
function exemptionTerm(e?: ServiceExemption): fp.Term {
  if (!e) return "";
  return fp.or(
    fp.notExists(ARN),
    fp.and(...e.arns.map((a) => fp.ne(ARN, a))),
    fp.notExists(INVOKED_BY),
    fp.ne(INVOKED_BY, e.invokedBy),
    ...e.exceptInAccounts.map((a) => fp.eq(RECIPIENT, a)),
  );
}

const SOURCE_IP = "$.sourceIPAddress";

/**
 * The filter patterns a detection needs: one when it fits CloudWatch's 1024 characters, else as few as fit, packed
 * in order; an array check (one comparison per index) may be split over several patterns by index range. All of
 * them feed the detection's one metric, so the alarm is the same either way.
 */
export function detectionFilterPatterns(d: ReadDetection): string[] {
  const whole = patternOf(d, d.branches);
  if (measured(d, whole) <= fp.MAX_FILTER_PATTERN_LENGTH) return [whole];
  // Units in order: a branch, or one index of an array branch; consecutive indices of one branch re-join as a range.
  const units = d.branches.flatMap((b) =>
    b.resource?.arrayLength && b.resource.arrayLength > 1
      ? Array.from({ length: b.resource.arrayLength }, (_, i) => ({ ...b, resource: { ...b.resource!, arrayFrom: (b.resource!.arrayFrom ?? 0) + i, arrayLength: 1 } }))
      : [b],
  );
  const packs: ReadBranch[][] = [];
  let current: ReadBranch[] = [];
  for (const unit of units) {
    const candidate = joinRanges([...current, unit]);
    if (current.length > 0 && measured(d, patternOf(d, candidate)) > fp.MAX_FILTER_PATTERN_LENGTH) {
      packs.push(current);
      current = [unit];
    } else {
      current = candidate;
    }
  }
  packs.push(current);
  return packs.map((bs) => patternOf(d, bs));
}

/** A pattern's length once Terraform has replaced the detection's references with their longest values. */
export function measured(d: Pick<ReadDetection, "longestValues">, text: string): number {
  let out = text;
  for (const [ref, value] of Object.entries(d.longestValues ?? {})) out = out.split(ref).join(value);
  return out.length;
}

/** Merges a unit into the previous one when both check consecutive indices of the same array branch. */
function joinRanges(branches: ReadBranch[]): ReadBranch[] {
  const out: ReadBranch[] = [];
  for (const b of branches) {
    const prev = out.at(-1);
    const r = b.resource;
    const pr = prev?.resource;
    if (prev && r?.arrayLength && pr?.arrayLength && sameBranch(prev, b) && (pr.arrayFrom ?? 0) + pr.arrayLength === (r.arrayFrom ?? 0)) {
      out[out.length - 1] = { ...prev, resource: { ...pr, arrayLength: pr.arrayLength + r.arrayLength } };
    } else {
      out.push(b);
    }
  }
  return out;
}

const sameBranch = (a: ReadBranch, b: ReadBranch) =>
  JSON.stringify({ ...a, resource: { ...a.resource, arrayFrom: 0, arrayLength: 0 } }) === JSON.stringify({ ...b, resource: { ...b.resource, arrayFrom: 0, arrayLength: 0 } });

function patternOf(d: ReadDetection, branches: readonly ReadBranch[]): string {
  const outcome = d.outcome === "success" ? fp.notExists("$.errorCode") : d.outcome === "denied" ? fp.exists("$.errorCode") : "";
  return fp.jsonPattern(fp.and(fp.factoredOr(branches.map(branchTerms)), outcome));
}

// ---------------------------------------------------------------------------------------------------------
// Real-time path: EventBridge event patterns

export type EventPattern = Record<string, unknown>;

/** How the identity of the caller appears in the record; each gets its own message template. */
export type IdentityShape = "role-session" | "principal" | "no-arn";
export type NetworkShape = "vpc-endpoint" | "public";
export interface AlertVariant {
  readonly outcome: "success" | "denied";
  /** `any`: the variant does not split by this shape, and its message prints only what every record carries. */
  readonly identity: IdentityShape | "any";
  readonly network: NetworkShape | "any";
  /**
   * Refused changes are split by whether the record carries `errorMessage` (CloudTrail: "If the request returns an
   * error, the description of the error", an optional field): the message prints it where the pattern guarantees
   * it. Undefined: the variant does not look at it.
   */
  readonly errorMessage?: boolean;
}

/**
 * Every combination of the record shapes the message depends on. Their patterns partition the matching events
 * (each event matches exactly one variant), so a message never has to print a field the record lacks.
 *
 * Reads split by identity and network shape, so the message can say who and from where in plain words. Changes to
 * the monitor (`tamper`) watch some fifty calls of nine services: split the same way they would need about thirty
 * rules, so their message prints the caller's whole `userIdentity` and network instead, in one rule per outcome (or
 * a few, when the calls do not fit one pattern). Refusals split by whether the record carries `errorMessage`, which
 * names the resource when the request parameters do not.
 */
export function alertVariants(outcomes: readonly ("success" | "denied" | "any")[], family: AlertFamily = "read"): AlertVariant[] {
  const wanted = new Set(outcomes.flatMap((o) => (o === "any" ? ["success", "denied"] : [o])));
  const out: AlertVariant[] = [];
  for (const outcome of (["success", "denied"] as const).filter((o) => wanted.has(o))) {
    // Changes and decoy reads are rare and each is critical: one rule per outcome, with the whole identity printed.
    if (family !== "read") {
      if (outcome === "success") out.push({ outcome, identity: "any", network: "any" });
      else out.push({ outcome, identity: "any", network: "any", errorMessage: true }, { outcome, identity: "any", network: "any", errorMessage: false });
      continue;
    }
    for (const identity of ["role-session", "principal", "no-arn"] as const)
      for (const network of ["public", "vpc-endpoint"] as const) out.push({ outcome, identity, network });
  }
  return out;
}

/**
 * What a family of rules alerts on: reads of secret values, changes to the monitor, or reads of decoys (rules
 * `<prefix>-<variant>`, `<prefix>-change-<variant>`, `<prefix>-decoy-<variant>`).
 */
export type AlertFamily = "read" | "tamper" | "decoy";

export function variantKey(v: AlertVariant, family: AlertFamily = "read"): string {
  const o =
    family === "tamper"
      ? v.outcome === "success" ? "done" : "refused"
      : family === "decoy"
        ? v.outcome === "success" ? "read" : "tried"
        : v.outcome === "success" ? "read" : "denied";
  if (v.identity === "any" || v.network === "any") return v.errorMessage === false ? `${o}-nomsg` : o;
  const i = { "role-session": "role", principal: "user", "no-arn": "svc" }[v.identity];
  const n = v.network === "vpc-endpoint" ? "vpce" : "pub";
  return `${o}-${i}-${n}`;
}

/** Whether a match reads the record's `errorMessage` (refused calls whose request parameters are null). */
const readsMessage = (m?: ResourceMatch) => m?.field[0] === "errorMessage";

/**
 * What one branch (API family, secret, allow-list) adds to the variant's shared conditions: one alternative, or
 * two when `notMadeBy` must also let records without a `sourceIPAddress` through (anything-but never matches a
 * missing field).
 */
function eventBranches(b: ReadBranch, v: AlertVariant): EventPattern[] {
  let branches = [eventBranch(b, b.resource, v)];
  const e = b.exemptService;
  if (e) {
    // Three alternatives, each enough to alert: another caller (or none recorded), the same caller not through the
    // service, or an excepted account. Each keeps the branch's allow-list.
    const withIdentity = (x: EventPattern, extra: Record<string, unknown>) => ({ ...x, userIdentity: { ...((x.userIdentity as object) ?? {}), ...extra } });
    branches = branches.flatMap((x) => [
      withIdentity(eventBranch({ ...b, allowedReaders: [...b.allowedReaders, ...e.arns] }, b.resource, v), {}),
      withIdentity(x, { invokedBy: [{ "anything-but": e.invokedBy }, { exists: false }] }),
      ...(e.exceptInAccounts.length > 0 ? [{ ...x, recipientAccountId: [...e.exceptInAccounts] }] : []),
    ]);
  }
  if (!b.notMadeBy) return branches;
  return branches.flatMap((x) => [
    { ...x, sourceIPAddress: [{ "anything-but": b.notMadeBy }] },
    { ...x, sourceIPAddress: [{ exists: false }] },
  ]);
}

function eventBranch(b: ReadBranch, resource: ResourceMatch | undefined, v: AlertVariant): EventPattern {
  const branch: Record<string, unknown> = { eventSource: [b.eventSource], eventName: [...b.eventNames] };
  if (b.withDecryption) mergeInto(branch, { requestParameters: { withDecryption: [true] } });
  if (resource?.match === "absent") {
    mergeInto(branch, nest(resource.field, [{ exists: false }]));
  } else if (resource?.match === "none-of") {
    // anything-but never matches a missing field (the `absent` branch covers it); a wildcard without `*` matches
    // exactly, and secret names cannot contain `*`.
    mergeInto(branch, nest(resource.field, [{ "anything-but": { wildcard: [...resource.exact, ...resource.wildcards] } }]));
  } else if (resource) {
    const values = [...resource.exact, ...resource.wildcards.map(eventMatcher)];
    mergeInto(branch, nest(resource.field, values));
  }
  // A match on errorMessage already requires it; other alternatives say which side of the split they are on here,
  // not in the shared conditions, so that no key is constrained both inside and outside `$or`.
  if (v.errorMessage !== undefined && !readsMessage(resource)) branch.errorMessage = [{ exists: v.errorMessage }];
  if (v.identity === "any") {
    // Not split by identity: a record without a principal ARN is never on the allow-list (anything-but alone never
    // matches a missing field; the values of one field are alternatives).
    if (b.allowedReaders.length > 0) branch.userIdentity = { arn: [{ "anything-but": { wildcard: [...b.allowedReaders] } }, { exists: false }] };
  } else if (v.identity !== "no-arn") {
    branch.userIdentity = {
      arn: b.allowedReaders.length > 0 ? [{ "anything-but": { wildcard: [...b.allowedReaders] } }] : [{ exists: true }],
    };
  }
  return branch;
}

/**
 * The variant's patterns, each within `maxLength` characters of JSON: all branches in one pattern when they
 * fit, else packed in order into as few patterns as fit (one rule each). Throws when one branch alone is too long.
 */
export function variantEventPatterns(
  detections: readonly ReadDetection[],
  v: AlertVariant,
  maxLength = MAX_EVENT_PATTERN_LENGTH,
): EventPattern[] {
  const wanted = detections.filter((d) => d.outcome === v.outcome || d.outcome === "any");
  const branchList = wanted.flatMap((d) => d.branches);
  if (branchList.length === 0) throw new Error(`no detection has outcome ${v.outcome}`);
  const longestValues = Object.assign({}, ...wanted.map((d) => d.longestValues ?? {}));
  const size = (bs: ReadBranch[]) => measured({ longestValues }, JSON.stringify(patternForBranches(bs, v)));
  const complexity = (bs: ReadBranch[]) => eventPatternWildcardComplexity(patternForBranches(bs, v));
  const fits = (bs: ReadBranch[]) => size(bs) <= maxLength && complexity(bs) <= MAX_WILDCARD_COMPLEXITY;
  const packs: ReadBranch[][] = [];
  let current: ReadBranch[] = [];
  for (const b of branchList) {
    if (current.length > 0 && !fits([...current, b])) {
      packs.push(current);
      current = [];
    }
    current.push(b);
    if (size(current) > maxLength) {
      throw new Error(
        `the event pattern for ${variantKey(v)} needs ${size(current)} characters for one ${b.eventSource} branch, EventBridge allows ${maxLength}; shorten the allow-lists`,
      );
    }
    if (complexity(current) > MAX_WILDCARD_COMPLEXITY) {
      throw new Error(
        `the event pattern for ${variantKey(v)} has wildcards too complex for EventBridge in one ${b.eventSource} branch (score ${complexity(current)}, at most ${MAX_WILDCARD_COMPLEXITY}); use fewer wildcards in the allow-lists`,
      );
    }
  }
  packs.push(current);
  return packs.map((bs) => patternForBranches(bs, v));
}

/**
 * One pattern over some branches of a variant. Conditions every branch shares (outcome, network, identity shape)
 * sit once in `detail`; the branches are alternatives under `$or`, each matched against the same `detail`.
 */
function patternForBranches(branchList: readonly ReadBranch[], v: AlertVariant): EventPattern {
  const detail: Record<string, unknown> = { errorCode: [{ exists: v.outcome === "denied" }] };
  if (v.network !== "any") detail.vpcEndpointId = [{ exists: v.network === "vpc-endpoint" }];
  if (v.identity !== "any") {
    detail.userIdentity =
      v.identity === "no-arn"
        ? { arn: [{ exists: false }] }
        : { sessionContext: { sessionIssuer: { arn: [{ exists: v.identity === "role-session" }] } } };
  }
  const branches = hoistShared(detail, [...branchList, ...refusals(branchList, v)].flatMap((b) => eventBranches(b, v)));
  if (branches.length === 1) mergeInto(detail, branches[0]);
  else if (branches.length > 1) detail.$or = branches;
  const sources = uniq(branchList.map((b) => `aws.${b.eventSource.replace(".amazonaws.com", "")}`));
  return { source: sources, "detail-type": [CLOUDTRAIL_API_CALL], detail };
}

/**
 * In a refused variant, the branches' refusal matches as branches of their own: one per service and match, with the
 * calls of every branch that has it (their refusals name the resource alike). A variant of records without an
 * errorMessage has none that reads it.
 */
function refusals(branchList: readonly ReadBranch[], v: AlertVariant): ReadBranch[] {
  if (v.outcome !== "denied") return [];
  const groups = new Map<string, ReadBranch>();
  for (const b of branchList) {
    if (!b.refusal || (v.errorMessage === false && readsMessage(b.refusal))) continue;
    const { eventNames, resource, refusal, ...rest } = b;
    const key = JSON.stringify({ ...rest, refusal });
    const seen = groups.get(key);
    groups.set(key, { ...rest, eventNames: uniq([...(seen?.eventNames ?? []), ...eventNames]), resource: refusal });
  }
  return [...groups.values()];
}

/**
 * Moves a condition every alternative states alike (the same allow-list, event source or errorMessage split) into
 * the shared conditions, once: (A ∧ X) ∨ (B ∧ X) = X ∧ (A ∨ B), so the pattern says the same in fewer characters.
 * Only where the shared conditions do not already constrain the same field. Returns what is left of each
 * alternative; none when one alternative is left with nothing (it then matches whatever the shared conditions do).
 */
function hoistShared(detail: Record<string, unknown>, branches: EventPattern[]): EventPattern[] {
  if (branches.length < 2) return branches;
  const leaves = (o: unknown, path = ""): string[] =>
    isObject(o) ? Object.entries(o).flatMap(([k, x]) => leaves(x, `${path}/${k}`)) : [path];
  for (const key of Object.keys(branches[0])) {
    const text = JSON.stringify(branches[0][key]);
    if (!branches.every((b) => JSON.stringify(b[key]) === text)) continue;
    const shared = { [key]: branches[0][key] };
    const taken = new Set(leaves(detail));
    if (leaves(shared).some((l) => [...taken].some((t) => t === l || t.startsWith(`${l}/`) || l.startsWith(`${t}/`)))) continue;
    mergeInto(detail, shared);
    for (const b of branches) delete b[key];
  }
  return branches.some((b) => Object.keys(b).length === 0) ? [] : branches;
}

function nest(path: readonly string[], leaf: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((acc, key) => ({ [key]: acc }), leaf as never);
}

function mergeInto(target: Record<string, unknown>, extra: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(extra)) {
    const t = target[k];
    if (isObject(t) && isObject(v)) mergeInto(t, v);
    else target[k] = v;
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * A `*` glob as the cheapest EventBridge matcher that means the same: `X*` as `prefix`, `*X` as `suffix`, anything
 * else as `wildcard`. EventBridge refuses rules whose wildcards are "too complex" (PutRule ValidationException; the
 * measure is event-ruler's), and prefix and suffix do not count towards it.
 */
export function eventMatcher(glob: string): Record<string, string> {
  const stars = glob.split("*").length - 1;
  if (stars === 1 && glob.endsWith("*") && glob.length > 1) return { prefix: glob.slice(0, -1) };
  if (stars === 1 && glob.startsWith("*") && glob.length > 1) return { suffix: glob.slice(1) };
  return { wildcard: glob };
}

/**
 * EventBridge refuses a rule whose wildcards are too complex and does not publish the limit; it is event-ruler's
 * measure, and rules scoring up to 8 are known to be accepted (see `eventPatternWildcardComplexity`). Branches are
 * packed into more rules rather than risk a refused deployment.
 */
export const MAX_WILDCARD_COMPLEXITY = 8;

/** EventBridge's default limit on an event pattern's length (adjustable to 4096 by a quota request). */
export const MAX_EVENT_PATTERN_LENGTH = 2048;
