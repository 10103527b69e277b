/**
 * Organization scale and cost (src/patterns/org-scale.ts): the arithmetic, the quota headroom, and the README
 * section, which must show exactly what the functions compute for the deployed stacks' rule and filter counts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  busPolicyChars,
  ORG_PRICES,
  ORG_QUOTAS,
  ORG_SIZES,
  ORG_WORKLOAD,
  OrgScaleAssumptions,
  orgScale,
  orgScaleTable,
  perAccountPolicyBreaksAt,
  quotaHeadroom,
  quotaTable,
} from "../../src/patterns/org-scale";
import { Testing } from "cdktf";
import { buildApp } from "../../src/app";
import { parseConfig } from "../../src/config/load";
import { MonitorConfigInput } from "../../src/config/schema";
import { cfnSchemaProblems } from "../../src/review/cfn-schema";
import { CentralStack } from "../../src/stacks/central-stack";
import { MemberForwardingStack } from "../../src/stacks/member-forwarding-stack";

const BUS = "arn:aws:events:us-east-1:111122223333:event-bus/secret-access-monitor-org-events";
const ORG = "o-a1b2c3d4e5";

const VARIANT = join(__dirname, "../../terraform-tests/variants/organization.json");
const variant = (): MonitorConfigInput => JSON.parse(readFileSync(VARIANT, "utf8"));

/**
 * The counts the table uses, read from the organization variant's synthesized stacks: the forwarding rules of the
 * StackSet template (each account-Region), the rules on the central bus, the organization trail's metric filters,
 * and the template's size.
 */
let counts: Pick<OrgScaleAssumptions, "forwardingRulesPerAccountRegion" | "centralRules" | "metricFilters" | "templateBytes">;
/** The StackSet template's size with 50 listed secrets (ARN ids, one allowed reader each). */
let templateBytesWithLists = 0;
beforeAll(() => {
  const { central, monitoring, members } = buildApp(parseConfig(variant()), Testing.app());
  const centralTf = JSON.parse(Testing.synth(central!));
  const trailTf = JSON.parse(Testing.synth(monitoring));
  const templateRules = Object.values(members!.template.Resources as Record<string, { Type: string }>).filter((r) => r.Type === "AWS::Events::Rule");
  counts = {
    forwardingRulesPerAccountRegion: templateRules.length,
    centralRules: Object.values(centralTf.resource.aws_cloudwatch_event_rule as Record<string, { event_bus_name?: string }>).filter((r) => r.event_bus_name).length,
    metricFilters: Object.keys(trailTf.resource.aws_cloudwatch_log_metric_filter).length,
    templateBytes: Buffer.byteLength(JSON.stringify(members!.template), "utf8"),
  };
  {
    const account = (i: number) => String(333333333300 + i);
    const monitoredSecrets = Array.from({ length: 50 }, (_, i) => ({
      id: `arn:aws:secretsmanager:us-east-1:${account(i)}:secret:prod/app-${i}/db-password-AbC123`,
      allowedReaders: [`arn:aws:iam::${account(i)}:role/app-${i}`],
    }));
    const config = parseConfig({ ...variant(), monitoredSecrets });
    const template = new MemberForwardingStack(Testing.app(), "m", config, config.organization!).template;
    expect(cfnSchemaProblems(template)).toEqual([]);
    templateBytesWithLists = Buffer.byteLength(JSON.stringify(template), "utf8");
  }
  const centralRulesNaming = (n: number) => {
    const accountNames = Object.fromEntries(Array.from({ length: n }, (_, i) => [String(333333333300 + i), `account-${i}`]));
    const config = parseConfig({ ...variant(), organization: { ...(variant() as any).organization, accountNames } });
    const tf = JSON.parse(Testing.synth(new CentralStack(Testing.app(), "c", config, config.organization!)));
    return Object.values(tf.resource.aws_cloudwatch_event_rule as Record<string, { event_bus_name?: string }>).filter((r) => r.event_bus_name).length;
  };
  namedAccounts = { none: centralRulesNaming(0), one: centralRulesNaming(1), most: centralRulesNaming(MOST_NAMED_ACCOUNTS) };
});
/** `organization.accountNames` takes at most 25 names (the configuration schema refuses more). */
const MOST_NAMED_ACCOUNTS = 25;
/** Rules on the central bus with no named account, one, and the most the configuration allows. */
let namedAccounts: { none: number; one: number; most: number };
const assumptions = (): OrgScaleAssumptions => ({ ...ORG_WORKLOAD, ...counts });

