/**
 * Checks a deployed monitor link by link, the way it fails in practice, and says how to fix each broken link.
 * Talks to AWS through the SDK clients it is given (tests pass mocked ones).
 */
import { CloudTrailClient, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { CloudWatchClient, DescribeAlarmsCommand, DescribeInsightRulesCommand, GetMetricDataCommand, MetricAlarm, MetricDataQuery, MetricDataResult } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, DescribeLogStreamsCommand, DescribeMetricFiltersCommand, TestMetricFilterCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { sampleFor } from "./samples";

export interface Clients {
  cloudtrail: CloudTrailClient;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  sns: SNSClient;
  events: EventBridgeClient;
  secrets: SecretsManagerClient;
}

/** The stack outputs verify needs (`terraform output -json`, values only). */
export interface StackOutputs {
  trail_arn: string;
  log_group_name: string;
  alert_topic_arn: string;
  alarm_names: string[];
  event_rule_names?: string[];
  /** Rules alerting on changes to the trail and the monitoring (self-monitoring). */
  change_rule_names?: string[];
  /** The topic the alarms on the monitor itself also notify (self-monitoring). */
  health_topic_arn?: string;
  dead_letter_queue_url?: string;
  secret_arn?: string;
  /** The alarm on any read of a decoy, and the decoy secrets the stack created (decoys). */
  decoy_alarm_name?: string;
  decoy_secret_names?: string[];
  /** The harvesting alarm and its Contributor Insights rules (harvesting). */
  harvesting_alarm_name?: string;
  harvesting_rule_names?: string[];
}

export interface Check {
  readonly ok: boolean;
  readonly link: string;
  readonly detail: string;
  /** What to do when the link is broken. */
  readonly remedy?: string;
}

export interface VerifyOptions {
  /** Deliveries older than this count as stale. @default 60 */
  readonly maxAgeMinutes?: number;
  /** The clock (milliseconds since the epoch): `Date.now` in the CLI, a fixed instant in tests. */
  readonly now: () => number;
}

const ago = (now: number, t?: Date) => (t ? `${Math.round((now - t.getTime()) / 60_000)} min ago` : "never");

export async function verifyStack(c: Clients, out: StackOutputs, options: VerifyOptions): Promise<Check[]> {
  const now = options.now();
  const maxAge = (options.maxAgeMinutes ?? 60) * 60_000;
  const fresh = (t?: Date) => t !== undefined && now - t.getTime() <= maxAge;
  const checks: Check[] = [];
  const add = (ok: boolean, link: string, detail: string, remedy?: string) => checks.push({ ok, link, detail, remedy: ok ? undefined : remedy });
  const trailName = out.trail_arn.split(":trail/")[1] ?? out.trail_arn;

  const status = await c.cloudtrail.send(new GetTrailStatusCommand({ Name: out.trail_arn }));
  add(status.IsLogging === true, "trail is logging", status.IsLogging ? trailName : `${trailName} is stopped`, `aws cloudtrail start-logging --name ${trailName}`);
  const selectors = await c.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: out.trail_arn }));
  const readWrite = (selectors.EventSelectors ?? []).some((s) => s.IncludeManagementEvents !== false && s.ReadWriteType === "All");
  add(readWrite, "trail records read and write management events", readWrite ? "ReadWriteType All" : "read-only events are not recorded",
    "GetSecretValue is a read-only event: set the management event selector to ReadWriteType All (terraform apply restores it)");
  add(fresh(status.LatestDeliveryTime) && !status.LatestDeliveryError, "trail delivers log files to S3",
    status.LatestDeliveryError ? `error ${status.LatestDeliveryError}` : `last delivery ${ago(now, status.LatestDeliveryTime)}`,
    "check the bucket policy (CloudTrail GetBucketAcl/PutObject with aws:SourceArn = the trail) and, with KMS, the key policy");
  add(fresh(status.LatestCloudWatchLogsDeliveryTime) && !status.LatestCloudWatchLogsDeliveryError, "trail delivers events to CloudWatch Logs",
    status.LatestCloudWatchLogsDeliveryError ? `error ${status.LatestCloudWatchLogsDeliveryError}` : `last delivery ${ago(now, status.LatestCloudWatchLogsDeliveryTime)}`,
    "check the delivery role (trust cloudtrail.amazonaws.com, logs:CreateLogStream/PutLogEvents on the group's streams) and the log group's key policy");

  const streams = await c.logs.send(new DescribeLogStreamsCommand({ logGroupName: out.log_group_name, orderBy: "LastEventTime", descending: true, limit: 1 }));
  const last = streams.logStreams?.[0]?.lastIngestionTime;
  add(last !== undefined && now - last <= maxAge, "log group receives events", `last event ${last ? ago(now, new Date(last)) : "never"} in ${out.log_group_name}`,
    "no events reached the log group: fix the trail's CloudWatch Logs delivery above");

  const filters = (await c.logs.send(new DescribeMetricFiltersCommand({ logGroupName: out.log_group_name }))).metricFilters ?? [];
  // The decoy alarm is a metric-filter alarm like the read alarms (Sum >= 1 in 60 s).
  const filterAlarms = [...out.alarm_names, ...(out.decoy_alarm_name ? [out.decoy_alarm_name] : [])];
  const alarms = filterAlarms.length
    ? (await c.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: filterAlarms }))).MetricAlarms ?? []
    : [];
  for (const name of filterAlarms) {
    const mine = filters.filter((f) => f.filterName === name || f.filterName?.startsWith(`${name}-part-`));
    if (mine.length === 0) {
      add(false, `metric filter ${name}`, "missing", "re-apply the stack (terraform apply): the filter was deleted");
    }
    for (const f of mine) {
      const sample = sampleFor(f.filterPattern ?? "");
      if (!sample) {
        add(false, `metric filter ${f.filterName}`, "no sample record matches its pattern locally", "compare the pattern with the synthesized stack and re-apply");
        continue;
      }
      const test = await c.logs.send(new TestMetricFilterCommand({ filterPattern: f.filterPattern, logEventMessages: [sample] }));
      const matched = (test.matches ?? []).length > 0;
      add(matched, `metric filter ${f.filterName}`, matched ? "present, matches a sample record (TestMetricFilter)" : "present, but CloudWatch Logs does not match the sample record",
        "the deployed pattern differs from the synthesized one: re-apply the stack");
    }
    const alarm = alarms.find((a) => a.AlarmName === name);
    checks.push(alarmCheck(name, alarm, out.alert_topic_arn));
  }

  const subscriptions = async (topicArn: string, prefix: string, what: string) => {
    const subs = (await c.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions ?? [];
    const pending = subs.filter((s) => s.SubscriptionArn === "PendingConfirmation");
    const confirmed = subs.filter((s) => s.SubscriptionArn && s.SubscriptionArn !== "PendingConfirmation");
    add(subs.length > 0, `${prefix}topic has subscriptions`, `${subs.length} subscription(s)`, "subscribe an address: set alert_emails and re-apply");
    for (const s of pending) {
      add(false, `${prefix}subscription ${s.Endpoint}`, `pending confirmation: no ${what} reaches this address`,
        `confirm the e-mail AWS sent to ${s.Endpoint} (check spam), or re-apply to send it again`);
    }
    for (const s of confirmed) add(true, `${prefix}subscription ${s.Endpoint}`, `confirmed (${s.Protocol})`);
  };
  await subscriptions(out.alert_topic_arn, "", "alert");
  const attributes = (await c.sns.send(new GetTopicAttributesCommand({ TopicArn: out.alert_topic_arn }))).Attributes ?? {};
  const awsManaged = /alias\/aws\/sns/.test(attributes.KmsMasterKeyId ?? "");
  add(!awsManaged, "topic key lets alarms publish", attributes.KmsMasterKeyId ? `key ${attributes.KmsMasterKeyId}` : "unencrypted",
    "CloudWatch alarms cannot publish under alias/aws/sns: use the stack's customer-managed key");
  if (out.health_topic_arn) {
    // The alarms on the monitor itself also notify the health topic: it must reach someone, and must not depend on the
    // alert topic's key (a broken key policy would silence the alarms that report it).
    await subscriptions(out.health_topic_arn, "health ", "health alarm");
    const health = (await c.sns.send(new GetTopicAttributesCommand({ TopicArn: out.health_topic_arn }))).Attributes ?? {};
    add(!health.KmsMasterKeyId, "health topic has no customer key", health.KmsMasterKeyId ? `key ${health.KmsMasterKeyId}` : "unencrypted (carries no secret data)",
      "re-apply the stack: the health topic must not depend on a key whose policy could silence the alarms that report it");
  }

  for (const rule of out.event_rule_names ?? []) {
    const r = await c.events.send(new DescribeRuleCommand({ Name: rule }));
    add(r.State === "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", `rule ${rule} enabled for read-only events`, `state ${r.State}`,
      `aws events put-rule --name ${rule} --event-bus-name default --state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (or re-apply): a plain ENABLED rule never sees GetSecretValue`);
    const targets = (await c.events.send(new ListTargetsByRuleCommand({ Rule: rule }))).Targets ?? [];
    const t = targets.find((x) => x.Arn === out.alert_topic_arn);
    // PutTargets can add a target elsewhere: every read alert (who read which secret) would go there too.
    const foreign = targets.filter((x) => x.Arn !== out.alert_topic_arn);
    add(t !== undefined && t.DeadLetterConfig?.Arn !== undefined && t.InputTransformer !== undefined && foreign.length === 0, `rule ${rule} targets the topic`,
      t ? `dead-letter queue ${t.DeadLetterConfig?.Arn ? "set" : "MISSING"}, message ${t.InputTransformer ? "rendered" : "RAW"}${foreign.length ? `, also sends to ${foreign.map((x) => x.Arn).join(", ")}` : ""}` : "no target on the alert topic",
      "re-apply the stack: the target, its input transformer or its dead-letter queue was changed (a target elsewhere may forward alert content)");
  }
  for (const rule of out.change_rule_names ?? []) {
    const r = await c.events.send(new DescribeRuleCommand({ Name: rule }));
    // Changes are write events, which a plain ENABLED rule receives too; DISABLED (or a deleted rule) is the tampering.
    add(r.State === "ENABLED" || r.State === "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", `change rule ${rule} enabled`, `state ${r.State ?? "missing"}`,
      `changes to the monitor go unseen on the real-time path: re-apply the stack (or aws events enable-rule --name ${rule}), and look for who disabled it (the monitoring-changes alarm)`);
    const targets = (await c.events.send(new ListTargetsByRuleCommand({ Rule: rule }))).Targets ?? [];
    const t = targets.find((x) => x.Arn === out.alert_topic_arn);
    const foreign = targets.filter((x) => x.Arn !== out.alert_topic_arn);
    add(t !== undefined && t.DeadLetterConfig?.Arn !== undefined && t.InputTransformer !== undefined && foreign.length === 0, `change rule ${rule} targets the topic`,
      t ? `dead-letter queue ${t.DeadLetterConfig?.Arn ? "set" : "MISSING"}, message ${t.InputTransformer ? "rendered" : "RAW"}${foreign.length ? `, also sends to ${foreign.map((x) => x.Arn).join(", ")}` : ""}` : "no target on the alert topic",
      "re-apply the stack: the target, its input transformer or its dead-letter queue was changed (a target elsewhere may forward alert content)");
  }
  checks.push(...(await detectionChecks(c, out)));
  checks.push(...(await deliveryChecks(c, out, now)));
  return checks;
}

