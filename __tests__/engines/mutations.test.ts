import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simulate } from "../../src/simulate/simulate";
import { evaluateRecord, stackModel } from "../../src/engines/stack-model";
import { synthesizedJson } from "../synth-cache";
import { config } from "../helpers";
import { OWN_FIXTURES, records, verdicts } from "../patterns/replay";

/** Mutating the synthesized stack must change the offline verdicts the way AWS would. */
describe("the offline proof notices broken links", () => {
  const read = Object.fromEntries(records(OWN_FIXTURES))["gsv-role-session-vpce.json"];
  let tf: Record<string, any>;
  beforeEach(() => {
    tf = JSON.parse(synthesizedJson("m", config()));
  });
  const verdict = () => verdicts(evaluateRecord(stackModel(tf), read));

  test("unmutated: the read alerts on both paths", () => {
    expect(verdict()).toEqual({ metric: "read", realtime: "read" });
  });

  test("a write-only trail never delivers the read-only GetSecretValue to the log group", () => {
    for (const t of Object.values<any>(tf.resource.aws_cloudtrail)) t.event_selector[0].read_write_type = "WriteOnly";
    expect(verdict().metric).toBe("none");
  });

  test("a write-only trail also drops a GetSecretValue from before CloudTrail wrote the readOnly flag", () => {
    for (const t of Object.values<any>(tf.resource.aws_cloudtrail)) t.event_selector[0].read_write_type = "WriteOnly";
    const { readOnly: _dropped, ...old } = read as Record<string, unknown>;
    expect(verdicts(evaluateRecord(stackModel(tf), old)).metric).toBe("none");
  });

  test("rules in plain ENABLED state never receive read-only management events", () => {
    for (const r of Object.values<any>(tf.resource.aws_cloudwatch_event_rule)) r.state = "ENABLED";
    expect(verdict().realtime).toBe("none");
  });

  test("a wrong eventSource in the filter silences the metric path", () => {
    for (const f of Object.values<any>(tf.resource.aws_cloudwatch_log_metric_filter)) {
      f.pattern = f.pattern.replace("secretsmanager.amazonaws.com", "secretmanager.amazonaws.com");
    }
    expect(verdict().metric).toBe("none");
  });

  test("the .cn documentation's detail-type silences the real-time path", () => {
    for (const r of Object.values<any>(tf.resource.aws_cloudwatch_event_rule)) {
      r.event_pattern = r.event_pattern.replace("AWS API Call via CloudTrail", "Amazon API Call via CloudTrail");
    }
    expect(verdict().realtime).toBe("none");
  });
});

describe("the alarm timeline notices the Average trap", () => {
  /** Ten minutes of routine events, one a minute, and one secret read at 14:03:27. */
  function trail(): string {
    const read = Object.fromEntries(records(OWN_FIXTURES))["gsv-role-session-vpce.json"];
    const lines = Array.from({ length: 10 }, (_, m) =>
      JSON.stringify({ ...read, eventSource: "ec2.amazonaws.com", eventName: "DescribeInstances", requestParameters: {}, eventTime: `2026-11-20T14:0${m}:10Z` }),
    );
    lines.push(JSON.stringify(read));
    const file = join(mkdtempSync(join(tmpdir(), "sam-avg-")), "day.jsonl");
    writeFileSync(file, lines.join("\n"));
    return file;
  }
  const readAlarm = async (tf: Record<string, any>) => {
    const { alarms } = await simulate(tf, [trail()], { workers: 1 });
    return alarms.find((a) => a.alarm.endsWith("-secret-reads"))!;
  };

  test("Sum over 60 s alarms in the minute of the read", async () => {
    const tf = JSON.parse(synthesizedJson("m", config()));
    expect((await readAlarm(tf)).firstAlarm).toBe("2026-11-20T14:03:00.000Z");
  });

  test("Average over 5 minutes never alarms: one read among zero-filled minutes averages below 1", async () => {
    const tf = JSON.parse(synthesizedJson("m", config()));
    for (const a of Object.values<any>(tf.resource.aws_cloudwatch_metric_alarm)) {
      if (a.alarm_name.endsWith("-secret-reads")) Object.assign(a, { statistic: "Average", period: 300 });
    }
    const alarm = await readAlarm(tf);
    expect(alarm.firstAlarm).toBeUndefined();
    expect(alarm.transitions.some((t) => t.to === "ALARM")).toBe(false);
  });
});
