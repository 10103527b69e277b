/**
 * CloudWatch Contributor Insights, offline: a rule definition (the JSON `aws_cloudwatch_contributor_insight_rule`
 * carries) applied to log events, the contributors it counts per period, and the statistics
 * `INSIGHT_RULE_METRIC(ruleName, metricName)` returns for each period. Pure: no cdktf imports.
 *
 * Rule syntax (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-RuleSyntax.html):
 * "All matching of rules to log event field names and values is case sensitive"; `Keys` is "An array of up to four
 * log fields … each unique combination of values for the keys is counted as a unique contributor"; `Filters` is
 * "an array of as many as four filters … If you specify multiple filters, Contributor Insights evaluates them with
 * a logical AND operator"; operators `In`, `NotIn`, `StartsWith` take "an array of string values … evaluates the
 * array of string values with an OR operator. The array can include as many as 10 string values"; `GreaterThan`,
 * `LessThan`, `EqualTo`, `NotEqualTo` "a single numerical value"; `IsPresent` "either true or false … whether the
 * specified log field is present in the log event".
 *
 * Statistics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-GraphReportData.html):
 * "UniqueContributors — the number of unique contributors for each data point"; "MaxContributorValue — the value
 * of the top contributor for each data point … If this rule aggregates by Count, the top contributor for each data
 * point is the contributor with the most occurrences in that period"; "SampleCount — the number of data points
 * matched by the rule"; "Sum — the sum of the values from all contributors".
 *
 * What AWS does not document is modelled conservatively and said so: an event without one of the rule's key fields
 * contributes nothing (the rules this project writes require their keys with `IsPresent: true`, so it never
 * matters for them), and `In`/`NotIn`/`StartsWith` compare string values only.
 */

export const MAX_KEYS = 4;
export const MAX_FILTERS = 4;
export const MAX_FILTER_VALUES = 10;
/** PutInsightRule: "Length Constraints: Minimum length of 1. Maximum length of 8192" (InsightRule.Definition). */
export const MAX_DEFINITION_LENGTH = 8192;

type Obj = Record<string, unknown>;

export interface InsightFilter {
  readonly Match: string;
  readonly In?: readonly string[];
  readonly NotIn?: readonly string[];
  readonly StartsWith?: readonly string[];
  readonly GreaterThan?: number;
  readonly LessThan?: number;
  readonly EqualTo?: number;
  readonly NotEqualTo?: number;
  readonly IsPresent?: boolean;
}

export interface InsightRuleDefinition {
  readonly Schema: { readonly Name: "CloudWatchLogRule"; readonly Version: 1 };
  readonly LogGroupNames: readonly string[];
  readonly LogFormat: "JSON";
  readonly Contribution: { readonly Keys: readonly string[]; readonly ValueOf?: string; readonly Filters?: readonly InsightFilter[] };
  readonly AggregateOn: "Count" | "Sum";
}

export type InsightMetricName = "UniqueContributors" | "MaxContributorValue" | "SampleCount" | "Sum" | "Minimum" | "Maximum" | "Average";

const OPERATORS = ["In", "NotIn", "StartsWith", "GreaterThan", "LessThan", "EqualTo", "NotEqualTo", "IsPresent"] as const;

