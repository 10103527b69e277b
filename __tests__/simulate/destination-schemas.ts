/**
 * Each destination's published payload schema and limits, as checks: a payload that any of these would refuse is
 * an alert that never arrives (EventBridge sends it to the dead-letter queue after a 4xx). Every limit cites its page.
 */

type Obj = Record<string, any>;

const PLACEHOLDER = /<[A-Za-z0-9_.-]+>/;

/** Problems common to every payload: a blank string, or a literal `<placeholder>` left by a missing value. */
export function blankOrPlaceholder(value: unknown, path = "$"): string[] {
  if (typeof value === "string") {
    if (value.trim() === "") return [`${path} is blank`];
    if (PLACEHOLDER.test(value)) return [`${path} holds a literal placeholder: ${value.match(PLACEHOLDER)![0]}`];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => blankOrPlaceholder(v, `${path}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => blankOrPlaceholder(v, `${path}.${k}`));
  return [];
}

const len = (s: unknown) => (typeof s === "string" ? [...s].length : 0);
const isString = (s: unknown): s is string => typeof s === "string";

function textObject(t: Obj | undefined, path: string, max: number, types = ["plain_text", "mrkdwn"]): string[] {
  const p: string[] = [];
  if (!t || typeof t !== "object") return [`${path} is missing`];
  if (!types.includes(t.type)) p.push(`${path}.type ${t.type} is not ${types.join(" or ")}`);
  // Text object: "text … The minimum length is 1 and maximum length is 3000 characters."
  // (https://docs.slack.dev/reference/block-kit/composition-objects/text-object)
  if (!isString(t.text) || len(t.text) < 1) p.push(`${path}.text must be a non-empty string`);
  else if (len(t.text) > max) p.push(`${path}.text has ${len(t.text)} characters, at most ${max}`);
  return p;
}

/**
 * Slack incoming webhook message with blocks.
 * - "You can include up to 50 blocks in each message" (https://docs.slack.dev/reference/block-kit/blocks).
 * - Header block: "Maximum length for the text in this field is 150 characters" (https://docs.slack.dev/reference/block-kit/blocks/header-block).
 * - Section block: text "Maximum length for the text in this field is 3000 characters"; fields "Maximum number of items
 *   is 10. Maximum length for the text in each item is 2000 characters" (https://api.slack.com/reference/block-kit/blocks#section).
 * - Context block: elements "Maximum number of items is 10" (https://docs.slack.dev/reference/block-kit/blocks/context-block).
 * - Button: text "Maximum length for the text in this field is 75 characters"; url "Maximum length … 3000 characters"
 *   (https://docs.slack.dev/reference/block-kit/block-elements/button-element).
 * - `text` is the notification fallback when blocks are used (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks).
 */
export function slackProblems(m: Obj): string[] {
  const p: string[] = [];
  if (!isString(m.text) || m.text.length === 0) p.push("text (the notification fallback) is missing");
  if (!Array.isArray(m.blocks) || m.blocks.length === 0) return [...p, "blocks missing"];
  if (m.blocks.length > 50) p.push(`${m.blocks.length} blocks, at most 50`);
  m.blocks.forEach((b: Obj, i: number) => {
    const at = `blocks[${i}]`;
    switch (b.type) {
      case "header":
        p.push(...textObject(b.text, `${at}.text`, 150, ["plain_text"]));
        break;
      case "section":
        if (!b.text && !b.fields) p.push(`${at} has neither text nor fields`);
        if (b.text) p.push(...textObject(b.text, `${at}.text`, 3000));
        if (b.fields) {
          if (!Array.isArray(b.fields) || b.fields.length > 10) p.push(`${at}.fields must be at most 10 items`);
          else b.fields.forEach((f: Obj, j: number) => p.push(...textObject(f, `${at}.fields[${j}]`, 2000)));
        }
        break;
      case "context":
        if (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > 10) p.push(`${at}.elements must be 1 to 10 items`);
        else b.elements.forEach((e: Obj, j: number) => p.push(...textObject(e, `${at}.elements[${j}]`, 3000)));
        break;
      case "actions":
        if (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > 25) p.push(`${at}.elements must be 1 to 25 items`);
        else
          b.elements.forEach((e: Obj, j: number) => {
            if (e.type !== "button") p.push(`${at}.elements[${j}] is not a button`);
            p.push(...textObject(e.text, `${at}.elements[${j}].text`, 75, ["plain_text"]));
            if (!isString(e.url) || !/^https:\/\//.test(e.url) || e.url.length > 3000) p.push(`${at}.elements[${j}].url must be an https URL of at most 3000 characters`);
          });
        break;
      default:
        p.push(`${at}.type ${b.type} is not one this project sends`);
    }
  });
  return p;
}

/**
 * Microsoft Teams (Workflows "When a Teams webhook request is received", the successor of Office 365 connectors):
 * "The `"type"` field must be `"message"`. The `"attachments"` array contains a set of card objects. The
 * `"contentType"` field must be set to adaptive card type. The `"content"` object is the card formatted in JSON."
 * (MicrosoftDocs/msteams-docs, webhooks-and-connectors/how-to/connectors-using.md, "Send adaptive cards using an
 * incoming webhook"). Card: `type` "AdaptiveCard", a `version`, `body` elements (TextBlock `text` string; FactSet
 * `facts` of `{title, value}` strings), actions Action.OpenUrl with `title` and `url`
 * (http://adaptivecards.io/schemas/adaptive-card.json; "The supported Actions are Action.OpenURL, …").
 */
export function teamsProblems(m: Obj): string[] {
  const p: string[] = [];
  if (m.type !== "message") p.push('type must be "message"');
  if (!Array.isArray(m.attachments) || m.attachments.length !== 1) return [...p, "attachments must hold the card"];
  const a = m.attachments[0];
  if (a.contentType !== "application/vnd.microsoft.card.adaptive") p.push("attachments[0].contentType must be application/vnd.microsoft.card.adaptive");
  const c = a.content ?? {};
  if (c.type !== "AdaptiveCard") p.push('content.type must be "AdaptiveCard"');
  if (!/^1\.[0-5]$/.test(String(c.version))) p.push(`content.version ${c.version} is not an Adaptive Card version Teams renders (1.0–1.5)`);
  if (!Array.isArray(c.body) || c.body.length === 0) p.push("content.body is empty");
  for (const [i, el] of (c.body ?? []).entries()) {
    if (el.type === "TextBlock") {
      if (!isString(el.text) || el.text.length === 0) p.push(`body[${i}].text must be a non-empty string`);
    } else if (el.type === "FactSet") {
      if (!Array.isArray(el.facts) || el.facts.length === 0) p.push(`body[${i}].facts is empty`);
      for (const [j, f] of (el.facts ?? []).entries()) {
        if (!isString(f.title) || !isString(f.value)) p.push(`body[${i}].facts[${j}] must have string title and value`);
      }
    } else if (el.type === "RichTextBlock") {
      // "inlines … Array of TextRun | string, Required" (Adaptive Card schema, RichTextBlock, version 1.2).
      if (!Array.isArray(el.inlines) || !el.inlines.every(isString)) p.push(`body[${i}].inlines must be an array of strings`);
    } else p.push(`body[${i}].type ${el.type} is not one this project sends`);
  }
  for (const [i, act] of (c.actions ?? []).entries()) {
    if (act.type !== "Action.OpenUrl" || !isString(act.title) || !isString(act.url) || !/^https:\/\//.test(act.url)) p.push(`actions[${i}] must be an Action.OpenUrl with a title and an https url`);
  }
  return p;
}

/**
 * PagerDuty Events API v2, "Send an Alert Event" (PagerDuty/developer-docs, docs/events-API-v2/02-Trigger-Events.md):
 * `routing_key` **Required** "the 32 character Integration Key"; `event_action` **Required** "Can be `trigger`,
 * `acknowledge` or `resolve`"; `dedup_key` "The maximum permitted length of this property is 255 characters";
 * `payload.summary` **Required** "The maximum permitted length of this property is 1024 characters";
 * `payload.source` **Required**; `payload.severity` **Required** "This can be `critical`, `error`, `warning` or
 * `info`"; `links` objects with `href` (required) and `text`.
 */
export function pagerDutyProblems(m: Obj): string[] {
  const p: string[] = [];
  if (!isString(m.routing_key) || m.routing_key.length === 0) p.push("routing_key is required");
  if (!["trigger", "acknowledge", "resolve"].includes(m.event_action)) p.push(`event_action ${m.event_action} is not trigger, acknowledge or resolve`);
  if (m.dedup_key !== undefined && (!isString(m.dedup_key) || m.dedup_key.length > 255)) p.push("dedup_key must be a string of at most 255 characters");
  const pl = m.payload ?? {};
  if (!isString(pl.summary) || pl.summary.length === 0 || pl.summary.length > 1024) p.push("payload.summary must be 1 to 1024 characters");
  if (!isString(pl.source) || pl.source.length === 0) p.push("payload.source is required");
  if (!["critical", "error", "warning", "info"].includes(pl.severity)) p.push(`payload.severity ${pl.severity} is not critical, error, warning or info`);
  if (pl.timestamp !== undefined && Number.isNaN(Date.parse(pl.timestamp))) p.push(`payload.timestamp ${pl.timestamp} is not a timestamp`);
  if (pl.custom_details !== undefined && (typeof pl.custom_details !== "object" || Array.isArray(pl.custom_details))) p.push("payload.custom_details must be an object");
  for (const [i, l] of (m.links ?? []).entries()) if (!isString(l.href) || !/^https:\/\//.test(l.href)) p.push(`links[${i}].href must be an https URL`);
  return p;
}

/** This project's own webhook format (README, "Destinations"): the facts by name, severity on the shared scale. */
export function webhookProblems(m: Obj): string[] {
  const p: string[] = [];
  if (m.schema !== "secret-access-monitor.alert/1") p.push("schema must be secret-access-monitor.alert/1");
  if (!["critical", "high", "medium"].includes(m.severity)) p.push(`severity ${m.severity} is not on the shared scale`);
  for (const k of ["title", "link", "dedup_key", "rule"]) if (!isString(m[k]) || m[k].length === 0) p.push(`${k} is required`);
  if (!m.facts || typeof m.facts !== "object") p.push("facts is required");
  return p;
}

export const PROBLEMS: Record<string, (m: Obj) => string[]> = {
  slack: slackProblems,
  teams: teamsProblems,
  pagerduty: pagerDutyProblems,
  webhook: webhookProblems,
};
