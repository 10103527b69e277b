/**
 * Bulk harvesting: one principal reading many distinct secrets within minutes (the credential-access technique of
 * the public attack simulators, which read 20–42 secrets within seconds). Built from CloudWatch Contributor
 * Insights rules on the trail's log group and one alarm on their metric math. Pure: no cdktf imports.
 *
 * What Contributor Insights can say: a rule counts (or sums) log events per contributor, a contributor being "a
 * unique combination of values from all the keys in the rule" (InsightRuleContributor, API reference), and an alarm
 * reads only the rule's aggregate metrics — UniqueContributors, MaxContributorValue, SampleCount, Sum, Minimum,
 * Maximum, Average (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-GraphReportData.html).
 * No metric is "distinct values of one key per value of another": the number of distinct secrets a given principal
 * read cannot be read off one rule. Two rules bound it from below instead:
 * - reads by principal: `MaxContributorValue` = R, the reads of the busiest principal P;
 * - reads by (principal, secret) pair: `MaxContributorValue` = M, the most reads of any one pair.
 * P's R reads spread over k distinct secrets, none read more than M times, so k ≥ R / M. The alarm fires on
 * R / M ≥ N: whenever it fires, the busiest principal read at least N distinct secrets (no false page from a
 * principal re-reading one secret, however busy the account). It can miss: when the busiest principal is not the
 * harvester, or when some pair in the account was re-read often in the same window (M large), the bound falls under
 * N. The README says so. Combining INSIGHT_RULE_METRIC series in an expression and alarming on it is AWS's own
 * example (same page: "e1 INSIGHT_RULE_METRIC("RejectedConnectionsRule", "Sum") … e3 (e1/e2)*100 … you can set an
 * alarm on that expression").
 *
 * Who is a principal: a role's sessions are one principal (its `sessionContext.sessionIssuer.arn`, as the
 * first-seen workflow's `principalOf`), else the caller's ARN (IAM users, root). A rule's keys are fields, not
 * fallbacks, so each family has its own two rules, told apart by whether the record has a session issuer; the
 * alarm takes the larger bound of the two (FILL: a family without reads in a window counts 0).
 *
 * Batches: Secrets Manager "generates CloudTrail GetSecretValue log entries for each secret you request" when it
 * serves a BatchGetSecretValue (API reference), so counting GetSecretValue records counts every secret of a batch
 * once, whatever the batch named (ids or tag filters); the batch's own record is not counted (eventName filter),
 * as Elastic's rule drops it for the same reason.
 */
import type { InsightRuleDefinition } from "../engines/contributor-insights";
import { SECRET_VALUE_READS, SECRETS_MANAGER } from "./sensitive-reads";

export interface HarvestingSettings {
  /** Secret values one principal reads within the window that make an alert. */
  readonly threshold: number;
  readonly windowMinutes: number;
}

/**
 * Elastic's rule `credential_access_rapid_secret_retrieval_attempts_from_secretsmanager` (≥ 20 distinct secrets
 * by one user in about 6 minutes); the alarm's period must divide into CloudWatch's minutes, so 5.
 */
export const HARVESTING_DEFAULTS: HarvestingSettings = { threshold: 20, windowMinutes: 5 };

/** A role session's role (the session issuer); every session of one role is one principal. */
const ROLE = "$.userIdentity.sessionContext.sessionIssuer.arn";
/** Callers without a session issuer (IAM users, root): their own ARN. */
const CALLER = "$.userIdentity.arn";
const SECRET = "$.requestParameters.secretId";

export type HarvestFamily = "role" | "caller";
export const HARVEST_FAMILIES: readonly HarvestFamily[] = ["role", "caller"];

/**
 * Successful secret-value reads of one family. `eventName` GetSecretValue is Secrets Manager's alone, so the
 * four filters a rule may have (RuleSyntax: "You can include as many as four Filters") go to the outcome and family.
 */
function readFilters(family: HarvestFamily): InsightRuleDefinition["Contribution"]["Filters"] {
  const common = [
    { Match: "$.eventName", In: [...SECRET_VALUE_READS] },
    { Match: "$.errorCode", IsPresent: false },
  ];
  return family === "role"
    ? [{ Match: "$.eventSource", In: [SECRETS_MANAGER] }, ...common, { Match: ROLE, IsPresent: true }]
    : [...common, { Match: ROLE, IsPresent: false }, { Match: CALLER, IsPresent: true }];
}