/**
 * Decoys and harvesting. A decoy has a value only once its seed command ran (Terraform never writes one: its
 * refresh would read it); ListSecretVersionIds says whether an AWSCURRENT version exists without reading it. The
 * harvesting rules must be ENABLED (DescribeInsightRules `State`) and the alarm must notify the topic.
 */
async function detectionChecks(c: Clients, out: StackOutputs): Promise<Check[]> {
  const checks: Check[] = [];
  for (const name of out.decoy_secret_names ?? []) {
    let current = false;
    let detail: string;
    try {
      const versions = (await c.secrets.send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions ?? [];
      current = versions.some((v) => (v.VersionStages ?? []).includes("AWSCURRENT"));
      detail = current ? "has a current value (not read)" : "has no value yet: a reader gets ResourceNotFoundException, which gives the bait away";
    } catch (err) {
      detail = `cannot be listed: ${(err as Error).name}`;
    }
    checks.push({ ok: current, link: `decoy ${name} seeded`, detail, remedy: current ? undefined : "run the decoy_seed_commands output once (put-secret-value with a random value)" });
  }
  const ruleNames = out.harvesting_rule_names ?? [];
  if (ruleNames.length > 0) {
    const rules = [];
    let token: string | undefined;
    do {
      const page = await c.cloudwatch.send(new DescribeInsightRulesCommand({ NextToken: token }));
      rules.push(...(page.InsightRules ?? []));
      token = page.NextToken;
    } while (token);
    for (const name of ruleNames) {
      const r = rules.find((x) => x.Name === name);
      checks.push({
        ok: r?.State === "ENABLED",
        link: `Contributor Insights rule ${name} enabled`,
        detail: r ? `state ${r.State}` : "missing",
        remedy: r?.State === "ENABLED" ? undefined : `harvesting goes unseen: re-apply the stack (or aws cloudwatch enable-insight-rules --rule-names ${name}) and look for who disabled it`,
      });
    }
  }
  if (out.harvesting_alarm_name) {
    const a = ((await c.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [out.harvesting_alarm_name] }))).MetricAlarms ?? [])[0];
    const notifies = a !== undefined && (a.AlarmActions ?? []).includes(out.alert_topic_arn) && a.ActionsEnabled !== false;
    const usesRules = a !== undefined && ruleNames.every((n) => (a.Metrics ?? []).some((m) => (m.Expression ?? "").includes(n)));
    checks.push({
      ok: notifies && usesRules,
      link: `alarm ${out.harvesting_alarm_name}`,
      detail: !a ? "missing" : `${notifies ? "notifies the alert topic" : "does not notify the alert topic"}, ${usesRules ? "reads both rules" : "does not read both rules"}`,
      remedy: notifies && usesRules ? undefined : "re-apply the stack: the harvesting alarm was deleted or changed",
    });
  }
  return checks;
}

