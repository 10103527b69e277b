/**
 * Property tests: compiled filter patterns agree with a slow, literal reading of the documented semantics on random
 * patterns and log events (fixed seeds, no clock). Patterns are generated as syntax trees, rendered to text for the
 * engine, and interpreted directly from the tree by the reference.
 */
import { compileFilterPattern } from "../../src/engines/filter-pattern";
import { mulberry32, Rng } from "./prng";

type Json = unknown;

function globMatches(glob: string, s: string): boolean {
  const go = (g: number, i: number): boolean => {
    if (g === glob.length) return i === s.length;
    if (glob[g] === "*") return go(g + 1, i) || (i < s.length && go(g, i + 1));
    return i < s.length && s[i] === glob[g] && go(g + 1, i + 1);
  };
  return go(0, 0);
}

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Filter-pattern regexes with the JavaScript regex a reader would write for them by hand. */
const REGEXES: [string, RegExp][] = [
  ["^a", /^a/],
  ["b$", /b$/],
  ["x|y", /x|y/],
  ["\\d{2,}", /\d{2,}/],
  ["^[a-c]+$", /^[a-c]+$/],
  ["1\\.5", /1\.5/],
  ["a{,1}b", /a{0,1}b/],
  ["\\w\\s\\w", /\w\s\w/],
];

type Cmp = "=" | "!=" | "<" | ">" | "<=" | ">=";
type Operand = { kind: "str"; text: string; quoted: boolean } | { kind: "num"; text: string } | { kind: "regex"; index: number };

function compareRef(v: Json, cmp: Cmp, operand: Operand): boolean {
  if (typeof v !== "string" && typeof v !== "number") return false;
  if (operand.kind === "num") {
    const n = typeof v === "number" ? v : NUMERIC_TEXT.test(v) ? Number(v) : undefined;
    const x = Number(operand.text);
    if (n === undefined) return cmp === "!=";
    return { "=": n === x, "!=": n !== x, "<": n < x, ">": n > x, "<=": n <= x, ">=": n >= x }[cmp];
  }
  const s = String(v);
  const hit = operand.kind === "regex" ? REGEXES[operand.index][1].test(s) : globMatches(operand.text, s);
  return cmp === "=" ? hit : !hit;
}

function renderOperand(o: Operand): string {
  if (o.kind === "num") return o.text;
  if (o.kind === "regex") return `%${REGEXES[o.index][0]}%`;
  return o.quoted ? `"${o.text}"` : o.text;
}

// --------------------------------------------------------------------------------------------- JSON patterns

type Step = { key: string } | { index: number } | "any-field" | "any-element";
type Expr =
  | { op: "and" | "or"; left: Expr; right: Expr }
  | { op: "cmp"; steps: Step[]; cmp: Cmp; operand: Operand }
  | { op: "is"; steps: Step[]; what: "NULL" | "TRUE" | "FALSE" }
  | { op: "notExists"; steps: Step[] };

const JSON_KEYS = ["a", "b", "c_1", "d-2", "e.f"];
const JSON_STRINGS = ["x", "xy", "ab", "a b", "1.5", "12", "abc", "", "bab"];

function select(node: Json, steps: Step[]): Json[] {
  if (steps.length === 0) return [node];
  const [step, ...rest] = steps;
  if (typeof node !== "object" || node === null) return [];
  if (step === "any-field") return Array.isArray(node) ? [] : Object.values(node).flatMap((c) => select(c, rest));
  if (step === "any-element") return Array.isArray(node) ? node.flatMap((c) => select(c, rest)) : [];
  if ("index" in step) return Array.isArray(node) && step.index < node.length ? select(node[step.index], rest) : [];
  if (Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, step.key)) return [];
  return select((node as Record<string, Json>)[step.key], rest);
}

function evalRef(e: Expr, event: Json): boolean {
  switch (e.op) {
    case "and":
      return evalRef(e.left, event) && evalRef(e.right, event);
    case "or":
      return evalRef(e.left, event) || evalRef(e.right, event);
    case "notExists":
      return select(event, e.steps).length === 0;
    case "is":
      return select(event, e.steps).some((v) => v === (e.what === "NULL" ? null : e.what === "TRUE"));
    case "cmp":
      return select(event, e.steps).some((v) => compareRef(v, e.cmp, e.operand));
  }
}

