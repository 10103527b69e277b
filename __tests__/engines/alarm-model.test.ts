import { alarmTimeline, AlarmSpec, evaluateRange, MetricSeries, Point, statistic } from "../../src/engines/alarm-model";

const points = (s: string) => s.split(" ") as Point[];
const order = ["missing", "ignore", "breaching", "notBreaching"] as const;

describe("alarm model: CloudWatch's documented truth tables (N = 3, range of 5, newest last)", () => {
  // [M, range, expected for missing / ignore / breaching / notBreaching]
  const table: [number, string, string[]][] = [
    [3, "0 - X - X", ["OK", "OK", "OK", "OK"]],
    [3, "0 - - - -", ["OK", "OK", "OK", "OK"]],
    [3, "- - - - -", ["INSUFFICIENT_DATA", "retain", "ALARM", "OK"]],
    [3, "0 X X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]],
    [3, "- - X - -", ["ALARM", "retain", "ALARM", "OK"]],
    [2, "0 - X - X", ["ALARM", "ALARM", "ALARM", "ALARM"]],
    [2, "0 0 X 0 X", ["ALARM", "ALARM", "ALARM", "ALARM"]],
    [2, "0 - X - -", ["OK", "OK", "ALARM", "OK"]],
    [2, "- - - - 0", ["OK", "OK", "ALARM", "OK"]],
    [2, "- - - X -", ["ALARM", "retain", "ALARM", "OK"]],
  ];
  test.each(table)("M=%i, %s", (m, range, expected) => {
    expect(order.map((t) => evaluateRange(points(range), 3, m, t))).toEqual(expected);
  });

  test("a lone breaching point too recent to be M old does not alarm prematurely", () => {
    expect(evaluateRange(points("- - - - X"), 3, 3, "missing")).toBe("retain");
    expect(evaluateRange(points("- - - X -"), 3, 3, "missing")).toBe("retain");
  });
});

describe("alarm model: statistics", () => {
  const values = new Map([[1, 2], [0, 4]]);
  test.each([
    ["Sum", 2],
    ["Average", 2 / 6],
    ["SampleCount", 6],
    ["Minimum", 0],
    ["Maximum", 1],
    ["p50", 0],
    ["p90", 1],
  ])("%s", (stat, want) => expect(statistic(values, stat as string)).toBeCloseTo(want as number));
});

describe("alarm model: the secret-read alarm", () => {
  const base: AlarmSpec = {
    name: "reads",
    namespace: "N",
    metricName: "M",
    statistic: "Sum",
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparison: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    alarmActions: ["topic"],
    okActions: [],
  };
  const t0 = Date.parse("2026-11-20T14:00:00Z");
  // Logs arrive every minute (default value 0); one read at 14:03:27.
  const series = () => {
    const s = new MetricSeries();
    // The filter reports its default value 0 only in minutes with logs but no match.
    for (let i = 0; i < 10; i++) if (i !== 3) s.add(t0 + i * 60_000 + 5_000, 0);
    s.add(t0 + 3 * 60_000 + 27_000, 1);
    return s;
  };

  test("Sum over 60 s goes to ALARM in the first period containing a read, and notifies once", () => {
    const tl = alarmTimeline(base, series());
    const toAlarm = tl.transitions.filter((t) => t.to === "ALARM");
    expect(toAlarm).toHaveLength(1);
    expect(tl.firstAlarm).toBe("2026-11-20T14:03:00.000Z");
    expect(toAlarm[0].notified).toEqual(["topic"]);
  });

  test("a second read while in ALARM sends no second notification", () => {
    const s = series();
    s.add(t0 + 3 * 60_000 + 40_000, 1);
    const tl = alarmTimeline(base, s);
    expect(tl.transitions.filter((t) => t.to === "ALARM")).toHaveLength(1);
  });

  test("Average over 5 minutes with zeros from other minutes stays below 1: the alarm never fires", () => {
    const tl = alarmTimeline({ ...base, statistic: "Average", periodSeconds: 300 }, series());
    expect(tl.transitions.some((t) => t.to === "ALARM")).toBe(false);
  });

  test("Sum over 5 minutes still fires", () => {
    const tl = alarmTimeline({ ...base, periodSeconds: 300 }, series());
    expect(tl.transitions.some((t) => t.to === "ALARM")).toBe(true);
  });
});
