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

/** A template's text between placeholders, and each placeholder with whether it sits inside a JSON string. */
type TemplatePart = string | { readonly name: string; readonly inString: boolean };

/** Variables EventBridge predefines; they take precedence over input paths of the same name. */
const PREDEFINED = new Set(["aws.events.rule-name", "aws.events.rule-arn", "aws.events.event.ingestion-time", "aws.events.event", "aws.events.event.json"]);

/**
 * An input transformer compiled once: its paths split, its template cut into text and placeholders. Rendering an
 * event then reads only the paths and variables the template uses. Same output as reading the template for
 * every event (renderInputTransformer).
 */
export function compileInputTransformer(inputPaths: Record<string, string>, template: string): (event: Json, ctx?: RenderContext) => Rendered {
  const paths = Object.entries(inputPaths).map(([name, path]) => [name, compilePath(path)] as const);
  const jsonTemplate = /^\s*[{["]/.test(template);
  const parts: TemplatePart[] = [];
  let inString = false;
  let text = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (jsonTemplate && c === '"' && template[i - 1] !== "\\") inString = !inString;
    const m = c === "<" ? /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i)) : null;
    if (!m) {
      text += c;
      continue;
    }
    i += m[0].length - 1;
    if (text) parts.push(text);
    text = "";
    parts.push({ name: m[1], inString });
  }
  if (text) parts.push(text);
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
      const v = found.value;
      out += typeof v === "string" ? (jsonTemplate && !part.inString ? JSON.stringify(v) : v) : JSON.stringify(v);
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
