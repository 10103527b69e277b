import { Testing } from "cdktf";
import { parseConfig } from "../src/config/load";
import { MonitorConfig, MonitorConfigInput } from "../src/config/schema";
import { MonitoringStack } from "../src/stacks/monitoring-stack";
import { synthesizedJson } from "./synth-cache";

/** The smallest valid configuration; tests override what they are about. */
export const BASE_CONFIG: MonitorConfigInput = {
  region: "us-east-1",
  namePrefix: "sam",
  suffix: "test0001",
  alertEmails: ["oncall@example.com"],
};

export function config(overrides: Partial<MonitorConfigInput> = {}): MonitorConfig {
  return parseConfig({ ...BASE_CONFIG, ...overrides });
}

export interface Synthesized {
  /** The JSON string the cdktf matchers take. */
  readonly json: string;
  readonly tf: TerraformJson;
  readonly stack: MonitoringStack;
}

export interface TerraformJson {
  resource: Record<string, Record<string, Record<string, any>>>;
  variable: Record<string, Record<string, any>>;
  output: Record<string, Record<string, any>>;
  terraform: Record<string, any>;
  provider: Record<string, any>;
}

/**
 * The monitoring stack synthesized (once per configuration and run: see synth-cache.ts); call from beforeAll, not
 * per test. `stack`, the constructs themselves, is built when a test first reads it.
 */
export function synthMonitoring(overrides: Partial<MonitorConfigInput> = {}): Synthesized {
  const cfg = config(overrides);
  const json = synthesizedJson("test", cfg);
  let stack: MonitoringStack | undefined;
  return {
    json,
    tf: JSON.parse(json),
    get stack() {
      return (stack ??= new MonitoringStack(Testing.app(), "test", cfg));
    },
  };
}

/** All resources of one type, as an array of their configurations. */
export function resources(tf: TerraformJson, type: string): Record<string, any>[] {
  return Object.values(tf.resource[type] ?? {});
}

/** The single resource of a type; fails when there is not exactly one. */
export function only(tf: TerraformJson, type: string): Record<string, any> {
  const all = resources(tf, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
}

export function statement(policyJson: string, sid: string): Record<string, any> {
  const found = JSON.parse(policyJson).Statement.find((s: { Sid: string }) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid} in ${policyJson}`);
  return found;
}

/** The first argument the cdktf matchers take: anything with a static `tfResourceType`. */
export function tfType(type: string): never {
  return { tfResourceType: type } as never;
}

/** The single resource of a type whose `name` (or `nameField`) is `name`; fails when there is not exactly one. */
export function named(tf: TerraformJson, type: string, name: string, nameField = "name"): Record<string, any> {
  const all = resources(tf, type).filter((r) => r[nameField] === name);
  if (all.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${all.length}`);
  return all[0];
}

/** The alert topic (`<prefix>-alerts`) and the health topic (`<prefix>-health`) of the test stack (`sam-test0001`). */
export const alertTopic = (tf: TerraformJson, prefix = "sam-test0001") => named(tf, "aws_sns_topic", `${prefix}-alerts`);
export const healthTopic = (tf: TerraformJson, prefix = "sam-test0001") => named(tf, "aws_sns_topic", `${prefix}-health`);

/** The policy (aws_sns_topic_policy) of the topic named `topicName`. */
export function topicPolicyOf(tf: TerraformJson, topicName: string): Record<string, any> {
  const [key] = Object.entries(tf.resource.aws_sns_topic ?? {}).find(([, t]) => t.name === topicName) ?? [];
  if (!key) throw new Error(`no topic named ${topicName}`);
  return named(tf, "aws_sns_topic_policy", `\${aws_sns_topic.${key}.arn}`, "arn");
}

/** The resource key of the single resource of a type whose `name` is `name`, for `${type.key.attr}` references. */
export function keyOf(tf: TerraformJson, type: string, name: string): string {
  const keys = Object.entries(tf.resource[type] ?? {}).filter(([, r]) => r.name === name).map(([k]) => k);
  if (keys.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${keys.length}`);
  return keys[0];
}
