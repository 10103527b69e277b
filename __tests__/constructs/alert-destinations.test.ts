import { Testing, TerraformStack } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { AlertDestinations, MAX_TARGETS_PER_RULE, packAlarmNames } from "../../src/constructs/alert-destinations";
import { ConfigError, parseConfig } from "../../src/config/load";
import { compileInputTransformer, placeholderUses } from "../../src/engines/input-transformer";
import { alarmModel, alertModel, DESTINATION_KINDS, renderFor } from "../../src/patterns/alert-message";
import { alertVariants } from "../../src/patterns/sensitive-reads";
import { SEVERITIES } from "../../src/patterns/severity";
import { BASE_CONFIG, synthMonitoring, Synthesized } from "../helpers";
import { ALL_DESTINATIONS } from "../simulate/all-destinations";

const values = (o: Record<string, any> | undefined) => Object.values(o ?? {});

function errorLines(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.lines;
    throw err;
  }
  throw new Error("configuration was accepted");
}

describe("AlertDestinations in the monitoring stack, every destination on", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring(ALL_DESTINATIONS);
  });
  const targetsOf = (ruleName: string) => {
    const key = Object.entries(s.tf.resource.aws_cloudwatch_event_rule).find(([, r]) => r.name === ruleName)![0];
    return values(s.tf.resource.aws_cloudwatch_event_target).filter((t) => t.rule === ruleName || t.rule === `\${aws_cloudwatch_event_rule.${key}.name}`);
  };

  test("the alarm routes' failed invocations alarm like every other rule's (they are created after the health alarms)", () => {
    const watched = values(s.tf.resource.aws_cloudwatch_metric_alarm)
      .flatMap((a) => a.metric_query ?? [])
      .filter((q: any) => q.metric?.metric_name === "FailedInvocations")
      .map((q: any) => q.metric.dimensions.RuleName);
    const routes = values(s.tf.resource.aws_cloudwatch_event_rule).filter((r) => r.name.includes("-alarms-")).map((r) => r.name);
    expect(routes.length).toBeGreaterThan(0);
    for (const name of routes) expect(watched).toContain(name);
    const names = values(s.tf.resource.aws_cloudwatch_metric_alarm).map((a) => a.alarm_name);
    expect(new Set(names).size).toBe(names.length);
  });

  test("one connection and API destination per destination, POST, with its rate limit (EventBridge accepts 1 to 300 per second)", () => {
    const dests = values(s.tf.resource.aws_cloudwatch_event_api_destination);
    expect(dests.map((d) => d.name).sort()).toEqual(["sam-test0001-pagerduty", "sam-test0001-slack", "sam-test0001-teams", "sam-test0001-webhook"]);
    for (const d of dests) expect(d.http_method).toBe("POST");
    const rate = Object.fromEntries(dests.map((d) => [d.name.replace("sam-test0001-", ""), d.invocation_rate_limit_per_second]));
    expect(rate).toEqual({ slack: 1, teams: 1, pagerduty: 2, webhook: 10 });
    expect(dests.find((d) => d.name.endsWith("pagerduty")).invocation_endpoint).toBe("https://events.pagerduty.com/v2/enqueue");
    expect(dests.find((d) => d.name.endsWith("slack")).invocation_endpoint).toBe("${var.slack_webhook_url}");
  });

  test("PagerDuty's routing key is a secret body parameter of its connection, the webhook's secret its API key header", () => {
    const conns = values(s.tf.resource.aws_cloudwatch_event_connection);
    const pd = conns.find((c) => c.name.endsWith("pagerduty"));
    expect(pd.auth_parameters.invocation_http_parameters.body).toEqual([{ key: "routing_key", value: "${var.pagerduty_routing_key}", is_value_secret: true }]);
    const hook = conns.find((c) => c.name.endsWith("webhook"));
    expect(hook.authorization_type).toBe("API_KEY");
    expect(hook.auth_parameters.api_key).toEqual({ key: "X-Api-Key", value: "${var.webhook_secret}" });
  });

  test(`no rule has more than ${MAX_TARGETS_PER_RULE} targets (EventBridge quota "Targets per rule: 5"), and every real-time rule keeps its e-mail target`, () => {
    const rules = values(s.tf.resource.aws_cloudwatch_event_rule);
    expect(rules.length).toBeGreaterThan(10);
    for (const r of rules) {
      const ts = targetsOf(r.name);
      expect(ts.length).toBeLessThanOrEqual(MAX_TARGETS_PER_RULE);
      const ids = ts.map((t) => t.target_id).sort();
      if (r.name.includes("-alarms-")) expect(ids).toEqual([...DESTINATION_KINDS].sort());
      else expect(ids).toEqual(["alert-topic", ...DESTINATION_KINDS].sort());
    }
  });

  test("every destination target assumes the invoke role, retries for 24 hours and falls back to the dead-letter queue", () => {
    const apiTargets = values(s.tf.resource.aws_cloudwatch_event_target).filter((t) => t.target_id !== "alert-topic");
    expect(apiTargets.length).toBeGreaterThan(40);
    for (const t of apiTargets) {
      expect(t.role_arn).toMatch(/^\$\{aws_iam_role\.AlertDestinations_InvokeRole_[A-Z0-9]+\.arn\}$/);
      expect(t.retry_policy).toEqual({ maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 });
      expect(t.dead_letter_config.arn).toMatch(/aws_sqs_queue\.RealtimeAlerts_DeadLetterQueue_/);
      expect(t.input_transformer.input_template.length).toBeLessThanOrEqual(8192);
      expect(Object.keys(t.input_transformer.input_paths).length).toBeLessThanOrEqual(100);
    }
  });

  test("the invoke role: trusted by EventBridge for this monitor's rules in this account only; may invoke exactly these API destinations", () => {
    const role = values(s.tf.resource.aws_iam_role).find((r) => r.name === "sam-test0001-api-destinations");
    const trust = JSON.parse(role.assume_role_policy);
    expect(trust.Statement).toEqual([
      {
        Sid: "EventBridgeRulesOfThisMonitor",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.current.account_id}" },
          ArnLike: { "aws:SourceArn": "arn:aws:events:us-east-1:${data.aws_caller_identity.current.account_id}:rule/sam-test0001-*" },
        },
      },
    ]);
    const policy = JSON.parse(values(s.tf.resource.aws_iam_role_policy).find((p) => p.name === "invoke-alert-destinations").policy);
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Action).toBe("events:InvokeApiDestination");
    expect([...policy.Statement[0].Resource].sort()).toEqual(
      Object.keys(s.tf.resource.aws_cloudwatch_event_api_destination).map((k) => `\${aws_cloudwatch_event_api_destination.${k}.arn}`).sort(),
    );
  });

  test("the alarm routes: one rule per severity on CloudWatch Alarm State Change entering ALARM, naming the monitor's alarms exactly", () => {
    const alarmRules = values(s.tf.resource.aws_cloudwatch_event_rule).filter((r) => r.name.includes("-alarms-"));
    expect(alarmRules.map((r) => r.name).sort()).toEqual(["sam-test0001-alarms-critical", "sam-test0001-alarms-high", "sam-test0001-alarms-medium"]);
    const named = alarmRules.flatMap((r) => {
      const p = JSON.parse(r.event_pattern);
      expect(p.source).toEqual(["aws.cloudwatch"]);
      expect(p["detail-type"]).toEqual(["CloudWatch Alarm State Change"]);
      expect(p.detail.state).toEqual({ value: ["ALARM"] });
      return p.detail.alarmName as string[];
    });
    // Every alarm but the one on the routes' own failed invocations: it reports that chat and paging fail, so it
    // goes to the topics only.
    const watchesRoutes = (a: any) => (a.metric_query ?? []).some((q: any) => /-alarms-/.test(q.metric?.dimensions?.RuleName ?? ""));
    const alarms = values(s.tf.resource.aws_cloudwatch_metric_alarm).filter((a) => !watchesRoutes(a)).map((a) => a.alarm_name);
    expect(values(s.tf.resource.aws_cloudwatch_metric_alarm).filter(watchesRoutes).length).toBe(1);
    expect([...named].sort()).toEqual([...alarms].sort());
  });

  test("the dead-letter queue and its key let the alarm routes send undeliverable alerts", () => {
    const queuePolicy = JSON.parse(values(s.tf.resource.aws_sqs_queue_policy)[0].policy);
    const senders: string[] = queuePolicy.Statement[0].Condition.ArnEquals["aws:SourceArn"];
    for (const k of Object.keys(s.tf.resource.aws_cloudwatch_event_rule).filter((k) => k.includes("AlarmRule"))) {
      expect(senders).toContain(`\${aws_cloudwatch_event_rule.${k}.arn}`);
    }
    const key = JSON.parse(values(s.tf.resource.aws_kms_key)[0].policy);
    const dlq = key.Statement.find((x: any) => x.Sid === "EventBridgeSendsFailedAlertsToEncryptedQueue");
    for (const sev of ["critical", "high", "medium"]) {
      expect(dlq.Condition.ArnEquals["aws:SourceArn"]).toContain(`arn:aws:events:us-east-1:\${data.aws_caller_identity.current.account_id}:rule/sam-test0001-alarms-${sev}`);
    }
  });

  test("Amazon Q Developer in chat applications: a Slack channel subscribed to the alert topic, a read-only guardrail, a role only the service of this account assumes", () => {
    const slack = values(s.tf.resource.aws_chatbot_slack_channel_configuration)[0];
    expect(slack).toMatchObject({ slack_team_id: "T0123ABCD", slack_channel_id: "C0123ABCD", guardrail_policy_arns: ["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"] });
    expect(slack.sns_topic_arns).toEqual([expect.stringMatching(/aws_sns_topic\.AlertTopic_/)]);
    const role = values(s.tf.resource.aws_iam_role).find((r) => r.name === "sam-test0001-chat");
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: "chatbot.amazonaws.com" },
      Condition: { StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.current.account_id}" } },
    });
  });
});

