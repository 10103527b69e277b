/**
 * Replays CloudTrail records through a synthesized stack: per record the filters and rules it matches and the
 * message it renders, then each alarm's timeline, then a summary. The CLI in cli.ts prints what this returns.
 * Pure: no cdktf imports.
 */
import { alarmSpecFromTerraform, alarmTimeline, AlarmTimeline, MetricSeries } from "../engines/alarm-model";
import { recordsOf, Malformed } from "../engines/record-stream";
import { evaluateRecord, RuleHit, stackModel, StackModel, trailDelivers } from "../engines/stack-model";

export interface RecordResult {
  readonly type: "record";
  readonly file: string;
  readonly index: number;
  readonly eventName: string;
  readonly eventSource: string;
  readonly eventTime?: string;
  /** Whether the trail delivers the record to the log group at all (read/write selector, excluded sources). */
  readonly delivered: boolean;
  readonly filters: string[];
  readonly rules: RuleHit[];
}

export interface Summary {
  readonly type: "summary";
  readonly records: number;
  readonly delivered: number;
  readonly matched: number;
  /** Real-time messages sent (one per matching rule per record). */
  readonly realtimeAlerts: number;
  /** Alarm notifications sent (transitions into ALARM with actions). */
  readonly alarmNotifications: number;
  readonly malformed: number;
  readonly undated: number;
}

export interface SimulationOptions {
  /** Called for each record, in input order. */
  readonly onRecord?: (r: RecordResult) => void;
  readonly onMalformed?: (m: Malformed) => void;
}

export interface Simulation {
  readonly alarms: AlarmTimeline[];
  readonly summary: Summary;
}

/** CloudTrail's ISO time, or the `YYYY-MM-DD HH:MM:SS.fffffffff` some exporters write; undefined otherwise. */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value.replace(" ", "T").replace(/(\.\d{3})\d*$/, "$1")}Z` : value;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

export async function simulate(tf: Record<string, any>, inputs: readonly string[], options: SimulationOptions = {}): Promise<Simulation> {
  const model: StackModel = stackModel(tf);
  const specs = model.alarms.map(alarmSpecFromTerraform);
  const seriesByMetric = new Map<string, MetricSeries>();
  for (const s of specs) seriesByMetric.set(`${s.namespace}\u0000${s.metricName}`, new MetricSeries());
  /** Minutes in which the log group received events: filters report their default value 0 there. */
  const ingested = new MetricSeries();
  const counts = { records: 0, delivered: 0, matched: 0, realtimeAlerts: 0, malformed: 0, undated: 0 };

  for await (const item of recordsOf(inputs)) {
    if (item.kind === "malformed") {
      counts.malformed++;
      options.onMalformed?.(item.value);
      continue;
    }
    const { record, envelope, file, index } = item.value;
    counts.records++;
    const verdict = evaluateRecord(model, record, envelope);
    const time = parseEventTime(record.eventTime ?? envelope?.time);
    if (time === undefined) counts.undated++;
    if (verdict.delivered) {
      counts.delivered++;
      if (time !== undefined) ingested.add(time, 0);
    }
    if (time !== undefined) {
      for (const f of model.filters.filter((x) => verdict.filters.includes(x.name))) {
        seriesByMetric.get(`${f.namespace}\u0000${f.metricName}`)?.add(time, 1);
      }
    }
    if (verdict.filters.length > 0 || verdict.rules.length > 0) counts.matched++;
    counts.realtimeAlerts += verdict.rules.length;
    options.onRecord?.({
      type: "record",
      file,
      index,
      eventName: String(record.eventName),
      eventSource: String(record.eventSource),
      eventTime: typeof record.eventTime === "string" ? record.eventTime : undefined,
      delivered: verdict.delivered,
      filters: verdict.filters,
      rules: verdict.rules,
    });
  }

  const alarms = specs.map((spec) => {
    const series = seriesByMetric.get(`${spec.namespace}\u0000${spec.metricName}`)!;
    // Default value 0 in every minute with ingested logs but no match for this metric.
    for (const m of ingested.minuteKeys()) if (!series.has(m)) series.add(m, 0);
    return alarmTimeline(spec, series);
  });
  const alarmNotifications = alarms.reduce((n, a) => n + a.transitions.filter((t) => t.to === "ALARM" && t.notified.length > 0).length, 0);
  return { alarms, summary: { type: "summary", ...counts, alarmNotifications } };
}

export { trailDelivers };
