/**
 * CloudWatch Logs filter-pattern engine: parses a metric filter's pattern and says whether a log event matches,
 * as CloudWatch Logs documents it. JSON patterns (`{ $.a = "x" && ... }`), term patterns (`ERROR -DEBUG`,
 * `?A ?B`, `"exact phrase"`) and space-delimited patterns (`[ip, user, ..., status = 4*]`).
 * Pure: no cdktf imports.
 */

export class FilterPatternError extends Error {
  constructor(readonly position: number, readonly reason: string, pattern: string) {
    super(`invalid filter pattern at ${position}: ${reason} in ${JSON.stringify(pattern)}`);
  }
}

type Json = unknown;
type Selector = (string | number)[];
type Value =
  | { kind: "string"; text: string; test: (v: string) => boolean }
  | { kind: "number"; num: number }
  | { kind: "regex"; re: RegExp };

type Node =
  | { op: "and" | "or"; left: Node; right: Node }
  | { op: "cmp"; selector: Selector; cmp: "=" | "!=" | "<" | ">" | "<=" | ">="; value: Value }
  | { op: "is"; selector: Selector; what: "NULL" | "TRUE" | "FALSE" }
  | { op: "notExists"; selector: Selector };

export interface CompiledPattern {
  readonly kind: "json" | "terms" | "delimited" | "all";
  /**
   * Whether a log event matches: its raw message text (or a function producing it, called only by patterns
   * that read text), and optionally the already-parsed JSON.
   */
  matches(message: string | (() => string), parsed?: Json): boolean;
  /**
   * Values a top-level string property must have for the pattern to match at all (e.g. `eventSource`), or
   * undefined when the pattern does not pin it: lets a caller skip patterns that cannot match.
   */
  requiredValues(property: string): ReadonlySet<string> | undefined;
}

export function compileFilterPattern(pattern: string): CompiledPattern {
  const trimmed = pattern.trim();
  if (trimmed === "" || trimmed === '""' || trimmed === '" "') return { kind: "all", matches: () => true, requiredValues: () => undefined };
  if (trimmed.startsWith("{")) return compileJson(pattern);
  if (trimmed.startsWith("[")) return compileDelimited(pattern);
  return compileTerms(pattern);
}

// ---------------------------------------------------------------------------------------------- JSON patterns

function compileJson(pattern: string): CompiledPattern {
  const p = new JsonParser(pattern);
  const tree = p.parse();
  return {
    kind: "json",
    matches(message, parsed) {
      let event = parsed;
      if (event === undefined) {
        try {
          event = JSON.parse(typeof message === "string" ? message : message());
        } catch {
          return false;
        }
      }
      if (typeof event !== "object" || event === null) return false;
      return evalNode(tree, event);
    },
    requiredValues: (property) => requiredValues(tree, property),
  };
}

function requiredValues(node: Node, property: string): Set<string> | undefined {
  switch (node.op) {
    case "cmp":
      return node.cmp === "=" && node.value.kind === "string" && !node.value.text.includes("*") &&
        node.selector.length === 1 && node.selector[0] === property
        ? new Set([node.value.text])
        : undefined;
    case "and": {
      const l = requiredValues(node.left, property);
      const r = requiredValues(node.right, property);
      if (l && r) return new Set([...l].filter((v) => r.has(v)));
      return l ?? r;
    }
    case "or": {
      const l = requiredValues(node.left, property);
      const r = requiredValues(node.right, property);
      return l && r ? new Set([...l, ...r]) : undefined;
    }
    default:
      return undefined;
  }
}

