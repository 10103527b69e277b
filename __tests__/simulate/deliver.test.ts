import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../../src/app";
import { Received, runSimulate as run, startServer } from "./harness";
import { config } from "../helpers";
import { OWN_FIXTURES, records, resolveKey, SHARED_FIXTURES } from "../patterns/replay";
import { blankOrPlaceholder, PROBLEMS } from "./destination-schemas";
import { ALL_DESTINATIONS } from "./all-destinations";




/** A caller-chosen user agent and an error message with everything JSON must escape. */
const NASTY_AGENT = 'curl/8.4 "quoted" back\\slash\nnew line\ttab \u0001 ünïcødé 🚨 </script> <eventName>';
const NASTY_MESSAGE = 'User: arn:aws:iam::111122223333:user/eve is not authorized: "secretsmanager:GetSecretValue"\n\\ on "prod/db"';
/** A record without a user agent (AWS's partial samples have none): the payloads must stay valid without it. */

/**
 * The shared and project fixtures split by completeness. CloudTrail documents `eventTime` and `eventID` as
 * "Optional: False" ("the field is either always present, or … its presence does not depend on the service, API, or
 * event type", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html);
 * some published samples are trimmed and lack them. Complete records must render with no blank field; trimmed ones
 * must still render valid payloads.
 */
function splitFixtures(dir: string): { complete: string; partial: string; partialCount: number } {
  const complete = join(dir, "complete");
  const partial = join(dir, "partial");
  mkdirSync(complete, { recursive: true });
  mkdirSync(partial, { recursive: true });
  let partialCount = 0;
  let n = 0;
  for (const [name, rec] of [...records(SHARED_FIXTURES), ...records(OWN_FIXTURES)]) {
    const isPartial = rec.eventID === undefined || rec.eventTime === undefined;
    if (isPartial) partialCount++;
    writeFileSync(join(isPartial ? partial : complete, `${n++}-${name.replace(/[/\\]/g, "_")}`), JSON.stringify(rec));
  }
  return { complete, partial, partialCount };
}

/** Slack mrkdwn that would mention the whole channel and show a fake link, were it not escaped. */
const SLACK_INJECTION = "<!channel> urgent: <https://evil.example/login|Open in CloudTrail>";

/**
 * A key policy as large as this monitor's own (6,357 characters): an attacker re-submitting it with PutKeyPolicy
 * chooses the size of the request parameters the change alert carries.
 */
