/**
 * What an alert says, written once: a message model (who, what, when, where, how, result, with the event's id and
 * link) per alert variant, and one renderer per destination — the e-mail text SNS delivers, a Slack message with
 * blocks, a Microsoft Teams Adaptive Card, a PagerDuty Events API v2 event and a generic JSON webhook. Every
 * renderer returns an EventBridge input transformer (input paths + template), so the content reaches each
 * destination from the same facts, in its native format.
 *
 * Each template prints only fields its variant's pattern guarantees, or that CloudTrail writes in every API-call
 * record (eventTime, eventID, sourceIPAddress, userAgent, userIdentity.type, requestParameters), so a message never
 * shows a blank or a literal `<placeholder>`.
 *
 * JSON payloads and EventBridge's substitution (see src/engines/input-transformer.ts): "EventBridge doesn't escape
 * values extracted by Input Path, when populating the Input Template" (EventBridge User Guide, "Transforming input",
 * Common issues). A value inside a JSON string literal therefore lands there as it is: a caller-chosen user agent
 * holding a quote, a backslash or a newline would break the payload. Free text (FREE_TEXT_PLACEHOLDERS) is
 * therefore only ever placed as a whole JSON value (`"value": <userAgent>`), where EventBridge writes a JSON string;
 * so are objects (`"request": <request>`), whose internal quotes EventBridge "removes" inside a string. Inside
 * string literals go only values whose alphabet AWS fixes (ARNs, ids, names, times, addresses).
 * `jsonTemplateProblems` enforces this for every template built; Slack and Teams get none of the unbounded values
 * (CHAT_UNSAFE_PLACEHOLDERS).
 */
import { placeholderUses } from "../engines/input-transformer";
import { AlertFamily, AlertVariant } from "./sensitive-reads";
import { PAGERDUTY_SEVERITY, Severity, SEVERITY_LABEL } from "./severity";

export interface InputTransformerSpec {
  readonly inputPaths: Record<string, string>;
  readonly inputTemplate: string;
}

/** Where an alert can go. `email` is the SNS topic's text; the others are EventBridge API destinations. */
export type DestinationKind = "slack" | "teams" | "pagerduty" | "webhook";
export const DESTINATION_KINDS: readonly DestinationKind[] = ["slack", "teams", "pagerduty", "webhook"];

/** Input path of every placeholder a template may use. */
export const ALERT_INPUT_PATHS: Record<string, string> = {
  eventName: "$.detail.eventName",
  eventSource: "$.detail.eventSource",
  eventTime: "$.detail.eventTime",
  eventId: "$.detail.eventID",
  awsRegion: "$.detail.awsRegion",
  account: "$.detail.recipientAccountId",
  sourceIp: "$.detail.sourceIPAddress",
  userAgent: "$.detail.userAgent",
  request: "$.detail.requestParameters",
  identityType: "$.detail.userIdentity.type",
  identity: "$.detail.userIdentity",
  principal: "$.detail.userIdentity.arn",
  sessionIssuer: "$.detail.userIdentity.sessionContext.sessionIssuer.arn",
  vpcEndpoint: "$.detail.vpcEndpointId",
  errorCode: "$.detail.errorCode",
  errorMessage: "$.detail.errorMessage",
  record: "$.detail",
  // CloudWatch "Alarm State Change" events (the metric path reaching API destinations).
  alarmName: "$.detail.alarmName",
  alarmArn: "$.resources[0]",
  alarmState: "$.detail.state.value",
  alarmPreviousState: "$.detail.previousState.value",
  alarmTime: "$.detail.state.timestamp",
  alarmReason: "$.detail.state.reason",
  eventAccount: "$.account",
  eventRegion: "$.region",
};

/**
 * Values a caller chooses (the user agent) or AWS writes as free prose (error messages, alarm reasons): they may
 * hold quotes, backslashes, newlines, any Unicode, so in JSON templates they stand only as whole values.
 */
export const FREE_TEXT_PLACEHOLDERS: ReadonlySet<string> = new Set(["userAgent", "errorMessage", "alarmReason"]);
/** Values that are JSON objects: inside a string EventBridge removes their quotes; as a value they are JSON. */
export const OBJECT_PLACEHOLDERS: ReadonlySet<string> = new Set(["request", "identity", "record"]);

