import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Testing } from "cdktf";
import { evaluateRecord, RecordVerdict, stackModel, StackModel } from "../../src/engines/stack-model";
import { MonitorConfigInput } from "../../src/config/schema";
import { MonitoringStack } from "../../src/stacks/monitoring-stack";
import { config } from "../helpers";

/** The shared corpus of real CloudTrail records, beside the project; absent on machines without it. */
export const SHARED_FIXTURES = join(__dirname, "..", "..", "..", "shared", "fixtures", "cloudtrail");
export const OWN_FIXTURES = join(__dirname, "..", "fixtures", "cloudtrail");

export function modelOf(overrides: Partial<MonitorConfigInput>): StackModel {
  const stack = new MonitoringStack(Testing.app(), "replay", config(overrides));
  return stackModel(JSON.parse(Testing.synth(stack)));
}

/** Every `*.json` record under a directory (expected.json excluded), keyed by relative path. */
export function records(dir: string): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".json") && name !== "expected.json") out.push([relative(dir, p), JSON.parse(readFileSync(p, "utf8"))]);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export type Verdict = "read" | "denied" | "none";

/** Both paths' verdicts: the metric path (filters) and the real-time path (rules). */
export function verdicts(v: RecordVerdict): { metric: Verdict; realtime: Verdict } {
  const metricDenied = v.metrics.some((m) => m.endsWith("-denied-reads"));
  const metricRead = v.metrics.some((m) => !m.endsWith("-denied-reads"));
  const rtDenied = v.rules.some((r) => r.rule.includes("-denied-"));
  const rtRead = v.rules.some((r) => r.rule.includes("-read-"));
  const pick = (read: boolean, denied: boolean): Verdict => (read && denied ? ("both" as never) : read ? "read" : denied ? "denied" : "none");
  return { metric: pick(metricRead, metricDenied), realtime: pick(rtRead, rtDenied) };
}

export { evaluateRecord };