/**
 * What only the real account can show: that EventBridge really delivers to the (encrypted) topic. A key or topic
 * policy EventBridge does not satisfy shows as FailedInvocations and, after the retries, messages in the
 * dead-letter queue — nowhere else.
 */
/** One GetMetricData query of a metric with a single dimension. */
function metricQuery(id: string, namespace: string, metricName: string, dimension: string, value: string, period: number, stat = "Sum"): MetricDataQuery {
  return { Id: id, MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: [{ Name: dimension, Value: value }] }, Period: period, Stat: stat } };
}

/** The sum of every value of the results whose Id is `prefix` or `prefix<n>` (one query per rule). */
function sumOf(results: readonly MetricDataResult[], prefix: string): number {
  const ours = new RegExp(`^${prefix}\\d*$`);
  return results.filter((m) => m.Id !== undefined && ours.test(m.Id)).reduce((n, m) => n + (m.Values ?? []).reduce((a, v) => a + v, 0), 0);
}

async function deliveryChecks(c: Clients, out: StackOutputs, now: number): Promise<Check[]> {
  const rules = [...(out.event_rule_names ?? []), ...(out.change_rule_names ?? [])];
  const queue = out.dead_letter_queue_url?.split("/").pop();
  if (rules.length === 0 && !queue) return [];
  const day = 86_400_000;
  const queries = [
    // FailedInvocations: delivery failed; InvocationsFailedToBeSentToDlq: the failed alert is lost for good.
    ...rules.slice(0, 160).flatMap((r, i) => [
      metricQuery(`f${i}`, "AWS/Events", "FailedInvocations", "RuleName", r, 3600),
      metricQuery(`l${i}`, "AWS/Events", "InvocationsFailedToBeSentToDlq", "RuleName", r, 3600),
    ]),
    ...(queue ? [metricQuery("dlq", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue, 3600, "Maximum")] : []),
  ];
  const data = await c.cloudwatch.send(new GetMetricDataCommand({ StartTime: new Date(now - day), EndTime: new Date(now), MetricDataQueries: queries }));
  const results = data?.MetricDataResults ?? [];
  const peak = results.find((m) => m.Id === "dlq")?.Values?.reduce((a, v) => Math.max(a, v), 0) ?? 0;
  const checks: Check[] = [];
  const failed = sumOf(results, "f");
  const lost = sumOf(results, "l");
  if (rules.length > 0) {
    checks.push(
      failed === 0
        ? { ok: true, link: "rules deliver to the topic", detail: "no failed invocations in 24 h" }
        : {
            ok: false,
            link: "rules deliver to the topic",
            detail: `${failed} failed invocation(s) in 24 h: real-time alerts were not delivered`,
            remedy: "EventBridge could not publish: check the topic policy (events.amazonaws.com, no source condition) and the key policy (SNS encryption context), then read the dead-letter queue",
          },
    );
  }
  if (rules.length > 0) {
    checks.push(
      lost === 0
        ? { ok: true, link: "failed alerts reach the dead-letter queue", detail: "none lost in 24 h" }
        : { ok: false, link: "failed alerts reach the dead-letter queue", detail: `${lost} failed alert(s) could not be written to the dead-letter queue: lost`, remedy: "check the queue policy (aws:SourceArn = the rules) and the key policy (events.amazonaws.com with aws:SourceArn for the queue)" },
    );
  }
  if (queue) {
    checks.push(
      peak === 0
        ? { ok: true, link: "dead-letter queue is empty", detail: queue }
        : { ok: false, link: "dead-letter queue is empty", detail: `${peak} failed alert(s) waiting in ${queue}`, remedy: `read them: aws sqs receive-message --queue-url ${out.dead_letter_queue_url} (they are alerts that never reached the on-call)` },
    );
  }
  return checks;
}