/**
 * Values that never go to Slack or Teams. They are unbounded and caller-chosen: a PutKeyPolicy re-submitting a
 * 6 KB key policy would push a Slack section past "Maximum length for the text in this field is 3000 characters"
 * (https://api.slack.com/reference/block-kit/blocks#section), Slack refuses the message with a 4xx, and API
 * destinations do not retry a 4xx other than 401, 407, 409 and 429
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html): the alert is lost. And in
 * mrkdwn Slack reads `<!channel>` and `<url|text>` as a mention and a link unless "&, <, >" are escaped
 * (https://api.slack.com/reference/surfaces/formatting#escaping), which an input transformer cannot do. Chat
 * messages therefore show only values whose alphabet and length AWS bounds (names, ARNs, ids, times, regions),
 * as plain_text; the rest reaches PagerDuty and the webhook as whole JSON values.
 */
export const CHAT_UNSAFE_PLACEHOLDERS: ReadonlySet<string> = new Set([...FREE_TEXT_PLACEHOLDERS, ...OBJECT_PLACEHOLDERS]);

/** Throws if a chat template would carry an unbounded or caller-chosen value. */
function assertChatSafe(kind: string, template: string): void {
  const unsafe = placeholders(template).filter((p) => CHAT_UNSAFE_PLACEHOLDERS.has(p));
  if (unsafe.length > 0) throw new Error(`${kind} template carries unbounded caller-chosen values: ${unsafe.map((p) => `<${p}>`).join(", ")}`);
}

/** What chat says instead of the values it leaves out. */
const chatElsewhere = (m: AlertModel): string[] => {
  const labels = m.facts.filter((f) => f.raw).map((f) => f.label.toLowerCase());
  return labels.length === 0 ? [] : [`Not shown in chat (caller-chosen, unbounded): ${labels.join(", ")}; open the event (button) or see the PagerDuty or webhook alert.`];
};

export interface AlertMessageOptions {
  /** Console host for the event link, e.g. `us-east-1.console.aws.amazon.com`; `<awsRegion>` is substituted. */
  readonly consoleHost?: string;
  /** What the alert is about: reads of sensitive values (default), or changes to the trail and the monitoring. */
  readonly family?: AlertFamily;
  /**
   * The friendly name of the account the rule is pinned to (`organization.accountNames`), printed beside its id.
   * @default - the id only
   */
  readonly accountName?: string;
  /**
   * Add a link to the account in the AWS Organizations console, which shows its name and OU for any account of
   * the organization (the central account's messages; the read happened in another account).
   * @default false
   */
  readonly organizationAccountLink?: boolean;
  /** @default - `critical` for tamper and decoys, `high` for a successful read, `medium` for a refused one */
  readonly severity?: Severity;
}

/** One line of the message: a label and its text, or a free-text value printed as a whole. */
export interface AlertFact {
  readonly label: string;
  /** Template text (placeholders allowed inside strings); several lines continue the fact. */
  readonly lines?: readonly string[];
  /**
   * A free-text or object placeholder (FREE_TEXT_PLACEHOLDERS, OBJECT_PLACEHOLDERS), printed alone as a whole
   * value: in the e-mail, PagerDuty's custom_details and the webhook; never in Slack or Teams (see CHAT_UNSAFE_PLACEHOLDERS).
   */
  readonly raw?: string;
  /**
   * Whether every event the variant matches carries the raw value. A placeholder whose path is missing "won't
   * appear in the output", so a bare `"text": <userAgent>` would leave `"text": ,` — invalid JSON. Values that may
   * be missing are therefore placed only where an empty result stays valid (inside a JSON array). @default true
   */
  readonly guaranteed?: boolean;
}

/** Everything an alert says, destination-neutral. Templates use `<placeholder>`s of ALERT_INPUT_PATHS. */
export interface AlertModel {
  readonly severity: Severity;
  readonly headline: string;
  readonly facts: readonly AlertFact[];
  readonly link: { readonly text: string; readonly url: string };
  readonly footer: readonly string[];
  /**
   * PagerDuty incident key: one page per CloudTrail event and alert family (`read:<eventId>`, `decoy:<eventId>`),
   * or per alarm state change (`<alarmArn>/<state timestamp>`), however many retries deliver it.
   */
  readonly dedupKey: string;
  readonly timestamp: string;
  /** Where it happened, for PagerDuty's `source`. */
  readonly source: string;
  readonly component: string;
  readonly className: string;
  readonly group: string;
}