/** Problems with a definition, as PutInsightRule would refuse it (the documented limits); empty when valid. */
export function insightRuleProblems(text: string): string[] {
  const problems: string[] = [];
  if (text.length > MAX_DEFINITION_LENGTH) problems.push(`definition is ${text.length} characters, at most ${MAX_DEFINITION_LENGTH}`);
  let d: any;
  try {
    d = JSON.parse(text);
  } catch {
    return [...problems, "definition is not JSON"];
  }
  if (d?.Schema?.Name !== "CloudWatchLogRule" || d?.Schema?.Version !== 1) problems.push('Schema must be {"Name": "CloudWatchLogRule", "Version": 1}');
  if (!Array.isArray(d?.LogGroupNames) || d.LogGroupNames.length === 0) problems.push("LogGroupNames must list at least one log group");
  if (d?.LogFormat !== "JSON") problems.push("LogFormat must be JSON (CloudTrail records)");
  const keys = d?.Contribution?.Keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) problems.push(`Contribution.Keys must have 1 to ${MAX_KEYS} fields`);
  const filters = d?.Contribution?.Filters ?? [];
  if (!Array.isArray(filters) || filters.length > MAX_FILTERS) problems.push(`Contribution.Filters may have at most ${MAX_FILTERS} filters`);
  for (const f of Array.isArray(filters) ? filters : []) {
    const ops = OPERATORS.filter((o) => o in f);
    if (typeof f.Match !== "string" || ops.length !== 1) problems.push(`filter ${JSON.stringify(f)} needs Match and exactly one operator`);
    for (const o of ["In", "NotIn", "StartsWith"] as const) {
      if (o in f && (!Array.isArray(f[o]) || f[o].length === 0 || f[o].length > MAX_FILTER_VALUES)) {
        problems.push(`filter on ${f.Match}: ${o} takes 1 to ${MAX_FILTER_VALUES} strings`);
      }
    }
  }
  if (d?.AggregateOn !== "Count" && d?.AggregateOn !== "Sum") problems.push("AggregateOn must be Count or Sum");
  if (d?.AggregateOn === "Sum" && typeof d?.Contribution?.ValueOf !== "string") problems.push("AggregateOn Sum needs Contribution.ValueOf");
  return problems;
}

/** `$.a.b[0].c` (JSON property format notation) → the value in the event, or undefined. */
export function fieldValue(event: unknown, path: string): unknown {
  if (!path.startsWith("$.")) throw new Error(`field ${path} is not in JSON property format ($.name.sub)`);
  let cur: unknown = event;
  for (const part of path.slice(2).split(".")) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`field ${path} is not in JSON property format`);
    cur = typeof cur === "object" && cur !== null && !Array.isArray(cur) ? (cur as Obj)[m[1]] : undefined;
    for (const idx of m[2].match(/\d+/g) ?? []) cur = Array.isArray(cur) ? cur[Number(idx)] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function filterMatches(f: InsightFilter, event: unknown): boolean {
  const v = fieldValue(event, f.Match);
  if (f.IsPresent !== undefined) return (v !== undefined) === f.IsPresent;
  if (f.In) return typeof v === "string" && f.In.includes(v);
  if (f.NotIn) return typeof v === "string" && !f.NotIn.includes(v);
  if (f.StartsWith) return typeof v === "string" && f.StartsWith.some((p) => v.startsWith(p));
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (Number.isNaN(n)) return false;
  if (f.GreaterThan !== undefined) return n > f.GreaterThan;
  if (f.LessThan !== undefined) return n < f.LessThan;
  if (f.EqualTo !== undefined) return n === f.EqualTo;
  if (f.NotEqualTo !== undefined) return n !== f.NotEqualTo;
  return false;
}

export interface CompiledInsightRule {
  readonly name: string;
  readonly definition: InsightRuleDefinition;
  /** The contributor an event counts for (its key values, joined), and the value it adds; undefined if none. */
  readonly contribution: (event: unknown) => { key: string; value: number } | undefined;
  /** Values a filter pins with `In` for a field, when it does (used to skip records that cannot match). */
  readonly requiredValues: (path: string) => ReadonlySet<string> | undefined;
}

