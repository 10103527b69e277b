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
import { resources, synthMonitoring } from "../helpers";

const BUS = "arn:aws:events:us-east-1:111122223333:event-bus/secret-access-monitor-org-events";
const ORG = "o-a1b2c3d4e5";

/**
 * The counts the table uses, read from the synthesized default configuration: the real-time rules (central bus),
 * of which the read and denied rules are the ones each member account-Region forwards for (the change rules watch
 * the monitor's own resources), and the metric filters on the trail's log group.
 */
let counts: Pick<OrgScaleAssumptions, "forwardingRulesPerAccountRegion" | "centralRules" | "metricFilters">;
beforeAll(() => {
  const { tf } = synthMonitoring({ namePrefix: "secret-access-monitor" });
  const rules = resources(tf, "aws_cloudwatch_event_rule").filter((r) => r.state === "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
  counts = {
    centralRules: rules.length,
    forwardingRulesPerAccountRegion: rules.filter((r) => /-(read|denied)-/.test(r.name)).length,
    metricFilters: resources(tf, "aws_cloudwatch_log_metric_filter").length,
  };
});
const assumptions = (): OrgScaleAssumptions => ({ ...ORG_WORKLOAD, ...counts });

describe("orgScale", () => {
  const fixed: OrgScaleAssumptions = { ...ORG_WORKLOAD, forwardingRulesPerAccountRegion: 12, centralRules: 19, metricFilters: 15 };

  it("counts one StackSet instance and one set of forwarding rules per account and Region", () => {
    const r = orgScale(1_000, fixed);
    expect(r.stackInstances).toBe(4_000);
    expect(r.forwardingRules).toBe(48_000);
    expect(r.centralRules).toBe(19);
  });

  it("forwards only what alerts: reads no allow-list covers, refused attempts and changes", () => {
    // 1,000 accounts × (200 reads × 5 % + 2 denied + 1 change) a day
    expect(orgScale(1_000, fixed).forwardedPerDay).toBe(13_000);
    expect(orgScale(1_000, { ...fixed, alertingReadShare: 1 }).forwardedPerDay).toBe(203_000);
  });

  it("prices a month from the published rates, by hand", () => {
    const r = orgScale(1_000, fixed);
    // EventBridge: 13,000 × 30 = 390,000 events at $1.00 per million
    expect(r.costs.eventBridge).toBeCloseTo(0.39, 10);
    // CloudWatch Logs: 1,000 × 20,000 × 30 = 600 M records × 1,150 B = 690 GB at $0.50/GB
    expect(r.trailEventsPerMonth).toBe(600_000_000);
    expect(r.costs.logsIngestion).toBeCloseTo(345, 10);
    // 365 days held: 690 GB × 365 / 30 = 8,395 GB at $0.03/GB-month
    expect(r.costs.logsStorage).toBeCloseTo(251.85, 10);
    // SNS e-mail: (390,000 − 1,000 free) / 100,000 × $2.00
    expect(r.costs.snsEmail).toBeCloseTo(7.78, 10);
    // CloudTrail: the organization trail is the first (free) copy of management events
    expect(r.costs.cloudTrail).toBe(0);
    expect(r.costs.total).toBeCloseTo(0.39 + 345 + 251.85 + 7.78, 10);
    // cross-Region: 3 of 4 Regions' events × 1,150 B
    expect(r.crossRegionGBPerMonth).toBeCloseTo((390_000 * 0.75 * 1_150) / 1e9, 12);
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

  it("stays under every quota at 1,000 accounts × 4 Regions with the default configuration's counts", () => {
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

  it("shows the table orgScale computes for 10, 100 and 1,000 accounts with the default configuration's counts", () => {
    expect(section).toContain(orgScaleTable(ORG_SIZES, assumptions()));
  });

  it("shows the quota table quotaHeadroom computes at 1,000 accounts", () => {
    expect(section).toContain(quotaTable(1_000, assumptions(), BUS, ORG));
  });

  it("states the workload and the figures the text quotes", () => {
    const n = perAccountPolicyBreaksAt(BUS, ORG);
    expect(section).toContain(`one statement per account would pass ${ORG_QUOTAS.eventBusPolicyChars.toLocaleString("en-US")} characters at ${n} accounts`);
    expect(section).toContain(`${ORG_WORKLOAD.readsPerAccountPerDay} secret reads per account per day`);
    expect(section).toContain(`only what alerts leaves a member account: ${orgScale(1, assumptions()).forwardedPerDay} events per account per day`);
    expect(section).toContain(`${orgScale(1_000, assumptions()).forwardedPerDay.toLocaleString("en-US")} events a day average ${(orgScale(1_000, assumptions()).forwardedPerDay / 86_400).toFixed(2)} a second`);
    expect(section).toContain(`${ORG_WORKLOAD.managementEventsPerAccountPerDay.toLocaleString("en-US")} management events per account per day`);
    const secondCopy = ((1_000 * ORG_WORKLOAD.managementEventsPerAccountPerDay * 30) / 1e5) * ORG_PRICES.cloudTrailAdditionalCopyPer100k;
    expect(section).toContain(`$${secondCopy.toLocaleString("en-US")} a month at 1,000 accounts`);
  });
});
