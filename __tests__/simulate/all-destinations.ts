import { MonitorConfigInput } from "../../src/config/schema";

/** Every destination on, the metric path's alarms routed too, and a Slack channel for the chat application. */
export const ALL_DESTINATIONS: Partial<MonitorConfigInput> = {
  destinations: {
    slack: { enabled: true },
    teams: { enabled: true },
    pagerduty: { enabled: true },
    webhook: { enabled: true, auth: "api-key", headerName: "X-Api-Key" },
    chatbot: { slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCD" } },
  },
};
