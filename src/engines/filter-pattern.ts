/**
 * CloudWatch Logs filter-pattern engine: parses a metric or subscription filter's pattern and says whether a log
 * event matches, as "Filter pattern syntax for metric filters, subscription filters, filter log events, and Live
 * Tail" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html) documents it:
 * - term patterns: `ERROR ARGUMENTS` (all), `?ERROR ?ARGUMENTS` (any), `ERROR -ARGUMENTS` (exclude),
 *   `"INTERNAL SERVER ERROR"` (phrase), matched as case-sensitive substrings of the message;
 * - a standalone regular expression `%AUTHORIZED%`;
 * - JSON patterns `{ $.a = "x" && ($.b > 5 || $.c IS NULL) }` with `$.*`, `[*]` and `$.['key.with.dots']`
 *   selectors and `%regex%` values;
 * - space-delimited patterns `[ip, user, ..., status = 4* || status = %^5%, bytes > 1000]`.
 * Syntax the documentation does not describe fails to compile with an `unsupported: …` reason instead of
 * guessing a verdict. Pure: no cdktf imports.
 */

export class FilterPatternError extends Error {
  constructor(readonly position: number, readonly reason: string, pattern: string) {
    super(`invalid filter pattern at ${position}: ${reason} in ${JSON.stringify(pattern)}`);
  }
}

type Json = unknown;
type Cmp = "=" | "!=" | "<" | ">" | "<=" | ">=";

/** A JSON selector step: a property, an array index, or a documented wildcard (any field `.*`, any element `[*]`). */
type Step = string | number | typeof ANY_FIELD | typeof ANY_ELEMENT;
const ANY_FIELD = Symbol("any field");
const ANY_ELEMENT = Symbol("any element");

interface Selector {
  readonly steps: readonly Step[];
  readonly wildcard: boolean;
}

type Value =
  | { kind: "string"; text: string; test: (v: string) => boolean }
  | { kind: "number"; num: number }
  | { kind: "regex"; re: RegExp };

type Node =
  | { op: "and" | "or"; left: Node; right: Node }
  | { op: "cmp"; selector: Selector; cmp: Cmp; value: Value }
  | { op: "is"; selector: Selector; what: "NULL" | "TRUE" | "FALSE" }
  | { op: "notExists"; selector: Selector };

export interface CompiledPattern {
  readonly kind: "json" | "terms" | "regex" | "delimited" | "all";
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

/** "There is a limit of 2 regex for each filter pattern when creating a delimited or JSON filter pattern" (regex syntax, Quotas). */
const MAX_REGEX_PER_PATTERN = 2;
/** "You can only use up to one wildcard selector in a property selector, and up to three wildcard selectors in a filter pattern with compound expressions." */
const MAX_WILDCARD_SELECTORS = 3;

const text = (input: string | (() => string)) => (typeof input === "string" ? input : input());

/** "filterPattern … Length Constraints: Minimum length of 0. Maximum length of 1024." (PutMetricFilter, TestMetricFilter API). */
const MAX_PATTERN_LENGTH = 1024;

export function compileFilterPattern(pattern: string): CompiledPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new FilterPatternError(MAX_PATTERN_LENGTH, `a filter pattern has at most ${MAX_PATTERN_LENGTH} characters (this one has ${pattern.length})`, pattern);
  const trimmed = pattern.trim();
  // `""` matches all events; `" "` is documented to "match everything" (Example: Match everything).
  if (trimmed === "" || trimmed === '""' || trimmed === '" "') return { kind: "all", matches: () => true, requiredValues: () => undefined };
  if (trimmed.startsWith("{")) return compileJson(pattern);
  if (trimmed.startsWith("[")) return compileDelimited(pattern);
  if (trimmed.startsWith("%")) return compileStandaloneRegex(pattern);
  return compileTerms(pattern);
}

// ---------------------------------------------------------------------------------------------- JSON patterns