const TEXT = {
  read: {
    success: ["SENSITIVE READ: <eventName> returned a secret value", "success, the value was returned to the caller"],
    denied: ["DENIED READ ATTEMPT: <eventName> was refused", "DENIED with <errorCode>; nothing was returned, but someone tried"],
    footer: {
      success: [
        "If this read was expected, add the caller to allowedReaders for this secret; otherwise rotate the secret and",
        "review what else this principal did around that time (CloudTrail event history, same access key).",
      ],
      denied: [
        "Nothing was read. Check whether this principal should be touching secrets at all, and what else it tried",
        "around that time (CloudTrail event history filtered by the principal or access key).",
      ],
    },
  },
  decoy: {
    success: ["CRITICAL DECOY READ: <eventName> returned a decoy's value", "success, the decoy's value was returned to the caller"],
    denied: ["CRITICAL DECOY READ ATTEMPT: <eventName> on a decoy was refused", "DENIED with <errorCode>; nothing was returned, but someone went for a decoy"],
    footer: {
      success: [
        "No workload uses this secret: nobody should ever read it. Treat the caller's credentials as stolen: revoke",
        "its sessions and keys, then review everything it did (CloudTrail event history, same access key).",
      ],
      denied: [
        "No workload uses this secret: whoever asked for it was looking for secrets. Treat the caller's credentials",
        "as stolen and review what else it tried (CloudTrail event history, same access key).",
      ],
    },
  },
  tamper: {
    success: ["MONITORING CHANGED: <eventName> on <eventSource>", "the change was applied"],
    denied: ["MONITORING CHANGE REFUSED: <eventName> on <eventSource>", "DENIED with <errorCode>; nothing changed, but someone tried"],
    footer: {
      success: [
        "Unless this was a planned deployment (selfMonitoring.allowedChangers), the monitor may now be blind, silent or",
        "leaking: the call above changed the trail, its bucket or delivery role, the key, the log group, its metric",
        "filters, the alarms, the rules, the topics or their subscriptions, or the dead-letter queue.",
        "Check:   npm run verify (every link, with the fix); terraform plan shows the drift, terraform apply restores it.",
        "Then:    investigate this principal: what else did it do around this time (CloudTrail event history).",
      ],
      denied: [
        "Nothing changed, but someone tried to blind or silence the monitor (the refusal above names the resource).",
        "Check:   investigate this principal and what else it tried (CloudTrail event history, same access key).",
      ],
    },
  },
} as const;

/** The default severity of a variant: tamper and decoys critical, a returned value high, a refusal medium. */
export function defaultSeverity(outcome: "success" | "denied", family: AlertFamily = "read"): Severity {
  return family === "tamper" || family === "decoy" ? "critical" : outcome === "success" ? "high" : "medium";
}

