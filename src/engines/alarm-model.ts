/**
 * CloudWatch alarm model: metric datapoints from metric-filter matches → period statistics → the alarm's
 * OK / ALARM / INSUFFICIENT_DATA timeline and the notifications it sends. Follows CloudWatch's documented
 * evaluation: the N most recent datapoints of an evaluation range of N + 2 periods, M of N to alarm, missing
 * datapoints filled by `treat_missing_data` only when fewer than N real ones exist, and actions on state
 * transitions only. Pure: no cdktf imports.
 */

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";
export type MissingData = "missing" | "ignore" | "breaching" | "notBreaching";
export type Comparison =
  | "GreaterThanOrEqualToThreshold"
  | "GreaterThanThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

export interface AlarmSpec {
  readonly name: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Sum, Average, SampleCount, Minimum, Maximum, or a percentile `pNN` (extended statistic). */
  readonly statistic: string;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly treatMissingData: MissingData;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
}

/** Values a metric received in one minute: a value → how many times. */
type Minute = Map<number, number>;

/** Collects a metric's raw values per minute without keeping events: memory grows with minutes, not records. */
export class MetricSeries {
  private readonly minutes = new Map<number, Minute>();

  add(timeMs: number, value: number, count = 1): void {
    const minute = Math.floor(timeMs / 60_000) * 60_000;
    let m = this.minutes.get(minute);
    if (!m) this.minutes.set(minute, (m = new Map()));
    m.set(value, (m.get(value) ?? 0) + count);
  }

  has(timeMs: number): boolean {
    return this.minutes.has(Math.floor(timeMs / 60_000) * 60_000);
  }

  /** Raw values grouped by period start (periods are multiples of a minute), as value → count. */
  byPeriod(periodMs: number): Map<number, Minute> {
    const out = new Map<number, Minute>();
    for (const [minute, values] of this.minutes) {
      const start = Math.floor(minute / periodMs) * periodMs;
      let bucket = out.get(start);
      if (!bucket) out.set(start, (bucket = new Map()));
      for (const [v, c] of values) bucket.set(v, (bucket.get(v) ?? 0) + c);
    }
    return out;
  }

  /** Every (minute, value, count), for moving a series between threads. */
  entries(): [number, number, number][] {
    const out: [number, number, number][] = [];
    for (const [minute, values] of this.minutes) for (const [v, c] of values) out.push([minute, v, c]);
    return out;
  }

  /** Minutes that received values, in no particular order. */
  minuteKeys(): IterableIterator<number> {
    return this.minutes.keys();
  }
}

export function statistic(values: Minute, stat: string): number | undefined {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const [v, c] of values) {
    count += c;
    sum += v * c;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (count === 0) return undefined;
  switch (stat) {
    case "Sum":
      return sum;
    case "Average":
      return sum / count;
    case "SampleCount":
      return count;
    case "Minimum":
      return min;
    case "Maximum":
      return max;
  }
  const p = /^p(\d+(\.\d+)?)$/.exec(stat);
  if (p) {
    const rank = Math.ceil((Number(p[1]) / 100) * count);
    let seen = 0;
    for (const v of [...values.keys()].sort((a, b) => a - b)) {
      seen += values.get(v)!;
      if (seen >= Math.max(rank, 1)) return v;
    }
  }
  throw new Error(`unsupported statistic ${stat}`);
}

export function breaches(value: number, spec: Pick<AlarmSpec, "comparison" | "threshold">): boolean {
  switch (spec.comparison) {
    case "GreaterThanOrEqualToThreshold":
      return value >= spec.threshold;
    case "GreaterThanThreshold":
      return value > spec.threshold;
    case "LessThanThreshold":
      return value < spec.threshold;
    case "LessThanOrEqualToThreshold":
      return value <= spec.threshold;
  }
}

/** One datapoint of the evaluation range: breaching, not breaching, or missing. */
export type Point = "X" | "0" | "-";

/**
 * The state an evaluation range (oldest first, newest last) leads to, per CloudWatch's documented rules.
 * Returns "retain" when the alarm keeps its current state.
 */
