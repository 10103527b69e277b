import { parseConfig } from "../../src/config/load";
import { decoyDetection } from "../../src/patterns/decoys";
import { insightRuleProblems } from "../../src/engines/contributor-insights";
import { BASE_CONFIG, synthMonitoring, Synthesized } from "../helpers";

const DECOYS = { secrets: [{ name: "prod/payments/stripe-live-key", description: "Stripe live secret key" }], parameters: [{ name: "/prod/payments/root-db-password" }] };

describe("DecoySecrets", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring({ decoys: DECOYS, tags: { CostCenter: "platform" } });
  });

  test("each decoy is a secret under its own name, on a provider without the monitor's tags, with Secrets Manager's default key", () => {
    const decoys = Object.values<any>(s.tf.resource.aws_secretsmanager_secret).filter((x) => x.provider === "aws.decoys");
    expect(decoys).toEqual([{ name: "prod/payments/stripe-live-key", description: "Stripe live secret key", recovery_window_in_days: 7, provider: "aws.decoys" }]);
    const provider = ([] as any[]).concat(s.tf.provider.aws).find((p) => p.alias === "decoys");
    expect(provider.default_tags).toEqual([{ tags: { CostCenter: "platform" } }]);
  });

  test("a seed command per decoy, none of which prints a value", () => {
    const seeds: string[] = s.tf.output.decoy_seed_commands.value;
    expect(seeds).toHaveLength(2);
    expect(seeds[0]).toContain("put-secret-value");
    expect(seeds[1]).toContain("put-parameter --region us-east-1 --type SecureString --name /prod/payments/root-db-password");
    for (const c of seeds) expect(c).toMatch(/--query (Name|Version) --output text$/);
  });

  test("the decoy alarm pages on the first read, critical, with a description within CloudWatch's 1024 characters", () => {
    const alarm = Object.values<any>(s.tf.resource.aws_cloudwatch_metric_alarm).find((a) => a.alarm_name === "sam-test0001-decoy-reads");
    expect(alarm).toMatchObject({ statistic: "Sum", threshold: 1, period: 60, treat_missing_data: "notBreaching" });
    expect(alarm.alarm_description).toMatch(/^CRITICAL/);
    const many = decoyDetection({ secrets: Array.from({ length: 80 }, (_, i) => `prod/service-${i}/credentials`), parameters: [] })!;
    expect(many.description!.length).toBeLessThanOrEqual(1024);
    expect(many.description).toContain("more");
  });

  test("decoy rules publish to the alert topic and share the dead-letter queue", () => {
    const targets = Object.entries<any>(s.tf.resource.aws_cloudwatch_event_target).filter(([id]) => id.startsWith("DecoyRealtimeAlerts"));
    expect(targets).toHaveLength(3);
    for (const [, t] of targets) {
      expect(t.arn).toContain("aws_sns_topic.AlertTopic");
      expect(t.dead_letter_config.arn).toContain("RealtimeAlerts_DeadLetterQueue");
    }
  });

  test("without decoys: no decoy resources, no second provider", () => {
    const plain = synthMonitoring({});
    expect(([] as any[]).concat(plain.tf.provider.aws)).toHaveLength(1);
    expect(Object.keys(plain.tf.resource.aws_cloudwatch_event_rule).filter((k) => k.includes("Decoy"))).toEqual([]);
  });
});

