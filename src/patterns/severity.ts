/**
 * How urgent an alert is. One scale for every destination: e-mail subject lines, Slack/Teams headers and the
 * PagerDuty Events API v2 `payload.severity` are all derived from it, never chosen per destination.
 *
 * - `critical`: someone read a decoy secret, harvested many secrets in minutes, or changed the monitor itself;
 * - `high`: a secret value was returned to a principal nobody listed as an expected reader;
 * - `medium`: a read was attempted and refused.
 */
export type Severity = "critical" | "high" | "medium";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium"];

/**
 * PagerDuty Events API v2 `payload.severity` accepts exactly `critical`, `error`, `warning` and `info`
 * (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). `info` is left unused: every alert
 * here asks someone to look.
 */
export const PAGERDUTY_SEVERITY: Readonly<Record<Severity, "critical" | "error" | "warning">> = {
  critical: "critical",
  high: "error",
  medium: "warning",
};

/** How chat headers show the severity: a word every client renders, and the Adaptive Card colour of the title. */
export const SEVERITY_LABEL: Readonly<Record<Severity, { readonly word: string; readonly slackEmoji: string; readonly teamsColor: "Attention" | "Warning" | "Accent" }>> = {
  critical: { word: "CRITICAL", slackEmoji: ":rotating_light:", teamsColor: "Attention" },
  high: { word: "HIGH", slackEmoji: ":warning:", teamsColor: "Warning" },
  medium: { word: "MEDIUM", slackEmoji: ":large_yellow_circle:", teamsColor: "Accent" },
};

/** The most urgent of several severities (a rule that covers detections of different urgency pages as the worst). */
export function mostUrgent(severities: readonly Severity[]): Severity {
  for (const s of SEVERITIES) if (severities.includes(s)) return s;
  throw new Error("mostUrgent: no severity given");
}