export interface HarvestRuleNames {
  /** Reads per principal of the family. */
  readonly reads: string;
  /** Reads per (principal, secret) pair of the family. */
  readonly pairs: string;
}

/** `<prefix>-harvest-…`: the change detection watches PutInsightRule/DeleteInsightRules on that prefix. */
export function harvestingRuleNames(namePrefix: string): Record<HarvestFamily, HarvestRuleNames> {
  return {
    role: { reads: `${namePrefix}-harvest-by-role`, pairs: `${namePrefix}-harvest-role-pairs` },
    caller: { reads: `${namePrefix}-harvest-by-caller`, pairs: `${namePrefix}-harvest-caller-pairs` },
  };
}

export function harvestingRuleDefinitions(logGroupName: string, family: HarvestFamily): { reads: InsightRuleDefinition; pairs: InsightRuleDefinition } {
  const base = { Schema: { Name: "CloudWatchLogRule", Version: 1 }, LogGroupNames: [logGroupName], LogFormat: "JSON", AggregateOn: "Count" } as const;
  const principal = family === "role" ? ROLE : CALLER;
  return {
    reads: { ...base, Contribution: { Keys: [principal], Filters: readFilters(family) } },
    pairs: { ...base, Contribution: { Keys: [principal, SECRET], Filters: readFilters(family) } },
  };
}

export interface AlarmQuery {
  readonly id: string;
  readonly expression: string;
  readonly period?: number;
  readonly label: string;
  readonly returnData: boolean;
}

/**
 * The alarm's metric math: per family, the busiest principal's reads over the most reads of one pair (a lower
 * bound of the distinct secrets that principal read); the larger of the two families. When it alarms, its value is
 * that bound.
 */
export function harvestingAlarmQueries(rules: Record<HarvestFamily, HarvestRuleNames>, s: HarvestingSettings): AlarmQuery[] {
  const period = s.windowMinutes * 60;
  const words = { role: "a role (all its sessions)", caller: "an IAM user or root" };
  const queries: AlarmQuery[] = HARVEST_FAMILIES.flatMap((f) => [
    { id: `reads${f}`, expression: `INSIGHT_RULE_METRIC("${rules[f].reads}", "MaxContributorValue")`, period, label: `Secret values read by the busiest principal, ${words[f]}`, returnData: false },
    { id: `pair${f}`, expression: `INSIGHT_RULE_METRIC("${rules[f].pairs}", "MaxContributorValue")`, period, label: `Most reads of one secret by one principal, ${words[f]}`, returnData: false },
  ]);
  for (const f of HARVEST_FAMILIES) {
    queries.push({ id: `distinct${f}`, expression: `FILL(reads${f} / pair${f}, 0)`, label: `Distinct secrets read by the busiest principal, at least, ${words[f]}`, returnData: false });
  }
  queries.push({
    id: "harvest",
    expression: `IF(distinctrole >= ${s.threshold}, distinctrole, distinctcaller)`,
    label: `Distinct secrets one principal read (lower bound); alarms at ${s.threshold}`,
    returnData: true,
  });
  return queries;
}

/** What the on-call reads in the alarm e-mail: what, the window, and how to name the principal. */
export function harvestingDescription(rules: Record<HarvestFamily, HarvestRuleNames>, s: HarvestingSettings, region: string): string {
  return [
    `CRITICAL: one principal (a role counts all its sessions) read at least ${s.threshold} distinct secrets within ${s.windowMinutes} minutes (the alarm's value is a lower bound of that count).`,
    "Bulk reading is how stolen credentials are harvested. Who: the top contributor of",
    `${rules.role.reads} (roles) or ${rules.caller.reads} (IAM users):`,
    `aws cloudwatch get-insight-rule-report --region ${region} --rule-name <rule> --start-time <alarm time - ${s.windowMinutes * 2} min>`,
    `--end-time <alarm time> --period ${s.windowMinutes * 60} --max-contributor-count 3; which secrets: the same for ${rules.role.pairs} or ${rules.caller.pairs}.`,
    "Then revoke that principal's sessions and keys and rotate what it read.",
  ].join(" ");
}