function alarmCheck(name: string, a: MetricAlarm | undefined, topicArn: string): Check {
  const link = `alarm ${name}`;
  if (!a) return { ok: false, link, detail: "missing", remedy: "re-apply the stack: the alarm was deleted" };
  const problems: string[] = [];
  const remedies: string[] = [];
  if (a.Statistic !== "Sum") {
    problems.push(`statistic ${a.Statistic ?? a.ExtendedStatistic}`);
    remedies.push("use Sum: with minutes of zeros an Average of one read stays below 1");
  }
  if (a.Threshold !== 1 || a.ComparisonOperator !== "GreaterThanOrEqualToThreshold") {
    problems.push(`${a.ComparisonOperator} ${a.Threshold}`);
    remedies.push("alarm on >= 1");
  }
  if (a.Period !== 60) {
    problems.push(`period ${a.Period} s`);
    remedies.push("use a 60 s period");
  }
  if (a.TreatMissingData !== "notBreaching") {
    problems.push(`missing data ${a.TreatMissingData}`);
    remedies.push("treat missing data as notBreaching");
  }
  if (!(a.AlarmActions ?? []).includes(topicArn) || a.ActionsEnabled === false) {
    problems.push("does not notify the alert topic");
    remedies.push("restore the alarm action (the alert topic) and enable actions");
  }
  return problems.length === 0
    ? { ok: true, link, detail: `Sum >= 1 over 60 s, missing data notBreaching, notifies the topic (state ${a.StateValue})` }
    : { ok: false, link, detail: problems.join(", "), remedy: `${remedies.join("; ")} (terraform apply restores all of it)` };
}

