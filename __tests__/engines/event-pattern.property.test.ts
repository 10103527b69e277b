/**
 * Property test: the compiled event-pattern matcher agrees with a slow, literal reading of event-ruler's semantics
 * on random events and patterns (fixed seeds, no clock). The reference flattens the whole event into
 * (dotted path, value, array positions) fields and tries every combination of fields in sorted key order.
 */
import { compileEventPattern } from "../../src/engines/event-pattern";
import { mulberry32, Rng } from "./prng";

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (x: Json): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

// ------------------------------------------------------------------------------------------------ reference

interface RefField {
  path: string;
  value: Json;
  positions: Map<unknown[], number>;
}

function refFields(event: Obj): RefField[] {
  const out: RefField[] = [];
  const walk = (node: Json, path: string, positions: Map<unknown[], number>) => {
    if (Array.isArray(node)) {
      node.forEach((e, i) => {
        if (typeof e === "object" && e !== null) walk(e, path, new Map(positions).set(node, i));
        else out.push({ path, value: e, positions });
      });
    } else if (isObj(node)) {
      for (const k of Object.keys(node)) walk(node[k], `${path}.${k}`, positions);
    } else {
      out.push({ path, value: node, positions });
    }
  };
  for (const k of Object.keys(event)) walk(event[k], k, new Map());
  return out;
}

const consistent = (a: RefField, b: RefField) => [...a.positions].every(([arr, i]) => !b.positions.has(arr) || b.positions.get(arr) === i);

function refRules(p: Obj, prefix: string, rules: Map<string, Json[]>[]): Map<string, Json[]>[] {
  for (const [k, v] of Object.entries(p)) {
    if (k === "$or") {
      const before = rules;
      rules = (v as Obj[]).flatMap((branch) => refRules(branch, prefix, before.map((r) => new Map(r))));
    } else {
      const path = prefix ? `${prefix}.${k}` : k;
      if (Array.isArray(v)) for (const r of rules) r.set(path, v);
      else rules = refRules(v as Obj, path, rules);
    }
  }
  return rules;
}

function globMatches(glob: string, s: string): boolean {
  const go = (g: number, i: number): boolean => {
    if (g === glob.length) return i === s.length;
    if (glob[g] === "*") return go(g + 1, i) || (i < s.length && go(g, i + 1));
    let ch = glob[g];
    let next = g + 1;
    if (ch === "\\") {
      ch = glob[g + 1];
      next = g + 2;
    }
    return i < s.length && s[i] === ch && go(next, i + 1);
  };
  return go(0, 0);
}

/** Each pattern character matches its own lower or upper case. */
function ignoreCaseAt(pattern: string, s: string, from: number): number[] {
  let ends = [from];
  for (const c of pattern) {
    const forms = [...new Set([c.toLowerCase(), c.toUpperCase()])];
    ends = ends.flatMap((e) => forms.filter((f) => s.startsWith(f, e)).map((f) => e + f.length));
  }
  return ends;
}

function ipv4(s: Json): number | undefined {
  if (typeof s !== "string") return undefined;
  const parts = s.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) < 256)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function refValue(m: Json, v: Json): boolean {
  if (typeof m === "string") return ipv4(m) !== undefined ? ipv4(v) === ipv4(m) : v === m;
  if (!isObj(m)) return v === m;
  const [op, arg] = Object.entries(m)[0] as [string, Json];
  const s = typeof v === "string" ? v : undefined;
  switch (op) {
    case "prefix":
      if (isObj(arg)) return s !== undefined && ignoreCaseAt(arg["equals-ignore-case"] as string, s, 0).length > 0;
      return s !== undefined && s.startsWith(arg as string);
    case "suffix": {
      if (!isObj(arg)) return s !== undefined && s.endsWith(arg as string);
      if (s === undefined) return false;
      for (let from = 0; from <= s.length; from++) if (ignoreCaseAt(arg["equals-ignore-case"] as string, s, from).includes(s.length)) return true;
      return false;
    }
    case "equals-ignore-case":
      return s !== undefined && ignoreCaseAt(arg as string, s, 0).includes(s.length);
    case "wildcard":
      return s !== undefined && globMatches(arg as string, s);
    case "numeric": {
      if (typeof v !== "number") return false;
      const spec = arg as Json[];
      for (let i = 0; i < spec.length; i += 2) {
        const x = spec[i + 1] as number;
        const ok = { "=": v === x, "<": v < x, "<=": v <= x, ">": v > x, ">=": v >= x }[spec[i] as string];
        if (!ok) return false;
      }
      return true;
    }
    case "cidr": {
      const [net, bits] = (arg as string).split("/");
      const a = ipv4(v);
      const size = 2 ** (32 - Number(bits));
      return a !== undefined && Math.floor(a / size) === Math.floor(ipv4(net)! / size);
    }
    case "anything-but": {
      if (!isObj(arg)) return !(Array.isArray(arg) ? arg : [arg]).includes(v);
      const [inner, list] = Object.entries(arg)[0] as [string, Json];
      const excluded = (Array.isArray(list) ? list : [list]).some((x) => refValue({ [inner]: x }, v));
      return !excluded;
    }
  }
  throw new Error(`reference does not know ${op}`);
}