function bigKeyPolicy(): string {
  const statements = [];
  for (let i = 0; JSON.stringify({ Version: "2012-10-17", Statement: statements }).length < 6_357; i++) {
    statements.push({ Sid: `AllowMonitorService${i}`, Effect: "Allow", Principal: { Service: "logs.us-east-1.amazonaws.com" }, Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"], Resource: "*", Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:111122223333:log-group:sam-test0001-${i}` } } });
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

function adversarialRecords(dir: string): string {
  const out = join(dir, "adversarial");
  mkdirSync(out, { recursive: true });
  const read = JSON.parse(readFileSync(join(SHARED_FIXTURES, "secret-read", "gsv-iamuser-sdk-fullarn-stratus.json"), "utf8"));
  const denied = JSON.parse(readFileSync(join(SHARED_FIXTURES, "secret-read", "gsv-accessdenied-assumedrole-sso-terraform-panther.json"), "utf8"));
  const putKeyPolicy = JSON.parse(readFileSync(join(OWN_FIXTURES, "..", "cloudtrail-tamper", "kms-PutKeyPolicy.json"), "utf8")).Records[0];
  const records = [
    { ...read, eventID: "11111111-2222-3333-4444-555555555555", userAgent: NASTY_AGENT },
    { ...denied, eventID: "66666666-7777-8888-9999-000000000000", userAgent: NASTY_AGENT, errorMessage: NASTY_MESSAGE, requestParameters: { secretId: 'prod/"db"\\x\n' } },
    { ...read, eventID: "77777777-0000-4000-8000-000000000001", userAgent: SLACK_INJECTION },
    { ...denied, eventID: "77777777-0000-4000-8000-000000000002", userAgent: SLACK_INJECTION, errorMessage: `${SLACK_INJECTION} is not authorized` },
    { ...putKeyPolicy, eventID: BIG_POLICY_EVENT, requestParameters: { ...putKeyPolicy.requestParameters, policy: bigKeyPolicy() } },
  ];
  writeFileSync(join(out, "records.json"), JSON.stringify({ Records: records }));
  return out;
}

const BIG_POLICY_EVENT = "77777777-0000-4000-8000-000000000003";

/** The synthesized stacks with the customer key resolved as `terraform apply` would (the tamper rules name it). */
function resolveKeysIn(outdir: string): void {
  const stacks = join(outdir, "stacks");
  for (const name of readdirSync(stacks)) {
    const file = join(stacks, name, "cdk.tf.json");
    writeFileSync(file, resolveKey(readFileSync(file, "utf8")));
  }
}

describe("simulate --deliver: every payload a replay produces, POSTed to a local server and checked against each destination's schema", () => {
  const outdir = mkdtempSync(join(tmpdir(), "sam-deliver-"));
  let received: Received[] = [];
  let fromPartial: Received[] = [];
  let result: { code: number; out: string[]; err: string[] };
  let fixtures: ReturnType<typeof splitFixtures>;

  beforeAll(async () => {
    buildApp(config(ALL_DESTINATIONS), new App({ outdir })).app.synth();
    resolveKeysIn(outdir);
    fixtures = splitFixtures(outdir);
    const srv = await startServer();
    try {
      result = await run(["--events", fixtures.complete, "--events", adversarialRecords(outdir), "--out", outdir, "--deliver", srv.url]);
      received = [...srv.received];
      srv.received.length = 0;
      await run(["--events", fixtures.partial, "--out", outdir, "--deliver", srv.url]);
      fromPartial = [...srv.received];
    } finally {
      await new Promise((resolve) => srv.server.close(resolve));
    }
  }, 120_000);

  test("trimmed samples without eventID or eventTime still render valid JSON for every destination", () => {
    expect(fixtures.partialCount).toBeGreaterThan(0);
    expect(fromPartial.length).toBeGreaterThan(0);
    for (const r of fromPartial) expect(() => JSON.parse(r.body)).not.toThrow();
  });

  test("the run succeeds and reports every payload accepted", () => {
    expect(result.err.filter((l) => l.startsWith("deliver:"))).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out.join("\n")).toMatch(new RegExp(`delivered ${received.length} of ${received.length} destination payloads`));
  });

  test("each real-time alert reaches all four destinations, and alarms entering ALARM reach them too", () => {
    const byKind = (k: string) => received.filter((r) => r.targetId === k);
    expect(byKind("slack").length).toBeGreaterThan(5);
    for (const k of ["teams", "pagerduty", "webhook"]) expect(byKind(k).length).toBe(byKind("slack").length);
    expect(received.filter((r) => r.rule.includes("-alarms-")).length).toBeGreaterThan(0);
    expect(new Set(received.map((r) => r.targetId))).toEqual(new Set(["slack", "teams", "pagerduty", "webhook"]));
  });

  test("every payload is valid JSON that its destination's published schema and limits accept", () => {
    const problems: string[] = [];
    for (const r of received) {
      let body: any;
      try {
        body = JSON.parse(r.body);
      } catch (err) {
        problems.push(`${r.targetId} ${r.rule}: not JSON (${(err as Error).message})`);
        continue;
      }
      for (const p of PROBLEMS[r.targetId](body)) problems.push(`${r.targetId} ${r.rule}: ${p}`);
      const { record: _rawRecord, ...rendered } = body;
      for (const p of blankOrPlaceholder(rendered)) if (!p.includes(NASTY_TEXT_MARK)) problems.push(`${r.targetId} ${r.rule}: ${p}`);
    }
    expect(problems).toEqual([]);
  });

  test("a user agent and an error message holding quotes, backslashes, newlines, control characters and emoji arrive intact", () => {
    const nasty = received.filter((r) => r.body.includes("curl/8.4"));
    // Two records × PagerDuty and the webhook (chat leaves caller-chosen text out, see below).
    expect(nasty.map((r) => r.targetId).sort()).toEqual(["pagerduty", "pagerduty", "webhook", "webhook"]);
    for (const r of nasty) expect(JSON.stringify(JSON.parse(r.body))).toContain(JSON.stringify(NASTY_AGENT).slice(1, -1));
    const pd = JSON.parse(nasty.find((r) => r.targetId === "pagerduty")!.body);
    expect(pd.payload.custom_details.how).toEqual([NASTY_AGENT]);
    // The request as a whole JSON value: the secret's name arrives exactly as the caller sent it.
    const denied = JSON.parse(nasty.find((r) => r.targetId === "webhook" && r.rule.includes("denied"))!.body);
    expect(denied.facts.request).toEqual([{ secretId: 'prod/"db"\\x\n' }]);
  });

  test("Slack and Teams carry no caller-chosen text: no mention or fake link reaches Slack, and Slack text is plain_text only", () => {
    // Slack: "you must escape these three characters: & < >" for mrkdwn to read them as text
    // (https://api.slack.com/reference/surfaces/formatting#escaping); an input transformer cannot escape.
    const chat = received.filter((r) => r.targetId === "slack" || r.targetId === "teams");
    const injected = received.filter((r) => r.body.includes("evil.example"));
    expect(injected.map((r) => r.targetId).sort()).toEqual(["pagerduty", "pagerduty", "webhook", "webhook"]);
    for (const r of chat) {
      expect(r.body).not.toContain("<!channel>");
      expect(r.body).not.toContain("evil.example");
    }
    for (const r of chat.filter((x) => x.targetId === "slack")) expect(r.body).not.toContain('"mrkdwn"');
  });

  test("a PutKeyPolicy re-submitting a 6,357-character key policy still reaches Slack and Teams within their limits, and the whole policy reaches PagerDuty and the webhook", () => {
    const big = received.filter((r) => r.body.includes(BIG_POLICY_EVENT));
    expect(big.map((r) => r.targetId).sort()).toEqual(["pagerduty", "slack", "teams", "webhook"]);
    // Slack section text: "Maximum length for the text in this field is 3000 characters" (https://api.slack.com/reference/block-kit/blocks#section);
    // a refused message is lost: API destinations do not retry 4xx other than 401, 407, 409 and 429
    // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html).
    for (const r of big) expect(PROBLEMS[r.targetId](JSON.parse(r.body))).toEqual([]);
    const pd = JSON.parse(big.find((r) => r.targetId === "pagerduty")!.body);
    expect(pd.payload.severity).toBe("critical");
    expect(pd.payload.custom_details.request).toEqual([expect.objectContaining({ policy: bigKeyPolicy() })]);
    expect(bigKeyPolicy().length).toBeGreaterThanOrEqual(6_357);
  });

  test("PagerDuty events: severity from the shared scale, dedup key from the CloudTrail event id (one page per event), the routing key left to the connection", () => {
    const pd = received.filter((r) => r.targetId === "pagerduty").map((r) => ({ rule: r.rule, body: JSON.parse(r.body) }));
    const reads = pd.filter((x) => /-read-/.test(x.rule));
    const denied = pd.filter((x) => /-denied-/.test(x.rule));
    const changes = pd.filter((x) => /-change-/.test(x.rule));
    expect(reads.length).toBeGreaterThan(0);
    expect(denied.length).toBeGreaterThan(0);
    for (const x of reads) expect(x.body.payload.severity).toBe("error");
    for (const x of denied) expect(x.body.payload.severity).toBe("warning");
    for (const x of changes) expect(x.body.payload.severity).toBe("critical");
    for (const x of pd.filter((y) => !y.rule.includes("-alarms-"))) expect(x.body.dedup_key).toMatch(new RegExp(`^(read|tamper|decoy):${x.body.payload.custom_details.event}$`));
    // One incident per transition into ALARM, not per alarm: an acknowledged incident would swallow later ones.
    for (const x of pd.filter((y) => y.rule.includes("-alarms-"))) expect(x.body.dedup_key).toMatch(/^arn:aws:cloudwatch:[a-z0-9-]+:\d{12}:alarm:[^/]+\/\d{4}-\d\d-\d\dT/);
    expect(pd.find((x) => x.body.dedup_key === "read:11111111-2222-3333-4444-555555555555")).toBeDefined();
    for (const x of pd) expect(x.body.routing_key).toBe("(kept by EventBridge)");
  });
});

/** Marks strings in the adversarial records that legitimately contain `<…>`. */
const NASTY_TEXT_MARK = "<eventName>";

describe("credentials never reach the synthesized JSON", () => {
  const secrets = {
    TF_VAR_slack_webhook_url: "https://hooks.slack.com/services/T000/B000/SLACKSECRET0123456789",
    TF_VAR_teams_webhook_url: "https://prod-00.westus.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=TEAMSSECRET0123456789",
    TF_VAR_pagerduty_routing_key: "PAGERDUTYSECRET0123456789abcdef0",
    TF_VAR_webhook_url: "https://alerts.example.com/WEBHOOKURLSECRET",
    TF_VAR_webhook_secret: "WEBHOOKSECRET0123456789",
  };

  test("synthesized with every credential in the environment, no file of cdktf.out holds any of them; the stack reads them from sensitive variables", () => {
    const outdir = mkdtempSync(join(tmpdir(), "sam-secrets-"));
    const saved = { ...process.env };
    Object.assign(process.env, secrets);
    try {
      buildApp(config(ALL_DESTINATIONS), new App({ outdir })).app.synth();
    } finally {
      for (const k of Object.keys(secrets)) if (saved[k] === undefined) delete process.env[k];
    }
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(outdir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      for (const v of Object.values(secrets)) expect(text.includes(v)).toBe(false);
    }
    const stackFile = files.find((f) => f.endsWith(join("secret-access-monitor", "cdk.tf.json")))!;
    const tf = JSON.parse(readFileSync(stackFile, "utf8"));
    for (const v of ["slack_webhook_url", "teams_webhook_url", "pagerduty_routing_key", "webhook_url", "webhook_secret"]) {
      expect(tf.variable[v].sensitive).toBe(true);
      expect(tf.variable[v].default).toBeUndefined();
    }
    const text = JSON.stringify(tf.resource.aws_cloudwatch_event_connection);
    expect(text).toContain("${var.pagerduty_routing_key}");
    expect(text).toContain("${var.webhook_secret}");
  });
});
