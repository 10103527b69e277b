/**
 * The offline Contributor Insights model against AWS's documentation of rules and of INSIGHT_RULE_METRIC.
 * Rule syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-RuleSyntax.html
 * Statistics: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-GraphReportData.html
 */
import { compileInsightRule, evaluateAlarmQueries, fieldValue, InsightSeries, insightRuleProblems } from "../../src/engines/contributor-insights";

const rule = (contribution: object, aggregate = "Count") =>
  JSON.stringify({ Schema: { Name: "CloudWatchLogRule", Version: 1 }, LogGroupNames: ["/aws/cloudtrail/x"], LogFormat: "JSON", Contribution: contribution, AggregateOn: aggregate });
const T0 = Date.UTC(2026, 10, 20, 14, 0, 0);

describe("Contributor Insights rule definitions", () => {
  test('"a Keys array with as many as four members … an array of as many as four Filters": five of either is refused', () => {
    const five = ["$.a", "$.b", "$.c", "$.d", "$.e"];
    expect(insightRuleProblems(rule({ Keys: five }))).toEqual([expect.stringContaining("Keys")]);
    expect(insightRuleProblems(rule({ Keys: ["$.a"], Filters: five.map((m) => ({ Match: m, IsPresent: true })) }))).toEqual([expect.stringContaining("Filters")]);
    expect(insightRuleProblems(rule({ Keys: five.slice(0, 4), Filters: five.slice(0, 4).map((m) => ({ Match: m, IsPresent: true })) }))).toEqual([]);
  });

  test('"The array can include as many as 10 string values": eleven are refused', () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);
    expect(insightRuleProblems(rule({ Keys: ["$.a"], Filters: [{ Match: "$.b", In: values(11) }] }))).toHaveLength(1);
    expect(insightRuleProblems(rule({ Keys: ["$.a"], Filters: [{ Match: "$.b", In: values(10) }] }))).toEqual([]);
  });

  test('the Schema "must always be {"Name": "CloudWatchLogRule", "Version": 1}" and the definition is at most 8192 characters (InsightRule API)', () => {
    expect(insightRuleProblems(rule({ Keys: ["$.a"] }).replace("CloudWatchLogRule", "ServiceLogRule"))).toHaveLength(1);
    expect(insightRuleProblems(rule({ Keys: [`$.${"a".repeat(8200)}`] }))).toEqual([expect.stringContaining("8192")]);
  });

  test("JSON property format notation: $.userAgent, $.endpoints[0], $.users[1].name, $.requestParameters.instanceId", () => {
    const event = { userAgent: "ua", endpoints: ["e0"], users: [{ name: "u0" }, { name: "u1" }], requestParameters: { instanceId: "i-1" } };
    expect(["$.userAgent", "$.endpoints[0]", "$.users[1].name", "$.requestParameters.instanceId"].map((p) => fieldValue(event, p))).toEqual(["ua", "e0", "u1", "i-1"]);
  });
});

