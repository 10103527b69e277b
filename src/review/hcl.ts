/**
 * The review rendering of a synthesized stack: Terraform JSON (cdk.tf.json, the source of truth) rendered as the HCL
 * a person would write, formatted exactly as `terraform fmt` formats it.
 *
 * - References stay references: a string that is one interpolation (`"${aws_sns_topic.t.arn}"`) becomes the bare
 *   expression `aws_sns_topic.t.arn`; a longer string keeps its interpolations (`"arn:…:${data.x.account_id}:…"`).
 * - JSON documents held in a string (IAM, KMS, SNS, SQS and S3 policies, event patterns, dashboards: see
 *   JSON_DOCUMENT_ATTRIBUTES) become `jsonencode({ … })` over multi-line HCL objects, keys that are not HCL
 *   identifiers quoted. Terraform compares such documents as JSON, so the key order jsonencode writes is immaterial.
 * - Multi-line strings become indented heredocs (wrapped in chomp() when the string has no final newline).
 *
 * Terraform's JSON syntax does not say which objects are nested blocks and which are map or object attributes (the
 * provider schema does): `shapes` carries that, learned from cdktf's provider bindings (src/review/shapes.ts).
 * Pure: no cdktf imports. Anything this renderer does not understand is an error, never a guess.
 */

/** Which keys of a block body are nested blocks, and the shape of each. */
export interface BlockShape {
  readonly blocks: { readonly [name: string]: BlockShape };
}

export interface StackShapes {
  readonly resource: { readonly [type: string]: BlockShape };
  readonly data: { readonly [type: string]: BlockShape };
  readonly provider: { readonly [name: string]: BlockShape };
  /** Addresses (`aws_kms_key.Key_1`, `data.aws_caller_identity.current`) in construct order; others follow, sorted. */
  readonly order?: readonly string[];
}

/**
 * String attributes that hold a JSON document, rendered with jsonencode. Named, not detected: a string that merely
 * looks like JSON (an EventBridge input template, a CloudWatch Logs filter pattern `{ $.x = … }`) must keep its text.
 */
export const JSON_DOCUMENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  "policy",
  "assume_role_policy",
  "access_policy",
  "redrive_policy",
  "redrive_allow_policy",
  "delivery_policy",
  "filter_policy",
  "event_pattern",
  "dashboard_body",
  // aws_sfn_state_machine (Amazon States Language) and aws_dynamodb_table_item (DynamoDB JSON).
  "definition",
  "item",
]);

/**
 * String attributes that hold a CloudWatch Logs filter pattern. A long one (the stack's patterns reach a thousand
 * characters) is written as `join("", [ … ])` over pieces broken after its `&&` and `||`, one piece a line:
 * Terraform evaluates that to the very same string.
 */
export const FILTER_PATTERN_ATTRIBUTES: ReadonlySet<string> = new Set(["pattern", "filter_pattern"]);

/** A filter pattern longer than this (quoted) is broken into pieces of about this length. */
const PATTERN_PIECE_MAX = 100;

/** Lists of short scalars stay on one line up to this many characters (the brackets included). */
const INLINE_LIST_MAX = 80;

// ---------------------------------------------------------------------------------------------------------------
// Templates: a string in Terraform's JSON syntax is a template; `$${` and `%%{` are escapes for a literal `${`, `%{`.

/** A template part: literal text (escapes decoded), or an interpolation/directive with its delimiters (`${…}`). */
export type TemplatePart = { readonly lit: string } | { readonly interp: string };

export function parseTemplate(s: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let lit = "";
  let i = 0;
  while (i < s.length) {
    if ((s.startsWith("$${", i) || s.startsWith("%%{", i))) {
      lit += s.slice(i + 1, i + 3);
      i += 3;
      continue;
    }
    if ((s[i] === "$" || s[i] === "%") && s[i + 1] === "{") {
      const end = interpolationEnd(s, i + 2);
      if (end < 0) throw new Error(`unterminated interpolation in ${JSON.stringify(s.slice(i, i + 60))}`);
      if (lit) parts.push({ lit });
      lit = "";
      parts.push({ interp: s.slice(i, end) });
      i = end;
      continue;
    }
    lit += s[i];
    i++;
  }
  if (lit || parts.length === 0) parts.push({ lit });
  return parts;
}