export interface FireOptions {
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** The clock (milliseconds since the epoch): `Date.now` in the CLI, a simulated one in tests. */
  readonly now: () => number;
  /** Waits between polls. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Progress lines while waiting. */
  readonly log?: (line: string) => void;
}

/**
 * Reads the demo secret once (the value is never printed) and measures the time until the real-time rules are
 * invoked and until a read alarm enters ALARM.
 */
export async function fire(c: Clients, out: StackOutputs, options: FireOptions): Promise<Check[]> {
  const now = options.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const timeout = options.timeoutMs ?? 15 * 60_000;
  const poll = options.pollMs ?? 15_000;
  if (!out.secret_arn) return [{ ok: false, link: "fire", detail: "no demo secret in the stack outputs", remedy: "enable demoSecret, or read a monitored secret yourself" }];
  const start = now();
  await c.secrets.send(new GetSecretValueCommand({ SecretId: out.secret_arn }));
  let ruleAfter: number | undefined;
  let alarmAfter: number | undefined;
  let published = 0;
  let failed = 0;
  const rules = out.event_rule_names ?? [];
  const topicName = out.alert_topic_arn.split(":").pop() ?? out.alert_topic_arn;
  // Invocations counts failed deliveries too (EventBridge metrics: "includes successful and failed invocations"):
  // a real-time alert is delivered when the topic published it and no rule failed or dead-lettered it.
  const expectedPublishes = () => (rules.length > 0 ? 1 : 0) + (alarmAfter !== undefined ? 1 : 0);
  const waiting = () => alarmAfter === undefined || (rules.length > 0 && (ruleAfter === undefined || (published < expectedPublishes() && failed === 0)));
  while (now() - start < timeout && waiting()) {
    await sleep(poll);
    if (rules.length > 0) {
      const data = await c.cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(start - 60_000),
          EndTime: new Date(now() + 60_000),
          MetricDataQueries: [
            ...rules.slice(0, 160).flatMap((r, i) => [
              metricQuery(`r${i}`, "AWS/Events", "Invocations", "RuleName", r, 60),
              metricQuery(`f${i}`, "AWS/Events", "FailedInvocations", "RuleName", r, 60),
              metricQuery(`d${i}`, "AWS/Events", "InvocationsSentToDlq", "RuleName", r, 60),
            ]),
            metricQuery("p", "AWS/SNS", "NumberOfMessagesPublished", "TopicName", topicName, 60),
          ],
        }),
      );
      const results = data.MetricDataResults ?? [];
      if (ruleAfter === undefined && sumOf(results, "r") > 0) ruleAfter = now() - start;
      published = sumOf(results, "p");
      failed = sumOf(results, "f") + sumOf(results, "d");
    }
    if (alarmAfter === undefined) {
      const alarms = (await c.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: out.alarm_names }))).MetricAlarms ?? [];
      if (alarms.some((a) => a.StateValue === "ALARM" && a.StateUpdatedTimestamp !== undefined && a.StateUpdatedTimestamp.getTime() >= start)) alarmAfter = now() - start;
    }
    options.log?.(`  … ${Math.round((now() - start) / 1000)} s: real-time ${ruleAfter !== undefined ? "seen" : "waiting"}, alarm ${alarmAfter !== undefined ? "seen" : "waiting"}`);
  }
  const secs = (ms?: number) => (ms === undefined ? "" : `${Math.round(ms / 1000)} s after the read`);
  const checks: Check[] = [];
  if (rules.length > 0) {
    checks.push(
      ruleAfter === undefined
        ? { ok: false, link: "real-time alert", detail: `no rule invocation within ${Math.round(timeout / 60_000)} min`, remedy: "check the rules' state (ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS) and that the read happened in this region" }
        : failed > 0 || published < expectedPublishes()
          ? {
              ok: false,
              link: "real-time alert",
              detail: `rule invoked ${secs(ruleAfter)}, but ${failed > 0 ? `${failed} invocation(s) failed or went to the dead-letter queue` : "the topic published nothing for it"}`,
              remedy: "EventBridge could not publish: check the topic policy (events.amazonaws.com without source conditions) and the key policy (SNS encryption context), then read the dead-letter queue",
            }
          : { ok: true, link: "real-time alert", detail: `rule invoked ${secs(ruleAfter)} and the topic published it` },
    );
  }
  checks.push(alarmAfter !== undefined
    ? { ok: true, link: "alarm", detail: `entered ALARM ${secs(alarmAfter)}` }
    : { ok: false, link: "alarm", detail: `no alarm within ${Math.round(timeout / 60_000)} min`, remedy: "CloudTrail → Logs takes ~5 min on average; check the trail's CloudWatch Logs delivery and the filter checks above. An alarm already in ALARM does not re-enter it" });
  return checks;
}

