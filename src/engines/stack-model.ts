/**
 * Reads what a synthesized stack (cdk.tf.json) would do with a CloudTrail record: which events the trail
 * delivers to the log group, which metric filters match, which EventBridge rules match, and the message each
 * rule's transformer renders. This is the offline proof: it evaluates the very artifact users deploy.
 * Pure: no cdktf imports.
 */
import { compileFilterPattern, CompiledPattern } from "./filter-pattern";
import { compileEventPattern } from "./event-pattern";
import { compileInputTransformer, Rendered, RenderContext } from "./input-transformer";
import { FirstSeenModel, firstSeenModelOf } from "./first-seen-model";
import { compileInsightRule, CompiledInsightRule } from "./contributor-insights";

type Json = unknown;
type Obj = Record<string, any>;

export interface ModelFilter {
  readonly name: string;
  readonly pattern: string;
  readonly metricName: string;
  readonly namespace: string;
  readonly compiled: CompiledPattern;
  /** eventSource values the pattern requires, when it pins them: other records skip this filter. */
  readonly eventSources?: ReadonlySet<string>;
  /** eventName values the pattern requires, when it pins them. */
  readonly eventNames?: ReadonlySet<string>;
}

export interface ModelRule {
  readonly name: string;
  readonly state: string;
  readonly pattern: Obj;
  /** The pattern compiled once. */
  readonly matches: (event: Json) => boolean;
  /** The event `source` values the pattern accepts, when it lists plain strings: other events skip the rule. */
  readonly sources?: ReadonlySet<string>;
  /** The `detail.eventName` values the pattern accepts, when every alternative lists plain strings. */
  readonly eventNames?: ReadonlySet<string>;
  readonly transformer?: { inputPaths: Record<string, string>; inputTemplate: string };
  /** The transformer compiled once. */
  readonly render?: (event: Json, ctx?: RenderContext) => Rendered;
  /**
   * Whether a record's event reaches the bus this rule watches (an organization's central bus: forwarded from the
   * record's account and region). Undefined: the rule's own bus, which sees every record replayed.
   */
  readonly reaches?: (record: Obj, event: Obj) => boolean;
  /** The rule's API-destination targets (chat, paging, webhooks), each with its own transformer. */
  readonly destinations: ModelDestination[];
}

/** An API-destination target of a rule: what EventBridge would POST, and where. */
export interface ModelDestination {
  readonly targetId: string;
  /** The API destination's name (`<name>-slack`, …). */
  readonly name: string;
  readonly endpoint: string;
  readonly transformer?: { inputPaths: Record<string, string>; inputTemplate: string };
  /** The connection's body parameters: EventBridge adds them to the JSON body (secret values shown as kept). */
  readonly bodyParameters: Record<string, string>;
  /** The transformer compiled once. */
  readonly render?: (event: Json, ctx?: RenderContext) => Rendered;
}

export interface ModelTrail {
  /** "All", "ReadOnly" or "WriteOnly" for management events; undefined when the trail logs none. */
  readonly readWriteType?: string;
  readonly excludedSources: string[];
}

export interface StackModel {
  readonly filters: ModelFilter[];
  readonly rules: ModelRule[];
  /**
   * When every filter pins its eventSource and every rule its source: the eventSources any of them can match.
   * A record from another service is only counted, not evaluated.
   */
  readonly relevantEventSources?: ReadonlySet<string>;
  /** Likewise for eventName: when every filter and rule pins it, other events are only counted. */
  readonly relevantEventNames?: ReadonlySet<string>;
  readonly trail?: ModelTrail;
  readonly alarms: Obj[];
  /** Contributor Insights rules on the log group (enabled ones), compiled from their definitions. */
  readonly insightRules: CompiledInsightRule[];
  /** The rules an event of this `source` can match, in model order; rules for any source under ANY_SOURCE. */
  readonly rulesBySource: ReadonlyMap<string, ModelRule[]>;
  /** The first-seen workflow the stack deploys, if any: its rules start it rather than send a message. */
  readonly firstSeen?: FirstSeenModel;
}

/** rulesBySource's key for events whose source no rule lists. */
const ANY_SOURCE = "";