/** The model of one alert variant: the single source every renderer below prints from. */
export function alertModel(v: AlertVariant, options: AlertMessageOptions = {}): AlertModel {
  const host = options.consoleHost ?? "<awsRegion>.console.aws.amazon.com";
  const family = options.family ?? "read";
  const text = TEXT[family];
  const [headline, result] = text[v.outcome];
  const who = {
    "role-session": ["<principal> (<identityType>)", "session issuer <sessionIssuer>"],
    principal: ["<principal> (<identityType>)"],
    "no-arn": ["no principal ARN in the record (identity type <identityType>)"],
    any: ["identity type <identityType>"],
  }[v.identity];
  // The whole userIdentity object only as a whole value (see Request below): a principal without an ARN. Trimmed
  // published samples lack it: a list of zero or one value.
  const identityFact: AlertFact[] = v.identity === "no-arn" || v.identity === "any" ? [{ label: "Caller", raw: "identity", guaranteed: false }] : [];
  const where = {
    "vpc-endpoint": "from <sourceIp> through VPC endpoint <vpcEndpoint>, region <awsRegion>, account <account>",
    public: "from <sourceIp> (public endpoint), region <awsRegion>, account <account>",
    any: "from <sourceIp>, region <awsRegion>, account <account>",
  }[v.network];
  const named = options.accountName === undefined ? where : where.replace("account <account>", `account <account> (${options.accountName})`);
  const orgHost = options.consoleHost ?? "console.aws.amazon.com";
  // The account in the AWS Organizations console: its name and OU, for any account of the organization.
  const accountLink = options.organizationAccountLink ? [{ label: "Account", lines: [`https://${orgHost}/organizations/v2/home/accounts/<account>`] }] : [];
  const facts: AlertFact[] = [
    { label: "Who", lines: who },
    { label: "What", lines: ["<eventName> on <eventSource>"] },
    // The request parameters are caller-chosen and unbounded (a PutKeyPolicy carries a whole key policy, up to
    // 32 KB): a whole JSON value, never text inside a string (EventBridge "removes any internal quotes" of an
    // object referenced inside a string). Possibly absent in a trimmed record: a list of zero or one value.
    { label: "Request", raw: "request", guaranteed: false },
    ...identityFact,
    { label: "When", lines: ["<eventTime> (UTC)"] },
    { label: "Where", lines: [named] },
    // CloudTrail records normally carry the caller's user agent, but a record without one exists among the
    // published samples (and a raw HTTP client can omit the header): not guaranteed.
    { label: "How", raw: "userAgent", guaranteed: false },
    { label: "Result", lines: [result] },
    // A refused call's record usually has no request parameters; the refusal names the resource instead.
    ...(v.errorMessage ? [{ label: "Refusal", raw: "errorMessage" }] : []),
    { label: "Event", lines: ["<eventId>"] },
    ...accountLink,
  ];
  return {
    severity: options.severity ?? defaultSeverity(v.outcome, family),
    headline,
    facts,
    link: { text: "Open in CloudTrail", url: `https://${host}/cloudtrail/home?region=<awsRegion>#/events/<eventId>` },
    footer: text.footer[v.outcome],
    // One incident per event and family: retries and overlapping rules of one family collapse, but a decoy read
    // that a read rule matches too keeps its own (critical) incident instead of joining the read's (high) one.
    dedupKey: `${family}:<eventId>`,
    timestamp: "<eventTime>",
    source: "aws:<account>:<awsRegion>",
    component: "<eventSource>",
    className: "<eventName>",
    group: "<account>",
  };
}

/**
 * The model of a CloudWatch alarm entering ALARM ("CloudWatch Alarm State Change" on the default bus): the metric
 * path's alarms reach the same destinations as the real-time rules.
 */
export function alarmModel(severity: Severity, options: { consoleHost?: string } = {}): AlertModel {
  const host = options.consoleHost ?? "<eventRegion>.console.aws.amazon.com";
  return {
    severity,
    headline: "ALARM: <alarmName>",
    facts: [
      { label: "Alarm", lines: ["<alarmName> went from <alarmPreviousState> to <alarmState>"] },
      { label: "When", lines: ["<alarmTime> (UTC)"] },
      { label: "Where", lines: ["region <eventRegion>, account <eventAccount>"] },
      { label: "Why", raw: "alarmReason" },
      { label: "Alarm ARN", lines: ["<alarmArn>"] },
    ],
    link: { text: "Open the alarm", url: `https://${host}/cloudwatch/home?region=<eventRegion>#alarmsV2:alarm/<alarmName>` },
    footer: [
      "The metric path counted matching CloudTrail records in the trail's log group; the real-time alerts and the",
      "alarm's history in the CloudWatch console show which records.",
    ],
    // One incident per transition into ALARM: retries of one state change collapse, a later one pages anew. With the
    // alarm ARN alone an acknowledged incident would swallow every later one ("While an incident is acknowledged,
    // it won't generate any additional notifications, even if it receives new trigger events", PagerDuty
    // developer docs, Events API v2 "Send an Alert Event"), and nothing here ever resolves it.
    dedupKey: "<alarmArn>/<alarmTime>",
    timestamp: "<alarmTime>",
    source: "aws:<eventAccount>:<eventRegion>",
    component: "cloudwatch",
    className: "<alarmName>",
    group: "<eventAccount>",
  };
}