describe("Contributor Insights contributions", () => {
  const r = compileInsightRule(
    "r",
    rule({
      Keys: ["$.who", "$.what"],
      Filters: [
        { Match: "$.source", In: ["a", "b"] },
        { Match: "$.errorCode", IsPresent: false },
      ],
    }),
  );

  test('"If you specify multiple filters, Contributor Insights evaluates them with a logical AND"; In "with an OR operator"', () => {
    expect(r.contribution({ who: "x", what: "1", source: "a" })).toBeDefined();
    expect(r.contribution({ who: "x", what: "1", source: "b" })).toBeDefined();
    expect(r.contribution({ who: "x", what: "1", source: "c" })).toBeUndefined();
    expect(r.contribution({ who: "x", what: "1", source: "a", errorCode: "AccessDenied" })).toBeUndefined();
  });

  test('"All matching … is case sensitive"', () => {
    expect(r.contribution({ who: "x", what: "1", source: "A" })).toBeUndefined();
  });

  test('"each unique combination of values for the keys is counted as a unique contributor"', () => {
    const keys = [
      { who: "x", what: "1" },
      { who: "x", what: "2" },
      { who: "y", what: "1" },
      { who: "x", what: "1" },
    ].map((e) => r.contribution({ ...e, source: "a" })!.key);
    expect(new Set(keys).size).toBe(3);
  });

  test("UniqueContributors, MaxContributorValue, SampleCount and Sum per period, as the statistics are documented", () => {
    const s = new InsightSeries();
    const add = (sec: number, who: string, what: string) => {
      const c = r.contribution({ who, what, source: "a" })!;
      s.add(T0 + sec * 1000, c.key, c.value);
    };
    // Period 14:00–14:05: x reads 1, 2, 2; y reads 1. Period 14:05–14:10: y reads 3.
    add(10, "x", "1");
    add(70, "x", "2");
    add(130, "x", "2");
    add(299, "y", "1");
    add(300, "y", "3");
    const at = (m: Map<number, number>) => [m.get(T0), m.get(T0 + 300_000)];
    expect(at(s.metric("UniqueContributors", 300))).toEqual([3, 1]);
    expect(at(s.metric("MaxContributorValue", 300))).toEqual([2, 1]);
    expect(at(s.metric("SampleCount", 300))).toEqual([4, 1]);
    expect(at(s.metric("Sum", 300))).toEqual([4, 1]);
    // "Each timestamp is evaluated separately, so the identity of the max contributor could be different for each".
    expect([...s.topContributors(300).values()].map((c) => c.keys)).toEqual([["x", "2"], ["y", "3"]]);
  });

  test("series merged from several threads equal one series fed everything", () => {
    const whole = new InsightSeries();
    const a = new InsightSeries();
    const b = new InsightSeries();
    for (let i = 0; i < 40; i++) {
      whole.add(T0 + i * 7000, `k${i % 6}`, 1);
      (i % 2 ? a : b).add(T0 + i * 7000, `k${i % 6}`, 1);
    }
    const merged = new InsightSeries();
    merged.merge(a.entries());
    merged.merge(b.entries());
    expect(merged.metric("MaxContributorValue", 60)).toEqual(whole.metric("MaxContributorValue", 60));
    expect(merged.metric("UniqueContributors", 300)).toEqual(whole.metric("UniqueContributors", 300));
  });
});

describe("alarm metric math over INSIGHT_RULE_METRIC", () => {
  const series = new InsightSeries();
  for (let i = 0; i < 25; i++) series.add(T0 + i * 1000, JSON.stringify(["p"]), 1);
  const pairs = new InsightSeries();
  for (let i = 0; i < 3; i++) pairs.add(T0 + i * 1000, JSON.stringify(["p", `s${i}`]), 1);
  const lookup = (name: string) => ({ top: series, pairs }[name]);

  test('IF(TS >= S, TS, S): "the value of … metric2, if TS Comparison Operator S is TRUE … scalar3 … if FALSE"', () => {
    const queries = (n: number) => [
      { id: "a", expression: 'INSIGHT_RULE_METRIC("top", "MaxContributorValue")', period: 300 },
      { id: "b", expression: 'INSIGHT_RULE_METRIC("pairs", "UniqueContributors")', period: 300 },
      { id: "e", expression: `IF(b >= ${n}, a, 0)`, returnData: true },
    ];
    expect([...evaluateAlarmQueries(queries(3), lookup).values.values()]).toEqual([25]);
    expect([...evaluateAlarmQueries(queries(4), lookup).values.values()]).toEqual([0]);
  });

  test("an expression the model does not implement is refused, not ignored", () => {
    expect(() => evaluateAlarmQueries([{ id: "e", expression: "MIN([a, b])", returnData: true }], lookup)).toThrow(/not modelled/);
  });
});