const values = (o: Obj | undefined): Obj[] => Object.values(o ?? {});

/**
 * An organization's three synthesized stacks, replayed together (`simulate` over `org-central`, `org-trail` and
 * `org-member-forwarding`): the organization trail's metric path sees every account's records; a central rule sees
 * a record only when a forwarding rule of its account and region sends it there — the StackSet template's rules in
 * a member account (in the StackSet's regions), the trail stack's own forwarding rules in the management account;
 * the trail stack's change rules see the management account's home region only.
 */
export interface OrganizationStacks {
  readonly organization: {
    readonly central: Obj;
    readonly trail: Obj;
    readonly members: Obj;
    /**
     * Each member account's parent OU and the OUs above it, up to the root (`aws organizations list-parents`,
     * repeated): the StackSet reaches an account only if one of them is a deployment target. Without it every
     * member account is taken to be covered (`simulate` says so).
     */
    readonly accountParents?: Readonly<Record<string, readonly string[]>>;
  };
}

export function stackModel(tf: Obj): StackModel {
  if (tf.organization) return organizationModel((tf as OrganizationStacks).organization);
  const r = tf.resource ?? {};
  const filters = values(r.aws_cloudwatch_log_metric_filter).map((f) => ({
    name: f.name,
    pattern: f.pattern,
    metricName: f.metric_transformation.name,
    namespace: f.metric_transformation.namespace,
    compiled: compileFilterPattern(f.pattern),
  })).map((f) => ({ ...f, eventSources: f.compiled.requiredValues("eventSource"), eventNames: f.compiled.requiredValues("eventName") }));
  const allTargets = values(r.aws_cloudwatch_event_target);
  const rules = values(r.aws_cloudwatch_event_rule).map((rule) => {
    const ruleTargets = allTargets.filter((t) => t.rule === rule.name || String(t.rule).includes(ruleRef(r, rule)));
    const apiTargets = ruleTargets.filter((t) => String(t.arn).includes("aws_cloudwatch_event_api_destination."));
    const target = ruleTargets.find((t) => !apiTargets.includes(t));
    const pattern = JSON.parse(rule.event_pattern);
    const transformer = target?.input_transformer
      ? { inputPaths: target.input_transformer.input_paths, inputTemplate: target.input_transformer.input_template }
      : undefined;
    return {
      name: rule.name,
      state: rule.state ?? (rule.is_enabled === false ? "DISABLED" : "ENABLED"),
      pattern,
      matches: compileEventPattern(pattern),
      sources: Array.isArray(pattern.source) && pattern.source.every((x: unknown) => typeof x === "string") ? new Set<string>(pattern.source) : undefined,
      eventNames: patternEventNames(pattern.detail),
      transformer,
      render: transformer && compileInputTransformer(transformer.inputPaths, transformer.inputTemplate),
      destinations: apiTargets.map((t) => modelDestination(r, t)),
    };
  });
  // Each event is tried against the rules of its source only (a replay meets thousands of events per rule).
  const rulesBySource = bySource(rules);
  const trailConfig = values(r.aws_cloudtrail)[0];
  let trail: ModelTrail | undefined;
  if (trailConfig) {
    const selectors: Obj[] = trailConfig.event_selector ?? [];
    const mgmt = selectors.length === 0 ? { read_write_type: "All" } : selectors.find((s) => s.include_management_events !== false);
    trail = {
      readWriteType: mgmt ? mgmt.read_write_type ?? "All" : undefined,
      excludedSources: mgmt?.exclude_management_event_sources ?? [],
    };
  }
  const insightRules = Object.values<Obj>(r.aws_cloudwatch_contributor_insight_rule ?? {})
    .filter((x) => (x.rule_state ?? "ENABLED") === "ENABLED")
    .map((x) => compileInsightRule(x.rule_name, x.rule_definition));
  const insightSources = insightRules.map((x) => x.requiredValues("$.eventSource"));
  const insightNames = insightRules.map((x) => x.requiredValues("$.eventName"));
  // Rules on other events (CloudWatch alarm state changes) never see a CloudTrail record: they do not widen it.
  const recordRules = rules.filter((x) => !Array.isArray(x.pattern["detail-type"]) || x.pattern["detail-type"].some((t: unknown) => String(t).includes("via CloudTrail")));
  let relevantEventSources: Set<string> | undefined;
  if (filters.every((f) => f.eventSources) && recordRules.every((x) => x.sources) && insightSources.every((x) => x)) {
    relevantEventSources = new Set([...filters.flatMap((f) => [...f.eventSources!]), ...insightSources.flatMap((x) => [...x!])]);
    for (const x of recordRules) for (const src of x.sources!) relevantEventSources.add(`${src.replace(/^aws\./, "")}.amazonaws.com`);
  }
  let relevantEventNames: Set<string> | undefined;
  if (filters.every((f) => f.eventNames) && recordRules.every((x) => x.eventNames) && insightNames.every((x) => x)) {
    relevantEventNames = new Set([
      ...filters.flatMap((f) => [...f.eventNames!]),
      ...recordRules.flatMap((x) => [...x.eventNames!]),
      ...insightNames.flatMap((x) => [...x!]),
    ]);
  }
  return { filters, rules, trail, alarms: values(r.aws_cloudwatch_metric_alarm), relevantEventSources, relevantEventNames, insightRules, rulesBySource, firstSeen: firstSeenModelOf(tf) };
}

