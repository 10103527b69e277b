/**
 * Organization scale and cost: how many rules, StackSet instances and forwarded events an organization of N
 * accounts × R regions produces, what that costs a month, and how far each AWS quota is. The README's
 * "Organization: scale and cost" table is rendered by `orgScaleTable` and a test checks the README against it,
 * so the two cannot drift. Pure: no cdktf imports.
 *
 * Prices are us-east-1, as published on the AWS pricing pages (see each constant); quotas are the defaults of the
 * AWS quota pages. Each figure cites its page.
 */

import { CFN_TEMPLATE_LIMITS } from "../review/cfn-schema";

/** Prices (USD, us-east-1). */
export const ORG_PRICES = {
  /**
   * Each event a rule sends to an event bus in another account (or Region) is billed to the sender as a custom
   * event. AWS CloudFormation, AWS::Events::Rule, Targets: "If your account sends events to another account, your
   * account is charged for each sent event. Each event sent to another account is charged as a custom event. The
   * account receiving the event is not charged." (awsdocs/aws-cloudformation-user-guide@19dc52cd:
   * doc_source/aws-resource-events-rule.md). Custom events: $1.00 per million
   * (https://aws.amazon.com/eventbridge/pricing/, as third-party copies of it quote). The page now also bills
   * delivery per 64 KB chunk; the stored copy did not show that rate, and AWS's price list (AWSEvents offer file)
   * names "$0.05 per million cross-account invocations with custom events" in some Regions, so the custom-event
   * figure is used as an upper bound. Cross-Region delivery adds "standard AWS Data Transfer Charges"
   * (same page): reported below as volume, not priced.
   */
  eventBridgeForwardedPerMillion: 1.0,
  /**
   * CloudTrail (https://aws.amazon.com/cloudtrail/pricing/): "The first copy of management events is delivered free
   * of charge. Additional copies of management events are charged at $2.00 per 100,000 events." CloudTrail User
   * Guide, "Managing CloudTrail trail costs": "The first copy of management events within each region is delivered
   * free of charge", and with two trails logging the same events one of them "will incur charges". Derived: the
   * organization trail records every member account's management events, so it is free where a member has no
   * trail of its own, and a member that keeps one pays for one of the two copies.
   */
  cloudTrailAdditionalCopyPer100k: 2.0,
  /** CloudWatch Logs, Standard class: ingestion $0.50 per GB, storage $0.03 per GB-month (https://aws.amazon.com/cloudwatch/pricing/). */
  logsIngestionPerGB: 0.5,
  logsStoragePerGBMonth: 0.03,
  /** SNS e-mail notifications: $2.00 per 100,000 after the first 1,000 a month (https://aws.amazon.com/sns/pricing/). */
  snsEmailPer100k: 2.0,
  snsEmailFreePerMonth: 1_000,
} as const;

/** Default quotas, each from its AWS page. */
export const ORG_QUOTAS = {
  /**
   * EventBridge quotas page, "Rules": af-south-1 and eu-south-1 100, "every other supported Region" 300, "the
   * maximum number of rules an account can have per event bus" (read on the China-region copy of
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html, whose English copy was cut before the
   * row; the project's research notes record "Up to 300 rules per event bus").
   */
  rulesPerEventBus: 300,
  /** EventBridge: "You can define up to five targets for each rule." (EventBridge User Guide, Targets). */
  targetsPerRule: 5,
  /** EventBridge: "Event bus policy size | Each supported Region: 10,240 | … Maximum policy size, in characters." (eb-quota.html). */
  eventBusPolicyChars: 10_240,
  /** EventBridge: "Invocations throttle limit in transactions per second | us-east-1: 18,750 per second" (eb-quota.html). */
  invocationsPerSecond: 18_750,
  /**
   * CloudFormation CreateStackSet, TemplateBody: "a minimum length of 1 byte and a maximum length of 51,200 bytes"
   * (the same figure as "Template body size in a request" on the quotas page; `CFN_TEMPLATE_LIMITS` in
   * src/review/cfn-schema.ts checks it).
   */
  templateBodyBytes: CFN_TEMPLATE_LIMITS.templateBodyBytes,
  /** CloudFormation: "Stack instances | Maximum number of stack instances you can create per stack set. | 100,000 stack instances per stack set" (awsdocs/aws-cloudformation-user-guide@19dc52cd:doc_source/cloudformation-limits.md). */
  stackInstancesPerStackSet: 100_000,
  /** CloudFormation: "StackSets instance operations | Maximum number of stack instances, across all stack sets, that you can run operations on in each Region at the same time, per administrator account. | 10,000 operations" (same page). */
  concurrentStackInstanceOperations: 10_000,
  /** CloudWatch Logs PutMetricFilter: "The maximum number of metric filters that can be associated with a log group is 100." (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html). */
  metricFiltersPerLogGroup: 100,
  /** CloudTrail: "Trails per Region | 5 | The maximum number of trails per AWS Region. … This quota cannot be increased." (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html). */
  trailsPerRegion: 5,
} as const;

