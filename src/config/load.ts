import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ZodError } from "zod";
import { configSchema, MonitorConfig } from "./schema";

/** A configuration problem, already phrased as one line per bad field. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "ConfigError";
  }
}

export const DEFAULT_CONFIG_FILE = "monitor.config.json";

/**
 * Environment variables that override single fields of the file, so a pipeline can switch variants without
 * editing JSON. Each maps to the field it sets; values are parsed as described.
 */
export const ENV_OVERRIDES: Record<string, { field: string; parse: (v: string) => unknown }> = {
  MONITOR_REGION: { field: "region", parse: (v) => v },
  MONITOR_NAME_PREFIX: { field: "namePrefix", parse: (v) => v },
  MONITOR_SUFFIX: { field: "suffix", parse: (v) => v },
  MONITOR_ALERT_EMAILS: {
    field: "alertEmails",
    parse: (v) => v.split(",").map((s) => s.trim()).filter((s) => s !== ""),
  },
  MONITOR_BACKEND: { field: "backend", parse: (v) => (v === "local" ? { type: "local" } : { type: v }) },
};

/**
 * Reads the configuration: the JSON file named by `MONITOR_CONFIG` (default `monitor.config.json` in the working
 * directory, optional), then the `MONITOR_*` overrides, validated by the schema. Throws ConfigError.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): MonitorConfig {
  const explicitFile = env.MONITOR_CONFIG;
  const file = resolve(cwd, explicitFile ?? DEFAULT_CONFIG_FILE);
  const source = explicitFile ?? DEFAULT_CONFIG_FILE;
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new ConfigError([`${source}: not valid JSON: ${(err as Error).message}`]);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError([`${source}: must contain a JSON object`]);
    }
    raw = parsed as Record<string, unknown>;
  } else if (explicitFile !== undefined) {
    throw new ConfigError([`MONITOR_CONFIG: file ${explicitFile} does not exist`]);
  }
  const fileFound = existsSync(file);
  /** Top-level field → the environment variable that set it, so an error names the variable, not the file. */
  const fromEnv = new Map<string, string>();
  for (const [name, { field, parse }] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== "") {
      fromEnv.set(field, name);
      // A backend override keeps the file's other backend settings when the type stays the same.
      const current = raw[field];
      const next = parse(value);
      raw[field] =
        field === "backend" && typeof current === "object" && current !== null && (current as { type?: string }).type === (next as { type: string }).type
          ? current
          : next;
    }
  }
  try {
    return parseConfig(raw, source, fromEnv);
  } catch (err) {
    // Without any file, "alertEmails: is required" would send the user looking for a field of a file they lack.
    if (err instanceof ConfigError && !fileFound) {
      throw new ConfigError([
        `${DEFAULT_CONFIG_FILE}: not found in ${cwd}; create it, e.g. {"alertEmails": ["oncall@example.com"]} (README, Configuration), or name one with MONITOR_CONFIG`,
      ]);
    }
    throw err;
  }
}

/**
 * Validates an already-parsed configuration object; `source` names it in error lines, except for top-level
 * fields listed in `fromEnv`, whose lines name the environment variable that set them.
 */
export function parseConfig(raw: unknown, source = "config", fromEnv: ReadonlyMap<string, string> = new Map()): MonitorConfig {
  try {
    return configSchema.parse(raw);
  } catch (err) {
    if (err instanceof ZodError) throw new ConfigError(formatIssues(err, source, fromEnv));
    throw err;
  }
}

function formatIssues(err: ZodError, source: string, fromEnv: ReadonlyMap<string, string>): string[] {
  return err.issues.map((issue) => {
    const variable = typeof issue.path[0] === "string" ? fromEnv.get(issue.path[0]) : undefined;
    const path = issue.path
      .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`))
      .join("");
    let message = issue.message;
    if (issue.code === "unrecognized_keys") message = `unknown field(s) ${issue.keys.join(", ")}`;
    if (issue.code === "invalid_type" && issue.received === "undefined") message = "is required";
    else if (issue.code === "invalid_type") message = `must be ${issue.expected}, got ${issue.received}`;
    if (variable) return `${variable}: ${issue.path.length > 1 ? `${path}: ` : ""}${message}`;
    return `${source}: ${path || "(top level)"}: ${message}`;
  });
}
