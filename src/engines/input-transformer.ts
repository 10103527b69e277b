/**
 * Renders an EventBridge input transformer (input paths + template) for an event: the text SNS delivers, or the
 * JSON body an API destination receives.
 * A path missing from the event creates no variable, and its placeholder renders as nothing (EventBridge:
 * "won't appear in the output"). How each value is written depends on where its placeholder stands: see
 * PlaceholderContext. Pure: no cdktf imports.
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

/** One step of an input path: a key, then array indices. */
type PathStep = { readonly key: string; readonly indices: readonly number[] };

/**
 * An input path split into steps once (a rule renders it for every event it matches); a path this cannot read
 * throws when it is read, as readPath does.
 */
function compilePath(path: string): (event: Json) => Json | undefined {
  if (path === "$") return (event) => event;
  let steps: PathStep[];
  try {
    if (!path.startsWith("$.")) throw new Error(`input path ${path} must start with $.`);
    steps = path
      .slice(2)
      .split(".")
      .map((raw) => {
        const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(raw);
        if (!m) throw new Error(`input path ${path}: unsupported segment ${raw}`);
        return { key: m[1], indices: (m[2].match(/\d+/g) ?? []).map(Number) };
      });
  } catch (err) {
    return () => {
      throw err;
    };
  }
  return (event) => {
    let node: Json = event;
    for (const { key, indices } of steps) {
      node = typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, Json>)[key] : undefined;
      for (const idx of indices) node = Array.isArray(node) ? node[idx] : undefined;
      if (node === undefined) return undefined;
    }
    return node;
  };
}

/** Reads a JSON path in EventBridge's dot notation (`$.detail.a`, `$.resources[0]`). */
export function readPath(event: Json, path: string): Json | undefined {
  return compilePath(path)(event);
}

/** A template's text between placeholders, and each placeholder with where it stands (see PlaceholderContext). */
type TemplatePart = string | { readonly name: string; readonly context: PlaceholderContext };

/** Variables EventBridge predefines; they take precedence over input paths of the same name. */
const PREDEFINED = new Set(["aws.events.rule-name", "aws.events.rule-arn", "aws.events.event.ingestion-time", "aws.events.event", "aws.events.event.json"]);

/**
 * An input transformer compiled once: its paths split, its template cut into text and placeholders. Rendering an
 * event then reads only the paths and variables the template uses. Same output as reading the template for
 * every event (renderInputTransformer).
 */
export function compileInputTransformer(inputPaths: Record<string, string>, template: string): (event: Json, ctx?: RenderContext) => Rendered {
  const paths = Object.entries(inputPaths).map(([name, path]) => [name, compilePath(path)] as const);
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const use of placeholderUses(template)) {
    if (use.start > last) parts.push(template.slice(last, use.start));
    parts.push({ name: use.name, context: use.context });
    last = use.end;
  }
  if (last < template.length) parts.push(template.slice(last));
  return (event, ctx = {}) => {
    // Every path is read (a path the template does not use can still throw, as EventBridge rejects it).
    const vars = new Map<string, Json>();
    for (const [name, read] of paths) {
      const v = read(event);
      if (v !== undefined) vars.set(name, v);
    }
    const e = event as Record<string, Json>;
    const predefined = (name: string): { value: Json } | undefined => {
      switch (name) {
        case "aws.events.rule-name":
          return ctx.ruleName !== undefined ? { value: ctx.ruleName } : undefined;
        case "aws.events.rule-arn":
          return ctx.ruleArn !== undefined ? { value: ctx.ruleArn } : undefined;
        case "aws.events.event.ingestion-time":
          return { value: ctx.ingestionTime ?? (e?.time as string) ?? "" };
        case "aws.events.event": {
          const { detail: _detail, ...withoutDetail } = (e ?? {}) as Record<string, Json>;
          return { value: withoutDetail };
        }
        default:
          return { value: event }; // aws.events.event.json
      }
    };
    const missing: string[] = [];
    let out = "";
    for (const part of parts) {
      if (typeof part === "string") {
        out += part;
        continue;
      }
      // The rule's name and ARN exist only when known: an input path of that name stands otherwise.
      const found = (PREDEFINED.has(part.name) ? predefined(part.name) : undefined) ?? (vars.has(part.name) ? { value: vars.get(part.name) } : undefined);
      if (!found) {
        missing.push(part.name);
        continue;
      }
      out += substitute(found.value, part.context);
    }
    return { text: out, missing };
  };
}