/** What one account-Region of an organization (or one extra Region of an account) must have to forward its reads. */
export interface ForwardingExpectation {
  /** The forwarding rules' names (`<name>-fwd-<id>`), the same in every account and Region. */
  readonly ruleNames: readonly string[];
  /** The bus they must target: the central bus, or the home Region's default bus. */
  readonly targetBusArn: string;
}

/**
 * The forwarding rules of the account and Region the client talks to: each exists, receives read-only management
 * events (a plain ENABLED rule never sees GetSecretValue), and targets the expected bus through a role (required
 * when the bus admits the organization rather than the account: PutPermission API reference).
 */
export async function verifyForwarding(events: EventBridgeClient, expected: ForwardingExpectation, where: string): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (ok: boolean, link: string, detail: string, remedy?: string) => checks.push({ ok, link, detail, remedy: ok ? undefined : remedy });
  const redeploy = "the StackSet instance (or the stack) here is missing or was changed: terraform apply org-member-forwarding (or the stack that owns the rule) again";
  for (const name of expected.ruleNames) {
    let state: string | undefined;
    try {
      state = (await events.send(new DescribeRuleCommand({ Name: name }))).State;
    } catch (err) {
      if ((err as { name?: string }).name !== "ResourceNotFoundException") throw err;
    }
    if (state === undefined) {
      add(false, `forwarding rule ${name} (${where})`, "missing: reads here never reach the alerting rules", redeploy);
      continue;
    }
    add(state === "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS", `forwarding rule ${name} (${where})`, `state ${state}`, "its state must be ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS: " + redeploy);
    const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: name }))).Targets ?? [];
    const ok = targets.length === 1 && targets[0].Arn === expected.targetBusArn && !!targets[0].RoleArn;
    add(ok, `forwarding target of ${name} (${where})`, targets.map((t) => `${t.Arn}${t.RoleArn ? " with a role" : " without a role"}`).join(", ") || "no target", `it must target ${expected.targetBusArn} through the forwarding role: ${redeploy}`);
  }
  return checks;
}

/** The central bus admits the organization (and only it) to put events. */
export async function verifyCentralBus(events: EventBridgeClient, busName: string, organizationId: string): Promise<Check[]> {
  const bus = await events.send(new DescribeEventBusCommand({ Name: busName }));
  const policy = bus.Policy ? (JSON.parse(bus.Policy) as { Statement?: Record<string, any>[] }) : {};
  const admits = (policy.Statement ?? []).some(
    (s) => s.Effect === "Allow" && [].concat(s.Action).includes("events:PutEvents" as never) && s.Condition?.StringEquals?.["aws:PrincipalOrgID"] === organizationId,
  );
  return [
    {
      ok: admits,
      link: `central bus ${busName} policy`,
      detail: admits ? `admits ${organizationId}` : "does not admit the organization: member accounts' forwarded reads are refused",
      remedy: admits ? undefined : "terraform apply org-central again (its bus policy admits aws:PrincipalOrgID)",
    },
  ];
}
