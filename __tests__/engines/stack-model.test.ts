import { record as generated } from "../../scripts/generate-trail";
import { evaluateRecord, recordRelevance, stackModel } from "../../src/engines/stack-model";
import { MonitorConfigInput } from "../../src/config/schema";
import { config } from "../helpers";
import { synthesizedJson } from "../synth-cache";
import { OWN_FIXTURES, records } from "../patterns/replay";

const modelOf = (overrides: Partial<MonitorConfigInput>) => stackModel(JSON.parse(synthesizedJson("relevance", config(overrides))));

describe("recordRelevance: the records the quick scan may skip", () => {
  // Every record the project knows, a realistic day's mix, and each of them under every eventName the model pins.
  const corpus = [...records(OWN_FIXTURES).map(([, r]) => r), ...Array.from({ length: 2000 }, (_, i) => generated(i * 37, 100_000) as Record<string, unknown>)];

  test.each([
    ["default", {}],
    ["self-monitoring off", { selfMonitoring: { enabled: false } }],
    ["denied reads and real-time alerts off", { deniedReads: { enabled: false }, realtimeAlerts: { enabled: false } }],
  ] as [string, Partial<MonitorConfigInput>][])("a record it rules out matches no filter and no rule (%s)", (_name, overrides) => {
    const model = modelOf(overrides);
    const relevance = recordRelevance(model)!;
    expect(relevance).toBeDefined();
    // Evaluated in full: the same model without the sets evaluateRecord itself uses to skip records.
    const unpinned = { ...model, relevantEventSources: undefined, relevantEventNames: undefined };
    const names = [...(model.relevantEventNames ?? []), "DescribeInstances", "Decrypt"];
    const sources = [...(model.relevantEventSources ?? []), "ec2.amazonaws.com", "kms.amazonaws.com"];
    let ruledOut = 0;
    for (const base of corpus) {
      for (const variant of [base, { ...base, eventName: names[ruledOut % names.length] }, { ...base, eventSource: sources[ruledOut % sources.length] }]) {
        if (relevance(String(variant.eventSource), String(variant.eventName))) continue;
        ruledOut++;
        const v = evaluateRecord(unpinned, variant);
        expect({ filters: v.filters, rules: v.rules }).toEqual({ filters: [], rules: [] });
      }
    }
    expect(ruledOut).toBeGreaterThan(1000);
  });

  test("with the CIS alarms, whose root-usage and unauthorized-call filters pin no eventSource or eventName, every record is parsed", () => {
    const model = modelOf({ cisAlarms: { enabled: true } });
    expect(recordRelevance(model)).toBeUndefined();
  });

  test("a record it keeps can match: each pinned eventName is kept for some pinned eventSource", () => {
    const model = modelOf({});
    const relevance = recordRelevance(model)!;
    for (const name of model.relevantEventNames!) expect([...model.relevantEventSources!].some((s) => relevance(s, name))).toBe(true);
    expect(relevance("secretsmanager.amazonaws.com", "GetSecretValue")).toBe(true);
    expect(relevance("secretsmanager.amazonaws.com", "DescribeSecret")).toBe(false);
    expect(relevance("ec2.amazonaws.com", "GetSecretValue")).toBe(false);
  });
});
