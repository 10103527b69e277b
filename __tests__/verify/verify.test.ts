import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mockClient } from "aws-sdk-client-mock";
import { CloudTrailClient, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { CloudWatchClient, DescribeAlarmsCommand, DescribeInsightRulesCommand, GetMetricDataCommand, MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, DescribeLogStreamsCommand, DescribeMetricFiltersCommand, TestMetricFilterCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetSecretValueCommand, ListSecretVersionIdsCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { clientsFor, HELP, main, MainOptions, terraformErrorCause } from "../../src/verify/cli";
import { Check, fire, StackOutputs, verifyStack } from "../../src/verify/verify";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW - m * 60_000);
const TOPIC = "arn:aws:sns:us-east-1:111122223333:sam-x-alerts";
const OUT: StackOutputs = {
  trail_arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/sam-x",
  log_group_name: "/aws/cloudtrail/sam-x",
  alert_topic_arn: TOPIC,
  alarm_names: ["sam-x-secret-reads"],
  event_rule_names: ["sam-x-read-role-pub"],
  dead_letter_queue_url: "https://sqs.us-east-1.amazonaws.com/111122223333/sam-x-alert-dlq",
  secret_arn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:sam-x-AbCdEf",
};
const PATTERN = '{ ($.eventSource = "secretsmanager.amazonaws.com" && ($.eventName = "GetSecretValue" || $.eventName = "BatchGetSecretValue")) && $.errorCode NOT EXISTS }';

const mocks = {
  cloudtrail: mockClient(CloudTrailClient),
  logs: mockClient(CloudWatchLogsClient),
  cloudwatch: mockClient(CloudWatchClient),
  sns: mockClient(SNSClient),
  events: mockClient(EventBridgeClient),
  secrets: mockClient(SecretsManagerClient),
};
const clients = clientsFor("us-east-1");

const HEALTHY_ALARM: MetricAlarm = { AlarmName: "sam-x-secret-reads", Statistic: "Sum", Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", Period: 60, TreatMissingData: "notBreaching", AlarmActions: [TOPIC], ActionsEnabled: true, StateValue: "OK" };

/** A healthy deployment; each test breaks one link. */
function healthy() {
  for (const m of Object.values(mocks)) m.reset();
  mocks.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryTime: minutesAgo(4), LatestCloudWatchLogsDeliveryTime: minutesAgo(3) });
  mocks.cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }] });
  mocks.logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: "111122223333_CloudTrail_us-east-1", lastIngestionTime: NOW - 120_000 }] });
  mocks.logs.on(DescribeMetricFiltersCommand).resolves({ metricFilters: [{ filterName: "sam-x-secret-reads", filterPattern: PATTERN }] });
  mocks.logs.on(TestMetricFilterCommand).resolves({ matches: [{ eventNumber: 1, eventMessage: "{}" }] });
  mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [HEALTHY_ALARM] });
  mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ SubscriptionArn: `${TOPIC}:1234`, Protocol: "email", Endpoint: "oncall@example.com" }] });
  mocks.sns.on(GetTopicAttributesCommand).resolves({ Attributes: { KmsMasterKeyId: "arn:aws:kms:us-east-1:111122223333:key/abcd" } });
  mocks.events.on(DescribeRuleCommand).resolves({ Name: "sam-x-read-role-pub", State: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" });
  // Delivery over the last 24 h: no failed invocation, nothing in the dead-letter queue.
  mocks.cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "f0", Values: [0, 0] }, { Id: "dlq", Values: [0] }] });
  mocks.events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: "alert-topic", Arn: TOPIC, DeadLetterConfig: { Arn: "arn:aws:sqs:us-east-1:111122223333:sam-x-alert-dlq" }, InputTransformer: { InputTemplate: "x", InputPathsMap: {} } }] });
}

const run = () => verifyStack(clients, OUT, { now: () => NOW });
const failed = (checks: Check[]) => checks.filter((c) => !c.ok);

