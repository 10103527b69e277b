/**
 * Bulk harvesting: one principal reading many secret values within minutes (the credential-access technique of
 * the public attack simulators, which read 20–42 secrets within seconds). Built from CloudWatch Contributor
 * Insights rules on the trail's log group and one alarm on their metric math. Pure: no cdktf imports.
 *
 * Contributor Insights counts events per contributor; it has no "distinct values per contributor". Two rules say
 * together what one cannot:
 * - reads by principal (key `userIdentity.arn`): `MaxContributorValue` is the most secret values one principal
 *   read in the period;
 * - distinct (principal, secret) pairs (keys `userIdentity.arn`, `requestParameters.secretId`):
 *   `UniqueContributors` is how many different secrets were read, summed over principals.
 * The alarm fires when both reach the threshold in the same period. Combining two rules' INSIGHT_RULE_METRIC in one
 * expression and alarming on it is AWS's own example ("Setting an alarm on Contributor Insights metric data",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContributorInsights-GraphReportData.html: "e1
 * INSIGHT_RULE_METRIC("RejectedConnectionsRule", "Sum") … e3 (e1/e2)*100 … you can set an alarm on that expression"). Every real harvest (one principal, N
 * distinct secrets) satisfies both, so none is missed; a principal re-reading one secret N times alarms only if,
 * in the same period, the account also saw N distinct principal-secret pairs.
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

const PRINCIPAL = "$.userIdentity.arn";
const SECRET = "$.requestParameters.secretId";

/** Successful secret-value reads by a principal with an ARN (AWS services acting alone have none). */
function readFilters(): InsightRuleDefinition["Contribution"]["Filters"] {
  return [
    { Match: "$.eventSource", In: [SECRETS_MANAGER] },
    { Match: "$.eventName", In: [...SECRET_VALUE_READS] },
    { Match: "$.errorCode", IsPresent: false },
    { Match: PRINCIPAL, IsPresent: true },
  ];
}

export function harvestingRuleDefinitions(logGroupName: string): { readsByPrincipal: InsightRuleDefinition; distinctPairs: InsightRuleDefinition } {
  const base = { Schema: { Name: "CloudWatchLogRule", Version: 1 }, LogGroupNames: [logGroupName], LogFormat: "JSON", AggregateOn: "Count" } as const;
  return {
    readsByPrincipal: { ...base, Contribution: { Keys: [PRINCIPAL], Filters: readFilters() } },
    distinctPairs: { ...base, Contribution: { Keys: [PRINCIPAL, SECRET], Filters: readFilters() } },
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
 * The alarm's metric math: the top principal's reads when the account's distinct pairs reached the threshold,
 * else 0. Its value, when it alarms, is the number of secret values the top principal read in the window.
 */
export function harvestingAlarmQueries(rules: { readsByPrincipal: string; distinctPairs: string }, s: HarvestingSettings): AlarmQuery[] {
  const period = s.windowMinutes * 60;
  return [
    { id: "top", expression: `INSIGHT_RULE_METRIC("${rules.readsByPrincipal}", "MaxContributorValue")`, period, label: "Secret values read by the top principal", returnData: false },
    { id: "pairs", expression: `INSIGHT_RULE_METRIC("${rules.distinctPairs}", "UniqueContributors")`, period, label: "Distinct principal-secret pairs", returnData: false },
    { id: "harvest", expression: `IF(pairs >= ${s.threshold}, top, 0)`, label: `Top principal's secret reads when at least ${s.threshold} distinct were read`, returnData: true },
  ];
}

/** What the on-call reads in the alarm e-mail: what, the window, and how to name the principal. */
export function harvestingDescription(rules: { readsByPrincipal: string; distinctPairs: string }, s: HarvestingSettings, region: string): string {
  return [
    `CRITICAL: one principal read at least ${s.threshold} secret values within ${s.windowMinutes} minutes (the alarm's value is its count).`,
    "Bulk reading is how stolen credentials are harvested. Who: the top contributor of Contributor Insights rule",
    `${rules.readsByPrincipal}: aws cloudwatch get-insight-rule-report --region ${region} --rule-name ${rules.readsByPrincipal}`,
    `--start-time <alarm time - ${s.windowMinutes * 2} min> --end-time <alarm time> --period ${s.windowMinutes * 60} --max-contributor-count 3;`,
    `which secrets: the same for ${rules.distinctPairs}. Then revoke that principal's sessions and keys and rotate what it read.`,
  ].join(" ");
}
