import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Testing } from "cdktf";
import { evaluateRecord, RecordVerdict, stackModel, StackModel } from "../../src/engines/stack-model";
import { MonitorConfigInput } from "../../src/config/schema";
import { MonitoringStack } from "../../src/stacks/monitoring-stack";
import { config } from "../helpers";
import { synthesizedJson } from "../synth-cache";

/** The shared corpus of real CloudTrail records, beside the project; absent on machines without it. */
export const SHARED_FIXTURES = join(__dirname, "..", "..", "..", "shared", "fixtures", "cloudtrail");
export const OWN_FIXTURES = join(__dirname, "..", "fixtures", "cloudtrail");

/** The monitor's key as the fixtures name it: the ID and ARN Terraform would put where the stack references them. */
export const FIXTURE_ACCOUNT = "111122223333";
export const FIXTURE_KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
export const fixtureKeyArn = (region = "us-east-1") => `arn:aws:kms:${region}:${FIXTURE_ACCOUNT}:key/${FIXTURE_KEY_ID}`;

/**
 * The synthesized stack's JSON with the customer key's ID and ARN resolved, as `terraform apply` would: patterns
 * that scope by the key reference it (its ID exists only once created), and the fixtures name it by these values.
 */
export function synthesizedForReplay(overrides: Partial<MonitorConfigInput>): { tf: Record<string, any>; stack: MonitoringStack } {
  const cfg = config(overrides);
  let stack: MonitoringStack | undefined;
  return {
    tf: JSON.parse(resolveKey(synthesizedJson("replay", cfg), cfg.region)),
    // The constructs, built when a test first reads them.
    get stack() {
      return (stack ??= new MonitoringStack(Testing.app(), "replay", cfg));
    },
  };
}

/** Text with the customer key's references (`${aws_kms_key.X.key_id}`, `….arn}`) replaced by the fixtures' key. */
export function resolveKey(text: string, region = "us-east-1"): string {
  return text
    .replace(/\$\{aws_kms_key\.[A-Za-z0-9_-]+\.key_id\}/g, FIXTURE_KEY_ID)
    .replace(/\$\{aws_kms_key\.[A-Za-z0-9_-]+\.arn\}/g, fixtureKeyArn(region));
}

export function modelOf(overrides: Partial<MonitorConfigInput>): StackModel {
  return stackModel(synthesizedForReplay(overrides).tf);
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
