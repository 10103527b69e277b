import { Testing } from "cdktf";
import { parseConfig } from "../src/config/load";
import { MonitorConfig, MonitorConfigInput } from "../src/config/schema";
import { MonitoringStack } from "../src/stacks/monitoring-stack";

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

/** Synthesizes the monitoring stack once; call from beforeAll, not per test. */
export function synthMonitoring(overrides: Partial<MonitorConfigInput> = {}): Synthesized {
  const app = Testing.app();
  const stack = new MonitoringStack(app, "test", config(overrides));
  const json = Testing.synth(stack);
  return { json, tf: JSON.parse(json), stack };
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