function compileJson(pattern: string): CompiledPattern {
  const tree = new JsonParser(pattern).parse();
  return {
    kind: "json",
    matches(message, parsed) {
      let event = parsed;
      if (event === undefined) {
        try {
          event = JSON.parse(text(message));
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
        node.selector.steps.length === 1 && node.selector.steps[0] === property
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

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

class JsonParser {
  private i = 0;
  private regexes = 0;
  private wildcardSelectors = 0;
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

  private fail(reason: string, at = this.i): never {
    throw new FilterPatternError(at, reason, this.src);
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
    const start = this.i;
    const selector = this.selector();
    this.ws();
    if (/^IS\s/.test(this.src.slice(this.i))) {
      this.i += 2;
      this.ws();
      if (this.peek("NOT")) this.fail("IS NOT is not supported (documented: \"The variables IS NOT and EXISTS currently aren't supported\")");
      for (const what of ["NULL", "TRUE", "FALSE"] as const) {
        if (this.peek(what)) {
          this.i += what.length;
          return { op: "is", selector, what };
        }
      }
      this.fail("IS must be followed by NULL, TRUE or FALSE");
    }
    if (this.peek("NOT EXISTS")) {
      if (selector.wildcard) this.fail("unsupported: NOT EXISTS with a wildcard selector (the documentation does not say whether it means no element or some element)", start);
      this.i += "NOT EXISTS".length;
      return { op: "notExists", selector };
    }
    if (this.peek("EXISTS")) this.fail("EXISTS is not supported; use = \"*\"");
    const m = /^(!=|<=|>=|=|<|>)/.exec(this.src.slice(this.i));
    if (!m) this.fail("expected a comparison operator (=, !=, <, >, <=, >=), IS or NOT EXISTS");
    this.i += m[1].length;
    if (this.peek("=")) this.fail(`unknown operator ${m[1]}=`);
    const cmp = m[1] as Cmp;
    this.ws();
    const value = this.value();
    if (value.kind !== "number" && cmp !== "=" && cmp !== "!=") this.fail(`${cmp} needs a number`);
    return { op: "cmp", selector, cmp, value };
  }

  /**
   * `$.name`, `.name`, `[0]`, and the documented `.*` (any field), `[*]` (any element) and `.['key']` (a key
   * containing periods: `{ $.['cluster.name'] = "c" }`). Names are "alphanumeric strings that support hyphen and
   * underscore".
   */
  private selector(): Selector {
    const start = this.i;
    if (!this.peek("$")) this.fail("expected a selector starting with $");
    this.i++;
    if (!this.peek(".")) this.fail("unsupported: a selector not starting with $. (\"Set off property selectors with a dollar sign followed by a period\")");
    const steps: Step[] = [];
    let wildcards = 0;
    for (;;) {
      if (this.peek(".['")) {
        const end = this.src.indexOf("']", this.i + 3);
        if (end < 0) this.fail("unterminated bracket notation .['…']");
        steps.push(this.src.slice(this.i + 3, end));
        this.i = end + 2;
      } else if (this.peek(".*")) {
        this.i += 2;
        steps.push(ANY_FIELD);
        wildcards++;
      } else if (this.peek(".")) {
        this.i++;
        const m = /^[A-Za-z0-9_-]+/.exec(this.src.slice(this.i));
        if (!m) {
          if (this.peek('"') || this.peek("[")) this.fail("unsupported: this selector syntax (documented forms are .name, [n], [*], .* and .['key'])");
          this.fail("expected a property name after '.'");
        }
        steps.push(m[0]);
        this.i += m[0].length;
      } else if (this.peek("[*]")) {
        this.i += 3;
        steps.push(ANY_ELEMENT);
        wildcards++;
      } else if (this.peek("[")) {
        const m = /^\[(\d+)\]/.exec(this.src.slice(this.i));
        if (!m) this.fail("unsupported: this bracket selector (documented forms are [n], [*] and .['key'])");
        steps.push(Number(m[1]));
        this.i += m[0].length;
      } else break;
    }
    if (steps.length === 0) this.fail("a selector must name a property ($.name)");
    if (wildcards > 1) this.fail("only one wildcard selector is allowed in a property selector", start);
    this.wildcardSelectors += wildcards;
    if (this.wildcardSelectors > MAX_WILDCARD_SELECTORS) this.fail(`at most ${MAX_WILDCARD_SELECTORS} wildcard selectors are allowed in a filter pattern`, start);
    return { steps, wildcard: wildcards > 0 };
  }

  private value(): Value {
    if (this.peek('"')) {
      let j = this.i + 1;
      let s = "";
      while (j < this.src.length && this.src[j] !== '"') {
        if (this.src[j] === "\\" && j + 1 < this.src.length) j++;
        s += this.src[j++];
      }
      if (j >= this.src.length) this.fail("unterminated string");
      this.i = j + 1;
      return stringValue(s);
    }
    if (this.peek("%")) {
      const start = this.i;
      const end = this.src.indexOf("%", this.i + 1);
      if (end < 0) this.fail("unterminated regular expression");
      if (++this.regexes > MAX_REGEX_PER_PATTERN) this.fail(`at most ${MAX_REGEX_PER_PATTERN} regular expressions are allowed in a JSON filter pattern`, start);
      this.i = end + 1;
      return { kind: "regex", re: compileRegex(this.src.slice(start + 1, end), start + 1, this.src) };
    }
    const m = /^[^\s()&|}]+/.exec(this.src.slice(this.i));
    if (!m) this.fail("expected a value");
    this.i += m[0].length;
    if (NUMBER.test(m[0])) return { kind: "number", num: Number(m[0]) };
    return stringValue(m[0]);
  }
}

/** A string operand, its wildcard compiled once: exact strings compare directly. */
function stringValue(s: string): Value {
  if (!s.includes("*")) return { kind: "string", text: s, test: (v) => v === s };
  const re = wildcardToRegExp(s);
  return { kind: "string", text: s, test: (v) => re.test(v) };
}

/** `*` matches any run of characters (including none); everything else is literal and case-sensitive. */
export function wildcardToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`, "s");
}

/** The value at a selector without wildcards (undefined when absent). */
function resolve(event: Json, steps: readonly Step[]): Json | undefined {
  let node: Json = event;
  for (const step of steps) {
    if (node === null || typeof node !== "object") return undefined;
    if (typeof step === "number") {
      if (!Array.isArray(node)) return undefined;
      node = node[step];
    } else {
      if (Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, step as string)) return undefined;
      node = (node as Record<string, Json>)[step as string];
    }
  }
  return node;
}

/** The values a selector with a wildcard points at: every field (`.*`) or every element (`[*]`) at that step. */
function resolveAll(event: Json, steps: readonly Step[], from = 0, out: Json[] = []): Json[] {
  let node: Json = event;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i];
    if (node === null || typeof node !== "object") return out;
    if (step === ANY_FIELD || step === ANY_ELEMENT) {
      if ((step === ANY_ELEMENT) !== Array.isArray(node)) return out;
      for (const child of Object.values(node as object)) resolveAll(child, steps, i + 1, out);
      return out;
    }
    node = resolve(node, [step]);
    if (node === undefined) return out;
  }
  out.push(node);
  return out;
}

function values(event: Json, selector: Selector): Json[] {
  if (!selector.wildcard) {
    const v = resolve(event, selector.steps);
    return v === undefined ? [] : [v];
  }
  return resolveAll(event, selector.steps);
}

/**
 * One comparison. "Value nodes can be strings or numbers"; "if a property selector points to an array or object,
 * the filter pattern won't match" (either operator), nor does a missing property, and true, false and null are
 * tested with IS, not compared. A number operand compares numerically with a number, or with a string holding a
 * number; any other string is simply not equal to it (so `!=` holds). A string, wildcard or regex operand compares
 * with the text of a string, or of a number as written in JSON.
 */
function compare(v: Json, cmp: Cmp, value: Value): boolean {
  if (typeof v !== "string" && typeof v !== "number") return false;
  if (value.kind === "number") {
    const n = typeof v === "number" ? v : typeof v === "string" && NUMBER.test(v) ? Number(v) : undefined;
    if (n === undefined) return cmp === "!=";
    return numeric(n, cmp, value.num);
  }
  const s = typeof v === "string" ? v : String(v);
  const hit = value.kind === "regex" ? value.re.test(s) : value.test(s);
  return cmp === "=" ? hit : !hit;
}

function numeric(n: number, cmp: Cmp, x: number): boolean {
  switch (cmp) {
    case "=": return n === x;
    case "!=": return n !== x;
    case "<": return n < x;
    case ">": return n > x;
    case "<=": return n <= x;
    case ">=": return n >= x;
  }
}

function evalNode(node: Node, event: Json): boolean {
  switch (node.op) {
    case "and":
      return evalNode(node.left, event) && evalNode(node.right, event);
    case "or":
      return evalNode(node.left, event) || evalNode(node.right, event);
    case "notExists":
      return resolve(event, node.selector.steps) === undefined;
    case "is": {
      const want = node.what === "NULL" ? null : node.what === "TRUE";
      return values(event, node.selector).some((v) => v === want);
    }
    case "cmp":
      if (!node.selector.wildcard) return compare(resolve(event, node.selector.steps), node.cmp, node.value);
      return values(event, node.selector).some((v) => compare(v, node.cmp, node.value));
  }
}

// ------------------------------------------------------------------------------------- regular expressions

const REGEX_SYMBOLS = new Set([":", "_", "#", "=", "@", "/", ";", ",", "-", " "]);
const REGEX_OPERATORS = new Set(["^", "$", "?", "[", "]", "{", "}", "|", "\\", "*", "+", "."]);

/**
 * A `%…%` regular expression, as "Supported regular expressions (regex) syntax" allows: alphanumerics, the symbols
 * `: _ # = @ / ; , -` (and the space its own examples use), the operators `^ $ ? [ ] { } | \ * + .`, the escapes
 * `\d \D \s \S \w \W \xhh` and `\` before an operator or symbol. Parentheses and multi-byte characters are not
 * supported; `{m,n}` may omit either bound. It matches anywhere in the text unless anchored with `^` / `$`.
 */
export function compileRegex(body: string, offset: number, pattern: string): RegExp {
  const fail: (i: number, reason: string) => never = (i, reason) => {
    throw new FilterPatternError(offset + i, reason, pattern);
  };
  if (body === "") fail(0, "empty regular expression");
  let out = "";
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c.charCodeAt(0) > 0x7e) fail(i, "multi-byte characters are not supported in a regular expression");
    if (c === "(" || c === ")") fail(i, "the ( and ) operators are not supported in a regular expression");
    if (c === "\\") {
      const n = body[i + 1];
      if (n === undefined) fail(i, "a regular expression cannot end with \\");
      if (n === "(" || n === ")") fail(i + 1, "the ( and ) operators are not supported in a regular expression; match them with \\x28 and \\x29");
      if ("dDsSwW".includes(n)) out += `\\${n}`;
      else if (n === "x") {
        if (!/^[0-9A-Fa-f]{2}$/.test(body.slice(i + 2, i + 4))) fail(i, "\\x needs two hexadecimal digits");
        out += `\\x${body.slice(i + 2, i + 4)}`;
        i += 2;
      } else if (REGEX_OPERATORS.has(n) || REGEX_SYMBOLS.has(n)) out += `\\${n}`;
      else fail(i, `unsupported: the escape \\${n} in a regular expression`);
      i++;
      continue;
    }
    if (/[A-Za-z0-9]/.test(c) || REGEX_SYMBOLS.has(c)) {
      out += c === "/" && !inClass ? "\\/" : c;
      continue;
    }
    if (!REGEX_OPERATORS.has(c)) fail(i, `'${c}' is not supported in a regular expression`);
    if (inClass) {
      if (c === "]") inClass = false;
      out += c === "[" ? "\\[" : c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === "{") {
      const m = /^\{\s*(\d*)\s*(?:(,)\s*(\d*)\s*)?\}/.exec(body.slice(i));
      if (!m || (m[1] === "" && (m[2] === undefined || m[3] === ""))) fail(i, "expected a quantifier {m,n}");
      out += m[2] === undefined ? `{${m[1]}}` : `{${m[1] || "0"},${m[3]}}`;
      i += m[0].length - 1;
    } else if (c === "}") fail(i, "unbalanced }");
    else out += c;
  }
  if (inClass) fail(body.length, "unterminated character class");
  try {
    return new RegExp(out);
  } catch (e) {
    return fail(0, `invalid regular expression: ${(e as Error).message}`);
  }
}

function compileStandaloneRegex(pattern: string): CompiledPattern {
  const trimmed = pattern.trim();
  const offset = pattern.indexOf("%");
  if (trimmed.length < 2 || !trimmed.endsWith("%") || trimmed.slice(1, -1).includes("%")) {
    throw new FilterPatternError(offset, "unsupported: a regular expression combined with other terms (regex is documented as a standalone pattern or inside JSON and space-delimited patterns)", pattern);
  }
  const re = compileRegex(trimmed.slice(1, -1), offset + 1, pattern);
  return { kind: "regex", requiredValues: () => undefined, matches: (input) => re.test(text(input)) };
}

// ---------------------------------------------------------------------------------------------- term patterns

/**
 * Terms are case-sensitive substrings ("ERROR" matches "Exiting with ERRORCODE: -1", Filter and Pattern Syntax
 * 2018). Plain terms must all appear, `-` terms must not; `?` terms are alternatives, but "If you combine ? with
 * other filter patterns, all question mark terms will be ignored" (`?ERROR ?ARGUMENTS REQUEST` matches every
 * event containing REQUEST).
 */
function compileTerms(pattern: string): CompiledPattern {
  const all: string[] = [];
  const none: string[] = [];
  const any: string[] = [];
  let i = 0;
  const src = pattern;
  for (;;) {
    while (i < src.length && /\s/.test(src[i])) i++;
    if (i >= src.length) break;
    let mode: "all" | "any" | "none" = "all";
    if (src[i] === "?" || src[i] === "-") {
      mode = src[i] === "?" ? "any" : "none";
      i++;
      while (i < src.length && /\s/.test(src[i])) i++;
      if (i >= src.length) throw new FilterPatternError(i, `expected a term after '${mode === "any" ? "?" : "-"}'`, pattern);
    }
    let term: string;
    if (src[i] === '"') {
      let j = i + 1;
      term = "";
      while (j < src.length && src[j] !== '"') {
        if (src[j] === "\\" && j + 1 < src.length) j++;
        term += src[j++];
      }
      if (j >= src.length) throw new FilterPatternError(i, "unterminated quoted phrase", pattern);
      i = j + 1;
    } else {
      const m = /^\S+/.exec(src.slice(i))!;
      term = m[0];
      if (term.startsWith("%")) {
        throw new FilterPatternError(i, "unsupported: a regular expression combined with other terms (regex is documented as a standalone pattern or inside JSON and space-delimited patterns)", pattern);
      }
      if (term.includes('"')) throw new FilterPatternError(i, "a term cannot contain a double quote; quote the whole phrase", pattern);
      i += term.length;
    }
    (mode === "all" ? all : mode === "none" ? none : any).push(term);
  }
  const optional = all.length === 0 && none.length === 0 ? any : [];
  return {
    kind: "terms",
    requiredValues: () => undefined,
    matches(input) {
      const message = text(input);
      for (const t of none) if (message.includes(t)) return false;
      for (const t of all) if (!message.includes(t)) return false;
      return optional.length === 0 || optional.some((t) => message.includes(t));
    },
  };
}

// ---------------------------------------------------------------------------------------- space-delimited

type Condition = (value: string) => boolean;

interface FieldSpec {
  readonly name: string;
  readonly condition?: Condition;
}

/**
 * `[f1, f2 = v, ..., fn > 5]`. Each comma-separated entry is a field, named or not (`[]` and a trailing comma
 * name one unnamed field; `[..., request=*.html*, status_code=4*,]` extracts the last field as `$7`); `...` stands
 * for any number of fields, once, anywhere. Without `...`, a message with more fields than the pattern gives the
 * rest of the line to the last field — which is why `[w1=ERROR, w2]` needs its "blank w2 indicator" to match the
 * documented events whose first word is ERROR.
 */
function compileDelimited(pattern: string): CompiledPattern {
  const body = pattern.trim();
  const offset = pattern.indexOf("[");
  if (!body.endsWith("]")) throw new FilterPatternError(pattern.length, "expected ']' at the end of a space-delimited pattern", pattern);
  const parts = splitTopLevel(body.slice(1, -1), offset + 1, pattern);
  const regexCount = { n: 0 };
  const fields: (FieldSpec | "...")[] = parts.map((p) => (p.text.trim() === "..." ? "..." : fieldSpec(p.text, p.at, pattern, regexCount)));
  const ellipses = fields.filter((f) => f === "...").length;
  if (ellipses > 1) throw new FilterPatternError(offset, "unsupported: more than one ... in a space-delimited pattern (the documentation describes a single ellipsis)", pattern);
  return {
    kind: "delimited",
    requiredValues: () => undefined,
    matches: (input) => matchFields(fields, text(input)),
  };
}

/** Splits on commas outside quotes and `%…%` regular expressions (a regex value may contain `{m,n}`). */
function splitTopLevel(s: string, offset: number, pattern: string): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || (c === "%" && /[=<>]\s*$/.test(s.slice(start, i)))) quote = c;
    else if (c === ",") {
      out.push({ text: s.slice(start, i), at: offset + start });
      start = i + 1;
    }
  }
  if (quote) throw new FilterPatternError(offset + start, quote === "%" ? "unterminated regular expression" : "unterminated string", pattern);
  out.push({ text: s.slice(start), at: offset + start });
  return out;
}

function fieldSpec(spec: string, at: number, pattern: string, regexCount: { n: number }): FieldSpec {
  const m = /^\s*([A-Za-z0-9_]*)\s*([\s\S]*?)\s*$/.exec(spec)!;
  const name = m[1];
  const rest = m[2];
  if (rest === "") return { name };
  if (/^[()]/.test(rest) || /[()]/.test(rest.replace(/"[^"]*"|%[^%]*%/g, ""))) {
    throw new FilterPatternError(at, "unsupported: parentheses in a space-delimited condition", pattern);
  }
  const p = new ConditionParser(rest, at + spec.indexOf(rest), pattern, regexCount);
  return { name, condition: p.parse() };
}

/** `name op value` terms joined by `&&` (binding tighter) and `||`; a later term may repeat the field name. */
class ConditionParser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly offset: number,
    private readonly pattern: string,
    private readonly regexCount: { n: number },
  ) {}

  private fail(reason: string): never {
    throw new FilterPatternError(this.offset + this.i, reason, this.pattern);
  }
  private ws() {
    while (this.i < this.src.length && /\s/.test(this.src[this.i])) this.i++;
  }

  parse(): Condition {
    const alternatives: Condition[][] = [[this.term()]];
    for (;;) {
      this.ws();
      if (this.i >= this.src.length) break;
      if (this.src.startsWith("&&", this.i)) {
        this.i += 2;
        alternatives[alternatives.length - 1].push(this.term());
      } else if (this.src.startsWith("||", this.i)) {
        this.i += 2;
        alternatives.push([this.term()]);
      } else this.fail("expected && or || between conditions");
    }
    return (v) => alternatives.some((conds) => conds.every((c) => c(v)));
  }

  private term(): Condition {
    this.ws();
    const name = /^[A-Za-z0-9_]+/.exec(this.src.slice(this.i));
    if (name) {
      this.i += name[0].length;
      this.ws();
    }
    const m = /^(!=|<=|>=|=|<|>)/.exec(this.src.slice(this.i));
    if (!m) this.fail("expected a comparison operator (=, !=, <, >, <=, >=)");
    this.i += m[1].length;
    this.ws();
    const cmp = m[1] as Cmp;
    const value = this.value();
    if (value.kind !== "number" && cmp !== "=" && cmp !== "!=") this.fail(`${cmp} needs a number`);
    return (v) => compare(v, cmp, value);
  }

  private value(): Value {
    const s = this.src.slice(this.i);
    if (s.startsWith('"')) {
      let j = 1;
      let out = "";
      while (j < s.length && s[j] !== '"') {
        if (s[j] === "\\" && j + 1 < s.length) j++;
        out += s[j++];
      }
      if (j >= s.length) this.fail("unterminated string");
      this.i += j + 1;
      return stringValue(out);
    }
    if (s.startsWith("%")) {
      const end = s.indexOf("%", 1);
      if (end < 0) this.fail("unterminated regular expression");
      if (++this.regexCount.n > MAX_REGEX_PER_PATTERN) this.fail(`at most ${MAX_REGEX_PER_PATTERN} regular expressions are allowed in a space-delimited filter pattern`);
      const re = compileRegex(s.slice(1, end), this.offset + this.i + 1, this.pattern);
      this.i += end + 1;
      return { kind: "regex", re };
    }
    const m = /^[^\s&|]+/.exec(s);
    if (!m || /^[=<>!]/.test(m[0])) this.fail("expected a value");
    this.i += m[0].length;
    if (NUMBER.test(m[0])) return { kind: "number", num: Number(m[0]) };
    return stringValue(m[0]);
  }
}

/** Splits on spaces, keeping `[...]` and `"..."` groups as one field without their brackets or quotes. */
export function splitDelimited(message: string): string[] {
  return tokens(message).map((t) => t.value);
}

function tokens(message: string): { value: string; start: number }[] {
  const out: { value: string; start: number }[] = [];
  const re = /\[([^\]]*)\]|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(message)) !== null) out.push({ value: m[1] ?? m[2] ?? m[3], start: m.index });
  return out;
}

function matchFields(fields: (FieldSpec | "...")[], message: string): boolean {
  const values = tokens(message);
  const test = (f: FieldSpec, v: string) => f.condition?.(v) ?? true;
  const ellipsis = fields.indexOf("...");
  if (ellipsis < 0) {
    const n = fields.length;
    if (values.length < n) return false;
    for (let i = 0; i < n - 1; i++) if (!test(fields[i] as FieldSpec, values[i].value)) return false;
    const last = values.length === n ? values[n - 1].value : message.slice(values[n - 1].start).trimEnd();
    return test(fields[n - 1] as FieldSpec, last);
  }
  const before = fields.slice(0, ellipsis) as FieldSpec[];
  const after = fields.slice(ellipsis + 1) as FieldSpec[];
  if (values.length < before.length + after.length) return false;
  const tail = values.length - after.length;
  return before.every((f, i) => test(f, values[i].value)) && after.every((f, i) => test(f, values[tail + i].value));
}