function refMatches(pattern: Obj, event: Obj): boolean {
  const fields = refFields(event);
  return refRules(pattern, "", [new Map()]).some((rule) => {
    const keys = [...rule.keys()].sort();
    const search = (i: number, chosen: RefField[]): boolean => {
      if (i === keys.length) return true;
      const matchers = rule.get(keys[i])!;
      const candidates = fields.filter((f) => f.path === keys[i] && chosen.every((c) => consistent(c, f)));
      if (matchers.some((x) => isObj(x) && x.exists === false) && candidates.length === 0 && search(i + 1, chosen)) return true;
      return candidates.some(
        (f) => matchers.some((x) => (isObj(x) && x.exists === true) || (!(isObj(x) && "exists" in x) && refValue(x, f.value))) && search(i + 1, [...chosen, f]),
      );
    };
    return search(0, []);
  });
}

// ------------------------------------------------------------------------------------------------ generators

const KEYS = ["a", "b", "c", "a.b"];
const STRINGS = ["x", "X", "xy", "Xy", "abc", "ABC", "", "10.0.0.1", "10.0.1.5", "a*c", "init-1"];
const NUMBERS = [0, 1, 2.5, -3, 100];

function genValue(r: Rng, depth: number): Json {
  const roll = r.int(10);
  if (depth < 3 && roll === 0) return genObject(r, depth + 1);
  if (depth < 3 && roll === 1) return Array.from({ length: r.int(4) }, () => genValue(r, depth + 1));
  if (roll <= 5) return r.pick(STRINGS);
  if (roll <= 7) return r.pick(NUMBERS);
  return r.pick([true, false, null]);
}

function genObject(r: Rng, depth: number): Obj {
  const o: Obj = {};
  for (let i = r.int(4); i > 0; i--) o[r.pick(KEYS)] = genValue(r, depth);
  return o;
}

function genMatcher(r: Rng): Json {
  switch (r.int(14)) {
    case 0: return r.pick(STRINGS);
    case 1: return r.pick(NUMBERS);
    case 2: return r.pick([true, false, null]);
    case 3: return { prefix: r.pick(["x", "a", "", "10."]) };
    case 4: return { suffix: r.pick(["y", "c", "1"]) };
    case 5: return { "equals-ignore-case": r.pick(["xy", "abc", "X"]) };
    case 6: return r.pick([{ prefix: { "equals-ignore-case": "x" } }, { suffix: { "equals-ignore-case": "C" } }]);
    case 7: return { wildcard: r.pick(["*", "x*", "*c", "a*c", "a\\*c", ""]) };
    case 8: return { "anything-but": r.pick<Json>(["x", 1, ["x", "abc"], [0, 100]]) };
    case 9: return { "anything-but": r.pick<Json>([{ prefix: "x" }, { suffix: ["c", "y"] }, { "equals-ignore-case": "ABC" }, { wildcard: ["a*", "*y"] }]) };
    case 10: return { numeric: r.pick<Json[]>([[">", 0], ["<=", 1], [">=", -3, "<", 100], ["=", 2.5]]) };
    case 11: return { exists: r.bool() };
    case 12: return { cidr: r.pick(["10.0.0.0/24", "10.0.0.0/8"]) };
    default: return r.pick(STRINGS);
  }
}

function genPattern(r: Rng, depth: number): Obj {
  const p: Obj = {};
  for (let i = 1 + r.int(3); i > 0; i--) {
    const roll = r.int(10);
    if (depth < 2 && roll === 0) p.$or = [genPattern(r, depth + 1), genPattern(r, depth + 1)];
    else if (depth < 2 && roll <= 2) p[r.pick(KEYS)] = genPattern(r, depth + 1);
    else p[r.pick(KEYS)] = Array.from({ length: 1 + r.int(3) }, () => genMatcher(r));
  }
  return p;
}

describe("event-pattern engine agrees with a slow reference on random events", () => {
  test.each([1, 2, 3, 4, 5])("seed %i: 2000 random pattern/event pairs", (seed) => {
    const r = mulberry32(seed);
    const outcomes = { true: 0, false: 0 };
    for (let i = 0; i < 400; i++) {
      const pattern = genPattern(r, 0);
      const matcher = compileEventPattern(pattern);
      for (let j = 0; j < 5; j++) {
        const event = genObject(r, 0);
        const want = refMatches(pattern, event);
        const got = matcher(event);
        if (got !== want) throw new Error(`disagreement on pattern ${JSON.stringify(pattern)} and event ${JSON.stringify(event)}: engine ${got}, reference ${want}`);
        outcomes[String(want) as "true" | "false"]++;
      }
    }
    // Both verdicts occur often enough for the comparison to mean something.
    expect(outcomes.true).toBeGreaterThan(100);
    expect(outcomes.false).toBeGreaterThan(100);
  });
});