/** The rules an event of each `source` can match, in model order. */
function bySource(rules: readonly ModelRule[]): Map<string, ModelRule[]> {
  const map = new Map<string, ModelRule[]>([[ANY_SOURCE, rules.filter((x) => !x.sources)]]);
  for (const x of rules) for (const src of x.sources ?? []) map.set(src, []);
  for (const [src, list] of map) if (src !== ANY_SOURCE) list.push(...rules.filter((x) => !x.sources || x.sources.has(src)));
  return map;
}

function organizationModel(stacks: OrganizationStacks["organization"]): StackModel {
  const providers: Obj[] = [].concat(stacks.trail.provider?.aws ?? []);
  const home = providers.find((p) => !p.alias)?.region;
  const management = stacks.trail.output?.management_account_id?.value;
  if (!home || !management) throw new Error("organization replay: the trail stack names no home region or management account (synthesize it again)");
  const set = values(stacks.members.resource?.aws_cloudformation_stack_set)[0];
  const instances = values(stacks.members.resource?.aws_cloudformation_stack_instances)[0];
  if (!set || !instances) throw new Error("organization replay: the member forwarding stack has no StackSet");
  const memberRegions = new Set<string>(instances.regions);
  // CloudFormation User Guide, service-managed StackSets: "When a StackSet targets a parent OU, it automatically
  // includes any child OUs" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-associate-stackset-with-org.html),
  // and a root id targets every account. An account outside the targets has no forwarding rules: metric path only.
  const targets = new Set<string>([].concat(instances.deployment_targets?.organizational_unit_ids ?? []));
  const parents = stacks.accountParents;
  const covered = (account: string) => [...targets].some((t) => t.startsWith("r-")) || !parents || (parents[account] ?? []).some((ou) => targets.has(ou));
  const member = values(JSON.parse(set.template_body).Resources)
    .filter((x) => x.Type === "AWS::Events::Rule")
    .map((x) => ({ matches: compileEventPattern(x.Properties.EventPattern), state: x.Properties.State as string }));
  const trailRules = values(stacks.trail.resource?.aws_cloudwatch_event_rule);
  const own = new Map<string, { matches: (e: Json) => boolean; state: string }[]>();
  for (const x of trailRules.filter((x) => x.provider)) {
    const region = String(x.provider).replace(/^aws\./, "");
    own.set(region, [...(own.get(region) ?? []), { matches: compileEventPattern(JSON.parse(x.event_pattern)), state: x.state ?? "ENABLED" }]);
  }
  const passes = (rules: { matches: (e: Json) => boolean; state: string }[], record: Obj, event: Obj) =>
    rules.some((x) => x.state !== "DISABLED" && (!isReadOnly(record) || x.state === "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS") && x.matches(event));
  const forwarded = (record: Obj, event: Obj) => {
    const region = String(record.awsRegion ?? event.region);
    if (String(record.recipientAccountId ?? event.account) === management) return passes(own.get(region) ?? [], record, event);
    return memberRegions.has(region) && covered(String(record.recipientAccountId ?? event.account)) && passes(member, record, event);
  };
  const centralModel = stackModel(stacks.central);
  const localTrail = { ...stacks.trail, resource: { ...stacks.trail.resource, aws_cloudwatch_event_rule: Object.fromEntries(Object.entries<Obj>(stacks.trail.resource?.aws_cloudwatch_event_rule ?? {}).filter(([, x]) => !x.provider)) } };
  const trailModel = stackModel(localTrail);
  const atHome = (record: Obj, event: Obj) =>
    String(record.recipientAccountId ?? event.account) === management && String(record.awsRegion ?? event.region) === home;
  const rules = [...centralModel.rules.map((x) => ({ ...x, reaches: forwarded })), ...trailModel.rules.map((x) => ({ ...x, reaches: atHome }))];
  const union = (a?: ReadonlySet<string>, b?: ReadonlySet<string>) => (a && b ? new Set([...a, ...b]) : undefined);
  return {
    ...trailModel,
    rules,
    rulesBySource: bySource(rules),
    relevantEventSources: union(trailModel.relevantEventSources, centralModel.relevantEventSources),
    relevantEventNames: union(trailModel.relevantEventNames, centralModel.relevantEventNames),
  };
}