/** What the organization does; every figure of the table follows from these and the deployed stacks' counts. */
export interface OrgScaleAssumptions {
  /** Regions each account uses (every one gets a StackSet instance). */
  readonly regions: number;
  /** Secret and SecureString reads per account per day, all regions together. */
  readonly readsPerAccountPerDay: number;
  /** Share of those reads made by a principal no allow-list covers: only these alert (every read is forwarded). */
  readonly alertingReadShare: number;
  /** Refused read attempts per account per day (each is forwarded and alerts). */
  readonly deniedPerAccountPerDay: number;
  /** All management events (read and write) per account per day that the organization trail records. */
  readonly managementEventsPerAccountPerDay: number;
  /** Average CloudTrail record size in bytes (README Costs: measured 1.15 KB over 51 real records). */
  readonly recordBytes: number;
  /** CloudWatch Logs retention of the organization trail's log group, in days. */
  readonly logRetentionDays: number;
  /** Forwarding rules the StackSet template creates in each account-region. */
  readonly forwardingRulesPerAccountRegion: number;
  /** Rules on the central event bus. */
  readonly centralRules: number;
  /** Metric filters on the organization trail's log group. */
  readonly metricFilters: number;
  /** Bytes of the StackSet's template body. */
  readonly templateBytes: number;
}

export interface OrgScaleRow {
  readonly accounts: number;
  /** Accounts × regions: one StackSet instance each. */
  readonly stackInstances: number;
  /** Forwarding rules over the whole organization (per account-region × instances). */
  readonly forwardingRules: number;
  readonly centralRules: number;
  /** Events sent to the central bus per day: every secret read and every refused one (member forwarding sends each read call). */
  readonly forwardedPerDay: number;
  /** Real-time alerts per day (reads no allow-list covers + refused attempts): the SNS e-mails. */
  readonly alertsPerDay: number;
  /** Of which cross-Region (from a Region other than the central bus's), assuming reads spread evenly. */
  readonly crossRegionGBPerMonth: number;
  /** Management events the organization trail writes to CloudWatch Logs per month (30 days). */
  readonly trailEventsPerMonth: number;
  readonly costs: {
    readonly eventBridge: number;
    readonly cloudTrail: number;
    readonly logsIngestion: number;
    readonly logsStorage: number;
    readonly snsEmail: number;
    readonly total: number;
  };
}

/**
 * The workload the README table states (the counts of rules and filters come from the synthesized stacks):
 * 4 Regions; 200 secret reads per account per day, 5 % of them by a principal no allow-list covers; 2 refused
 * attempts per account per day; 20,000 management events per account per day in the
 * organization trail; records of 1,150 bytes (README Costs, measured); the default 365-day log retention.
 */
export const ORG_WORKLOAD = {
  regions: 4,
  readsPerAccountPerDay: 200,
  alertingReadShare: 0.05,
  deniedPerAccountPerDay: 2,
  managementEventsPerAccountPerDay: 20_000,
  recordBytes: 1_150,
  logRetentionDays: 365,
} as const;

/** The organization sizes of the README table. */
export const ORG_SIZES = [10, 100, 1_000] as const;

const DAYS_PER_MONTH = 30;
const GB = 1e9;