describe("AlertDestinations with first-seen readers replacing the per-read alerts", () => {
  test("the read alarms first-seen silences on the topic are not routed to chat and paging; the denied-read alarms are", () => {
    const s = synthMonitoring({ ...ALL_DESTINATIONS, firstSeenReaders: { enabled: true, replacesReadAlerts: true } });
    const alarms = values(s.tf.resource.aws_cloudwatch_metric_alarm);
    const silent = alarms.filter((a) => a.alarm_actions.length === 0).map((a) => a.alarm_name);
    const paging = alarms.filter((a) => a.alarm_actions.length > 0 && /-(reads|denied)/.test(a.alarm_name)).map((a) => a.alarm_name);
    expect(silent.length).toBeGreaterThan(0);
    expect(paging.length).toBeGreaterThan(0);
    const routed = values(s.tf.resource.aws_cloudwatch_event_rule)
      .filter((r) => r.name.includes("-alarms-"))
      .flatMap((r) => JSON.parse(r.event_pattern).detail.alarmName as string[]);
    for (const name of silent) expect(routed).not.toContain(name);
    for (const name of paging) expect(routed).toContain(name);
  });
});

describe("AlertDestinations, on its own", () => {
  const props = {
    namePrefix: "mon",
    accountId: "111122223333",
    region: "us-east-1",
    partition: "aws",
    deadLetterQueueArn: "arn:aws:sqs:us-east-1:111122223333:dlq",
    endpoints: { slack: { url: "https://hooks.example.com/a" }, teams: { url: "https://teams.example.com/b" } },
  };

  test("refuses a rule that would exceed EventBridge's five targets, counting the targets it already has", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const d = new AlertDestinations(stack, "D", { ...props, endpoints: { ...props.endpoints, pagerduty: { url: "https://x", routingKey: "k" } } });
    const rule = new CloudwatchEventRule(stack, "R", { name: "mon-r", eventPattern: "{}" });
    const model = alertModel({ outcome: "success", identity: "principal", network: "public" });
    expect(() => d.route([{ rule, name: "mon-r", model, existingTargets: 3 }])).toThrow("rule mon-r would have 6 targets; EventBridge allows 5 per rule");
    d.route([{ rule, name: "mon-r", model, existingTargets: 2 }]);
    expect(d.targets).toHaveLength(3);
  });

  test("refuses a rate limit outside EventBridge's 1 to 300 per second, and PagerDuty without its routing key", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => new AlertDestinations(stack, "A", { ...props, endpoints: { slack: { url: "https://x", rateLimitPerSecond: 301 } } })).toThrow("destinations.slack.rateLimitPerSecond: 301 is not 1 to 300");
    expect(() => new AlertDestinations(stack, "B", { ...props, endpoints: { pagerduty: { url: "https://x" } } })).toThrow("destinations.pagerduty: needs the routing key");
    expect(() => new AlertDestinations(stack, "C", { ...props, endpoints: {} })).toThrow("alert destinations: no destination enabled");
  });

  test("alarm names that do not fit one pattern (2048 characters) are packed into several", () => {
    const names = Array.from({ length: 40 }, (_, i) => `monitor-${"x".repeat(80)}-${i}`);
    const packs = packAlarmNames(names);
    expect(packs.length).toBeGreaterThan(1);
    expect(packs.flat()).toEqual(names);
  });
});

