/**
 * Replays CloudTrail records through a synthesized stack: per record the filters and rules it matches and the
 * message it renders, then each alarm's timeline, then a summary. The CLI in cli.ts prints what this returns.
 * Files are spread over worker threads when there are several (JSON parsing dominates and parallelizes);
 * results come back in input order. Pure: no cdktf imports.
 */
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { alarmSpecFromTerraform, alarmTimeline, AlarmTimeline, MetricSeries } from "../engines/alarm-model";
import { evaluateAlarmQueries, InsightSeries } from "../engines/contributor-insights";
import { batchesOfFiles, inputFiles, Malformed, QuickScanner, SkippedRecord, StreamItem } from "../engines/record-stream";
import { evaluateRecord, recordRelevance, RuleHit, stackModel, StackModel, trailDelivers } from "../engines/stack-model";
import { firstSeenInput, FirstSeenOutcome, replayFirstSeen } from "../engines/first-seen-model";
import { SplitTask, splitFile, splittable } from "./split";

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
  /** First-seen alerts the workflow would publish (only when the stack has the workflow). */
  readonly firstSeenAlerts?: number;
}

export interface SimulationOptions {
  /** Called for each record, in input order. */
  readonly onRecord?: (r: RecordResult) => void;
  /** Report records that matched nothing too (costs time on large inputs). @default true when onRecord is set */
  readonly allRecords?: boolean;
  readonly onMalformed?: (m: Malformed) => void;
  /** Files larger than this are split while streaming instead of parsed whole (bytes). */
  readonly wholeFileLimit?: number;
  /** Worker threads for several input files; 1 evaluates in this thread. @default the machine's cores, at most 4 */
  readonly workers?: number;
  /**
   * Read CloudTrail log files with the quick scan, which skips parsing records no filter or rule can match (same
   * results). false parses every record. @default true
   */
  readonly quickScan?: boolean;
  /**
   * When the stack was deployed (the learning item's time), for the first-seen replay: learning ends
   * `learningDays` later. @default the earliest record the workflow sees
   */
  readonly deployedAt?: string;
}

export interface Simulation {
  readonly alarms: AlarmTimeline[];
  /** Each principal/secret pair of each read the first-seen workflow receives, in eventTime order. */
  readonly firstSeen: FirstSeenOutcome[];
  readonly summary: Summary;
}

const minuteCache = new Map<string, number>();