function modelDestination(resources: Obj, target: Obj): ModelDestination {
  const ref = /aws_cloudwatch_event_api_destination\.([A-Za-z0-9_-]+)\.arn/.exec(String(target.arn))?.[1];
  const dest: Obj = (ref && resources.aws_cloudwatch_event_api_destination?.[ref]) ?? {};
  const connRef = /aws_cloudwatch_event_connection\.([A-Za-z0-9_-]+)\.arn/.exec(String(dest.connection_arn))?.[1];
  const conn: Obj = (connRef && resources.aws_cloudwatch_event_connection?.[connRef]) ?? {};
  const body: Obj[] = conn.auth_parameters?.invocation_http_parameters?.body ?? [];
  const bodyParameters: Record<string, string> = {};
  for (const b of body) bodyParameters[b.key] = b.is_value_secret ? "(kept by EventBridge)" : String(b.value);
  return {
    targetId: target.target_id,
    name: dest.name ?? String(target.arn),
    endpoint: String(dest.invocation_endpoint ?? ""),
    transformer: target.input_transformer
      ? { inputPaths: target.input_transformer.input_paths, inputTemplate: target.input_transformer.input_template }
      : undefined,
    render: target.input_transformer ? compileInputTransformer(target.input_transformer.input_paths, target.input_transformer.input_template) : undefined,
    bodyParameters,
  };
}

function ruleRef(resources: Obj, rule: Obj): string {
  const key = Object.entries(resources.aws_cloudwatch_event_rule ?? {}).find(([, v]) => v === rule)?.[0];
  return `aws_cloudwatch_event_rule.${key}.name`;
}

/**
 * Whether a call is read-only: the record's `readOnly` flag, or for older records without it (eventVersion
 * ≤ 1.05) the read verbs AWS classifies as read-only.
 */
export function isReadOnly(record: Obj): boolean {
  if (record.readOnly === true || record.readOnly === "true") return true;
  if (record.readOnly === false || record.readOnly === "false") return false;
  return /^(Get|List|Describe|BatchGet|Lookup|Head)/.test(String(record.eventName));
}

/** Whether the trail writes this record to its log group (management events only; data events need selectors). */
export function trailDelivers(trail: ModelTrail | undefined, record: Obj): boolean {
  if (!trail || trail.readWriteType === undefined) return false;
  if (record.managementEvent === false || record.eventCategory === "Data") return false;
  if (trail.excludedSources.includes(record.eventSource)) return false;
  const readOnly = isReadOnly(record);
  if (trail.readWriteType === "WriteOnly" && readOnly) return false;
  if (trail.readWriteType === "ReadOnly" && !readOnly) return false;
  return true;
}