describe("verify: each link of a deployed stack", () => {
  beforeEach(healthy);

  test("a healthy deployment passes every link", async () => {
    const checks = await run();
    expect(failed(checks)).toEqual([]);
    expect(checks.map((c) => c.link)).toEqual([
      "trail is logging",
      "trail records read and write management events",
      "trail delivers log files to S3",
      "trail delivers events to CloudWatch Logs",
      "log group receives events",
      "metric filter sam-x-secret-reads",
      "alarm sam-x-secret-reads",
      "topic has subscriptions",
      "subscription oncall@example.com",
      "topic key lets alarms publish",
      "rule sam-x-read-role-pub enabled for read-only events",
      "rule sam-x-read-role-pub targets the topic",
      "rules deliver to the topic",
      "failed alerts reach the dead-letter queue",
      "dead-letter queue is empty",
    ]);
    const sample = JSON.parse(mocks.logs.commandCalls(TestMetricFilterCommand)[0].args[0].input.logEventMessages![0]);
    expect(sample.eventName).toBe("GetSecretValue");
  });

  const broken: [string, () => void, string, RegExp][] = [
    ["a stopped trail", () => mocks.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false, LatestDeliveryTime: minutesAgo(4), LatestCloudWatchLogsDeliveryTime: minutesAgo(3) }), "trail is logging", /aws cloudtrail start-logging --name sam-x/],
    ["a write-only trail", () => mocks.cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }] }), "trail records read and write management events", /read-only event/],
    ["stale S3 delivery", () => mocks.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryTime: minutesAgo(300), LatestCloudWatchLogsDeliveryTime: minutesAgo(3) }), "trail delivers log files to S3", /bucket policy/],
    ["a CloudWatch Logs delivery error", () => mocks.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryTime: minutesAgo(4), LatestCloudWatchLogsDeliveryTime: minutesAgo(3), LatestCloudWatchLogsDeliveryError: "AccessDenied" }), "trail delivers events to CloudWatch Logs", /delivery role/],
    ["a silent log group", () => mocks.logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [] }), "log group receives events", /CloudWatch Logs delivery/],
    ["a deleted metric filter", () => mocks.logs.on(DescribeMetricFiltersCommand).resolves({ metricFilters: [] }), "metric filter sam-x-secret-reads", /re-apply/],
    ["a filter AWS does not match", () => mocks.logs.on(TestMetricFilterCommand).resolves({ matches: [] }), "metric filter sam-x-secret-reads", /deployed pattern differs/],
    ["an Average alarm", () => mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "sam-x-secret-reads", Statistic: "Average", Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", Period: 60, TreatMissingData: "notBreaching", AlarmActions: [TOPIC] }] }), "alarm sam-x-secret-reads", /use Sum/],
    ["an alarm without the topic", () => mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "sam-x-secret-reads", Statistic: "Sum", Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", Period: 60, TreatMissingData: "notBreaching", AlarmActions: [] }] }), "alarm sam-x-secret-reads", /restore the alarm action/],
    ["a pending subscription", () => mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ SubscriptionArn: "PendingConfirmation", Protocol: "email", Endpoint: "new@example.com" }] }), "subscription new@example.com", /confirm the e-mail AWS sent to new@example\.com/],
    ["a topic under alias/aws/sns", () => mocks.sns.on(GetTopicAttributesCommand).resolves({ Attributes: { KmsMasterKeyId: "alias/aws/sns" } }), "topic key lets alarms publish", /cannot publish under alias\/aws\/sns/],
    ["a plain ENABLED rule", () => mocks.events.on(DescribeRuleCommand).resolves({ State: "ENABLED" }), "rule sam-x-read-role-pub enabled for read-only events", /ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS/],
    ["a target without dead-letter queue", () => mocks.events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: "t", Arn: TOPIC, InputTransformer: { InputTemplate: "x", InputPathsMap: {} } }] }), "rule sam-x-read-role-pub targets the topic", /dead-letter queue/],
  ];

  test.each(broken)("%s is reported on its link with the remedy", async (_name, breakIt, link, remedy) => {
    breakIt();
    const f = failed(await run());
    expect(f.map((c) => c.link)).toEqual([link]);
    expect(f[0].remedy).toMatch(remedy);
  });
});

