/**
 * Renders an EventBridge input transformer (input paths + template) for an event: the text SNS delivers.
 * A path missing from the event creates no variable, and its placeholder renders as nothing (EventBridge:
 * "won't appear in the output"). Strings are inserted as they are in plain-text templates, quoted in JSON
 * templates; objects and arrays as compact JSON. Pure: no cdktf imports.
 */
type Json = unknown;

export interface RenderContext {
  readonly ruleName?: string;
  readonly ruleArn?: string;
  readonly ingestionTime?: string;
}

export interface Rendered {
  readonly text: string;
  /** Placeholders that had no value (path missing from the event, or not in the paths map). */
  readonly missing: string[];
}

/** Reads a JSON path in EventBridge's dot notation (`$.detail.a`, `$.resources[0]`). */
export function readPath(event: Json, path: string): Json | undefined {
  if (path === "$") return event;
  if (!path.startsWith("$.")) throw new Error(`input path ${path} must start with $.`);
  let node: Json = event;
  for (const raw of path.slice(2).split(".")) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(raw);
    if (!m) throw new Error(`input path ${path}: unsupported segment ${raw}`);
    node = typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, Json>)[m[1]] : undefined;
    for (const idx of m[2].match(/\d+/g) ?? []) node = Array.isArray(node) ? node[Number(idx)] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

export function renderInputTransformer(
  inputPaths: Record<string, string>,
  template: string,
  event: Json,
  ctx: RenderContext = {},
): Rendered {
  const vars = new Map<string, Json>();
  for (const [name, path] of Object.entries(inputPaths)) {
    const v = readPath(event, path);
    if (v !== undefined) vars.set(name, v);
  }
  const e = event as Record<string, Json>;
  if (ctx.ruleName !== undefined) vars.set("aws.events.rule-name", ctx.ruleName);
  if (ctx.ruleArn !== undefined) vars.set("aws.events.rule-arn", ctx.ruleArn);
  vars.set("aws.events.event.ingestion-time", ctx.ingestionTime ?? (e?.time as string) ?? "");
  const { detail: _detail, ...withoutDetail } = (e ?? {}) as Record<string, Json>;
  vars.set("aws.events.event", withoutDetail);
  vars.set("aws.events.event.json", event);
  const jsonTemplate = /^\s*[{["]/.test(template);
  const missing: string[] = [];
  let inString = false;
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (jsonTemplate && c === '"' && template[i - 1] !== "\\") inString = !inString;
    const m = c === "<" ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (!m) {
      out += c;
      continue;
    }
    i += m[0].length - 1;
    if (!vars.has(m[1])) {
      missing.push(m[1]);
      continue;
    }
    const v = vars.get(m[1]);
    out += typeof v === "string" ? (jsonTemplate && !inString ? JSON.stringify(v) : v) : JSON.stringify(v);
  }
  return { text: out, missing };
}