/** The EventBridge `source` of a CloudTrail record: `secretsmanager.amazonaws.com` → `aws.secretsmanager`. */
export function sourceOf(record: Obj): string {
  return typeof record.eventSource === "string" ? `aws.${record.eventSource.replace(/\.amazonaws\.com$/, "")}` : "aws.unknown";
}

/** The EventBridge event CloudTrail sends for an API-call record. */
export function eventBridgeEnvelope(record: Obj): Obj {
  const source = sourceOf(record);
  return {
    version: "0",
    id: "00000000-0000-0000-0000-000000000000",
    "detail-type": record.eventType === "AwsConsoleSignIn" ? "AWS Console Sign In via CloudTrail" : "AWS API Call via CloudTrail",
    source,
    account: record.recipientAccountId ?? "000000000000",
    time: typeof record.eventTime === "string" ? record.eventTime : "1970-01-01T00:00:00Z",
    region: record.awsRegion ?? "us-east-1",
    resources: [],
    detail: record,
  };
}

export interface RuleHit {
  readonly rule: string;
  readonly message?: string;
  readonly missing: string[];
  /** What each API destination of the rule receives (the body EventBridge would POST). */
  readonly deliveries?: Delivery[];
}

export interface Delivery {
  readonly targetId: string;
  readonly destination: string;
  readonly body: string;
  readonly missing: string[];
}

/**
 * The body EventBridge POSTs to an API destination for an event: the target's transformer output, with the
 * connection's body parameters added to the JSON object (a parameter the connection holds wins, as EventBridge's
 * HttpParameters page says of values from the connection).
 */
export function deliveryBody(d: ModelDestination, event: Json, ruleName: string): Delivery {
  const out = d.render ? d.render(event, { ruleName }) : { text: JSON.stringify(event), missing: [] };
  let body = out.text;
  if (Object.keys(d.bodyParameters).length > 0) {
    try {
      const parsed = JSON.parse(body);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = JSON.stringify({ ...parsed, ...d.bodyParameters });
    } catch {
      // An invalid body stays as rendered: the tests that parse it report it.
    }
  }
  return { targetId: d.targetId, destination: d.name, body, missing: out.missing };
}

export interface RecordVerdict {
  /** The trail writes the record to the log group, so metric filters see it. */
  readonly delivered: boolean;
  /** Contributor Insights rules that count the record, with the contributor (key values) it counts for. */
  readonly contributions?: { rule: string; key: string; value: number }[];
  readonly filters: string[];
  /** Metrics (namespace-less names) that the matching filters increment, once each. */
  readonly metrics: string[];
  readonly rules: RuleHit[];
}

const NOTHING: string[] = [];

/**
 * Whether a CloudTrail record (not an EventBridge envelope) with this eventSource and eventName can match any
 * filter or rule of the model; false means evaluateRecord only decides its delivery. Undefined when the model
 * pins neither, so every record can match. The replay skips parsing records it rules out.
 */
export function recordRelevance(model: StackModel): ((eventSource: string, eventName: string) => boolean) | undefined {
  const { relevantEventSources: sources, relevantEventNames: names } = model;
  if (!sources && !names) return undefined;
  return (eventSource, eventName) => (!sources || sources.has(eventSource)) && (!names || names.has(eventName));
}