describe("verify: the self-monitoring links (#10)", () => {
  const HEALTH = "arn:aws:sns:us-east-1:111122223333:sam-x-health";
  const CHANGE = "sam-x-change-done";
  const WITH_SELF: StackOutputs = { ...OUT, health_topic_arn: HEALTH, change_rule_names: [CHANGE] };
  const runSelf = () => verifyStack(clients, WITH_SELF, { now: () => NOW });
  const DLQ = { Arn: "arn:aws:sqs:us-east-1:111122223333:sam-x-alert-dlq" };
  beforeEach(() => {
    healthy();
    mocks.sns.on(ListSubscriptionsByTopicCommand, { TopicArn: HEALTH }).resolves({ Subscriptions: [{ SubscriptionArn: `${HEALTH}:99`, Protocol: "email", Endpoint: "oncall@example.com" }] });
    mocks.sns.on(GetTopicAttributesCommand, { TopicArn: HEALTH }).resolves({ Attributes: {} });
    mocks.events.on(DescribeRuleCommand, { Name: CHANGE }).resolves({ Name: CHANGE, State: "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" });
  });

  test("a healthy deployment passes: health topic subscriptions, no key on it, change rules enabled and targeting the topic", async () => {
    const checks = await runSelf();
    expect(failed(checks)).toEqual([]);
    expect(checks.map((c) => c.link)).toEqual(
      expect.arrayContaining([
        "health topic has subscriptions",
        "health subscription oncall@example.com",
        "health topic has no customer key",
        `change rule ${CHANGE} enabled`,
        `change rule ${CHANGE} targets the topic`,
      ]),
    );
    // The change rules' delivery is measured with the read rules'.
    const queries = mocks.cloudwatch.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries!;
    expect(queries.map((q) => q.MetricStat?.Metric?.Dimensions?.[0].Value)).toContain(CHANGE);
  });

  const broken: [string, () => void, string, RegExp][] = [
    ["a health topic without subscriptions", () => mocks.sns.on(ListSubscriptionsByTopicCommand, { TopicArn: HEALTH }).resolves({ Subscriptions: [] }), "health topic has subscriptions", /alert_emails/],
    ["a pending health subscription", () => mocks.sns.on(ListSubscriptionsByTopicCommand, { TopicArn: HEALTH }).resolves({ Subscriptions: [{ SubscriptionArn: "PendingConfirmation", Protocol: "email", Endpoint: "new@example.com" }] }), "health subscription new@example.com", /confirm the e-mail AWS sent to new@example\.com/],
    ["a health topic put under a key", () => mocks.sns.on(GetTopicAttributesCommand, { TopicArn: HEALTH }).resolves({ Attributes: { KmsMasterKeyId: "arn:aws:kms:us-east-1:111122223333:key/abcd" } }), "health topic has no customer key", /must not depend on a key/],
    ["a disabled change rule", () => mocks.events.on(DescribeRuleCommand, { Name: CHANGE }).resolves({ Name: CHANGE, State: "DISABLED" }), `change rule ${CHANGE} enabled`, /aws events enable-rule --name sam-x-change-done/],
    ["a deleted change rule", () => mocks.events.on(DescribeRuleCommand, { Name: CHANGE }).resolves({}), `change rule ${CHANGE} enabled`, /re-apply/],
    ["a change rule whose target was removed", () => mocks.events.on(ListTargetsByRuleCommand, { Rule: CHANGE }).resolves({ Targets: [] }), `change rule ${CHANGE} targets the topic`, /re-apply/],
    ["a change rule redirected elsewhere as well", () => mocks.events.on(ListTargetsByRuleCommand, { Rule: CHANGE }).resolves({ Targets: [{ Id: "alert-topic", Arn: TOPIC, DeadLetterConfig: DLQ, InputTransformer: { InputTemplate: "x", InputPathsMap: {} } }, { Id: "x", Arn: "arn:aws:sns:us-east-1:444455556666:collector" }] }), `change rule ${CHANGE} targets the topic`, /a target elsewhere/],
    ["a read rule redirected elsewhere as well", () => mocks.events.on(ListTargetsByRuleCommand, { Rule: "sam-x-read-role-pub" }).resolves({ Targets: [{ Id: "alert-topic", Arn: TOPIC, DeadLetterConfig: DLQ, InputTransformer: { InputTemplate: "x", InputPathsMap: {} } }, { Id: "x", Arn: "arn:aws:sns:us-east-1:444455556666:collector" }] }), "rule sam-x-read-role-pub targets the topic", /a target elsewhere/],
  ];

  test.each(broken)("%s is reported on its link with the remedy", async (_name, breakIt, link, remedy) => {
    breakIt();
    const f = failed(await runSelf());
    expect(f.map((c) => c.link)).toEqual([link]);
    expect(f[0].remedy).toMatch(remedy);
  });

  test("a plain ENABLED change rule still receives changes (write events): enabled", async () => {
    mocks.events.on(DescribeRuleCommand, { Name: CHANGE }).resolves({ Name: CHANGE, State: "ENABLED" });
    expect(failed(await runSelf())).toEqual([]);
  });
});