/** CloudTrail's ISO time, or the `YYYY-MM-DD HH:MM:SS.fffffffff` some exporters write; undefined otherwise. */
export function parseEventTime(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  // Records of one file share their minute: parse `YYYY-MM-DDTHH:MM:SSZ` by its minute once.
  if (value.length === 20 && value.charCodeAt(19) === 90 /* Z */ && value.charCodeAt(10) === 84 /* T */) {
    const key = value.slice(0, 16);
    let minute = minuteCache.get(key);
    if (minute === undefined) {
      minute = Date.parse(`${key}:00Z`);
      if (minuteCache.size > 100_000) minuteCache.clear();
      minuteCache.set(key, minute);
    }
    const seconds = Number(value.slice(17, 19));
    if (!Number.isNaN(minute) && seconds >= 0 && seconds < 60) return minute + seconds * 1000;
  }
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value.replace(" ", "T").replace(/(\.\d{3})\d*$/, "$1")}Z` : value;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

type Counts = { records: number; delivered: number; matched: number; realtimeAlerts: number; malformed: number; undated: number };

/** Metric values and counts gathered from records; mergeable across worker threads. */
export class Accumulator {
  readonly counts: Counts = { records: 0, delivered: 0, matched: 0, realtimeAlerts: 0, malformed: 0, undated: 0 };
  readonly series = new Map<string, MetricSeries>();
  /** What each Contributor Insights rule counted, by rule name. */
  readonly insights = new Map<string, InsightSeries>();
  /** Records that started the first-seen workflow (its state lives across records: replayed at the end, in time order). */
  readonly firstSeenReads: Record<string, unknown>[] = [];
  /** Minutes in which the log group received events: filters report their default value 0 there. */
  readonly ingested = new MetricSeries();
  private readonly metricOfFilter = new Map<string, string>();

  constructor(private readonly model: StackModel) {
    for (const f of model.filters) this.metricOfFilter.set(f.name, metricKey(f.namespace, f.metricName));
  }

  private lastIngestedMinute = NaN;

  /**
   * Evaluates one stream item; returns the record's result (only when it matched something, unless `all`),
   * or undefined.
   */
  evaluate(item: StreamItem, onMalformed?: (m: Malformed) => void, all = true): RecordResult | undefined {
    if (item.kind === "malformed") {
      this.counts.malformed++;
      onMalformed?.(item.value);
      return undefined;
    }
    if (item.kind === "skipped") return this.skipped(item.value, all);
    const { record, envelope, file, index } = item.value;
    const c = this.counts;
    c.records++;
    let verdict = evaluateRecord(this.model, record, envelope);
    const fs = this.model.firstSeen;
    if (fs && verdict.rules.some((r) => fs.ruleNames.has(r.rule))) {
      // Starting the workflow is not a message: its alerts come from the replay of its table.
      this.firstSeenReads.push(firstSeenInput(record));
      verdict = { ...verdict, rules: verdict.rules.filter((r) => !fs.ruleNames.has(r.rule)) };
    }
    const time = this.timeOf(record.eventTime ?? envelope?.time, verdict.delivered);
    if (time !== undefined) {
      for (const f of verdict.filters) {
        const key = this.metricOfFilter.get(f)!;
        let s = this.series.get(key);
        if (!s) this.series.set(key, (s = new MetricSeries()));
        s.add(time, 1);
      }
    }
    if (time !== undefined && verdict.contributions) {
      for (const c of verdict.contributions) {
        let s = this.insights.get(c.rule);
        if (!s) this.insights.set(c.rule, (s = new InsightSeries()));
        s.add(time, c.key, c.value);
      }
    }
    const hit = verdict.filters.length > 0 || verdict.rules.length > 0;
    if (hit) c.matched++;
    c.realtimeAlerts += verdict.rules.length;
    if (!hit && !all) return undefined;
    return {
      type: "record",
      file,
      index,
      eventName: String(record.eventName),
      eventSource: String(record.eventSource),
      eventTime: typeof record.eventTime === "string" ? record.eventTime : undefined,
      delivered: verdict.delivered,
      filters: verdict.filters,
      rules: verdict.rules,
    };
  }

  /**
   * A quick scanner for this model's records, or undefined when every record can match something. With `all`
   * false, skipped records are counted as they are read, without items.
   */
  scanner(all: boolean): QuickScanner | undefined {
    const relevance = recordRelevance(this.model);
    if (!relevance) return undefined;
    return new QuickScanner(relevance, all ? undefined : (r) => this.countSkipped(r));
  }

  /** Counts a record the quick scan skipped (as evaluate counts it parsed), without a result. */
  countSkipped(r: SkippedRecord): void {
    this.skipped(r, false);
  }

  /**
   * A record the quick scan skipped: what evaluate gives for it parsed. Nothing can match it (recordRelevance),
   * so only its delivery and minute count.
   */
  private skipped(r: SkippedRecord, all: boolean): RecordResult | undefined {
    this.counts.records++;
    const delivered = trailDelivers(this.model.trail, r);
    this.timeOf(r.eventTime, delivered);
    if (!all) return undefined;
    return { type: "record", file: r.file, index: r.index, eventName: r.eventName, eventSource: r.eventSource, eventTime: r.eventTime, delivered, filters: [], rules: [] };
  }

  private lastTimeText: unknown = undefined;
  private lastTime: number | undefined = undefined;

  /** A record's time (counting it undated when it has none); a delivered record marks its minute as ingested. */
  private timeOf(eventTime: unknown, delivered: boolean): number | undefined {
    // Records of the same second share their eventTime: parse it once.
    let time: number | undefined;
    if (eventTime === this.lastTimeText && typeof eventTime === "string") time = this.lastTime;
    else {
      time = parseEventTime(eventTime);
      this.lastTimeText = eventTime;
      this.lastTime = time;
    }
    if (time === undefined) this.counts.undated++;
    if (delivered) {
      this.counts.delivered++;
      const minute = time === undefined ? NaN : time - (time % 60_000);
      if (time !== undefined && minute !== this.lastIngestedMinute) {
        // Presence is what counts: one mark per minute is enough, however many records it holds.
        if (!this.ingested.has(minute)) this.ingested.add(minute, 0);
        this.lastIngestedMinute = minute;
      }
    }
    return time;
  }

  /** Plain data for posting between threads. */
  export(): AccumulatorData {
    return {
      counts: this.counts,
      series: [...this.series].map(([k, s]) => [k, s.entries()]),
      ingested: this.ingested.entries(),
      insights: [...this.insights].map(([k, s]) => [k, s.entries()]),
      firstSeenReads: this.firstSeenReads,
    };
  }

  merge(data: AccumulatorData): void {
    for (const k of Object.keys(this.counts) as (keyof Counts)[]) this.counts[k] += data.counts[k];
    for (const [key, entries] of data.series) {
      let s = this.series.get(key);
      if (!s) this.series.set(key, (s = new MetricSeries()));
      for (const [minute, value, count] of entries) s.add(minute, value, count);
    }
    // Ingested minutes are marks of presence (one per minute, see timeOf), whichever thread saw them.
    for (const [minute] of data.ingested) if (!this.ingested.has(minute)) this.ingested.add(minute, 0);
    for (const [rule, entries] of data.insights) {
      let s = this.insights.get(rule);
      if (!s) this.insights.set(rule, (s = new InsightSeries()));
      s.merge(entries);
    }
    this.firstSeenReads.push(...data.firstSeenReads);
  }
}

export interface AccumulatorData {
  counts: Counts;
  series: [string, [number, number, number][]][];
  ingested: [number, number, number][];
  insights: [string, [number, string, number, number][]][];
  firstSeenReads: Record<string, unknown>[];
}

const metricKey = (namespace: string, name: string) => `${namespace}\u0000${name}`;

export async function simulate(tf: Record<string, any>, inputs: readonly string[], options: SimulationOptions = {}): Promise<Simulation> {
  const all = options.allRecords ?? true;
  const files: string[] = [];
  const unreadable: Malformed[] = [];
  for (const p of inputs) {
    try {
      files.push(...inputFiles(p));
    } catch (err) {
      unreadable.push({ file: p, reason: `unreadable: ${(err as Error).message}` });
    }
  }
  const threads = options.workers ?? Math.min(availableParallelism(), 4);
  const workers = Math.min(threads, files.length);
  // Worker threads build their own model: start them before this thread builds its own. Their first message can
  // only arrive once this synchronous part is over, so the unreadable inputs are still reported first.
  const fromWorkers = workers > 1 ? inWorkers(tf, files, workers, options) : undefined;
  fromWorkers?.catch(() => undefined); // awaited below; a failure surfaces there
  const model = stackModel(tf);
  const acc = new Accumulator(model);
  for (const m of unreadable) acc.evaluate({ kind: "malformed", value: m }, options.onMalformed);
  if (files.length === 1 && threads > 1 && options.quickScan !== false && recordRelevance(model) && splittable(files[0], fileSize(files[0]), options.wholeFileLimit)) {
    // One large file: its runs of records spread over the threads (split.ts).
    await splitFile(tf, files[0], threads, acc, options, startWorker);
  } else if (fromWorkers) {
    for (const data of await fromWorkers) acc.merge(data);
  } else {
    const wanted = all && options.onRecord !== undefined;
    const scanner = options.quickScan === false ? undefined : acc.scanner(wanted);
    for await (const [, batch] of batchesOfFiles(files, options.wholeFileLimit, scanner)) {
      for (const item of batch) {
        const r = acc.evaluate(item, options.onMalformed, wanted);
        if (r && options.onRecord) options.onRecord(r);
      }
    }
  }
  return finish(model, acc, options);
}

function finish(model: StackModel, acc: Accumulator, options: SimulationOptions): Simulation {
  // Only alarms on metric-filter metrics can be replayed from CloudTrail; AWS service metrics (log delivery,
  // SNS and EventBridge failures) and metric math are left out.
  const produced = new Set(model.filters.map((f) => metricKey(f.namespace, f.metricName)));
  const specs = model.alarms.filter((a) => a.metric_name && produced.has(metricKey(a.namespace, a.metric_name))).map(alarmSpecFromTerraform);
  const alarms = specs.map((spec) => {
    const series = acc.series.get(metricKey(spec.namespace, spec.metricName)) ?? new MetricSeries();
    // Default value 0 in every minute with ingested logs but no match for this metric.
    for (const m of acc.ingested.minuteKeys()) if (!series.has(m)) series.add(m, 0);
    return alarmTimeline(spec, series);
  });
  // Alarms on Contributor Insights metric math: the expression's value per period, evaluated as any alarm.
  for (const a of model.alarms.filter((x) => Array.isArray(x.metric_query) && x.metric_query.some((q: any) => /INSIGHT_RULE_METRIC/.test(q.expression ?? "")))) {
    const { periodSeconds, values } = evaluateAlarmQueries(
      a.metric_query.map((q: any) => ({ id: q.id, expression: q.expression, period: q.period, returnData: q.return_data })),
      (rule) => acc.insights.get(rule),
    );
    const series = new MetricSeries();
    for (const [start, v] of values) series.add(start, v);
    const spec = { ...alarmSpecFromTerraform(a), namespace: "", metricName: "", statistic: "Maximum", periodSeconds };
    const timeline = alarmTimeline(spec, series);
    // Who: the top contributor with the highest value among the rules whose MaxContributorValue the alarm reads,
    // in each period that alarmed (what `get-insight-rule-report` lists first for that rule and period); on a tie
    // the rule listed first (a principal's reads before its pairs).
    const topRules: string[] = a.metric_query
      .map((q: any) => /^INSIGHT_RULE_METRIC\(\s*"?([^",)]+)"?\s*,\s*"?MaxContributorValue"?\s*\)$/.exec(String(q.expression ?? "").trim())?.[1])
      .filter((x: string | undefined): x is string => x !== undefined);
    const perRule = topRules.map((r) => acc.insights.get(r)?.topContributors(periodSeconds));
    const tops = new Map<number, { keys: string[]; value: number }>();
    for (const m of perRule) for (const [t, top] of m ?? []) if (!tops.has(t) || top.value > tops.get(t)!.value) tops.set(t, top);
    const contributors = timeline.transitions
      .filter((t) => t.to === "ALARM")
      .map((t) => {
        const start = Date.parse(t.time) - periodSeconds * 1000;
        const top = tops?.get(start);
        return top && { periodStart: new Date(start).toISOString(), periodSeconds, keys: top.keys, value: top.value };
      })
      .filter((c): c is NonNullable<typeof c> => c !== undefined);
    alarms.push(contributors.length > 0 ? { ...timeline, topContributors: contributors } : timeline);
  }
  const alarmNotifications = alarms.reduce((n, a) => n + a.transitions.filter((t) => t.to === "ALARM" && t.notified.length > 0).length, 0);
  const firstSeen = model.firstSeen ? replayFirstSeen(model.firstSeen, acc.firstSeenReads, { deployedAt: options.deployedAt }).outcomes : [];
  const firstSeenAlerts = model.firstSeen ? { firstSeenAlerts: firstSeen.filter((o) => o.verdict === "alert").length } : {};
  return { alarms, firstSeen, summary: { type: "summary", ...acc.counts, alarmNotifications, ...firstSeenAlerts } };
}

/** Messages a worker posts: one per file, in that worker's order, then its accumulated metrics. */
export type WorkerMessage =
  | { type: "file"; fileIndex: number; records: RecordResult[]; malformed: Malformed[] }
  | { type: "done"; data: AccumulatorData };

export interface WorkerTask {
  tf: Record<string, any>;
  files: [number, string][];
  all: boolean;
  wholeFileLimit?: number;
  quickScan: boolean;
}

/** The work one thread does: evaluate its files in order, posting each file's results. */
export async function runTask(task: WorkerTask, post: (m: WorkerMessage) => void): Promise<void> {
  const acc = new Accumulator(stackModel(task.tf));
  const scanner = task.quickScan ? acc.scanner(task.all) : undefined;
  let records: RecordResult[] = [];
  let malformed: Malformed[] = [];
  let current = 0;
  const files = task.files.map(([, file]) => file);
  const done = (k: number) => {
    post({ type: "file", fileIndex: task.files[k][0], records, malformed });
    records = [];
    malformed = [];
  };
  for await (const [k, batch] of batchesOfFiles(files, task.wholeFileLimit, scanner)) {
    for (; current < k; current++) done(current);
    for (const item of batch) {
      const r = acc.evaluate(item, (m) => malformed.push(m), task.all);
      if (r) records.push(r);
    }
  }
  for (; current < files.length; current++) done(current);
  post({ type: "done", data: acc.export() });
}

const fileSize = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0; // reading it reports why
  }
};

/** Starts a worker; from TypeScript sources (tsx) the worker registers tsx's require hook first. */
function startWorker(task: WorkerTask | SplitTask): Worker {
  const script = require.resolve("./worker");
  if (!script.endsWith(".ts")) return new Worker(script, { workerData: task });
  return new Worker(`require("tsx/cjs"); require(${JSON.stringify(script)});`, { eval: true, workerData: task });
}

/** Runs the files on `count` worker threads, reporting their records in input order; their accumulated data. */
async function inWorkers(tf: Record<string, any>, files: string[], count: number, options: SimulationOptions): Promise<AccumulatorData[]> {
  const data: AccumulatorData[] = [];
  const pending = new Map<number, { records: RecordResult[]; malformed: Malformed[] }>();
  let next = 0;
  const flush = () => {
    while (pending.has(next)) {
      const { records, malformed } = pending.get(next)!;
      pending.delete(next++);
      for (const m of malformed) options.onMalformed?.(m);
      if (options.onRecord) for (const r of records) options.onRecord(r);
    }
  };
  const all = options.allRecords ?? true;
  const runs = Array.from({ length: count }, (_, w) => {
    const task: WorkerTask = {
      tf,
      // Round-robin keeps the threads near the same position, so few finished files wait to be printed.
      files: files.map((f, i) => [i, f] as [number, string]).filter(([i]) => i % count === w),
      all: all && options.onRecord !== undefined,
      wholeFileLimit: options.wholeFileLimit,
      quickScan: options.quickScan !== false,
    };
    return new Promise<void>((resolve, reject) => {
      const worker = startWorker(task);
      worker.on("message", (m: WorkerMessage) => {
        if (m.type === "file") {
          pending.set(m.fileIndex, { records: m.records, malformed: m.malformed });
          flush();
        } else {
          data.push(m.data);
          resolve();
        }
      });
      worker.on("error", reject);
      worker.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`simulation worker exited with code ${code}`))));
    });
  });
  await Promise.all(runs);
  flush();
  return data;
}