function renderSteps(steps: Step[]): string {
  return (
    "$" +
    steps
      .map((s) => (s === "any-field" ? ".*" : s === "any-element" ? "[*]" : "index" in s ? `[${s.index}]` : s.key.includes(".") ? `.['${s.key}']` : `.${s.key}`))
      .join("")
  );
}

function render(e: Expr, r: Rng, parent?: "and" | "or"): string {
  if (e.op === "and" || e.op === "or") {
    const inner = `${render(e.left, r, e.op)} ${e.op === "and" ? "&&" : "||"} ${render(e.right, r, e.op)}`;
    // an "or" below an "and" needs parentheses; elsewhere they are optional
    return (parent === "and" && e.op === "or") || r.int(3) === 0 ? `(${inner})` : inner;
  }
  const leaf = e as Exclude<Expr, { op: "and" | "or" }>;
  const sel = renderSteps(leaf.steps);
  const text = leaf.op === "cmp" ? `${sel} ${leaf.cmp} ${renderOperand(leaf.operand)}` : leaf.op === "is" ? `${sel} IS ${leaf.what}` : `${sel} NOT EXISTS`;
  return r.int(4) === 0 ? `(${text})` : text;
}

function genSteps(r: Rng, allowWildcard: boolean): Step[] {
  const steps: Step[] = [];
  let wildcard = !allowWildcard;
  for (let n = 1 + r.int(3); n > 0; n--) {
    const roll = r.int(8);
    if (!wildcard && roll === 0) {
      steps.push(r.bool() ? "any-field" : "any-element");
      wildcard = true;
    } else if (roll === 1) steps.push({ index: r.int(3) });
    else steps.push({ key: r.pick(JSON_KEYS) });
  }
  // a selector starts with "$.": a key or the any-field wildcard, never [n] or [*]
  if (steps[0] === "any-element" || (typeof steps[0] === "object" && "index" in steps[0])) steps[0] = { key: r.pick(JSON_KEYS) };
  return steps;
}

function genOperand(r: Rng, cmp: Cmp, budget: { regex: number }): Operand {
  if (cmp !== "=" && cmp !== "!=") return { kind: "num", text: r.pick(["0", "1", "1.5", "12", "-3", "1e1", "+2"]) };
  const roll = r.int(6);
  if (roll === 0 && budget.regex > 0) {
    budget.regex--;
    return { kind: "regex", index: r.int(REGEXES.length) };
  }
  if (roll <= 1) return { kind: "num", text: r.pick(["1", "1.5", "12", "0"]) };
  if (roll === 2) return { kind: "str", text: r.pick(["x", "ab", "abc", "xy"]), quoted: false };
  return { kind: "str", text: r.pick(["x", "a*", "*b", "*", "a b", "1.5", "", "*a*"]), quoted: true };
}

function genExpr(r: Rng, depth: number, budget: { regex: number; wildcards: number }): Expr {
  if (depth < 3 && r.int(3) === 0) return { op: r.bool() ? "and" : "or", left: genExpr(r, depth + 1, budget), right: genExpr(r, depth + 1, budget) };
  const steps = genSteps(r, budget.wildcards > 0);
  const hasWildcard = steps.some((s) => typeof s === "string");
  if (hasWildcard) budget.wildcards--;
  const roll = r.int(10);
  if (roll === 0 && !hasWildcard) return { op: "notExists", steps };
  if (roll === 1) return { op: "is", steps, what: r.pick(["NULL", "TRUE", "FALSE"] as const) };
  const cmp = r.pick<Cmp>(["=", "=", "!=", "!=", "<", ">", "<=", ">="]);
  return { op: "cmp", steps, cmp, operand: genOperand(r, cmp, budget) };
}

