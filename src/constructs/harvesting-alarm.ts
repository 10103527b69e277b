import { Construct } from "constructs";
import { CloudwatchContributorInsightRule } from "@cdktf/provider-aws/lib/cloudwatch-contributor-insight-rule";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { insightRuleProblems } from "../engines/contributor-insights";
import {
  HARVEST_FAMILIES,
  HarvestFamily,
  HARVESTING_DEFAULTS,
  harvestingAlarmQueries,
  harvestingDescription,
  harvestingRuleDefinitions,
  harvestingRuleNames,
  HarvestingSettings,
  HarvestRuleNames,
} from "../patterns/harvesting";

export interface HarvestingAlarmProps {
  /** Names the rules `<namePrefix>-harvest-…` (see `harvestingRuleNames`) and the alarm `<namePrefix>-harvesting`. */
  readonly namePrefix: string;
  /** The trail's log group the rules read. */
  readonly logGroupName: string;
  readonly topicArn: string;
  /** For the command in the alarm description. */
  readonly region: string;
  /** @default 20 */
  readonly threshold?: number;
  /** @default 5 */
  readonly windowMinutes?: number;
}

/**
 * Four Contributor Insights rules on the trail's log group (reads and pairs, for roles and for other callers) and
 * one alarm on their metric math: one principal reading at least `threshold` distinct secrets within
 * `windowMinutes`, bounded from below (see patterns/harvesting.ts). Critical.
 */
export class HarvestingAlarm extends Construct {
  readonly rules: Record<HarvestFamily, { reads: CloudwatchContributorInsightRule; pairs: CloudwatchContributorInsightRule }>;
  readonly alarm: CloudwatchMetricAlarm;
  /** The rules' names as plain strings (the alarm's expressions name them). */
  readonly ruleNames: Record<HarvestFamily, HarvestRuleNames>;
  readonly settings: HarvestingSettings;

  constructor(scope: Construct, id: string, props: HarvestingAlarmProps) {
    super(scope, id);
    const settings: HarvestingSettings = {
      threshold: props.threshold ?? HARVESTING_DEFAULTS.threshold,
      windowMinutes: props.windowMinutes ?? HARVESTING_DEFAULTS.windowMinutes,
    };
    if (!Number.isInteger(settings.threshold) || settings.threshold < 2) throw new Error(`harvesting.threshold: ${settings.threshold} is not a whole number from 2`);
    // A metric's period is whole minutes here (Contributor Insights reports per minute at best); at most an hour.
    if (!Number.isInteger(settings.windowMinutes) || settings.windowMinutes < 1 || settings.windowMinutes > 60) {
      throw new Error(`harvesting.windowMinutes: ${settings.windowMinutes} is not a whole number of minutes from 1 to 60`);
    }
    this.settings = settings;
    this.ruleNames = harvestingRuleNames(props.namePrefix);
    const rule = (cid: string, name: string, definition: object) => {
      const text = JSON.stringify(definition);
      const problems = insightRuleProblems(text);
      if (problems.length > 0) throw new Error(`Contributor Insights rule ${name}: ${problems.join("; ")}`);
      return new CloudwatchContributorInsightRule(this, cid, { ruleName: name, ruleDefinition: text, ruleState: "ENABLED" });
    };
    const familyRules = (f: HarvestFamily, cid: string) => {
      const d = harvestingRuleDefinitions(props.logGroupName, f);
      return { reads: rule(`ReadsBy${cid}`, this.ruleNames[f].reads, d.reads), pairs: rule(`${cid}Pairs`, this.ruleNames[f].pairs, d.pairs) };
    };
    this.rules = { role: familyRules("role", "Role"), caller: familyRules("caller", "Caller") };
    this.alarm = new CloudwatchMetricAlarm(this, "Alarm", {
      alarmName: `${props.namePrefix}-harvesting`,
      alarmDescription: harvestingDescription(this.ruleNames, settings, props.region),
      metricQuery: harvestingAlarmQueries(this.ruleNames, settings),
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: settings.threshold,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // A window without reads has no datapoint: that is "no harvest", not "unknown".
      treatMissingData: "notBreaching",
      alarmActions: [props.topicArn],
      actionsEnabled: true,
      dependsOn: HARVEST_FAMILIES.flatMap((f) => [this.rules[f].reads, this.rules[f].pairs]),
    });
  }
}

/** Every harvesting rule name, reads before pairs, roles before callers (outputs, verify). */
export function harvestingRuleNameList(names: Record<HarvestFamily, HarvestRuleNames>): string[] {
  return HARVEST_FAMILIES.flatMap((f) => [names[f].reads, names[f].pairs]);
}