describe("rendered payloads: sizes within the destinations' limits for every variant and severity", () => {
  const models = [
    ...alertVariants(["success", "denied"], "read").flatMap((v) => SEVERITIES.map((severity) => alertModel(v, { severity }))),
    ...alertVariants(["success", "denied"], "tamper").map((v) => alertModel(v, { family: "tamper" })),
    ...SEVERITIES.map((s) => alarmModel(s)),
  ];

  test("every template fits EventBridge's 8192 characters and 100 input paths", () => {
    for (const m of models) {
      for (const k of DESTINATION_KINDS) {
        const spec = renderFor(k, m, { withRecord: true });
        expect(spec.inputTemplate.length).toBeLessThanOrEqual(8192);
        expect(Object.keys(spec.inputPaths).length).toBeLessThanOrEqual(100);
      }
    }
  });

  test("the Slack header's fixed text leaves room for the event name within 150 characters", () => {
    for (const m of models) {
      // Every placeholder as a 40-character value (an API name is shorter: GetSecretValue, PutEventSelectors).
      const t = renderFor("slack", m).inputTemplate;
      let filled = "";
      let last = 0;
      for (const u of placeholderUses(t)) {
        filled += t.slice(last, u.start) + (u.context === "string" ? "x".repeat(40) : '"x"');
        last = u.end;
      }
      const header = JSON.parse(filled + t.slice(last)).blocks[0].text.text;
      expect([...header].length).toBeLessThanOrEqual(150);
    }
  });
});