export function renderInputTransformer(
  inputPaths: Record<string, string>,
  template: string,
  event: Json,
  ctx: RenderContext = {},
): Rendered {
  return compileInputTransformer(inputPaths, template)(event, ctx);
}

/**
 * Where a placeholder stands, which decides what EventBridge writes for it:
 * - `text`: the template is not JSON (a plain message): strings as they are, objects and arrays as compact JSON;
 * - `value`: a whole JSON value (`"a": <x>`, `[<x>]`): "The InputTemplate can also be valid JSON with variables in
 *   quotes or out" — out of quotes a string is written quoted (the guide's vector `{"instance": <instance>}` →
 *   `{"instance":"i-0123456789"}`) and an object or array as JSON;
 * - `string`: inside a string literal: "EventBridge doesn't escape values extracted by Input Path, when populating
 *   the Input Template" — a string lands as it is; "If a JSON path references a JSON object or array, but the
 *   variable is referenced in a string, EventBridge removes any internal quotes to ensure a valid string";
 * - `key`: an object key, which the API refuses ("The placeholder cannot be used as an object key").
 * Sources: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html and
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html.
 */
export type PlaceholderContext = "text" | "value" | "string" | "key";

export interface PlaceholderUse {
  readonly name: string;
  readonly context: PlaceholderContext;
  /** Offsets of `<name>` in the template. */
  readonly start: number;
  readonly end: number;
}

/** Every `<name>` in a template with its context; a JSON template is one that starts with `{`, `[` or `"`. */
export function placeholderUses(template: string): PlaceholderUse[] {
  const json = /^\s*[{["]/.test(template);
  const uses: PlaceholderUse[] = [];
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (json && inString && c === "\\") {
      i++; // an escape: the next character is never a delimiter
      continue;
    }
    if (json && c === '"') {
      inString = !inString;
      continue;
    }
    if (c !== "<") continue;
    const m = /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i, i + 300));
    if (!m) continue;
    const end = i + m[0].length;
    let context: PlaceholderContext = "text";
    if (json) context = inString ? "string" : /^\s*:/.test(template.slice(end)) ? "key" : "value";
    uses.push({ name: m[1], context, start: i, end });
    i = end - 1;
  }
  return uses;
}

function substitute(v: Json, context: PlaceholderContext): string {
  switch (context) {
    case "text":
      return typeof v === "string" ? v : JSON.stringify(v);
    case "value":
    case "key":
      return JSON.stringify(v);
    case "string":
      if (typeof v === "string") return v;
      if (typeof v === "object" && v !== null) return withoutQuotes(JSON.stringify(v));
      return String(v);
  }
}

/** An object's JSON without its delimiting quotes; escaped characters inside its strings stay escaped. */
function withoutQuotes(json: string): string {
  let out = "";
  for (let i = 0; i < json.length; i++) {
    if (json[i] === "\\") {
      out += json.slice(i, i + 2);
      i++;
    } else if (json[i] !== '"') out += json[i];
  }
  return out;
}

/** EventBridge's published limits on an input transformer (API reference, InputTransformer). */
export const INPUT_TEMPLATE_MAX_LENGTH = 8192;
export const INPUT_PATHS_MAX = 100;

/**
 * Why EventBridge would refuse a transformer: "InputPathsMap … You can have as many as 100 key-value pairs", keys
 * "Length Constraints: Maximum length of 256" matching `[A-Za-z0-9\_\-]+`, not starting with `AWS.`;
 * InputTemplate "Length Constraints: Minimum length of 1. Maximum length of 8192"; "The placeholder cannot be used
 * as an object key" (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html).
 */
export function inputTransformerProblems(inputPaths: Record<string, string>, template: string): string[] {
  const problems: string[] = [];
  const keys = Object.keys(inputPaths);
  if (keys.length > INPUT_PATHS_MAX) problems.push(`${keys.length} input paths, at most ${INPUT_PATHS_MAX}`);
  for (const k of keys) {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(k) || k.startsWith("AWS.")) problems.push(`input path name ${k} is not allowed`);
    if (inputPaths[k].length > 256) problems.push(`input path ${k} is longer than 256 characters`);
  }
  if (template.length < 1 || template.length > INPUT_TEMPLATE_MAX_LENGTH) {
    problems.push(`the template has ${template.length} characters, EventBridge accepts 1 to ${INPUT_TEMPLATE_MAX_LENGTH}`);
  }
  for (const u of placeholderUses(template)) if (u.context === "key") problems.push(`<${u.name}> is used as an object key`);
  return problems;
}