// ---------------------------------------------------------------------------------------------------------
// Renderers

const LABEL_WIDTH = 9;

/** The e-mail text SNS delivers (a plain-text template). */
export function renderEmail(m: AlertModel): InputTransformerSpec {
  const factLines = m.facts.flatMap((f) => {
    const lines = f.raw ? [`<${f.raw}>`] : (f.lines ?? []);
    return lines.map((l, i) => `${i === 0 ? `${f.label}:`.padEnd(LABEL_WIDTH) : " ".repeat(LABEL_WIDTH)}${l}`);
  });
  const lines = [
    m.headline,
    "",
    ...factLines,
    `${"Open:".padEnd(LABEL_WIDTH)}${m.link.url}`,
    "",
    ...m.footer,
    `${"Rule:".padEnd(LABEL_WIDTH)}<aws.events.rule-name>`,
  ];
  return withPaths(lines.join("\n"));
}

/** Marks a free-text placeholder that must stand as a whole JSON value. */
interface Raw {
  readonly raw: string;
}
type JsonShape = unknown;

const factText = (f: AlertFact) => (f.lines ?? []).join(" — ");
const title = (m: AlertModel) => `${SEVERITY_LABEL[m.severity].word} · ${m.headline}`;
const rawOf = (f: AlertFact): Raw => ({ raw: f.raw! });
/** A fact as a JSON value: text, a free-text value, or (when it may be missing) a list of zero or one value. */
const factValue = (f: AlertFact): unknown => (!f.raw ? factText(f) : f.guaranteed === false ? [rawOf(f)] : rawOf(f));

/**
 * Slack incoming webhook message: `text` (the notification fallback) and blocks — a header, the bounded facts as
 * plain_text (no mrkdwn: nothing in the message can mention or link), a button to the event, and the next steps as
 * context. Unbounded values are left out (CHAT_UNSAFE_PLACEHOLDERS).
 */
export function renderSlack(m: AlertModel): InputTransformerSpec {
  const textFacts = m.facts.filter((f) => !f.raw);
  const blocks: JsonShape[] = [
    { type: "header", text: { type: "plain_text", text: `${SEVERITY_LABEL[m.severity].slackEmoji} ${title(m)}`, emoji: true } },
    { type: "section", text: { type: "plain_text", text: textFacts.map((f) => `${f.label}: ${factText(f)}`).join("\n"), emoji: false } },
    { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: m.link.text }, url: m.link.url }] },
    { type: "context", elements: [{ type: "plain_text", text: [...chatElsewhere(m), ...m.footer, "Rule: <aws.events.rule-name>"].join(" "), emoji: false }] },
  ];
  const spec = jsonSpec({ text: title(m), blocks });
  assertChatSafe("slack", spec.inputTemplate);
  return spec;
}

/**
 * Microsoft Teams, through a Workflows "When a Teams webhook request is received" flow (the successor of Office 365
 * connectors): a message whose attachment is an Adaptive Card (version 1.4) with a title, the bounded facts as a
 * FactSet, the next steps, and a button to the event. Unbounded values are left out (CHAT_UNSAFE_PLACEHOLDERS).
 */
export function renderTeams(m: AlertModel): InputTransformerSpec {
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      { type: "TextBlock", text: title(m), weight: "Bolder", size: "Large", color: SEVERITY_LABEL[m.severity].teamsColor, wrap: true },
      { type: "FactSet", facts: m.facts.filter((f) => !f.raw).map((f) => ({ title: f.label, value: factText(f) })) },
      { type: "TextBlock", text: [...chatElsewhere(m), ...m.footer, "Rule: <aws.events.rule-name>"].join(" "), wrap: true, isSubtle: true },
    ],
    actions: [{ type: "Action.OpenUrl", title: m.link.text, url: m.link.url }],
  };
  const spec = jsonSpec({ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] });
  assertChatSafe("teams", spec.inputTemplate);
  return spec;
}

/**
 * PagerDuty Events API v2 `trigger` event. The routing key is not here: the connection adds it as a secret body
 * parameter, so it stays with EventBridge.
 */