export function evaluateRecord(model: StackModel, record: Obj, envelope?: Obj): RecordVerdict {
  const delivered = trailDelivers(model.trail, record);
  if (
    !envelope &&
    ((model.relevantEventSources && !model.relevantEventSources.has(record.eventSource as string)) ||
      (model.relevantEventNames && !model.relevantEventNames.has(record.eventName as string)))
  ) {
    // The records recordRelevance rules out.
    return { delivered, filters: NOTHING, metrics: NOTHING, rules: [] };
  }
  let text: string | undefined;
  const message = () => (text ??= JSON.stringify(record));
  const eventSource = record.eventSource as string;
  const matched = delivered
    ? model.filters.filter(
        (f) =>
          (!f.eventSources || f.eventSources.has(eventSource)) &&
          (!f.eventNames || f.eventNames.has(record.eventName as string)) &&
          f.compiled.matches(message, record),
      )
    : [];
  const filters = matched.map((f) => f.name);
  const metrics = [...new Set(matched.map((f) => f.metricName))];
  // Contributor Insights rules read the same log group: only delivered records count.
  const contributions = delivered && model.insightRules.length > 0 ? insightContributions(model, record) : undefined;
  const source = envelope ? (envelope.source as string) : sourceOf(record);
  const bySource = model.rulesBySource.get(source) ?? model.rulesBySource.get(ANY_SOURCE)!;
  const candidates = bySource.filter((r) => !r.eventNames || r.eventNames.has(record.eventName as string));
  if (candidates.length === 0) return { delivered, filters, metrics, rules: [], contributions };
  const event = envelope ?? eventBridgeEnvelope(record);
  // Read-only management events reach only rules that opted in to them.
  const readOnly = isReadOnly(record);
  const rules = candidates
    .filter((r) => r.state !== "DISABLED")
    .filter((r) => !r.reaches || r.reaches(record, event))
    .filter((r) => !readOnly || r.state === "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
    .filter((r) => r.matches(event))
    .map((r) => {
      const deliveries = r.destinations.length > 0 ? r.destinations.map((d) => deliveryBody(d, event, r.name)) : undefined;
      const extra = deliveries ? { deliveries } : {};
      if (!r.render) return { rule: r.name, message: JSON.stringify(event), missing: [], ...extra };
      const out = r.render(event, { ruleName: r.name });
      return { rule: r.name, message: out.text, missing: out.missing, ...extra };
    });
  return { delivered, filters, metrics, rules, contributions };
}

function insightContributions(model: StackModel, record: Obj): { rule: string; key: string; value: number }[] | undefined {
  const out: { rule: string; key: string; value: number }[] = [];
  for (const rule of model.insightRules) {
    const c = rule.contribution(record);
    if (c) out.push({ rule: rule.name, ...c });
  }
  return out.length > 0 ? out : undefined;
}


/** eventName values a `detail` pattern accepts, when it (or every `$or` branch) lists plain strings. */
function patternEventNames(detail: unknown): Set<string> | undefined {
  if (typeof detail !== "object" || detail === null) return undefined;
  const d = detail as Obj;
  const own = Array.isArray(d.eventName) && d.eventName.every((x: unknown) => typeof x === "string") ? new Set<string>(d.eventName) : undefined;
  if (own) return own;
  if (Array.isArray(d.$or)) {
    const branches = d.$or.map(patternEventNames);
    if (branches.every((b): b is Set<string> => b !== undefined)) return new Set(branches.flatMap((b) => [...b]));
  }
  return undefined;
}

/**
 * The event CloudWatch puts on the default bus when an alarm changes state, in the shape of AWS's published sample
 * ("Alarm events and EventBridge", CloudWatch User Guide: source `aws.cloudwatch`, detail-type "CloudWatch Alarm
 * State Change", `resources` the alarm ARN, `detail.alarmName`, `detail.state`/`previousState` with `value`, `reason`,
 * `timestamp`). The replay builds one per transition of its alarm timelines.
 */
export function alarmStateChangeEvent(a: { alarm: string; account: string; region: string; time: string; from: string; to: string; reason: string }): Obj {
  return {
    version: "0",
    id: `replay-${a.alarm}-${a.time}`,
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: a.account,
    time: a.time,
    region: a.region,
    resources: [`arn:aws:cloudwatch:${a.region}:${a.account}:alarm:${a.alarm}`],
    detail: {
      alarmName: a.alarm,
      state: { value: a.to, reason: a.reason, timestamp: a.time },
      previousState: { value: a.from, reason: "replayed", timestamp: a.time },
    },
  };
}

/** What the rules on alarm events deliver for one alarm event (the rules' API-destination bodies). */
export function alarmDeliveries(model: StackModel, event: Obj): RuleHit[] {
  return model.rules
    .filter((r) => r.state !== "DISABLED" && (!r.sources || r.sources.has("aws.cloudwatch")) && r.matches(event))
    .map((r) => ({ rule: r.name, missing: [], deliveries: r.destinations.map((d) => deliveryBody(d, event, r.name)) }));
}