export function compileInsightRule(name: string, definitionText: string): CompiledInsightRule {
  const problems = insightRuleProblems(definitionText);
  if (problems.length > 0) throw new Error(`Contributor Insights rule ${name}: ${problems.join("; ")}`);
  const definition = JSON.parse(definitionText) as InsightRuleDefinition;
  const { Keys, Filters = [], ValueOf } = definition.Contribution;
  return {
    name,
    definition,
    contribution(event) {
      for (const f of Filters) if (!filterMatches(f, event)) return undefined;
      const values = Keys.map((k) => fieldValue(event, k));
      if (values.some((v) => v === undefined || v === null || typeof v === "object")) return undefined;
      let value = 1;
      if (definition.AggregateOn === "Sum") {
        const raw = fieldValue(event, ValueOf!);
        value = typeof raw === "number" ? raw : Number(raw);
        if (Number.isNaN(value)) return undefined;
      }
      return { key: JSON.stringify(values.map(String)), value };
    },
    requiredValues(path) {
      const pins = Filters.filter((f) => f.Match === path && f.In).map((f) => new Set(f.In));
      return pins[0];
    },
  };
}

/** What one rule counted: per minute, contributor → (sum, occurrences). Mergeable between threads. */
export class InsightSeries {
  private readonly minutes = new Map<number, Map<string, [number, number]>>();

  add(timeMs: number, key: string, value: number, count = 1): void {
    const minute = Math.floor(timeMs / 60_000) * 60_000;
    let m = this.minutes.get(minute);
    if (!m) this.minutes.set(minute, (m = new Map()));
    const cur = m.get(key) ?? [0, 0];
    m.set(key, [cur[0] + value, cur[1] + count]);
  }

  entries(): [number, string, number, number][] {
    const out: [number, string, number, number][] = [];
    for (const [minute, m] of this.minutes) for (const [k, [v, c]] of m) out.push([minute, k, v, c]);
    return out;
  }

  merge(entries: readonly [number, string, number, number][]): void {
    for (const [minute, k, v, c] of entries) this.add(minute, k, v, c);
  }

  /** Contributors per period (aligned to multiples of the period, as CloudWatch aligns metric periods). */
  byPeriod(periodMs: number): Map<number, Map<string, [number, number]>> {
    const out = new Map<number, Map<string, [number, number]>>();
    for (const [minute, m] of this.minutes) {
      const start = Math.floor(minute / periodMs) * periodMs;
      let bucket = out.get(start);
      if (!bucket) out.set(start, (bucket = new Map()));
      for (const [k, [v, c]] of m) {
        const cur = bucket.get(k) ?? [0, 0];
        bucket.set(k, [cur[0] + v, cur[1] + c]);
      }
    }
    return out;
  }

  /** `INSIGHT_RULE_METRIC(rule, metric)` per period start; periods without a matching event have no datapoint. */
  metric(metric: InsightMetricName, periodSeconds: number): Map<number, number> {
    const out = new Map<number, number>();
    for (const [start, contributors] of this.byPeriod(periodSeconds * 1000)) {
      const sums = [...contributors.values()].map(([v]) => v);
      const count = [...contributors.values()].reduce((n, [, c]) => n + c, 0);
      const total = sums.reduce((a, b) => a + b, 0);
      const value = {
        UniqueContributors: contributors.size,
        MaxContributorValue: Math.max(...sums),
        SampleCount: count,
        Sum: total,
        Minimum: Math.min(...sums),
        Maximum: Math.max(...sums),
        Average: total / contributors.size,
      }[metric];
      out.set(start, value);
    }
    return out;
  }

  /** The top contributor of each period and its value (what GetInsightRuleReport would list first). */
  topContributors(periodSeconds: number): Map<number, { keys: string[]; value: number }> {
    const out = new Map<number, { keys: string[]; value: number }>();
    for (const [start, contributors] of this.byPeriod(periodSeconds * 1000)) {
      let best: [string, number] | undefined;
      for (const [k, [v]] of contributors) if (!best || v > best[1] || (v === best[1] && k < best[0])) best = [k, v];
      if (best) out.set(start, { keys: JSON.parse(best[0]), value: best[1] });
    }
    return out;
  }
}

