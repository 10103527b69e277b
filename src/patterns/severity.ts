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
