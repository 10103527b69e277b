/**
 * Builders for CloudWatch Logs JSON filter patterns (the text of `aws_cloudwatch_log_metric_filter.pattern`).
 * Pure string helpers, no cdktf: the same terms are evaluated offline by the filter-pattern engine.
 */

/** CloudWatch Logs rejects filter patterns longer than this (PutMetricFilter `filterPattern`). */
export const MAX_FILTER_PATTERN_LENGTH = 1024;
/** Metric filters per log group (CloudWatch Logs quota, not adjustable). */
export const MAX_METRIC_FILTERS_PER_LOG_GROUP = 100;

/** A term inside `{ … }`; composed with `and`/`or` and wrapped by `jsonPattern`. */
export type Term = string;

/** Quotes a string value: CloudWatch needs quotes around anything that is not alphanumeric. */
export function quote(value: string): string {
  if (value.includes('"')) throw new Error(`filter pattern values cannot contain a double quote: ${value}`);
  return `"${value}"`;
}

// Comparisons are atoms; every compound term is parenthesized by `and`/`or`, so atoms need no parentheses
// (and the 1024-character limit leaves more room for secrets and allow-lists).
export const eq = (selector: string, value: string): Term => `${selector} = ${quote(value)}`;
export const ne = (selector: string, value: string): Term => `${selector} != ${quote(value)}`;
export const notExists = (selector: string): Term => `${selector} NOT EXISTS`;
/** CloudWatch has no EXISTS operator: `= "*"` matches any present string value. */
export const exists = (selector: string): Term => `${selector} = "*"`;
export const isTrue = (selector: string): Term => `${selector} IS TRUE`;

export function and(...terms: Term[]): Term {
  const kept = terms.filter((t) => t !== "");
  if (kept.length === 0) return "";
  if (kept.length === 1) return kept[0];
  return `(${kept.join(" && ")})`;
}

export function or(...terms: Term[]): Term {
  const kept = terms.filter((t) => t !== "");
  if (kept.length === 0) return "";
  if (kept.length === 1) return kept[0];
  return `(${kept.join(" || ")})`;
}

export function anyOf(selector: string, values: readonly string[]): Term {
  return or(...values.map((v) => eq(selector, v)));
}

/** Wraps a term as a JSON filter pattern, dropping the redundant outer parentheses. */
export function jsonPattern(term: Term): string {
  const inner = term.startsWith("(") && balancedOuter(term) ? term.slice(1, -1) : term;
  return `{ ${inner} }`;
}

/** `and(common…, or(rest of each alternative…))`: hoists terms every alternative shares, to keep patterns short. */
export function factoredOr(alternatives: readonly (readonly Term[])[]): Term {
  const kept = alternatives.map((a) => a.filter((t) => t !== ""));
  const common = kept[0].filter((t) => kept.every((a) => a.includes(t)));
  const rest = kept.map((a) => and(...a.filter((t) => !common.includes(t))));
  if (rest.some((r) => r === "" || r === "()")) return and(...common);
  return and(...common, or(...rest));
}

function balancedOuter(term: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < term.length; i++) {
    const c = term[i];
    if (c === '"') inString = !inString;
    if (inString) continue;
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (depth === 0 && i < term.length - 1) return false;
  }
  return true;
}