/**
 * The metric math an alarm on Contributor Insights uses here: `INSIGHT_RULE_METRIC(rule, metric)` and
 * `IF(<id> <op> <number>, <id or number>, <id or number>)` ("IF(TS Comparison Operator S, S | TS, S | TS)",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html#using-IF-expressions: the
 * output "has the value of scalar2 or metric2, if TS Comparison Operator S is TRUE … of scalar3 or metric3, if … is
 * FALSE"). Anything else throws: an alarm this model cannot read must not pass silently.
 */
export function evaluateAlarmQueries(
  queries: readonly { id: string; expression?: string; period?: number; returnData?: boolean }[],
  series: (rule: string) => InsightSeries | undefined,
): { periodSeconds: number; values: Map<number, number> } {
  const results = new Map<string, Map<number, number>>();
  let periodSeconds = 0;
  const value = (ref: string, t: number, s: Map<number, number> | undefined): number | undefined =>
    /^-?\d+(\.\d+)?$/.test(ref) ? Number(ref) : s?.get(t);
  for (const q of queries) {
    const e = (q.expression ?? "").trim();
    const insight = /^INSIGHT_RULE_METRIC\(\s*"?([^",)]+)"?\s*,\s*"?([A-Za-z]+)"?\s*\)$/.exec(e);
    const filledRatio = /^FILL\(\s*(\w+)\s*\/\s*(\w+)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)$/.exec(e);
    const cond = /^IF\(\s*(\w+)\s*(>=|>|<=|<|==|!=)\s*(-?\d+(?:\.\d+)?)\s*,\s*([\w.-]+)\s*,\s*([\w.-]+)\s*\)$/.exec(e);
    if (insight) {
      if (!q.period) throw new Error(`metric query ${q.id}: INSIGHT_RULE_METRIC needs a period`);
      periodSeconds = q.period;
      results.set(q.id, series(insight[1])?.metric(insight[2] as InsightMetricName, q.period) ?? new Map());
    } else if (filledRatio) {
      // `a / b` per timestamp both have (AWS's "(e1/e2)*100" example over two rules), then FILL ("Fills the missing
      // values of a time series") over every period any series of this alarm has: a family without reads is 0.
      const [, a, b, fill] = filledRatio;
      const [sa, sb] = [results.get(a), results.get(b)];
      if (!sa || !sb) throw new Error(`metric query ${q.id}: ${sa ? b : a} is not defined before it`);
      const out = new Map<number, number>();
      for (const series of results.values()) for (const t of series.keys()) out.set(t, +fill);
      for (const [t, va] of sa) {
        const vb = sb.get(t);
        if (vb !== undefined && vb !== 0) out.set(t, va / vb);
      }
      results.set(q.id, out);
    } else if (cond) {
      const [, id, op, threshold, whenTrue, whenFalse] = cond;
      const base = results.get(id);
      if (!base) throw new Error(`metric query ${q.id}: ${id} is not defined before it`);
      const out = new Map<number, number>();
      for (const [t, v] of base) {
        const holds = { ">=": v >= +threshold, ">": v > +threshold, "<=": v <= +threshold, "<": v < +threshold, "==": v === +threshold, "!=": v !== +threshold }[op]!;
        const chosen = holds ? whenTrue : whenFalse;
        const x = value(chosen, t, results.get(chosen));
        // IF with a metric operand whose datapoint is missing: the output has none either (documented for metric3).
        if (x !== undefined) out.set(t, x);
      }
      results.set(q.id, out);
    } else {
      throw new Error(`metric query ${q.id}: expression ${JSON.stringify(e)} is not modelled (INSIGHT_RULE_METRIC, FILL(a / b, n) or IF only)`);
    }
  }
  const returned = queries.filter((q) => q.returnData);
  if (returned.length !== 1) throw new Error("an alarm's metric queries must return exactly one time series");
  return { periodSeconds, values: results.get(returned[0].id)! };
}