function genJson(r: Rng, depth: number): Json {
  const roll = r.int(12);
  if (depth < 3 && roll <= 1) {
    const o: Record<string, Json> = {};
    for (let n = r.int(4); n > 0; n--) o[r.pick(JSON_KEYS)] = genJson(r, depth + 1);
    return o;
  }
  if (depth < 3 && roll === 2) return Array.from({ length: r.int(4) }, () => genJson(r, depth + 1));
  if (roll <= 6) return r.pick(JSON_STRINGS);
  if (roll <= 9) return r.pick([0, 1, 1.5, 12, -3, 10]);
  return r.pick([true, false, null]);
}

describe("JSON filter patterns agree with a slow reference", () => {
  test.each([11, 12, 13, 14, 15])("seed %i: 400 patterns × 5 events", (seed) => {
    const r = mulberry32(seed);
    const outcomes = { true: 0, false: 0 };
    for (let i = 0; i < 400; i++) {
      const expr = genExpr(r, 0, { regex: 2, wildcards: 3 });
      const pattern = `{ ${render(expr, r)} }`;
      const compiled = compileFilterPattern(pattern);
      for (let j = 0; j < 5; j++) {
        const root: Record<string, Json> = {};
        for (let n = 1 + r.int(5); n > 0; n--) root[r.pick(JSON_KEYS)] = genJson(r, 1);
        const message = JSON.stringify(root);
        const want = evalRef(expr, root);
        const got = compiled.matches(message);
        if (got !== want) throw new Error(`disagreement on ${pattern} and ${message}: engine ${got}, reference ${want}`);
        // a caller's pre-parsed event gives the same verdict as the text
        expect(compiled.matches("ignored", root)).toBe(got);
        outcomes[String(want) as "true" | "false"]++;
      }
    }
    expect(outcomes.true).toBeGreaterThan(150);
    expect(outcomes.false).toBeGreaterThan(150);
  });
});

// ---------------------------------------------------------------------------------------- space-delimited

const WORDS = ["GET", "POST", "404", "200", "1.5", "abc", "a1", "x-y", "12", "0"];

function genMessage(r: Rng): string {
  const parts: string[] = [];
  for (let n = 1 + r.int(6); n > 0; n--) {
    const roll = r.int(8);
    if (roll === 0) parts.push(`[${r.pick(WORDS)} ${r.pick(WORDS)}]`);
    else if (roll === 1) parts.push(`"${r.pick(WORDS)} ${r.pick(WORDS)}"`);
    else parts.push(r.pick(WORDS));
  }
  return parts.join(r.pick([" ", "  ", "\t"]));
}

/** Fields of a message: space-separated, with [...] and "..." groups kept whole (their delimiters dropped). */
function fieldsRef(message: string): { value: string; start: number }[] {
  const out: { value: string; start: number }[] = [];
  let i = 0;
  while (i < message.length) {
    if (/\s/.test(message[i])) {
      i++;
      continue;
    }
    const close = message[i] === "[" ? "]" : message[i] === '"' ? '"' : undefined;
    const end = close ? message.indexOf(close, i + 1) : -1;
    if (close && end >= 0) {
      out.push({ value: message.slice(i + 1, end), start: i });
      i = end + 1;
    } else {
      let j = i;
      while (j < message.length && !/\s/.test(message[j])) j++;
      out.push({ value: message.slice(i, j), start: i });
      i = j;
    }
  }
  return out;
}

type Cond = { cmp: Cmp; operand: Operand };
type Field = { name: string; any: Cond[][] } | "...";

function genField(r: Rng, budget: { regex: number }): Field {
  const name = r.pick(["f", "g", "w1", ""]);
  if (name === "" || r.int(3) === 0) return { name, any: [] };
  const any: Cond[][] = [];
  for (let a = 1 + r.int(2); a > 0; a--) {
    const all: Cond[] = [];
    for (let c = 1 + r.int(2); c > 0; c--) {
      const cmp = r.pick<Cmp>(["=", "=", "!=", ">", "<="]);
      let operand: Operand = genOperand(r, cmp, budget);
      if (operand.kind === "str" && operand.quoted && operand.text.includes(" ")) operand = { kind: "str", text: "a*", quoted: false };
      all.push({ cmp, operand });
    }
    any.push(all);
  }
  return { name, any };
}