/** Index just past the `}` closing an interpolation whose body starts at `from` (skips quoted strings); -1 if none. */
function interpolationEnd(s: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === "\\" ? 2 : 1;
    } else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i + 1;
    i++;
  }
  return -1;
}

/** Escapes literal text for an HCL quoted template (or, with `heredoc`, for a heredoc line: no backslash escapes). */
function escapeLiteral(text: string, heredoc = false): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((c === "$" || c === "%") && text[i + 1] === "{") out += c + c;
    else if (heredoc) out += c;
    else if (c === "\\") out += "\\\\";
    else if (c === '"') out += '\\"';
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (c < " " || c === "\u007f") out += `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += c;
  }
  return out;
}

/** Template parts as the inside of an HCL quoted string or heredoc. */
function encodeParts(parts: readonly TemplatePart[], heredoc = false): string {
  let out = "";
  parts.forEach((part, n) => {
    if ("interp" in part) {
      out += part.interp;
      return;
    }
    let text = escapeLiteral(part.lit, heredoc);
    // A literal `$` (`%`) right before `${` (`%{`) would read as the escape `$${`: write it as an interpolation.
    const next = parts[n + 1];
    const last = part.lit[part.lit.length - 1];
    if (next && "interp" in next && (last === "$" || last === "%") && next.interp[0] === last) {
      text = `${text.slice(0, -1)}\${"${last}"}`;
    }
    out += text;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The value model: what an attribute's right-hand side is, independent of layout.

type Value =
  | { readonly kind: "raw"; readonly text: string }
  | { readonly kind: "string"; readonly parts: readonly TemplatePart[] }
  | { readonly kind: "list"; readonly items: readonly Value[] }
  | { readonly kind: "object"; readonly entries: ReadonlyArray<readonly [readonly TemplatePart[], Value]> }
  | { readonly kind: "jsonencode"; readonly arg: Value }
  /** `join("", [ … ])` over a list of strings: their concatenation. */
  | { readonly kind: "join"; readonly arg: Value };

/** How the strings of a JSON-syntax value are read: templates (most arguments), literals, or bare expressions. */
type Mode = "template" | "literal" | "reference";

const raw = (text: string): Value => ({ kind: "raw", text });

/** A string value; one interpolation and nothing else is the bare expression (Terraform evaluates both the same). */
function stringValue(parts: readonly TemplatePart[]): Value {
  if (parts.length === 1 && "interp" in parts[0]) {
    const t = parts[0].interp;
    const inner = t.slice(2, -1);
    if (t.startsWith("${") && !inner.startsWith("~") && !inner.endsWith("~")) {
      const expr = inner.trim();
      return raw(expr.includes("\n") ? `(${expr})` : expr);
    }
  }
  return { kind: "string", parts };
}

function fromJson(v: unknown, mode: Mode, where: string): Value {
  if (v === null) return raw("null");
  if (typeof v === "boolean" || typeof v === "number") return raw(String(v));
  if (typeof v === "string") {
    if (mode === "reference") return raw(v);
    return mode === "literal" ? { kind: "string", parts: [{ lit: v }] } : stringValue(parseTemplate(v));
  }
  if (Array.isArray(v)) return { kind: "list", items: v.map((x) => fromJson(x, mode, where)) };
  if (typeof v === "object") {
    return {
      kind: "object",
      entries: Object.entries(v as Record<string, unknown>).map(([k, x]) => [mode === "template" ? parseTemplate(k) : [{ lit: k }], fromJson(x, mode, where)] as const),
    };
  }
  throw new Error(`${where}: cannot render a value of type ${typeof v}`);
}

// ---------------------------------------------------------------------------------------------------------------
// JSON documents inside a template string: interpolations stand in as private-use placeholders while the JSON parses.

const PH_OPEN = "\uE000";
const PH_CLOSE = "\uE001";

/** jsonencode(…) of the document a string holds, or undefined when the string is not one JSON object or array. */
export function jsonDocument(s: string): Value | undefined {
  const parts = parseTemplate(s);
  const interps: string[] = [];
  let text = "";
  for (const part of parts) {
    if ("interp" in part) {
      if (!part.interp.startsWith("${")) return undefined;
      text += `${PH_OPEN}${interps.length}${PH_CLOSE}`;
      interps.push(part.interp);
    } else {
      if (part.lit.includes(PH_OPEN) || part.lit.includes(PH_CLOSE)) return undefined;
      text += part.lit;
    }
  }
  let doc: Value;
  try {
    doc = new JsonReader(text, (str) => placeholderParts(str, interps)).document();
  } catch {
    return undefined;
  }
  return doc.kind === "object" || doc.kind === "list" ? { kind: "jsonencode", arg: doc } : undefined;
}

function placeholderParts(s: string, interps: readonly string[]): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const re = new RegExp(`${PH_OPEN}(\\d+)${PH_CLOSE}`, "g");
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) parts.push({ lit: s.slice(last, m.index) });
    parts.push({ interp: interps[Number(m[1])] });
    last = m.index + m[0].length;
  }
  if (last < s.length || parts.length === 0) parts.push({ lit: s.slice(last) });
  if (parts.some((p) => "lit" in p && (p.lit.includes(PH_OPEN) || p.lit.includes(PH_CLOSE)))) throw new Error("split placeholder");
  return parts;
}

/** A strict JSON reader that keeps key order and number text, and rejects duplicate keys (HCL objects cannot have them). */
class JsonReader {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly str: (s: string) => TemplatePart[],
  ) {}

  document(): Value {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) throw new Error("trailing text");
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length && " \t\r\n".includes(this.s[this.i])) this.i++;
  }

  private value(): Value {
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return stringValue(this.str(this.string()));
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) throw new Error(`unexpected ${JSON.stringify(c)} at ${this.i}`);
    this.i += m[0].length;
    return raw(m[0]);
  }

  private object(): Value {
    this.i++;
    const entries: Array<readonly [TemplatePart[], Value]> = [];
    const seen = new Set<string>();
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return { kind: "object", entries };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw new Error("expected a key");
      const key = this.string();
      if (seen.has(key)) throw new Error(`duplicate key ${key}`);
      seen.add(key);
      this.ws();
      if (this.s[this.i++] !== ":") throw new Error("expected :");
      entries.push([this.str(key), this.value()]);
      this.ws();
      const c = this.s[this.i++];
      if (c === "}") return { kind: "object", entries };
      if (c !== ",") throw new Error("expected , or }");
    }
  }

  private array(): Value {
    this.i++;
    const items: Value[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return { kind: "list", items };
    }
    for (;;) {
      items.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === "]") return { kind: "list", items };
      if (c !== ",") throw new Error("expected , or ]");
    }
  }

  private string(): string {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`bad string at ${this.i}`);
    this.i += m[0].length;
    return JSON.parse(m[0]) as string;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Layout. Lines are collected first, then `=` signs are aligned the way `terraform fmt` aligns them: over each run
// of consecutive lines at one level that assign a complete one-line value (a heredoc counts as one line).

type Line =
  | { readonly kind: "assign"; readonly indent: number; readonly lead: string; readonly rest: string; readonly body?: readonly string[] }
  | { readonly kind: "text"; readonly indent: number; readonly text: string; readonly body?: readonly string[] }
  | { readonly kind: "blank" };

class Writer {
  readonly lines: Line[] = [];

  assign(indent: number, lead: string, rest: string, body?: string[]): void {
    this.lines.push({ kind: "assign", indent, lead, rest, body });
  }

  text(indent: number, text: string, body?: string[]): void {
    this.lines.push({ kind: "text", indent, text, body });
  }

  /** A blank line, unless at the start, after another or right after an opening line. */
  blank(): void {
    const last = this.lines[this.lines.length - 1];
    if (!last || last.kind === "blank" || (last.kind === "text" && /[{[(]$/.test(last.text))) return;
    this.lines.push({ kind: "blank" });
  }

  toString(): string {
    const out: string[] = [];
    const width = new Map<Line, number>();
    let run: Line[] = [];
    const close = (): void => {
      const max = Math.max(0, ...run.map((l) => (l.kind === "assign" ? Buffer.byteLength(l.lead) : 0)));
      for (const l of run) width.set(l, max);
      run = [];
    };
    for (const l of this.lines) {
      if (l.kind === "assign") run.push(l);
      else close();
    }
    close();
    for (const l of this.lines) {
      if (l.kind === "blank") {
        out.push("");
        continue;
      }
      const pad = "  ".repeat(l.indent);
      if (l.kind === "assign") {
        const spaces = (width.get(l) ?? 0) - Buffer.byteLength(l.lead);
        out.push(`${pad}${l.lead}${" ".repeat(spaces)} = ${l.rest}`);
      } else out.push(`${pad}${l.text}`);
      if (l.body) out.push(...l.body);
    }
    while (out.length > 0 && out[out.length - 1] === "") out.pop();
    return `${out.join("\n")}\n`;
  }
}

const KEYWORDS = new Set(["true", "false", "null", "for", "in", "if", "endfor", "endif"]);

function isIdentifier(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s) && !KEYWORDS.has(s);
}

/** An object key: a bare identifier when it is one, otherwise quoted. */
function renderKey(parts: readonly TemplatePart[]): string {
  if (parts.length === 1 && "lit" in parts[0] && isIdentifier(parts[0].lit)) return parts[0].lit;
  return `"${encodeParts(parts)}"`;
}

function quoted(parts: readonly TemplatePart[]): string {
  return `"${encodeParts(parts)}"`;
}

/** The value on one line, or undefined when it takes several. */
function inline(v: Value): string | undefined {
  switch (v.kind) {
    case "raw":
      return v.text;
    case "string":
      return quoted(v.parts);
    case "list": {
      if (v.items.length === 0) return "[]";
      if (!v.items.every((x) => x.kind === "raw" || x.kind === "string")) return undefined;
      const text = `[${v.items.map((x) => inline(x)).join(", ")}]`;
      return text.length <= INLINE_LIST_MAX ? text : undefined;
    }
    case "object":
      return v.entries.length === 0 ? "{}" : undefined;
    case "jsonencode": {
      const arg = inline(v.arg);
      return arg === "{}" || arg === "[]" ? `jsonencode(${arg})` : undefined;
    }
    case "join":
      return undefined;
  }
}

/** Opening and closing text of a multi-line value. */
function brackets(v: Value): readonly [string, string, Value] {
  if (v.kind === "list") return ["[", "]", v];
  if (v.kind === "object") return ["{", "}", v];
  if (v.kind === "jsonencode") {
    const [open, close] = brackets(v.arg);
    return [`jsonencode(${open}`, `${close})`, v.arg];
  }
  if (v.kind === "join") return ['join("", [', "])", v.arg];
  throw new Error(`no multi-line form for ${v.kind}`);
}

/** The lines of a heredoc for a multi-line string, or undefined when a quoted string says it more faithfully. */
function heredoc(v: Value, indent: number): { open: string; body: string[]; close: string } | undefined {
  if (v.kind !== "string") return undefined;
  const text = encodeParts(v.parts, true);
  if (!v.parts.some((p) => "lit" in p && p.lit.includes("\n"))) return undefined;
  if (v.parts.some((p) => "interp" in p && p.interp.includes("\n"))) return undefined;
  // Only newlines and printable text; `<<-` strips the indentation common to all lines, so one line must start
  // without any, and tabs (counted differently) must not lead a line.
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return undefined;
  const trailing = text.endsWith("\n");
  const lines = (trailing ? text.slice(0, -1) : text).split("\n");
  if (lines.some((l) => l.startsWith("\t"))) return undefined;
  if (!lines.some((l) => l.length > 0 && !/^\s/.test(l))) return undefined;
  let marker = "EOT";
  for (let n = 2; lines.some((l) => l.trim() === marker); n++) marker = `EOT${n}`;
  const pad = "  ".repeat(indent + 1);
  const body = [...lines.map((l) => (l.length > 0 ? pad + l : l)), pad + marker];
  return trailing ? { open: `<<-${marker}`, body, close: "" } : { open: `chomp(<<-${marker}`, body, close: ")" };
}

function emitAttribute(w: Writer, indent: number, lead: string, v: Value, allowHeredoc: boolean): void {
  const doc = allowHeredoc ? heredoc(v, indent) : undefined;
  if (doc) {
    if (doc.close) {
      w.text(indent, `${lead} = ${doc.open}`, doc.body);
      w.text(indent, doc.close);
    } else w.assign(indent, lead, doc.open, doc.body);
    return;
  }
  const one = inline(v);
  if (one !== undefined) {
    w.assign(indent, lead, one);
    return;
  }
  const [open, close, inner] = brackets(v);
  w.text(indent, `${lead} = ${open}`);
  emitItems(w, indent + 1, inner);
  w.text(indent, close);
}

function emitItems(w: Writer, indent: number, v: Value): void {
  if (v.kind === "object") {
    for (const [key, x] of v.entries) emitAttribute(w, indent, renderKey(key), x, false);
    return;
  }
  if (v.kind !== "list") throw new Error(`no items in ${v.kind}`);
  for (const item of v.items) {
    const one = inline(item);
    if (one !== undefined) {
      w.text(indent, `${one},`);
      continue;
    }
    const [open, close, inner] = brackets(item);
    w.text(indent, open);
    emitItems(w, indent + 1, inner);
    w.text(indent, `${close},`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Terraform's configuration structure (the JSON syntax, https://developer.hashicorp.com/terraform/language/syntax/json).

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function label(s: string): string {
  return `"${escapeLiteral(s)}"`;
}

function attributeName(k: string, where: string): string {
  if (!isIdentifier(k)) throw new Error(`${where}: "${k}" is not a valid argument name`);
  return k;
}

/** One block; `body` writes its content at indent + 1. */
function block(w: Writer, indent: number, header: string, body: (indent: number) => void): void {
  const start = w.lines.length;
  w.text(indent, `${header} {`);
  body(indent + 1);
  if (w.lines.length === start + 1) {
    w.lines.pop();
    w.text(indent, `${header} {}`);
    return;
  }
  w.text(indent, "}");
}

/** The bodies of a block key: one object is one block, an array is one block per element. */
function blockBodies(v: unknown, where: string): Obj[] {
  const items = Array.isArray(v) ? v : [v];
  for (const x of items) if (!isObj(x)) throw new Error(`${where}: a block must be an object`);
  return items as Obj[];
}

/**
 * A long filter pattern as pieces joined back together, each piece ending after a `&&` or `||` outside quotes (or
 * holding one that cannot be broken); undefined when the pattern fits on its line.
 */
export function brokenPattern(parts: readonly TemplatePart[]): Value | undefined {
  if (quoted(parts).length <= PATTERN_PIECE_MAX) return undefined;
  // Cut the literal text after each operator; interpolations stay whole inside their piece.
  const pieces: TemplatePart[][] = [[]];
  let inQuotes = false;
  for (const part of parts) {
    if ("interp" in part) {
      pieces[pieces.length - 1].push(part);
      continue;
    }
    let from = 0;
    for (let i = 0; i < part.lit.length; i++) {
      const c = part.lit[i];
      if (c === '"' && part.lit[i - 1] !== "\\") inQuotes = !inQuotes;
      if (inQuotes || c !== " " || !(part.lit.startsWith(" && ", i) || part.lit.startsWith(" || ", i))) continue;
      pieces[pieces.length - 1].push({ lit: part.lit.slice(from, i + 4) });
      pieces.push([]);
      from = i + 4;
      i += 3;
    }
    if (from < part.lit.length) pieces[pieces.length - 1].push({ lit: part.lit.slice(from) });
  }
  // Pieces packed into lines of at most PATTERN_PIECE_MAX characters.
  const lines: TemplatePart[][] = [];
  for (const piece of pieces.filter((p) => p.length > 0)) {
    const last = lines[lines.length - 1];
    if (last && quoted([...last, ...piece]).length <= PATTERN_PIECE_MAX) last.push(...piece);
    else lines.push([...piece]);
  }
  if (lines.length < 2) return undefined;
  return { kind: "join", arg: { kind: "list", items: lines.map((l) => ({ kind: "string", parts: mergeLiterals(l) })) } };
}

/** Adjacent literal parts as one (a piece cut from one literal and packed with its neighbour). */
function mergeLiterals(parts: readonly TemplatePart[]): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if ("lit" in p && last && "lit" in last) out[out.length - 1] = { lit: last.lit + p.lit };
    else out.push(p);
  }
  return out;
}

function attribute(w: Writer, indent: number, k: string, v: unknown, mode: Mode, where: string): void {
  let value: Value | undefined;
  if (mode === "template" && typeof v === "string" && JSON_DOCUMENT_ATTRIBUTES.has(k)) value = jsonDocument(v);
  if (mode === "template" && typeof v === "string" && FILTER_PATTERN_ATTRIBUTES.has(k)) value = brokenPattern(parseTemplate(v));
  emitAttribute(w, indent, attributeName(k, where), value ?? fromJson(v, mode, `${where}.${k}`), true);
}

function conditionBlocks(w: Writer, indent: number, name: string, v: unknown, where: string): void {
  for (const body of blockBodies(v, `${where}.${name}`)) {
    w.blank();
    block(w, indent, name, (i) => plainBody(w, i, body, `${where}.${name}`));
  }
}

/** A body of attributes only, all templates. */
function plainBody(w: Writer, indent: number, body: Obj, where: string): void {
  for (const [k, v] of Object.entries(body)) if (k !== "//") attribute(w, indent, k, v, "template", where);
}

const FIRST_META = ["count", "for_each", "provider"];

/** A resource, data source or provider body, or a nested block's body (`shape` says which keys are blocks). */
function schemaBody(w: Writer, indent: number, body: Obj, shape: BlockShape | undefined, where: string, meta: boolean): void {
  const entries = Object.entries(body).filter(([k]) => k !== "//");
  const isBlock = (k: string, v: unknown): boolean =>
    shape?.blocks[k] !== undefined && (isObj(v) || (Array.isArray(v) && v.every(isObj)));
  const metaKeys = meta ? new Set([...FIRST_META, "depends_on", "lifecycle", "provisioner", "connection", "dynamic"]) : new Set<string>();

  if (meta) {
    for (const k of FIRST_META) {
      if (!(k in body)) continue;
      attribute(w, indent, k, body[k], k === "provider" ? "reference" : "template", where);
    }
  }
  for (const [k, v] of entries) {
    if (metaKeys.has(k) || isBlock(k, v)) continue;
    attribute(w, indent, k, v, "template", where);
  }
  for (const [k, v] of entries) {
    if (metaKeys.has(k) || !isBlock(k, v)) continue;
    for (const b of blockBodies(v, `${where}.${k}`)) {
      w.blank();
      block(w, indent, k, (i) => schemaBody(w, i, b, shape?.blocks[k], `${where}.${k}`, false));
    }
  }
  if (!meta) return;
  if (isObj(body.dynamic)) {
    for (const [name, d] of Object.entries(body.dynamic)) {
      if (!isObj(d)) throw new Error(`${where}.dynamic.${name}: must be an object`);
      w.blank();
      block(w, indent, `dynamic ${label(name)}`, (i) => {
        for (const [k, v] of Object.entries(d)) {
          if (k === "content") continue;
          attribute(w, i, k, v, k === "iterator" ? "reference" : "template", `${where}.dynamic.${name}`);
        }
        if (!isObj(d.content)) throw new Error(`${where}.dynamic.${name}: content must be an object`);
        const content = d.content;
        block(w, i, "content", (j) => schemaBody(w, j, content, shape?.blocks[name], `${where}.dynamic.${name}`, false));
      });
    }
  }
  if (body.connection !== undefined) {
    w.blank();
    for (const b of blockBodies(body.connection, `${where}.connection`)) block(w, indent, "connection", (i) => plainBody(w, i, b, where));
  }
  if (body.provisioner !== undefined) {
    for (const p of blockBodies(body.provisioner, `${where}.provisioner`)) {
      for (const [type, b] of Object.entries(p)) {
        if (!isObj(b)) throw new Error(`${where}.provisioner.${type}: must be an object`);
        w.blank();
        block(w, indent, `provisioner ${label(type)}`, (i) => schemaBody(w, i, b, { blocks: {} }, `${where}.provisioner`, true));
      }
    }
  }
  if (body.lifecycle !== undefined) {
    for (const b of blockBodies(body.lifecycle, `${where}.lifecycle`)) {
      w.blank();
      block(w, indent, "lifecycle", (i) => {
        for (const [k, v] of Object.entries(b)) {
          if (k === "precondition" || k === "postcondition") continue;
          const mode = k === "ignore_changes" || k === "replace_triggered_by" ? "reference" : "template";
          attribute(w, i, k, v, mode, `${where}.lifecycle`);
        }
        for (const k of ["precondition", "postcondition"]) if (b[k] !== undefined) conditionBlocks(w, i, k, b[k], `${where}.lifecycle`);
      });
    }
  }
  if (body.depends_on !== undefined) {
    w.blank();
    attribute(w, indent, "depends_on", body.depends_on, "reference", where);
  }
}

function renderTerraformBlock(w: Writer, tf: Obj): void {
  block(w, 0, "terraform", (i) => {
    for (const [k, v] of Object.entries(tf)) {
      if (["required_providers", "backend", "cloud", "provider_meta"].includes(k)) continue;
      attribute(w, i, k, v, "literal", "terraform");
    }
    if (isObj(tf.required_providers)) {
      const rp = tf.required_providers;
      block(w, i, "required_providers", (j) => {
        for (const [name, req] of Object.entries(rp)) attribute(w, j, name, req, "literal", "terraform.required_providers");
      });
    }
    for (const key of ["backend", "provider_meta"]) {
      const labelled = tf[key];
      if (!isObj(labelled)) continue;
      for (const [type, body] of Object.entries(labelled)) {
        if (!isObj(body)) throw new Error(`terraform.${key}.${type}: must be an object`);
        block(w, i, `${key} ${label(type)}`, (j) => {
          for (const [k, v] of Object.entries(body)) attribute(w, j, k, v, "literal", `terraform.${key}.${type}`);
        });
      }
    }
    if (isObj(tf.cloud)) {
      const cloud = tf.cloud;
      block(w, i, "cloud", (j) => {
        for (const [k, v] of Object.entries(cloud)) if (k !== "workspaces") attribute(w, j, k, v, "literal", "terraform.cloud");
        if (isObj(cloud.workspaces)) {
          const ws = cloud.workspaces;
          block(w, j, "workspaces", (m) => {
            for (const [k, v] of Object.entries(ws)) attribute(w, m, k, v, "literal", "terraform.cloud.workspaces");
          });
        }
      });
    }
  });
}

/** The comment lines at the top of a stack's review rendering. */
export function reviewHeader(stack: string): string[] {
  return [
    `Review rendering of stacks/${stack}/cdk.tf.json, written by \`npm run synth:hcl\`: the same configuration as HCL.`,
    "The JSON is what cdktf deploys; change the TypeScript, not this file.",
  ];
}

const TOP_LEVEL = ["//", "terraform", "provider", "variable", "locals", "data", "resource", "module", "output", "moved", "import"];

/**
 * Renders a Terraform JSON configuration (a synthesized cdk.tf.json) as HCL. `header` lines become leading comments.
 * Throws on anything it cannot render faithfully.
 */
export function renderHcl(config: Obj, shapes: StackShapes, header: readonly string[] = []): string {
  for (const key of Object.keys(config)) {
    if (!TOP_LEVEL.includes(key)) throw new Error(`the review rendering does not support top-level "${key}" blocks`);
  }
  const w = new Writer();
  for (const line of header) w.text(0, line ? `# ${line}` : "#");
  w.blank();
  const section = (fn: () => void): void => {
    fn();
    w.blank();
  };

  if (isObj(config.terraform)) section(() => renderTerraformBlock(w, config.terraform as Obj));

  if (isObj(config.provider)) {
    for (const [name, instances] of Object.entries(config.provider)) {
      for (const body of blockBodies(instances, `provider.${name}`)) {
        section(() => block(w, 0, `provider ${label(name)}`, (i) => schemaBody(w, i, body, shapes.provider[name], `provider.${name}`, false)));
      }
    }
  }

  if (isObj(config.variable)) {
    for (const [name, body] of Object.entries(config.variable)) {
      if (!isObj(body)) throw new Error(`variable.${name}: must be an object`);
      section(() =>
        block(w, 0, `variable ${label(name)}`, (i) => {
          for (const [k, v] of Object.entries(body)) {
            if (k === "validation") continue;
            attribute(w, i, k, v, k === "type" ? "reference" : k === "default" ? "literal" : "template", `variable.${name}`);
          }
          if (body.validation !== undefined) conditionBlocks(w, i, "validation", body.validation, `variable.${name}`);
        }),
      );
    }
  }

  if (isObj(config.locals)) {
    const locals = config.locals;
    section(() => block(w, 0, "locals", (i) => plainBody(w, i, locals, "locals")));
  }

  const order = new Map((shapes.order ?? []).map((address, n) => [address, n]));
  for (const kind of ["data", "resource"] as const) {
    const byType = config[kind];
    if (!isObj(byType)) continue;
    const items: Array<{ address: string; type: string; name: string; body: Obj }> = [];
    for (const [type, byName] of Object.entries(byType)) {
      if (!isObj(byName)) throw new Error(`${kind}.${type}: must be an object`);
      for (const [name, body] of Object.entries(byName)) {
        if (!isObj(body)) throw new Error(`${kind}.${type}.${name}: must be an object`);
        items.push({ address: `${kind === "data" ? "data." : ""}${type}.${name}`, type, name, body });
      }
    }
    const rank = (a: string): number => order.get(a) ?? Number.MAX_SAFE_INTEGER;
    items.sort((a, b) => rank(a.address) - rank(b.address) || (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    for (const { address, type, name, body } of items) {
      const shape = (kind === "data" ? shapes.data : shapes.resource)[type];
      section(() => block(w, 0, `${kind} ${label(type)} ${label(name)}`, (i) => schemaBody(w, i, body, shape, address, true)));
    }
  }

  if (isObj(config.module)) {
    for (const [name, body] of Object.entries(config.module)) {
      if (!isObj(body)) throw new Error(`module.${name}: must be an object`);
      section(() =>
        block(w, 0, `module ${label(name)}`, (i) => {
          for (const [k, v] of Object.entries(body)) {
            if (k === "//") continue;
            const mode = k === "source" || k === "version" ? "literal" : k === "providers" || k === "depends_on" ? "reference" : "template";
            attribute(w, i, k, v, mode, `module.${name}`);
          }
        }),
      );
    }
  }

  if (isObj(config.output)) {
    for (const [name, body] of Object.entries(config.output)) {
      if (!isObj(body)) throw new Error(`output.${name}: must be an object`);
      section(() =>
        block(w, 0, `output ${label(name)}`, (i) => {
          for (const [k, v] of Object.entries(body)) {
            if (k === "precondition" || k === "//") continue;
            attribute(w, i, k, v, k === "depends_on" ? "reference" : "template", `output.${name}`);
          }
          if (body.precondition !== undefined) conditionBlocks(w, i, "precondition", body.precondition, `output.${name}`);
        }),
      );
    }
  }

  for (const key of ["moved", "import"] as const) {
    if (config[key] === undefined) continue;
    for (const body of blockBodies(config[key], key)) {
      section(() =>
        block(w, 0, key, (i) => {
          for (const [k, v] of Object.entries(body)) {
            const mode = k === "from" || k === "to" || k === "provider" ? "reference" : "template";
            attribute(w, i, k, v, mode, key);
          }
        }),
      );
    }
  }
  return w.toString();
}