describe("HarvestingAlarm", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring({ harvesting: { enabled: true, threshold: 25, windowMinutes: 10 } });
  });

  test("four valid Contributor Insights rules on the trail's log group: reads and pairs, for roles (by session issuer) and other callers", () => {
    const rules = Object.values<any>(s.tf.resource.aws_cloudwatch_contributor_insight_rule);
    expect(rules.map((r) => r.rule_name).sort()).toEqual([
      "sam-test0001-harvest-by-caller",
      "sam-test0001-harvest-by-role",
      "sam-test0001-harvest-caller-pairs",
      "sam-test0001-harvest-role-pairs",
    ]);
    const byName = Object.fromEntries(rules.map((r) => [r.rule_name, JSON.parse(r.rule_definition)]));
    // A role's sessions each have their own userIdentity.arn; the role is sessionContext.sessionIssuer.arn
    // (CloudTrail User Guide, userIdentity element): every session of one role counts as one principal.
    expect(byName["sam-test0001-harvest-by-role"].Contribution.Keys).toEqual(["$.userIdentity.sessionContext.sessionIssuer.arn"]);
    expect(byName["sam-test0001-harvest-role-pairs"].Contribution.Keys).toEqual(["$.userIdentity.sessionContext.sessionIssuer.arn", "$.requestParameters.secretId"]);
    expect(byName["sam-test0001-harvest-by-caller"].Contribution.Filters).toContainEqual({ Match: "$.userIdentity.sessionContext.sessionIssuer.arn", IsPresent: false });
    for (const r of rules) {
      expect(insightRuleProblems(r.rule_definition)).toEqual([]);
      expect(JSON.parse(r.rule_definition).LogGroupNames).toEqual(["${aws_cloudwatch_log_group.AuditTrail_LogGroup_EF50174C.name}"]);
    }
  });

  test("the alarm's period is the window and its threshold the count, on a lower bound of one principal's distinct secrets", () => {
    const alarm = Object.values<any>(s.tf.resource.aws_cloudwatch_metric_alarm).find((a) => a.alarm_name === "sam-test0001-harvesting");
    expect(alarm).toMatchObject({ threshold: 25, evaluation_periods: 1, datapoints_to_alarm: 1, treat_missing_data: "notBreaching", comparison_operator: "GreaterThanOrEqualToThreshold" });
    expect(alarm.metric_query.map((q: any) => q.period)).toEqual([600, 600, 600, 600, undefined, undefined, undefined]);
    expect(alarm.metric_query.map((q: any) => q.expression).slice(4)).toEqual([
      "FILL(readsrole / pairrole, 0)",
      "FILL(readscaller / paircaller, 0)",
      "IF(distinctrole >= 25, distinctrole, distinctcaller)",
    ]);
    expect(alarm.alarm_description.length).toBeLessThanOrEqual(1024);
  });
});

describe("configuration of decoys and harvesting", () => {
  const problem = (extra: object) => {
    try {
      parseConfig({ ...BASE_CONFIG, ...extra });
      return "accepted";
    } catch (e) {
      return (e as Error).message;
    }
  };

  test.each([
    [{ decoys: { secrets: [{ name: "a" }, { name: "a" }] } }, /decoys\.secrets\[1\]\.name.*listed twice/],
    [{ decoys: { secrets: [{ name: "bad name!" }] } }, /decoys\.secrets\[0\]\.name.*not a valid secret name/],
    [{ decoys: { secrets: [{ name: "prod/x" }] }, deployment: { principals: ["arn:aws:iam::123456789012:role/t"], managedSecrets: ["prod/x"] } }, /decoys\.secrets\[0\]\.name.*managedSecrets/],
    [{ decoys: { secrets: [{ name: "prod/x" }] }, monitoredSecrets: [{ id: "prod/x" }] }, /decoys\.secrets\[0\]\.name.*monitoredSecrets/],
    [{ decoys: { parameters: [{ name: "/aws/x" }] } }, /decoys\.parameters\[0\]\.name.*reserved/],
    [{ decoys: { secrets: [{ name: "x", color: "red" }] } }, /decoys\.secrets\[0\].*color/],
    [{ harvesting: { enabled: true, threshold: 1 } }, /harvesting\.threshold.*2 to 1000/],
    [{ harvesting: { enabled: true, windowMinutes: 90 } }, /harvesting\.windowMinutes.*1 to 60/],
  ])("%j is refused with one line naming the field", (extra, message) => {
    const text = problem(extra);
    expect(text).toMatch(message);
    expect(text.split("\n")).toHaveLength(1);
  });

  test("harvesting is off by default and uses Elastic's 20 in (about) 5 minutes when on", () => {
    const c = parseConfig({ ...BASE_CONFIG, harvesting: { enabled: true } });
    expect(c.harvesting).toEqual({ enabled: true, threshold: 20, windowMinutes: 5 });
    expect(parseConfig(BASE_CONFIG).harvesting.enabled).toBe(false);
  });
});