function renderField(f: Field): string {
  if (f === "...") return "...";
  if (f.any.length === 0) return f.name;
  return `${f.name} ${f.any.map((all) => all.map((c) => `${f.name} ${c.cmp} ${renderOperand(c.operand)}`.trim()).join(" && ")).join(" || ")}`;
}

function delimitedRef(fields: Field[], message: string): boolean {
  const values = fieldsRef(message);
  const ok = (f: Field, v: string) => f === "..." || f.any.length === 0 || f.any.some((all) => all.every((c) => compareRef(v, c.cmp, c.operand)));
  const e = fields.indexOf("...");
  if (e < 0) {
    if (values.length < fields.length) return false;
    return fields.every((f, i) => {
      const last = i === fields.length - 1 && values.length > fields.length;
      return ok(f, last ? message.slice(values[i].start).trimEnd() : values[i].value);
    });
  }
  const after = fields.length - e - 1;
  if (values.length < fields.length - 1) return false;
  return fields.every((f, i) => i === e || ok(f, values[i < e ? i : values.length - (fields.length - i)].value)) && after >= 0;
}

describe("space-delimited filter patterns agree with a slow reference", () => {
  test.each([21, 22, 23, 24, 25])("seed %i: 400 patterns × 5 messages", (seed) => {
    const r = mulberry32(seed);
    const outcomes = { true: 0, false: 0 };
    for (let i = 0; i < 400; i++) {
      const budget = { regex: 2 };
      const fields: Field[] = Array.from({ length: 1 + r.int(4) }, () => genField(r, budget));
      if (r.int(3) === 0) fields.splice(r.int(fields.length + 1), 0, "...");
      const pattern = `[${fields.map(renderField).join(", ")}]`;
      const compiled = compileFilterPattern(pattern);
      for (let j = 0; j < 5; j++) {
        const message = genMessage(r);
        const want = delimitedRef(fields, message);
        const got = compiled.matches(message);
        if (got !== want) throw new Error(`disagreement on ${pattern} and ${JSON.stringify(message)}: engine ${got}, reference ${want}`);
        outcomes[String(want) as "true" | "false"]++;
      }
    }
    expect(outcomes.true).toBeGreaterThan(150);
    expect(outcomes.false).toBeGreaterThan(150);
  });
});

// ---------------------------------------------------------------------------------------------- terms

describe("term filter patterns agree with a slow reference", () => {
  const TERMS = ["ERROR", "WARN", "abc", "a b", "-x", "?y", "Err", "REQUEST"];
  test.each([31, 32, 33])("seed %i: 500 patterns × 5 messages", (seed) => {
    const r = mulberry32(seed);
    const outcomes = { true: 0, false: 0 };
    for (let i = 0; i < 500; i++) {
      const terms = Array.from({ length: 1 + r.int(4) }, () => ({ mode: r.pick(["all", "all", "any", "none"] as const), text: r.pick(TERMS) }));
      const pattern = terms.map((t) => (t.mode === "any" ? "?" : t.mode === "none" ? "-" : "") + (/[ ?-]/.test(t.text) || r.int(4) === 0 ? `"${t.text}"` : t.text)).join(" ");
      const compiled = compileFilterPattern(pattern);
      const plain = terms.filter((t) => t.mode !== "any");
      for (let j = 0; j < 5; j++) {
        const message = Array.from({ length: r.int(6) }, () => r.pick([...TERMS, "ERRORS", "x", "[ERROR]", "Error"])).join(" ") || "-";
        const want =
          plain.length > 0
            ? plain.every((t) => (t.mode === "all") === message.includes(t.text))
            : terms.some((t) => message.includes(t.text));
        const got = compiled.matches(message);
        if (got !== want) throw new Error(`disagreement on ${pattern} and ${JSON.stringify(message)}: engine ${got}, reference ${want}`);
        outcomes[String(want) as "true" | "false"]++;
      }
    }
    expect(outcomes.true).toBeGreaterThan(200);
    expect(outcomes.false).toBeGreaterThan(200);
  });
});