describe("verify --fire", () => {
  beforeEach(healthy);

  test("reads the demo secret once and measures time to the real-time alert and to the alarm", async () => {
    let t = NOW;
    mocks.secrets.on(GetSecretValueCommand).resolves({ Name: "sam-x", SecretString: "never-printed" });
    mocks.cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: "r0", Values: [] }, { Id: "p", Values: [] }] })
      .resolvesOnce({ MetricDataResults: [{ Id: "r0", Values: [1] }, { Id: "f0", Values: [] }, { Id: "d0", Values: [] }, { Id: "p", Values: [1] }] })
      .resolves({ MetricDataResults: [{ Id: "r0", Values: [1] }, { Id: "f0", Values: [] }, { Id: "d0", Values: [] }, { Id: "p", Values: [1, 1] }] });
    mocks.cloudwatch.on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [{ AlarmName: "sam-x-secret-reads", StateValue: "OK", StateUpdatedTimestamp: new Date(NOW - 3600_000) }] })
      .resolvesOnce({ MetricAlarms: [{ AlarmName: "sam-x-secret-reads", StateValue: "OK", StateUpdatedTimestamp: new Date(NOW - 3600_000) }] })
      .resolves({ MetricAlarms: [{ AlarmName: "sam-x-secret-reads", StateValue: "ALARM", StateUpdatedTimestamp: new Date(NOW + 200_000) }] });
    const checks = await fire(clients, OUT, { now: () => t, sleep: async (ms) => void (t += ms), pollMs: 60_000 });
    expect(mocks.secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(checks).toEqual([
      { ok: true, link: "real-time alert", detail: "rule invoked 120 s after the read and the topic published it" },
      { ok: true, link: "alarm", detail: "entered ALARM 180 s after the read" },
    ]);
    expect(JSON.stringify(checks)).not.toContain("never-printed");
  });

  test("a rule invoked but failing to publish (a key or topic policy EventBridge does not satisfy) is not a delivered alert", async () => {
    // Invocations "includes successful and failed invocations" (EventBridge metrics): only the topic's publish
    // count and the failure metrics tell delivery apart.
    let t = NOW;
    mocks.secrets.on(GetSecretValueCommand).resolves({ Name: "sam-x" });
    mocks.cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "r0", Values: [1] }, { Id: "f0", Values: [] }, { Id: "d0", Values: [1] }, { Id: "p", Values: [] }] });
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "sam-x-secret-reads", StateValue: "ALARM", StateUpdatedTimestamp: new Date(NOW + 30_000) }] });
    const checks = await fire(clients, OUT, { now: () => t, sleep: async (ms) => void (t += ms), pollMs: 60_000, timeoutMs: 5 * 60_000 });
    expect(checks[0]).toMatchObject({ ok: false, link: "real-time alert", detail: "rule invoked 60 s after the read, but 1 invocation(s) failed or went to the dead-letter queue" });
    expect(checks[0].remedy).toMatch(/topic policy .* key policy/);
  });

  test("reports a timeout with the likely cause", async () => {
    let t = NOW;
    mocks.secrets.on(GetSecretValueCommand).resolves({ Name: "sam-x" });
    mocks.cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "r0", Values: [] }] });
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: "sam-x-secret-reads", StateValue: "OK" }] });
    const checks = await fire(clients, OUT, { now: () => t, sleep: async (ms) => void (t += ms), pollMs: 60_000, timeoutMs: 5 * 60_000 });
    expect(checks.map((c) => c.ok)).toEqual([false, false]);
    expect(checks[0].remedy).toMatch(/ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS/);
    expect(checks[1].remedy).toMatch(/~5 min/);
  });
});