/** The scale and monthly cost of one organization size. */
export function orgScale(accounts: number, a: OrgScaleAssumptions): OrgScaleRow {
  if (!Number.isInteger(accounts) || accounts < 1) throw new Error(`orgScale: accounts must be a positive integer, got ${accounts}`);
  const stackInstances = accounts * a.regions;
  // Member accounts forward every secret read (forwardingPattern); the central rules decide which alert.
  const forwardedPerDay = accounts * (a.readsPerAccountPerDay + a.deniedPerAccountPerDay);
  const forwardedPerMonth = forwardedPerDay * DAYS_PER_MONTH;
  const alertsPerDay = accounts * (a.readsPerAccountPerDay * a.alertingReadShare + a.deniedPerAccountPerDay);
  const alertsPerMonth = alertsPerDay * DAYS_PER_MONTH;
  const crossRegionShare = (a.regions - 1) / a.regions;
  const trailEventsPerMonth = accounts * a.managementEventsPerAccountPerDay * DAYS_PER_MONTH;
  const trailGBPerMonth = (trailEventsPerMonth * a.recordBytes) / GB;
  // Steady state: the log group holds `logRetentionDays` of events (uncompressed size: an upper bound).
  const storedGB = trailGBPerMonth * (a.logRetentionDays / DAYS_PER_MONTH);
  const costs = {
    eventBridge: (forwardedPerMonth / 1e6) * ORG_PRICES.eventBridgeForwardedPerMillion,
    cloudTrail: 0, // the organization trail is the first copy of management events (see ORG_PRICES)
    logsIngestion: trailGBPerMonth * ORG_PRICES.logsIngestionPerGB,
    logsStorage: storedGB * ORG_PRICES.logsStoragePerGBMonth,
    // One e-mail per real-time alert (the metric path adds at most one per alarm change).
    snsEmail: (Math.max(0, alertsPerMonth - ORG_PRICES.snsEmailFreePerMonth) / 1e5) * ORG_PRICES.snsEmailPer100k,
  };
  return {
    accounts,
    stackInstances,
    forwardingRules: stackInstances * a.forwardingRulesPerAccountRegion,
    centralRules: a.centralRules,
    forwardedPerDay,
    alertsPerDay,
    crossRegionGBPerMonth: (forwardedPerMonth * crossRegionShare * a.recordBytes) / GB,
    trailEventsPerMonth,
    costs: { ...costs, total: costs.eventBridge + costs.cloudTrail + costs.logsIngestion + costs.logsStorage + costs.snsEmail },
  };
}

/**
 * The central bus policy lets the whole organization in with one statement (`aws:PrincipalOrgID`), so its size does
 * not grow with accounts; one statement per account would. Returns the characters of each approach for `accounts`.
 */
export function busPolicyChars(accounts: number, busArn: string, organizationId: string): { organization: number; perAccount: number } {
  const statement = (sid: string, principal: unknown, condition?: unknown) => ({
    Sid: sid,
    Effect: "Allow",
    Principal: principal,
    Action: "events:PutEvents",
    Resource: busArn,
    ...(condition ? { Condition: condition } : {}),
  });
  const organization = JSON.stringify({ Version: "2012-10-17", Statement: [statement("OrganizationPutEvents", "*", { StringEquals: { "aws:PrincipalOrgID": organizationId } })] });
  const perAccount = JSON.stringify({
    Version: "2012-10-17",
    Statement: Array.from({ length: accounts }, (_, i) => statement(`Account${i}`, { AWS: `arn:aws:iam::${String(100000000000 + i)}:root` })),
  });
  return { organization: organization.length, perAccount: perAccount.length };
}

export interface QuotaHeadroom {
  readonly quota: string;
  readonly limit: number;
  /** What this design uses at the given size. */
  readonly used: number;
  readonly grows: "with accounts" | "with configuration" | "no";
}