describe("PagerDuty dedup keys: one incident per event and family, one per alarm state change", () => {
  // PagerDuty Events API v2, "Send an Alert Event" (PagerDuty/developer-docs, events-API-v2 Trigger Events):
  // "While an incident is acknowledged, it won't generate any additional notifications, even if it receives new
  // trigger events." A key shared by two alerts makes the second one silent.
  const dedupOf = (m: ReturnType<typeof alarmModel>, event: unknown) => {
    const spec = renderFor("pagerduty", m);
    return JSON.parse(compileInputTransformer(spec.inputPaths, spec.inputTemplate)(event, { ruleName: "r" }).text).dedup_key;
  };
  const read = { detail: { eventID: "e-1", eventName: "GetSecretValue", eventSource: "secretsmanager.amazonaws.com", eventTime: "2026-11-20T14:03:27Z", awsRegion: "us-east-1", recipientAccountId: "111122223333", sourceIPAddress: "198.51.100.1", userIdentity: { type: "IAMUser", arn: "arn:aws:iam::111122223333:user/eve" }, requestParameters: { secretId: "decoy" } } };

  test("a decoy read that a read rule matches too opens its own incident (critical) beside the read's (high)", () => {
    const [v] = alertVariants(["success"]);
    const decoy = dedupOf(alertModel(v, { family: "decoy" }), read);
    const plain = dedupOf(alertModel(v), read);
    expect(decoy).toBe("decoy:e-1");
    expect(plain).toBe("read:e-1");
    // Retries and a second rule of the same family still collapse into one incident.
    expect(dedupOf(alertModel(v), read)).toBe(plain);
  });

  test("each transition of an alarm into ALARM is its own incident; retries of one transition collapse", () => {
    const change = (timestamp: string) => ({ account: "111122223333", region: "us-east-1", resources: ["arn:aws:cloudwatch:us-east-1:111122223333:alarm:sam-test0001-reads"], detail: { alarmName: "sam-test0001-reads", state: { value: "ALARM", timestamp, reason: "r" }, previousState: { value: "OK" } } });
    const first = dedupOf(alarmModel("high"), change("2026-11-20T14:05:00.000+0000"));
    const later = dedupOf(alarmModel("high"), change("2026-11-20T18:40:00.000+0000"));
    expect(first).toBe("arn:aws:cloudwatch:us-east-1:111122223333:alarm:sam-test0001-reads/2026-11-20T14:05:00.000+0000");
    expect(later).not.toBe(first);
    expect(dedupOf(alarmModel("high"), change("2026-11-20T14:05:00.000+0000"))).toBe(first);
  });
});