class JsonParser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    this.ws();
    this.expect("{");
    const node = this.or();
    this.ws();
    this.expect("}");
    this.ws();
    if (this.i < this.src.length) this.fail("unexpected text after the closing brace");
    return node;
  }

  private fail(reason: string): never {
    throw new FilterPatternError(this.i, reason, this.src);
  }
  private ws() {
    while (this.i < this.src.length && /\s/.test(this.src[this.i])) this.i++;
  }
  private peek(s: string) {
    return this.src.startsWith(s, this.i);
  }
  private expect(s: string) {
    if (!this.peek(s)) this.fail(`expected '${s}'`);
    this.i += s.length;
  }

  private or(): Node {
    let left = this.and();
    for (;;) {
      this.ws();
      if (!this.peek("||")) return left;
      this.i += 2;
      left = { op: "or", left, right: this.and() };
    }
  }
  private and(): Node {
    let left = this.primary();
    for (;;) {
      this.ws();
      if (!this.peek("&&")) return left;
      this.i += 2;
      left = { op: "and", left, right: this.primary() };
    }
  }
  private primary(): Node {
    this.ws();
    if (this.peek("(")) {
      this.i++;
      const inner = this.or();
      this.ws();
      this.expect(")");
      return inner;
    }
    return this.comparison();
  }
  private comparison(): Node {
    const selector = this.selector();
    this.ws();
    if (/^IS\s/.test(this.src.slice(this.i))) {
      this.i += 2;
      this.ws();
      for (const what of ["NULL", "TRUE", "FALSE"] as const) {
        if (this.peek(what)) {
          this.i += what.length;
          return { op: "is", selector, what };
        }
      }
      this.fail("IS must be followed by NULL, TRUE or FALSE (IS NOT is not supported)");
    }
    if (this.peek("NOT EXISTS")) {
      this.i += "NOT EXISTS".length;
      return { op: "notExists", selector };
    }
    if (this.peek("EXISTS")) this.fail("EXISTS is not supported; use = \"*\"");
    const m = /^(!=|<=|>=|==|=|<|>)/.exec(this.src.slice(this.i));
    if (!m) this.fail("expected a comparison operator (=, !=, <, >, <=, >=), IS or NOT EXISTS");
    this.i += m[1].length;
    const cmp = (m[1] === "==" ? "=" : m[1]) as "=" | "!=" | "<" | ">" | "<=" | ">=";
    this.ws();
    const value = this.value();
    if (value.kind !== "number" && cmp !== "=" && cmp !== "!=") this.fail(`${cmp} needs a number`);
    return { op: "cmp", selector, cmp, value };
  }
  private selector(): Selector {
    if (!this.peek("$")) this.fail("expected a selector starting with $");
    this.i++;
    const parts: Selector = [];
    for (;;) {
      if (this.peek(".")) {
        this.i++;
        if (this.peek('"')) {
          const end = this.src.indexOf('"', this.i + 1);
          if (end < 0) this.fail("unterminated quoted key");
          parts.push(this.src.slice(this.i + 1, end));
          this.i = end + 1;
          continue;
        }
        const m = /^[A-Za-z0-9_@:-]+/.exec(this.src.slice(this.i));
        if (!m) this.fail("expected a property name after '.'");
        parts.push(m[0]);
        this.i += m[0].length;
      } else if (this.peek("[")) {
        const m = /^\[(\d+)\]/.exec(this.src.slice(this.i));
        if (!m) this.fail("expected an array index like [0]");
        parts.push(Number(m[1]));
        this.i += m[0].length;
      } else break;
    }
    if (parts.length === 0) this.fail("a selector must name a property ($.name)");
    return parts;
  }
  private value(): Value {
    if (this.peek('"')) {
      let j = this.i + 1;
      let text = "";
      while (j < this.src.length && this.src[j] !== '"') {
        if (this.src[j] === "\\" && j + 1 < this.src.length) j++;
        text += this.src[j++];
      }
      if (j >= this.src.length) this.fail("unterminated string");
      this.i = j + 1;
      return stringValue(text);
    }
    if (this.peek("%")) {
      const end = this.src.indexOf("%", this.i + 1);
      if (end < 0) this.fail("unterminated regular expression");
      const body = this.src.slice(this.i + 1, end);
      this.i = end + 1;
      try {
        return { kind: "regex", re: new RegExp(body) };
      } catch {
        this.fail("invalid regular expression");
      }
    }
    const m = /^[^\s()&|}]+/.exec(this.src.slice(this.i));
    if (!m) this.fail("expected a value");
    this.i += m[0].length;
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(m[0])) return { kind: "number", num: Number(m[0]) };
    return stringValue(m[0]);
  }
}

function resolve(event: Json, selector: Selector): Json | undefined {
  let node: Json = event;
  for (const part of selector) {
    if (node === null || typeof node !== "object") return undefined;
    if (typeof part === "number") {
      if (!Array.isArray(node)) return undefined;
      node = node[part];
    } else {
      if (Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, part)) return undefined;
      node = (node as Record<string, Json>)[part];
    }
  }
  return node;
}

/** A string operand, its wildcard compiled once: exact strings compare directly. */
function stringValue(text: string): Value {
  if (!text.includes("*")) return { kind: "string", text, test: (v) => v === text };
  const re = wildcardToRegExp(text);
  return { kind: "string", text, test: (v) => re.test(v) };
}

/** `*` matches any run of characters (including none); everything else is literal and case-sensitive. */
export function wildcardToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "s");
}

