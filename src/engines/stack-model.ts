/**
 * Reads what a synthesized stack (cdk.tf.json) would do with a CloudTrail record: which events the trail
 * delivers to the log group, which metric filters match, which EventBridge rules match, and the message each
 * rule's transformer renders. This is the offline proof: it evaluates the very artifact users deploy.
 * Pure: no cdktf imports.
 */
import { compileFilterPattern, CompiledPattern } from "./filter-pattern";
import { matchesEventPattern } from "./event-pattern";
import { renderInputTransformer } from "./input-transformer";

type Json = unknown;
type Obj = Record<string, any>;

export interface ModelFilter {
  readonly name: string;
  readonly pattern: string;
  readonly metricName: string;
  readonly namespace: string;
  readonly compiled: CompiledPattern;
}

export interface ModelRule {
  readonly name: string;
  readonly state: string;
  readonly pattern: Obj;
  readonly transformer?: { inputPaths: Record<string, string>; inputTemplate: string };
}

export interface ModelTrail {
  /** "All", "ReadOnly" or "WriteOnly" for management events; undefined when the trail logs none. */
  readonly readWriteType?: string;
  readonly excludedSources: string[];
}

export interface StackModel {
  readonly filters: ModelFilter[];
  readonly rules: ModelRule[];
  readonly trail?: ModelTrail;
  readonly alarms: Obj[];
}

const values = (o: Obj | undefined): Obj[] => Object.values(o ?? {});

export function stackModel(tf: Obj): StackModel {
  const r = tf.resource ?? {};
  const filters = values(r.aws_cloudwatch_log_metric_filter).map((f) => ({
    name: f.name,
    pattern: f.pattern,
    metricName: f.metric_transformation.name,
    namespace: f.metric_transformation.namespace,
    compiled: compileFilterPattern(f.pattern),
  }));
  const targets = values(r.aws_cloudwatch_event_target);
  const rules = values(r.aws_cloudwatch_event_rule).map((rule) => {
    const target = targets.find((t) => t.rule === rule.name || String(t.rule).includes(ruleRef(r, rule)));
    return {
      name: rule.name,
      state: rule.state ?? (rule.is_enabled === false ? "DISABLED" : "ENABLED"),
      pattern: JSON.parse(rule.event_pattern),
      transformer: target?.input_transformer
        ? { inputPaths: target.input_transformer.input_paths, inputTemplate: target.input_transformer.input_template }
        : undefined,
    };
  });
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
  return { filters, rules, trail, alarms: values(r.aws_cloudwatch_metric_alarm) };
}

function ruleRef(resources: Obj, rule: Obj): string {
  const key = Object.entries(resources.aws_cloudwatch_event_rule ?? {}).find(([, v]) => v === rule)?.[0];
  return `aws_cloudwatch_event_rule.${key}.name`;
}

/** Whether the trail writes this record to its log group (management events only; data events need selectors). */
export function trailDelivers(trail: ModelTrail | undefined, record: Obj): boolean {
  if (!trail || trail.readWriteType === undefined) return false;
  if (record.managementEvent === false || record.eventCategory === "Data") return false;
  if (trail.excludedSources.includes(record.eventSource)) return false;
  const readOnly = record.readOnly === true || record.readOnly === "true";
  if (trail.readWriteType === "WriteOnly" && readOnly) return false;
  if (trail.readWriteType === "ReadOnly" && record.readOnly !== undefined && !readOnly) return false;
  return true;
}

/** The EventBridge event CloudTrail sends for an API-call record. */
export function eventBridgeEnvelope(record: Obj): Obj {
  const source = typeof record.eventSource === "string" ? `aws.${record.eventSource.replace(/\.amazonaws\.com$/, "")}` : "aws.unknown";
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
}

export interface RecordVerdict {
  /** The trail writes the record to the log group, so metric filters see it. */
  readonly delivered: boolean;
  readonly filters: string[];
  /** Metrics (namespace-less names) that the matching filters increment, once each. */
  readonly metrics: string[];
  readonly rules: RuleHit[];
}

export function evaluateRecord(model: StackModel, record: Obj, envelope?: Obj): RecordVerdict {
  const delivered = trailDelivers(model.trail, record);
  const message = JSON.stringify(record);
  const matched = delivered ? model.filters.filter((f) => f.compiled.matches(message, record)) : [];
  const filters = matched.map((f) => f.name);
  const metrics = [...new Set(matched.map((f) => f.metricName))];
  const event = envelope ?? eventBridgeEnvelope(record);
  // Read-only management events reach only rules that opted in to them.
  const readOnly = record.readOnly === true || record.readOnly === "true" || (record.readOnly === undefined && /^(Get|List|Describe|BatchGet)/.test(String(record.eventName)));
  const rules = model.rules
    .filter((r) => r.state !== "DISABLED")
    .filter((r) => !readOnly || r.state === "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
    .filter((r) => matchesEventPattern(r.pattern, event))
    .map((r) => {
      if (!r.transformer) return { rule: r.name, message: JSON.stringify(event), missing: [] };
      const out = renderInputTransformer(r.transformer.inputPaths, r.transformer.inputTemplate, event, { ruleName: r.name });
      return { rule: r.name, message: out.text, missing: out.missing };
    });
  return { delivered, filters, metrics, rules };
}

export type { Json };