describe("destinations configuration", () => {
  test("defaults: every destination off, alarms routed once one is on, no chat channel", () => {
    const cfg = parseConfig(BASE_CONFIG);
    expect(cfg.destinations).toMatchObject({
      slack: { enabled: false, rateLimitPerSecond: 1 },
      teams: { enabled: false, rateLimitPerSecond: 1 },
      pagerduty: { enabled: false, rateLimitPerSecond: 2, serviceRegion: "us" },
      webhook: { enabled: false, rateLimitPerSecond: 10, auth: "api-key", headerName: "Authorization", includeRecord: true },
      alarms: true,
      chatbot: {},
    });
  });

  test.each([
    [{ slack: { enabled: true, rateLimitPerSecond: 0 } }, "destinations.slack.rateLimitPerSecond: must be 1 to 300 invocations per second (EventBridge's range)"],
    [{ webhook: { enabled: true, auth: "basic" } }, 'destinations.webhook.username: is required when auth is "basic"'],
    [{ webhook: { enabled: true, auth: "oauth" } }, 'destinations.webhook.auth: must be "api-key" or "basic"'],
    [{ pagerduty: { enabled: true, serviceRegion: "ap" } }, 'destinations.pagerduty.serviceRegion: must be "us" or "eu"'],
    [{ chatbot: { slack: { workspaceId: "t-lower", channelId: "C1" } } }, "destinations.chatbot.slack.workspaceId: must be a Slack workspace ID (upper-case letters and digits, e.g. T0123ABCD)"],
    [{ slack: { enabled: true, url: "https://hooks.slack.com/x" } }, "destinations.slack: unknown field url"],
  ])("%j is refused with one line naming the field", (destinations, line) => {
    const lines = errorLines({ ...BASE_CONFIG, destinations });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(line.split(": ")[0]);
    expect(lines[0]).toContain(line.slice(line.indexOf(": ") + 2).split(" ")[0]);
  });

  test("destinations without the real-time path (whose dead-letter queue keeps what they refuse) are refused in one line", () => {
    const lines = errorLines({ ...BASE_CONFIG, realtimeAlerts: { enabled: false }, destinations: { slack: { enabled: true }, alarms: true } });
    expect(lines).toEqual([expect.stringMatching(/^config: destinations: need realtimeAlerts enabled: its dead-letter queue/)]);
  });
});