describe("verify CLI", () => {
  beforeEach(healthy);
  const outputsFile = () => {
    const dir = mkdtempSync(join(tmpdir(), "sam-verify-"));
    const file = join(dir, "outputs.json");
    writeFileSync(file, JSON.stringify(Object.fromEntries(Object.entries(OUT).map(([k, v]) => [k, { value: v, type: "string", sensitive: false }]))));
    return file;
  };
  /** Runs the CLI against the mocked clients, on a clock that reads NOW unless a test brings its own. */
  async function cli(args: string[], clock: Partial<MainOptions> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
    const error = jest.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
    try {
      return { code: await main(args, { makeClients: () => clients, now: () => NOW, ...clock }), out, err };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  test("prints one line per link and exits 0 when all work", async () => {
    const { code, out } = await cli(["--outputs", outputsFile(), "--region", "us-east-1"]);
    expect(code).toBe(0);
    expect(out[0]).toBe("✅ trail is logging: sam-x");
    expect(out.at(-1)).toBe("all 15 links work");
  });

  test("judges freshness by the clock it is given: the same deliveries two hours later are stale", async () => {
    const { code, out } = await cli(["--outputs", outputsFile(), "--region", "us-east-1"], { now: () => NOW + 2 * 3600_000 });
    expect(code).toBe(1);
    expect(out).toContainEqual(expect.stringMatching(/^❌ trail delivers log files to S3: last delivery 124 min ago\n/));
    expect(out).toContainEqual(expect.stringMatching(/^❌ log group receives events: last event 122 min ago /));
  });

  test("--fire measures on the given clock and waits with the given sleep", async () => {
    let t = NOW;
    mocks.secrets.on(GetSecretValueCommand).resolves({ Name: "sam-x", SecretString: "never-printed" });
    // The first GetMetricData is verify's own delivery check; then the polls after the read.
    mocks.cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: "f0", Values: [0] }, { Id: "dlq", Values: [0] }] })
      .resolvesOnce({ MetricDataResults: [{ Id: "r0", Values: [] }] })
      .resolves({ MetricDataResults: [{ Id: "r0", Values: [1] }, { Id: "p", Values: [1, 1] }] });
    // The first DescribeAlarms is verify's own alarm check; the polls after the read see the alarm fire 90 s in.
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolvesOnce({ MetricAlarms: [HEALTHY_ALARM] }).resolves({ MetricAlarms: [{ ...HEALTHY_ALARM, StateValue: "ALARM", StateUpdatedTimestamp: new Date(NOW + 90_000) }] });
    const { code, out } = await cli(["--outputs", outputsFile(), "--region", "us-east-1", "--fire", "--timeout-minutes", "5"], {
      now: () => t,
      sleep: async (ms) => void (t += ms),
    });
    expect(out.slice(-3)).toEqual([
      "✅ real-time alert: rule invoked 30 s after the read and the topic published it",
      "✅ alarm: entered ALARM 15 s after the read",
      "all 17 links work",
    ]);
    expect(code).toBe(0);
    expect(out.join("\n")).not.toContain("never-printed");
  });

  test("failed invocations of the rules are a broken link: real-time alerts were not delivered", async () => {
    mocks.cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "f0", Values: [0, 3] }, { Id: "dlq", Values: [0] }] });
    const { code, out } = await cli(["--outputs", outputsFile(), "--region", "us-east-1"]);
    expect(code).toBe(1);
    expect(out).toContainEqual(expect.stringMatching(/^❌ rules deliver to the topic: 3 failed invocation\(s\) in 24 h[^]*fix: EventBridge could not publish/));
  });

  test("messages in the dead-letter queue are a broken link, with the command to read them", async () => {
    mocks.cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: "f0", Values: [0] }, { Id: "dlq", Values: [2, 5] }] });
    const { code, out } = await cli(["--outputs", outputsFile(), "--region", "us-east-1"]);
    expect(code).toBe(1);
    expect(out).toContainEqual(expect.stringMatching(/^❌ dead-letter queue is empty: 5 failed alert\(s\) waiting in sam-x-alert-dlq[^]*aws sqs receive-message --queue-url https:\/\/sqs/));
  });

  test("exits 1 and prints the remedy under a broken link", async () => {
    mocks.sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [{ SubscriptionArn: "PendingConfirmation", Protocol: "email", Endpoint: "new@example.com" }] });
    const { code, out } = await cli(["--outputs", outputsFile(), "--region", "us-east-1"]);
    expect(code).toBe(1);
    expect(out).toContain("❌ subscription new@example.com: pending confirmation: no alert reaches this address\n     fix: confirm the e-mail AWS sent to new@example.com (check spam), or re-apply to send it again");
  });

  test.each([
    [["--bogus"], /^verify: --bogus: unknown argument; allowed: /],
    [["--outputs"], /^verify: --outputs: needs a value$/],
    [["--outputs", "/nonexistent.json"], /^verify: --outputs: \/nonexistent\.json does not exist$/],
    [["--timeout-minutes", "0", "--outputs", "x"], /^verify: --timeout-minutes: must be a whole number of minutes from 1 to 1440$/],
  ])("bad arguments %j exit 2 with one line", async (args, expected) => {
    const { code, err } = await cli(args as string[]);
    expect(code).toBe(2);
    expect(err).toEqual([expect.stringMatching(expected)]);
  });

  test("without credentials it is bad setup: exit 2 with one line saying what to do, not a broken link", async () => {
    // What the SDK's default chain throws when no provider has credentials (its error is named CredentialsProviderError).
    const noCredentials = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    mocks.cloudtrail.on(GetTrailStatusCommand).rejects(noCredentials);
    const { code, out, err } = await cli(["--outputs", outputsFile(), "--region", "us-east-1"]);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual(["verify: no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run aws sso login (CredentialsProviderError)"]);
  });

  // Errors as the SDK raises them. Names: the services' modeled exceptions in the SDK (AccessDeniedException in
  // @aws-sdk/client-cloudtrail, -cloudwatch-logs, -eventbridge; AuthorizationErrorException in @aws-sdk/client-sns)
  // and the code a query-protocol service (CloudWatch) answers; network errors keep Node's code (ENOTFOUND, …).
  test.each([
    ["AccessDeniedException", () => mocks.cloudtrail.on(GetTrailStatusCommand).rejects(Object.assign(new Error("User: arn:aws:iam::111122223333:user/x is not authorized to perform: cloudtrail:GetTrailStatus"), { name: "AccessDeniedException" })), /^verify: the AWS credentials may not read the monitor: verify needs read access to .* \(AccessDeniedException: User: .* is not authorized to perform: cloudtrail:GetTrailStatus\)$/],
    ["AccessDenied (CloudWatch)", () => mocks.cloudwatch.on(DescribeAlarmsCommand).rejects(Object.assign(new Error("not authorized to perform: cloudwatch:DescribeAlarms"), { name: "AccessDenied" })), /^verify: the AWS credentials may not read the monitor: .*\(AccessDenied: not authorized/],
    ["AuthorizationErrorException (SNS)", () => mocks.sns.on(GetTopicAttributesCommand).rejects(Object.assign(new Error("not authorized to perform: SNS:GetTopicAttributes"), { name: "AuthorizationErrorException" })), /^verify: the AWS credentials may not read the monitor: .*\(AuthorizationErrorException: /],
    ["no network", () => mocks.cloudtrail.on(GetTrailStatusCommand).rejects(Object.assign(new Error("getaddrinfo ENOTFOUND cloudtrail.us-east-1.amazonaws.com"), { name: "Error", code: "ENOTFOUND" })), /^verify: AWS could not be reached \(ENOTFOUND: getaddrinfo ENOTFOUND cloudtrail\.us-east-1\.amazonaws\.com\): check the network/],
    ["a timeout", () => mocks.cloudtrail.on(GetTrailStatusCommand).rejects(Object.assign(new Error("Connection timed out after 1000 ms"), { name: "TimeoutError" })), /^verify: AWS could not be reached \(TimeoutError: /],
  ])("%s is bad setup: exit 2 with one line saying what to do, not a broken link (1)", async (_what, fail, expected) => {
    fail();
    const { code, out, err } = await cli(["--outputs", outputsFile(), "--region", "us-east-1"]);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([expect.stringMatching(expected)]);
  });

  test("--help prints every option, one line each, on stdout, and exits 0", async () => {
    const { code, out, err } = await cli(["--help"]);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([HELP]);
    // Every option the parser accepts (as its refusal of an unknown one lists them), each on one line of its own.
    const refused = await cli(["--bogus"]);
    const allowed = /allowed: (.*)$/.exec(refused.err.join("\n"))![1].split(", ");
    expect(allowed).toEqual(expect.arrayContaining(["--outputs", "--stack-dir", "--region", "--fire", "--timeout-minutes", "--max-age-minutes", "--help"]));
    for (const option of allowed) expect({ option, lines: HELP.split("\n").filter((l) => l.trimStart().startsWith(`${option} `)).length }).toEqual({ option, lines: 1 });
  });

  test("run as a command without credentials: one line on stderr, exit 2, and no SDK note about future Node versions", () => {
    // The SDK (@aws-sdk/core emitWarningIfUnsupportedVersion) warns on Node below 22 when a client first sends.
    const dir = mkdtempSync(join(tmpdir(), "sam-verify-cmd-"));
    writeFileSync(join(dir, "outputs.json"), JSON.stringify(Object.fromEntries(Object.entries(OUT).map(([k, v]) => [k, { value: v }]))));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: join(dir, "none"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "none") };
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/verify/cli.ts", "--outputs", join(dir, "outputs.json"), "--region", "us-east-1"], { cwd: join(__dirname, "..", ".."), env, encoding: "utf8" });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr.trimEnd().split("\n") }).toEqual({
      status: 2,
      stdout: "",
      stderr: [expect.stringMatching(/^verify: no AWS credentials found: .* \(CredentialsProviderError\)$/)],
    });
  }, 30_000);

  test("when terraform output fails, the cause from Terraform's error box is kept", async () => {
    // A stack directory whose S3 backend was never initialised: the real Terraform CLI refuses with a boxed error.
    const dir = mkdtempSync(join(tmpdir(), "sam-verify-tf-"));
    writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify({ terraform: { backend: { s3: { bucket: "b", key: "k", region: "us-east-1" } } } }));
    const { code, err } = await cli(["--stack-dir", dir, "--region", "us-east-1"]);
    expect(code).toBe(2);
    expect(err).toEqual([
      `verify: --stack-dir: terraform output -json failed in ${dir}: Error: Backend initialization required, please run "terraform init" Reason: Initial configuration of the requested backend "s3"`,
    ]);
  });

  test("the cause is read out of Terraform's box, colours and borders removed", () => {
    const boxed = "\u001b[31m╷\u001b[0m\n\u001b[31m│\u001b[0m \u001b[1mError: \u001b[0mMissing region value\n│ \n│ The \"region\" attribute or the \"AWS_REGION\" environment variable must be set.\n╵\n";
    expect(terraformErrorCause(boxed)).toBe('Error: Missing region value The "region" attribute or the "AWS_REGION" environment variable must be set.');
  });

  test("outputs missing a field are refused with its name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sam-verify-"));
    writeFileSync(join(dir, "o.json"), JSON.stringify({ trail_arn: { value: "x" } }));
    const { code, err } = await cli(["--outputs", join(dir, "o.json"), "--region", "us-east-1"]);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/output log_group_name is missing/);
  });
});