describe("orgScale", () => {
  const fixed: OrgScaleAssumptions = { ...ORG_WORKLOAD, forwardingRulesPerAccountRegion: 12, centralRules: 19, metricFilters: 15, templateBytes: 30_000 };

  it("counts one StackSet instance and one set of forwarding rules per account and Region", () => {
    const r = orgScale(1_000, fixed);
    expect(r.stackInstances).toBe(4_000);
    expect(r.forwardingRules).toBe(48_000);
    expect(r.centralRules).toBe(19);
  });

  it("forwards every secret read and refused read; only those no allow-list covers alert", () => {
    // 1,000 accounts × (200 reads + 2 denied) a day leave the member accounts
    expect(orgScale(1_000, fixed).forwardedPerDay).toBe(202_000);
    expect(orgScale(1_000, { ...fixed, alertingReadShare: 1 }).forwardedPerDay).toBe(202_000);
    // 1,000 accounts × (200 reads × 5 % + 2 denied) a day alert
    expect(orgScale(1_000, fixed).alertsPerDay).toBe(12_000);
  });

  it("prices a month from the published rates, by hand", () => {
    const r = orgScale(1_000, fixed);
    // EventBridge: 202,000 × 30 = 6,060,000 events at $1.00 per million
    expect(r.costs.eventBridge).toBeCloseTo(6.06, 10);
    // CloudWatch Logs: 1,000 × 20,000 × 30 = 600 M records × 1,150 B = 690 GB at $0.50/GB
    expect(r.trailEventsPerMonth).toBe(600_000_000);
    expect(r.costs.logsIngestion).toBeCloseTo(345, 10);
    // 365 days held: 690 GB × 365 / 30 = 8,395 GB at $0.03/GB-month
    expect(r.costs.logsStorage).toBeCloseTo(251.85, 10);
    // SNS e-mail: (12,000 × 30 = 360,000 alerts − 1,000 free) / 100,000 × $2.00
    expect(r.costs.snsEmail).toBeCloseTo(7.18, 10);
    // CloudTrail: the organization trail is the first (free) copy of management events
    expect(r.costs.cloudTrail).toBe(0);
    expect(r.costs.total).toBeCloseTo(6.06 + 345 + 251.85 + 7.18, 10);
    // cross-Region: 3 of 4 Regions' events × 1,150 B
    expect(r.crossRegionGBPerMonth).toBeCloseTo((6_060_000 * 0.75 * 1_150) / 1e9, 12);
  });

  it("is linear in accounts", () => {
    const ten = orgScale(10, fixed);
    const thousand = orgScale(1_000, fixed);
    expect(thousand.costs.logsIngestion).toBeCloseTo(100 * ten.costs.logsIngestion, 8);
    expect(thousand.forwardedPerDay).toBe(100 * ten.forwardedPerDay);
  });

  it("refuses a size that is not a positive whole number of accounts", () => {
    expect(() => orgScale(0, fixed)).toThrow("orgScale: accounts must be a positive integer, got 0");
    expect(() => orgScale(2.5, fixed)).toThrow(/positive integer/);
  });
});

