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

/** What a metric or rule name is about, from the names the stack gives them. */
export function familyOfMetric(name: string): "read" | "denied" | "change" | "cis" {
  if (name.endsWith("-denied-reads")) return "denied";
  if (name.endsWith("-monitoring-changes")) return "change";
  if (name.includes("-cis-")) return "cis";
  return "read";
}

export function familyOfRule(name: string): "read" | "denied" | "change" {
  if (name.includes("-change-")) return "change";
  return name.includes("-denied-") ? "denied" : "read";
}

/** Both paths' verdicts on sensitive reads: the metric path (filters) and the real-time path (rules). */
export function verdicts(v: RecordVerdict): { metric: Verdict; realtime: Verdict } {
  const metric = v.metrics.map(familyOfMetric);
  const rules = v.rules.map((r) => familyOfRule(r.rule));
  const pick = (fams: string[]): Verdict => {
    const read = fams.includes("read");
    const denied = fams.includes("denied");
    return read && denied ? ("both" as never) : read ? "read" : denied ? "denied" : "none";
  };
  return { metric: pick(metric), realtime: pick(rules) };
}

/** Whether a record raised a monitoring-change alert on each path. */
export function changeVerdicts(v: RecordVerdict): { metric: boolean; realtime: boolean } {
  return { metric: v.metrics.some((m) => familyOfMetric(m) === "change"), realtime: v.rules.some((r) => familyOfRule(r.rule) === "change") };
}

export { evaluateRecord };