export function evaluateRange(range: readonly Point[], n: number, m: number, missing: MissingData): AlarmState | "retain" {
  const real = range.map((p, i) => ({ p, age: range.length - i })).filter((x) => x.p !== "-");
  if (real.length >= n) {
    const last = real.slice(-n);
    return last.filter((x) => x.p === "X").length >= m ? "ALARM" : "OK";
  }
  if (missing === "breaching" || missing === "notBreaching") {
    const breachingCount = real.filter((x) => x.p === "X").length + (missing === "breaching" ? n - real.length : 0);
    return breachingCount >= m ? "ALARM" : "OK";
  }
  if (real.length === 0) return missing === "ignore" ? "retain" : "INSUFFICIENT_DATA";
  const breachingCount = real.filter((x) => x.p === "X").length;
  if (breachingCount >= m) return "ALARM";
  // Too few real datapoints, all breaching: ALARM once the oldest of them is at least M periods old
  // (missing); `ignore` keeps the current state instead.
  if (real.every((x) => x.p === "X")) {
    if (missing === "ignore") return "retain";
    return real[0].age >= m ? "ALARM" : "retain";
  }
  return "OK";
}

export interface Transition {
  /** End of the period whose evaluation changed the state (ISO time). */
  readonly time: string;
  readonly from: AlarmState;
  readonly to: AlarmState;
  /** The period values of the evaluation range, oldest first (null = missing). */
  readonly values: (number | null)[];
  /** Topics notified: alarm actions on entering ALARM, OK actions on entering OK. */
  readonly notified: string[];
}

export interface AlarmTimeline {
  readonly alarm: string;
  readonly transitions: Transition[];
  readonly finalState: AlarmState;
  /** Start of the first period whose evaluation entered ALARM, if any (ISO time). */
  readonly firstAlarm?: string;
  /**
   * Alarms on Contributor Insights: for each period that entered ALARM, the top contributor (the rule's key values,
   * e.g. the principal ARN) and its value, as the rule's report would list it.
   */
  readonly topContributors?: { periodStart: string; periodSeconds: number; keys: string[]; value: number }[];
}

/**
 * Evaluates the alarm at the end of every period from the first datapoint to N + 2 periods after the last.
 * Long stretches without data are skipped: their ranges are all missing, so one evaluation stands for all.
 */
export function alarmTimeline(spec: AlarmSpec, series: MetricSeries): AlarmTimeline {
  const transitions: Transition[] = [];
  let state: AlarmState = "INSUFFICIENT_DATA";
  let firstAlarm: string | undefined;
  const period = spec.periodSeconds * 1000;
  const rangeLength = spec.evaluationPeriods + 2;
  const byPeriod = series.byPeriod(period);
  const dataPeriods = [...byPeriod.keys()].sort((a, b) => a - b);
  // Evaluation times: the end of each period whose range holds data, plus the first all-missing one after.
  const times = new Set<number>();
  for (const p of dataPeriods) for (let k = 1; k <= rangeLength + 1; k++) times.add(p + k * period);
  for (const t of [...times].sort((a, b) => a - b)) {
    const values: (number | null)[] = [];
    for (let k = rangeLength; k >= 1; k--) {
      const bucket = byPeriod.get(t - k * period);
      values.push(bucket ? statistic(bucket, spec.statistic) ?? null : null);
    }
    const points: Point[] = values.map((v) => (v === null ? "-" : breaches(v, spec) ? "X" : "0"));
    const next = evaluateRange(points, spec.evaluationPeriods, spec.datapointsToAlarm, spec.treatMissingData);
    if (next !== "retain" && next !== state) {
      const notified = next === "ALARM" ? [...spec.alarmActions] : next === "OK" ? [...spec.okActions] : [];
      transitions.push({ time: new Date(t).toISOString(), from: state, to: next, values, notified });
      if (next === "ALARM" && firstAlarm === undefined) firstAlarm = new Date(t - period).toISOString();
      state = next;
    }
  }
  return { alarm: spec.name, transitions, finalState: state, firstAlarm };
}

/** Reads an alarm from its synthesized `aws_cloudwatch_metric_alarm` configuration. */
export function alarmSpecFromTerraform(a: Record<string, any>): AlarmSpec {
  return {
    name: a.alarm_name,
    namespace: a.namespace,
    metricName: a.metric_name,
    statistic: a.statistic ?? a.extended_statistic,
    periodSeconds: Number(a.period),
    evaluationPeriods: Number(a.evaluation_periods),
    datapointsToAlarm: Number(a.datapoints_to_alarm ?? a.evaluation_periods),
    threshold: Number(a.threshold),
    comparison: a.comparison_operator,
    treatMissingData: a.treat_missing_data ?? "missing",
    alarmActions: a.alarm_actions ?? [],
    okActions: a.ok_actions ?? [],
  };
}