function evalNode(node: Node, event: Json): boolean {
  switch (node.op) {
    case "and":
      return evalNode(node.left, event) && evalNode(node.right, event);
    case "or":
      return evalNode(node.left, event) || evalNode(node.right, event);
    case "notExists":
      return resolve(event, node.selector) === undefined;
    case "is": {
      const v = resolve(event, node.selector);
      return node.what === "NULL" ? v === null : v === (node.what === "TRUE");
    }
    case "cmp": {
      const v = resolve(event, node.selector);
      // A missing property, or one holding an object or array, never satisfies a comparison, = or !=.
      if (v === undefined || v === null || typeof v === "object") return false;
      const { value, cmp } = node;
      if (value.kind === "number") {
        if (typeof v !== "number") return false;
        switch (cmp) {
          case "=": return v === value.num;
          case "!=": return v !== value.num;
          case "<": return v < value.num;
          case ">": return v > value.num;
          case "<=": return v <= value.num;
          case ">=": return v >= value.num;
        }
      }
      const text = String(v);
      const hit = value.kind === "regex" ? value.re.test(text) : value.test(text);
      return cmp === "=" ? hit : !hit;
    }
  }
}

// ---------------------------------------------------------------------------------------------- term patterns

function compileTerms(pattern: string): CompiledPattern {
  const tokens: { text: string; mode: "all" | "any" | "none" }[] = [];
  const re = /\s*([?-]?)("([^"]*)"|\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(pattern)) !== null) {
    const text = m[3] ?? m[2];
    tokens.push({ text, mode: m[1] === "?" ? "any" : m[1] === "-" ? "none" : "all" });
  }
  const all = tokens.filter((t) => t.mode === "all");
  const any = tokens.filter((t) => t.mode === "any");
  const none = tokens.filter((t) => t.mode === "none");
  return {
    kind: "terms",
    requiredValues: () => undefined,
    matches(input) {
      const message = typeof input === "string" ? input : input();
      if (none.some((t) => message.includes(t.text))) return false;
      if (!all.every((t) => message.includes(t.text))) return false;
      return any.length === 0 || any.some((t) => message.includes(t.text));
    },
  };
}

// ---------------------------------------------------------------------------------------- space-delimited

interface FieldSpec {
  name: string;
  condition?: (value: string) => boolean;
}

function compileDelimited(pattern: string): CompiledPattern {
  const body = pattern.trim();
  if (!body.endsWith("]")) throw new FilterPatternError(body.length, "expected ']'", pattern);
  const specs = body
    .slice(1, -1)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const fields: (FieldSpec | "...")[] = specs.map((spec) => (spec === "..." ? "..." : fieldSpec(spec, pattern)));
  return {
    kind: "delimited",
    requiredValues: () => undefined,
    matches(input) {
      return matchFields(fields, splitDelimited(typeof input === "string" ? input : input()));
    },
  };
}

function fieldSpec(spec: string, pattern: string): FieldSpec {
  const m = /^([A-Za-z0-9_]+)\s*(.*)$/.exec(spec);
  if (!m) throw new FilterPatternError(pattern.indexOf(spec), `bad field ${spec}`, pattern);
  const name = m[1];
  const rest = m[2].trim();
  if (rest === "") return { name };
  const alternatives = rest.split("||").map((alt) =>
    alt.split("&&").map((c) => {
      const cm = /^\s*(?:[A-Za-z0-9_]+\s*)?(!=|<=|>=|=|<|>)\s*(.+?)\s*$/.exec(c);
      if (!cm) throw new FilterPatternError(pattern.indexOf(spec), `bad condition ${c.trim()}`, pattern);
      const [, op, raw] = cm;
      const literal = raw.replace(/^"(.*)"$/, "$1");
      const numeric = /^[+-]?\d+(\.\d+)?$/.test(literal) && !literal.includes("*");
      return (v: string) => {
        if (numeric && op !== "=" && op !== "!=") {
          const n = Number(v);
          if (Number.isNaN(n)) return false;
          const x = Number(literal);
          return op === "<" ? n < x : op === ">" ? n > x : op === "<=" ? n <= x : n >= x;
        }
        const hit = wildcardToRegExp(literal).test(v);
        return op === "!=" ? !hit : hit;
      };
    }),
  );
  return { name, condition: (v) => alternatives.some((conds) => conds.every((c) => c(v))) };
}

/** Splits on spaces, keeping `[...]` and `"..."` groups as one field without their brackets or quotes. */
export function splitDelimited(message: string): string[] {
  const out: string[] = [];
  const re = /\[([^\]]*)\]|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(message)) !== null) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function matchFields(fields: (FieldSpec | "...")[], values: string[]): boolean {
  const ellipsis = fields.indexOf("...");
  if (ellipsis < 0) {
    if (fields.length !== values.length) return false;
    return fields.every((f, i) => (f as FieldSpec).condition?.(values[i]) ?? true);
  }
  const before = fields.slice(0, ellipsis) as FieldSpec[];
  const after = fields.slice(ellipsis + 1) as FieldSpec[];
  if (values.length < before.length + after.length) return false;
  const tail = values.slice(values.length - after.length);
  return (
    before.every((f, i) => f.condition?.(values[i]) ?? true) && after.every((f, i) => f.condition?.(tail[i]) ?? true)
  );
}