export function renderPagerDuty(m: AlertModel): InputTransformerSpec {
  const details: Record<string, JsonShape> = {};
  for (const f of m.facts) details[f.label.toLowerCase().replace(/\s+/g, "_")] = factValue(f);
  details.next_steps = m.footer.join(" ");
  details.rule = "<aws.events.rule-name>";
  return jsonSpec({
    event_action: "trigger",
    dedup_key: m.dedupKey,
    payload: {
      summary: title(m),
      source: m.source,
      severity: PAGERDUTY_SEVERITY[m.severity],
      timestamp: m.timestamp,
      component: m.component,
      group: m.group,
      class: m.className,
      custom_details: details,
    },
    links: [{ href: m.link.url, text: m.link.text }],
    client: "secret-access-monitor",
  });
}

/** A generic HTTPS webhook: the facts as named fields, plus the whole CloudTrail record when there is one. */
export function renderWebhook(m: AlertModel, options: { withRecord?: boolean } = {}): InputTransformerSpec {
  const facts: Record<string, JsonShape> = {};
  for (const f of m.facts) facts[f.label.toLowerCase().replace(/\s+/g, "_")] = factValue(f);
  return jsonSpec({
    schema: "secret-access-monitor.alert/1",
    severity: m.severity,
    title: m.headline,
    facts,
    link: m.link.url,
    dedup_key: m.dedupKey,
    next_steps: m.footer.join(" "),
    rule: "<aws.events.rule-name>",
    ...(options.withRecord ? { record: { raw: "record" } } : {}),
  });
}

/** The transformer of one destination kind. */
export function renderFor(kind: DestinationKind, m: AlertModel, options: { withRecord?: boolean } = {}): InputTransformerSpec {
  switch (kind) {
    case "slack":
      return renderSlack(m);
    case "teams":
      return renderTeams(m);
    case "pagerduty":
      return renderPagerDuty(m);
    case "webhook":
      return renderWebhook(m, options);
  }
}

/** The e-mail transformer of a read or tamper variant (what the SNS targets carry). */
export function alertTransformer(v: AlertVariant, options: AlertMessageOptions = {}): InputTransformerSpec {
  return renderEmail(alertModel(v, options));
}

const RAW_MARK = "@@raw@@";

/** Serialises a shape into a JSON input template: strings as literals, Raw markers as bare placeholders. */
function jsonSpec(shape: unknown): InputTransformerSpec {
  const text = JSON.stringify(shape, (_k, v) => (v && typeof v === "object" && "raw" in v && Object.keys(v).length === 1 ? `${RAW_MARK}${v.raw}` : v));
  const template = text.replace(new RegExp(`"${RAW_MARK}([A-Za-z0-9_.-]+)"`, "g"), "<$1>");
  const problems = jsonTemplateProblems(template);
  if (problems.length > 0) throw new Error(`alert template: ${problems.join("; ")}`);
  return withPaths(template);
}

/**
 * What is wrong with a JSON template for this project's values: free text inside a string literal (EventBridge
 * does not escape it), a placeholder used as an object key (the API refuses it), or a bare free-text or object
 * placeholder that is not a whole value.
 */
export function jsonTemplateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const use of placeholderUses(template)) {
    if (use.context === "string" && FREE_TEXT_PLACEHOLDERS.has(use.name)) problems.push(`<${use.name}> is free text inside a string literal; place it as a whole value`);
    if (use.context === "key") problems.push(`<${use.name}> is used as an object key`);
  }
  return problems;
}

function withPaths(inputTemplate: string): InputTransformerSpec {
  const used = placeholders(inputTemplate).filter((p) => !p.startsWith("aws.events."));
  const inputPaths: Record<string, string> = {};
  for (const p of used) {
    const path = ALERT_INPUT_PATHS[p];
    if (!path) throw new Error(`alert template uses <${p}> which has no input path`);
    inputPaths[p] = path;
  }
  return { inputPaths, inputTemplate };
}

/** The `<name>` placeholders of a template, in order of first use. */
export function placeholders(template: string): string[] {
  const names = [...template.matchAll(/<([A-Za-z0-9_.-]+)>/g)].map((m) => m[1]);
  return [...new Set(names)];
}