describe("verify: decoys and harvesting", () => {
  const DECOY = "prod/payments/stripe-live-key";
  const WITH_DETECTIONS: StackOutputs = {
    ...OUT,
    decoy_alarm_name: "sam-x-decoy-reads",
    decoy_secret_names: [DECOY],
    harvesting_alarm_name: "sam-x-harvesting",
    harvesting_rule_names: ["sam-x-harvest-by-principal", "sam-x-harvest-pairs"],
  };
  const HARVEST_ALARM: MetricAlarm = {
    AlarmName: "sam-x-harvesting",
    AlarmActions: [TOPIC],
    ActionsEnabled: true,
    Metrics: [
      { Id: "top", Expression: 'INSIGHT_RULE_METRIC("sam-x-harvest-by-principal", "MaxContributorValue")' },
      { Id: "pairs", Expression: 'INSIGHT_RULE_METRIC("sam-x-harvest-pairs", "UniqueContributors")' },
      { Id: "harvest", Expression: "IF(pairs >= 20, top, 0)", ReturnData: true },
    ],
  };
  function healthyDetections() {
    healthy();
    mocks.logs.on(DescribeMetricFiltersCommand).resolves({
      metricFilters: [{ filterName: "sam-x-secret-reads", filterPattern: PATTERN }, { filterName: "sam-x-decoy-reads", filterPattern: PATTERN }],
    });
    mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [HEALTHY_ALARM, { ...HEALTHY_ALARM, AlarmName: "sam-x-decoy-reads" }] });
    mocks.cloudwatch.on(DescribeAlarmsCommand, { AlarmNames: ["sam-x-harvesting"] }).resolves({ MetricAlarms: [HARVEST_ALARM] });
    mocks.cloudwatch.on(DescribeInsightRulesCommand).resolves({
      InsightRules: [
        { Name: "sam-x-harvest-by-principal", State: "ENABLED", Schema: "CloudWatchLogRule", Definition: "{}" },
        { Name: "sam-x-harvest-pairs", State: "ENABLED", Schema: "CloudWatchLogRule", Definition: "{}" },
      ],
    });
    mocks.secrets.on(ListSecretVersionIdsCommand).resolves({ Versions: [{ VersionId: "v1", VersionStages: ["AWSCURRENT"] }] });
  }
  const runDetections = () => verifyStack(clients, WITH_DETECTIONS, { now: () => NOW });

  test("a healthy deployment passes every decoy and harvesting link, and verify never reads a decoy's value", async () => {
    healthyDetections();
    const checks = await runDetections();
    expect(failed(checks)).toEqual([]);
    expect(checks.map((c) => c.link)).toEqual(
      expect.arrayContaining([
        "alarm sam-x-decoy-reads",
        `decoy ${DECOY} seeded`,
        "Contributor Insights rule sam-x-harvest-by-principal enabled",
        "Contributor Insights rule sam-x-harvest-pairs enabled",
        "alarm sam-x-harvesting",
      ]),
    );
    expect(mocks.secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  test("a decoy whose seed command never ran is reported with the command to run", async () => {
    healthyDetections();
    mocks.secrets.on(ListSecretVersionIdsCommand).resolves({ Versions: [] });
    const bad = failed(await runDetections());
    expect(bad.map((c) => c.link)).toEqual([`decoy ${DECOY} seeded`]);
    expect(bad[0].remedy).toContain("decoy_seed_commands");
  });

  test("a disabled harvesting rule is reported", async () => {
    healthyDetections();
    mocks.cloudwatch.on(DescribeInsightRulesCommand).resolves({
      InsightRules: [
        { Name: "sam-x-harvest-by-principal", State: "DISABLED", Schema: "CloudWatchLogRule", Definition: "{}" },
        { Name: "sam-x-harvest-pairs", State: "ENABLED", Schema: "CloudWatchLogRule", Definition: "{}" },
      ],
    });
    expect(failed(await runDetections()).map((c) => c.link)).toEqual(["Contributor Insights rule sam-x-harvest-by-principal enabled"]);
  });

  test("a harvesting alarm that no longer notifies the topic is reported", async () => {
    healthyDetections();
    mocks.cloudwatch.on(DescribeAlarmsCommand, { AlarmNames: ["sam-x-harvesting"] }).resolves({ MetricAlarms: [{ ...HARVEST_ALARM, ActionsEnabled: false }] });
    expect(failed(await runDetections()).map((c) => c.link)).toEqual(["alarm sam-x-harvesting"]);
  });
});