/** Each quota the organization deployment touches, at `accounts`: the limit and what the design uses. */
export function quotaHeadroom(accounts: number, a: OrgScaleAssumptions, busArn: string, organizationId: string): QuotaHeadroom[] {
  const row = orgScale(accounts, a);
  const peakPerSecond = (row.forwardedPerDay / 86_400) * 100; // a burst 100 times the daily average
  return [
    { quota: "rules per event bus (each member's default bus, per Region)", limit: ORG_QUOTAS.rulesPerEventBus, used: a.forwardingRulesPerAccountRegion, grows: "no" },
    { quota: "rules per event bus (central bus)", limit: ORG_QUOTAS.rulesPerEventBus, used: a.centralRules, grows: "with configuration" },
    { quota: "targets per rule", limit: ORG_QUOTAS.targetsPerRule, used: 1, grows: "no" },
    { quota: "central bus policy size, characters", limit: ORG_QUOTAS.eventBusPolicyChars, used: busPolicyChars(accounts, busArn, organizationId).organization, grows: "no" },
    { quota: "central invocations per second (burst of 100× the daily average)", limit: ORG_QUOTAS.invocationsPerSecond, used: Math.ceil(peakPerSecond), grows: "with accounts" },
    { quota: "StackSet template body, bytes (TemplateBody)", limit: ORG_QUOTAS.templateBodyBytes, used: a.templateBytes, grows: "no" },
    { quota: "stack instances per StackSet", limit: ORG_QUOTAS.stackInstancesPerStackSet, used: row.stackInstances, grows: "with accounts" },
    { quota: "concurrent stack instance operations per Region", limit: ORG_QUOTAS.concurrentStackInstanceOperations, used: accounts, grows: "with accounts" },
    { quota: "metric filters per log group (organization trail)", limit: ORG_QUOTAS.metricFiltersPerLogGroup, used: a.metricFilters, grows: "with configuration" },
    { quota: "trails per Region (management account)", limit: ORG_QUOTAS.trailsPerRegion, used: 1, grows: "no" },
  ];
}

/** The organization size at which one statement per account would overflow the bus policy (the design avoids it). */
export function perAccountPolicyBreaksAt(busArn: string, organizationId: string): number {
  let n = 1;
  while (busPolicyChars(n, busArn, organizationId).perAccount <= ORG_QUOTAS.eventBusPolicyChars) n++;
  return n;
}

const usd = (v: number) => (v > 0 && v < 0.005 ? "< $0.01" : v < 10 ? `$${v.toFixed(2)}` : `$${Math.round(v).toLocaleString("en-US")}`);
const count = (v: number) => Math.round(v).toLocaleString("en-US");

/** The README table: one row per organization size. */
export function orgScaleTable(sizes: readonly number[], a: OrgScaleAssumptions): string {
  const lines = [
    "| accounts | StackSet instances | forwarding rules (per account-Region) | central rules | events forwarded/day | cross-Region GB/month | trail events/month | EventBridge | CloudTrail | Logs ingestion | Logs storage | SNS e-mail | **total/month** |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const accounts of sizes) {
    const r = orgScale(accounts, a);
    lines.push(
      `| ${count(r.accounts)} | ${count(r.stackInstances)} | ${count(r.forwardingRules)} (${a.forwardingRulesPerAccountRegion}) | ${r.centralRules} | ${count(r.forwardedPerDay)} | ${r.crossRegionGBPerMonth.toPrecision(2)} | ${count(r.trailEventsPerMonth)} | ${usd(r.costs.eventBridge)} | ${usd(r.costs.cloudTrail)} | ${usd(r.costs.logsIngestion)} | ${usd(r.costs.logsStorage)} | ${usd(r.costs.snsEmail)} | **${usd(r.costs.total)}** |`,
    );
  }
  return lines.join("\n");
}

/** The README quota table at the largest size. */
export function quotaTable(accounts: number, a: OrgScaleAssumptions, busArn: string, organizationId: string): string {
  const lines = [`| quota (default) | limit | used at ${count(accounts)} accounts × ${a.regions} Regions | grows |`, "|---|---|---|---|"];
  for (const q of quotaHeadroom(accounts, a, busArn, organizationId)) lines.push(`| ${q.quota} | ${count(q.limit)} | ${count(q.used)} | ${q.grows} |`);
  return lines.join("\n");
}