describe("quota headroom", () => {
  it("keeps the central bus policy one statement long whatever the organization's size", () => {
    expect(busPolicyChars(1_000, BUS, ORG).organization).toBe(busPolicyChars(10, BUS, ORG).organization);
    expect(busPolicyChars(1_000, BUS, ORG).organization).toBeLessThan(ORG_QUOTAS.eventBusPolicyChars);
  });

  it("finds where one statement per account would overflow the 10,240-character policy", () => {
    const n = perAccountPolicyBreaksAt(BUS, ORG);
    expect(busPolicyChars(n - 1, BUS, ORG).perAccount).toBeLessThanOrEqual(10_240);
    expect(busPolicyChars(n, BUS, ORG).perAccount).toBeGreaterThan(10_240);
    expect(n).toBeLessThan(100); // a per-account policy would not even reach the table's middle size
  });

  it("stays under every quota at 1,000 accounts × 4 Regions with the organization variant's counts", () => {
    for (const q of quotaHeadroom(1_000, assumptions(), BUS, ORG)) expect({ quota: q.quota, under: q.used < q.limit }).toEqual({ quota: q.quota, under: true });
  });

  it("reports a quota as exceeded when the configuration outgrows it (300 rules on a bus)", () => {
    const rows = quotaHeadroom(10, { ...assumptions(), forwardingRulesPerAccountRegion: 300 }, BUS, ORG);
    const memberBus = rows.find((q) => q.quota.startsWith("rules per event bus (each member"))!;
    expect(memberBus.used).toBeGreaterThanOrEqual(memberBus.limit);
  });
});

describe("README: Organization: scale and cost", () => {
  const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
  const start = readme.indexOf("## Organization: scale and cost");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));

  it("exists", () => {
    expect(start).toBeGreaterThan(-1);
  });

  it("shows the table orgScale computes for 10, 100 and 1,000 accounts with the organization variant's counts", () => {
    expect(section).toContain(orgScaleTable(ORG_SIZES, assumptions()));
  });

  it("shows the quota table quotaHeadroom computes at 1,000 accounts", () => {
    expect(section).toContain(quotaTable(1_000, assumptions(), BUS, ORG));
  });

  it("states the workload and the figures the text quotes", () => {
    const n = perAccountPolicyBreaksAt(BUS, ORG);
    expect(section).toContain(`one statement per account would pass ${ORG_QUOTAS.eventBusPolicyChars.toLocaleString("en-US")} characters at ${n} accounts`);
    expect(section).toContain(`${ORG_WORKLOAD.readsPerAccountPerDay} secret reads per account per day`);
    expect(section).toContain(`every secret read leaves a member account: ${orgScale(1, assumptions()).forwardedPerDay} events per account per day`);
    expect(section).toContain(`${orgScale(1_000, assumptions()).forwardedPerDay.toLocaleString("en-US")} events a day average ${(orgScale(1_000, assumptions()).forwardedPerDay / 86_400).toFixed(2)} a second`);
    expect(section).toContain(`${ORG_WORKLOAD.managementEventsPerAccountPerDay.toLocaleString("en-US")} management events per account per day`);
    const secondCopy = ((1_000 * ORG_WORKLOAD.managementEventsPerAccountPerDay * 30) / 1e5) * ORG_PRICES.cloudTrailAdditionalCopyPer100k;
    expect(section).toContain(`$${secondCopy.toLocaleString("en-US")} a month at 1,000 accounts`);
    expect(templateBytesWithLists).toBe(counts.templateBytes);
    expect(section).toContain(`the same ${counts.templateBytes.toLocaleString("en-US")} bytes with 50 listed secrets`);
    expect(section).toContain(
      `carries ${namedAccounts.none} rules without named accounts and ${namedAccounts.one - namedAccounts.none} more for each name in \`organization.accountNames\`: ${namedAccounts.most} at the ${MOST_NAMED_ACCOUNTS} names allowed`,
    );
    expect(namedAccounts.most).toBeLessThan(ORG_QUOTAS.rulesPerEventBus);
    expect(section).toContain(`${counts.templateBytes.toLocaleString("en-US")} bytes`);
  });
});

