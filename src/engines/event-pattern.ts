/**
 * EventBridge event-pattern engine: whether an event matches a rule's pattern, as EventBridge (built on
 * aws/event-ruler) evaluates it. Pure: no cdktf imports.
 *
 * The model, from event-ruler's JsonRuleCompiler, Event, StructuredFinder and ByteMachine:
 * - The pattern is flattened into sub-rules (one per `$or` alternative), each a map from a dotted key path to the
 *   values it accepts. Nested keys and keys containing dots are the same thing: `{"a": {"b": …}}` and `{"a.b": …}`
 *   both name the path `a.b`.
 * - The event is flattened the same way: every leaf (string, number, boolean, null) is a field named by the dotted
 *   path of the object keys above it. Arrays are transparent: each element is another value of the same path, at any
 *   depth, so an array of objects under `employees` gives fields `employees.firstName`, … . Empty arrays and objects
 *   give no field at all.
 * - A sub-rule matches when each of its keys, taken in sorted order, is satisfied by a field that is consistent with
 *   the fields already chosen: two fields inside objects that are different elements of the same array never
 *   combine. `{"exists": false}` holds when no field of that path is consistent with the fields chosen so far.
 * - Values in a pattern array are alternatives; an event array matches when any element matches. That holds for
 *   every operator, `anything-but` included: `anything-but` accepts any value (of any type, null included) that is
 *   not excluded, and a key with no field at all never satisfies it.
 */

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (x: Json): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
const hasOwn = Object.prototype.hasOwnProperty;

export class EventPatternError extends Error {}

export function matchesEventPattern(pattern: Obj, event: Json): boolean {
  return compileEventPattern(pattern)(event);
}

type ValueTest = (v: Json) => boolean;

/** One key of a sub-rule: the values it accepts, and whether presence or absence alone satisfies it. */
interface KeySpec {
  readonly key: string;
  readonly segments: readonly string[];
  /** joins[i][j]: segments i…i+j joined by dots, the event keys that can spell the path from segment i on. */
  readonly joins: readonly (readonly string[])[];
  readonly slot: number;
  /** Index of this key's "some value passes" check in the per-event cache. */
  readonly check: number;
  readonly exists: boolean;
  readonly absent: boolean;
  readonly test: ValueTest | undefined;
  /** The wildcard patterns of this key (wildcard and anything-but wildcard), for EventBridge's complexity limit. */
  readonly wildcards: readonly WildcardUnit[];
}

interface WildcardUnit {
  readonly identity: string;
  readonly globs: readonly string[];
}

interface Compiled {
  tests: ValueTest[];
  exists: boolean;
  absent: boolean;
  wildcards: WildcardUnit[];
}

/** Field names reserved by event-ruler: they may not be keys inside `$or` (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard", "numeric", "cidr",
  "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case", "date-after", "date-on-or-after",
  "date-before", "date-on-or-before", "in-date-range", "ip-address-in-range", "ip-address-not-in-range",
]);

/** "APIs that accept an event pattern … throw an InvalidEventPatternException if the use of $or results in over 1000 rule combinations." */
const MAX_OR_COMBINATIONS = 1000;

/** Compiles a pattern once into a matcher: regular expressions, IP ranges and key paths are prepared here, not per event. */
export function compileEventPattern(pattern: Obj): (event: Json) => boolean {
  if (!isObj(pattern)) throw new EventPatternError("Filter is not an object");
  const combinations = { product: 1 };
  let flat: Map<string, Compiled>[];
  try {
    flat = flatten(pattern, "", [new Map()], false, combinations, true);
  } catch (e) {
    // Machine.addRule falls back to the legacy RuleCompiler, where `$or` is an ordinary field name, when the
    // `$or` reading is invalid (README "backward compatibility of using $or as field name").
    if (!(e instanceof EventPatternError) || !JSON.stringify(pattern).includes('"$or"')) throw e;
    try {
      flat = flatten(pattern, "", [new Map()], false, { product: 1 }, false);
      combinations.product = 1;
    } catch {
      throw e;
    }
  }
  if (combinations.product > MAX_OR_COMBINATIONS) {
    throw new EventPatternError(`$or results in ${combinations.product} rule combinations; EventBridge allows at most ${MAX_OR_COMBINATIONS}`);
  }
  const slots = new Map<string, number>();
  // A key's spec is shared by the sub-rules that inherit it from outside their `$or`, so its fields and its
  // "some value passes" check are computed once per event.
  const specs = new Map<Compiled, KeySpec>();
  const specOf = (key: string, c: Compiled): KeySpec => {
    let spec = specs.get(c);
    if (!spec) {
      let slot = slots.get(key);
      if (slot === undefined) slots.set(key, (slot = slots.size));
      spec = {
        key,
        segments: key.split("."),
        joins: joins(key.split(".")),
        slot,
        check: specs.size,
        exists: c.exists,
        absent: c.absent,
        test: c.tests.length === 0 ? undefined : c.tests.length === 1 ? c.tests[0] : anyOf(c.tests),
        wildcards: c.wildcards,
      };
      specs.set(c, spec);
    }
    return spec;
  };
  const subRules: SubRule[] = flat.map((rule) => {
    const inOrder = [...rule].map(([key, c]) => specOf(key, c));
    return {
      keys: [...inOrder].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      // Necessary conditions: each key that cannot be satisfied by absence needs some value that passes, whatever
      // the array positions. Checked in pattern order before the walk, they reject most events at their first key
      // (usually source) instead of at the end of the sorted walk.
      required: inOrder.filter((spec) => !spec.absent),
    };
  });
  checkWildcardComplexity(subRules.map((r) => r.keys));
  if (subRules.some((r) => r.keys.length === 0)) return (event) => isObj(event);
  // One evaluation state per compiled pattern, reset per event: matching allocates nothing unless the event has
  // arrays of objects on the pattern's paths. (A matcher never runs re-entrantly: it calls nothing back.)
  const ev = new Evaluation(slots.size, specs.size);
  return (event) => {
    if (!isObj(event)) return false;
    ev.reset(event);
    let matched = false;
    for (const rule of subRules) {
      let possible = true;
      for (const spec of rule.required) {
        if (!ev.passes(spec)) {
          possible = false;
          break;
        }
      }
      if (possible && walk(rule.keys, 0, ev, undefined)) {
        matched = true;
        break;
      }
    }
    ev.release();
    return matched;
  };
}

interface SubRule {
  /** The keys in sorted order: the order event-ruler walks them, which decides `{"exists": false}`. */
  readonly keys: readonly KeySpec[];
  readonly required: readonly KeySpec[];
}

function joins(segs: readonly string[]): string[][] {
  return segs.map((_, i) => segs.slice(i).map((__, j) => segs.slice(i, i + j + 1).join(".")));
}

function anyOf(tests: ValueTest[]): ValueTest {
  return (v) => {
    for (const t of tests) if (t(v)) return true;
    return false;
  };
}

// ------------------------------------------------------------------------------------------- pattern flattening

/**
 * Flattens a pattern object into sub-rules (JsonRuleCompiler.parseObject / parseIntoOrRelationship): `$or` forks
 * every sub-rule so far into one per alternative; a later value for the same path replaces an earlier one.
 * EventBridge accepts an empty object (it matches everything), which event-ruler alone would reject.
 */
function flatten(obj: Obj, prefix: string, rules: Map<string, Compiled>[], inOr: boolean, combos: { product: number }, orAware: boolean): Map<string, Compiled>[] {
  for (const [key, spec] of Object.entries(obj)) {
    if (key === "$or" && orAware) {
      if (!Array.isArray(spec)) throw new EventPatternError(`${prefix}$or must be followed by an array`);
      if (spec.length < 2) throw new EventPatternError(`${prefix}$or needs at least 2 objects`);
      combos.product *= spec.length;
      const base = rules;
      rules = [];
      for (const branch of spec) {
        if (!isObj(branch)) throw new EventPatternError(`${prefix}$or: only JSON objects are allowed in the array`);
        rules.push(...flatten(branch, prefix, base.map((r) => new Map(r)), true, combos, true));
      }
      continue;
    }
    if (inOr && RESERVED_IN_OR.has(key)) throw new EventPatternError(`${key} is a reserved field name which cannot be used inside $or`);
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (Array.isArray(spec)) {
      const compiled = compileValues(spec, path);
      for (const r of rules) r.set(path, compiled);
    } else if (isObj(spec)) {
      rules = flatten(spec, path, rules, inOr, combos, orAware);
    } else {
      throw new EventPatternError(`"${path}" must be an object or an array`);
    }
  }
  return rules;
}

// ------------------------------------------------------------------------------------------------- evaluation

/** Array membership of a field: pairs (array id, element index) of the arrays of objects it sits in. */
type Membership = readonly number[] | undefined;
const CONFLICT = null;

/** Merges a field's membership into the memberships chosen so far, or CONFLICT when they disagree (ArrayMembership.checkArrayConsistency). */
function merge(soFar: Membership, field: Membership): Membership | typeof CONFLICT {
  if (field === undefined) return soFar;
  if (soFar === undefined) return field;
  let out: number[] | undefined;
  for (let i = 0; i < field.length; i += 2) {
    const id = field[i];
    let seen = -1;
    for (let j = 0; j < soFar.length; j += 2) {
      if (soFar[j] === id) {
        seen = soFar[j + 1];
        break;
      }
    }
    if (seen === -1) (out ??= soFar.slice()).push(id, field[i + 1]);
    else if (seen !== field[i + 1]) return CONFLICT;
  }
  return out ?? soFar;
}

/** The fields of one key path in the current event: `n` values, with their array positions when any. */
interface Fields {
  readonly values: Json[];
  readonly memberships: Membership[];
  n: number;
  /** Some value sits in an array of objects (has a membership): only then do positions constrain the walk. */
  positioned: boolean;
}

const NO_EVENT: Obj = Object.freeze({});

/** One event being matched: its fields are gathered per key path on first use, by direct lookups (no full scan). */
class Evaluation {
  private root: Obj = NO_EVENT;
  private generation = 0;
  private readonly filled: number[];
  private readonly cache: Fields[];
  private readonly checked: number[];
  private readonly passed: boolean[];
  private arrayIds?: Map<unknown[], number>;
  constructor(slots: number, checks: number) {
    this.filled = new Array(slots).fill(0);
    this.cache = Array.from({ length: slots }, () => ({ values: [], memberships: [], n: 0, positioned: false }));
    this.checked = new Array(checks).fill(0);
    this.passed = new Array(checks).fill(false);
  }

  reset(root: Obj) {
    this.root = root;
    this.generation++;
  }

  /** Drops references to the event once its verdict is known. */
  release() {
    this.root = NO_EVENT;
    if (this.arrayIds !== undefined && this.arrayIds.size > 0) this.arrayIds.clear();
  }

  /** Whether some value of the key passes its matchers, ignoring array positions. */
  passes(spec: KeySpec): boolean {
    if (this.checked[spec.check] === this.generation) return this.passed[spec.check];
    const f = this.fields(spec);
    let ok = spec.exists && f.n > 0;
    if (!ok && spec.test !== undefined) {
      for (let j = 0; j < f.n; j++) {
        if (spec.test(f.values[j])) {
          ok = true;
          break;
        }
      }
    }
    this.checked[spec.check] = this.generation;
    this.passed[spec.check] = ok;
    return ok;
  }

  fields(spec: KeySpec): Fields {
    const f = this.cache[spec.slot];
    if (this.filled[spec.slot] !== this.generation) {
      this.filled[spec.slot] = this.generation;
      f.n = 0;
      f.positioned = false;
      this.inObject(this.root, spec, 0, undefined, f);
    }
    return f;
  }

  /** Keys of `obj` that spell the next segments, joined by dots: `a`, `a.b`, `a.b.c`, … (event keys may contain dots). */
  private inObject(obj: Obj, spec: KeySpec, i: number, m: Membership, out: Fields) {
    const keys = spec.joins[i];
    for (let j = 0; j < keys.length; j++) {
      const v = obj[keys[j]];
      if (v !== undefined && hasOwn.call(obj, keys[j])) this.visit(v, spec, i + j + 1, m, out);
    }
  }

  private add(out: Fields, v: Json, m: Membership) {
    out.values[out.n] = v;
    out.memberships[out.n] = m;
    out.n++;
    if (m !== undefined) out.positioned = true;
  }

  private visit(node: Json, spec: KeySpec, i: number, m: Membership, out: Fields) {
    const end = spec.segments.length;
    if (Array.isArray(node)) {
      const ids = (this.arrayIds ??= new Map());
      let id = ids.get(node);
      if (id === undefined) ids.set(node, (id = ids.size));
      for (let j = 0; j < node.length; j++) {
        const e = node[j];
        if (typeof e === "object" && e !== null) this.visit(e, spec, i, m === undefined ? [id, j] : [...m, id, j], out);
        else if (i === end && e !== undefined) this.add(out, e, m);
      }
    } else if (typeof node === "object" && node !== null) {
      if (i < end) this.inObject(node as Obj, spec, i, m, out);
    } else if (i === end && node !== undefined) {
      this.add(out, node, m);
    }
  }
}

/** The walk of event-ruler's StructuredFinder for one sub-rule: keys in sorted order, each satisfied consistently. */
function walk(rule: readonly KeySpec[], i: number, ev: Evaluation, soFar: Membership): boolean {
  if (i === rule.length) return true;
  const spec = rule[i];
  const f = ev.fields(spec);
  const n = f.n;
  if (!f.positioned) {
    // No array positions: every value is consistent with anything, and choosing one adds no constraint.
    if (n === 0) return spec.absent && walk(rule, i + 1, ev, soFar);
    return ev.passes(spec) && walk(rule, i + 1, ev, soFar);
  }
  if (spec.absent) {
    let present = false;
    for (let j = 0; j < n; j++) {
      if (merge(soFar, f.memberships[j]) !== CONFLICT) {
        present = true;
        break;
      }
    }
    if (!present && walk(rule, i + 1, ev, soFar)) return true;
  }
  if (spec.exists || spec.test !== undefined) {
    for (let j = 0; j < n; j++) {
      const merged = merge(soFar, f.memberships[j]);
      if (merged === CONFLICT) continue;
      if ((spec.exists || spec.test!(f.values[j])) && walk(rule, i + 1, ev, merged)) return true;
    }
  }
  return false;
}

// ------------------------------------------------------------------------------------------- value matchers

function compileValues(values: Json[], path: string): Compiled {
  if (values.length === 0) throw new EventPatternError(`${path}: empty arrays are not allowed`);
  const c: Compiled = { tests: [], exists: false, absent: false, wildcards: [] };
  // Exact strings (most values of real patterns: sources, event names) are one set lookup.
  const exact = new Set<string>();
  for (const m of values) {
    if (typeof m === "string") {
      const ip = ipAddress(m);
      if (ip) c.tests.push(ipEquals(ip));
      else exact.add(m);
    } else if (typeof m === "number") {
      finite(m, path);
      c.tests.push((v) => typeof v === "number" && Object.is(v, m));
    } else if (m === null || typeof m === "boolean") {
      c.tests.push((v) => v === m);
    } else if (isObj(m)) {
      compileOperator(m, path, c);
    } else {
      throw new EventPatternError(`${path}: match value must be String, number, true, false, or null`);
    }
  }
  if (exact.size === 1) {
    const [only] = exact;
    c.tests.unshift((v) => v === only);
  } else if (exact.size > 1) {
    c.tests.unshift((v) => typeof v === "string" && exact.has(v));
  }
  return c;
}

/** A JSON number too large for a double (2.0e422) arrives as Infinity; ComparableNumber rejects it. */
function finite(x: number, path: string): number {
  if (!Number.isFinite(x)) throw new EventPatternError(`${path}: cannot compare number ${x}`);
  return x;
}

function only(m: Obj, path: string): [string, Json] {
  const entries = Object.entries(m);
  if (entries.length === 0) throw new EventPatternError(`${path}: match expression name not found`);
  if (entries.length > 1) throw new EventPatternError(`${path}: only one key allowed in match expression`);
  return entries[0];
}

const str = (f: (v: string) => boolean): ValueTest => (v) => typeof v === "string" && f(v);

function compileOperator(m: Obj, path: string, c: Compiled) {
  const [op, arg] = only(m, path);
  const needString = (what: string): string => {
    if (typeof arg !== "string") throw new EventPatternError(`${path}: ${what} match pattern must be a string`);
    return arg;
  };
  switch (op) {
    case "exactly": {
      const s = needString("exact");
      c.tests.push((v) => v === s);
      return;
    }
    case "prefix":
    case "suffix": {
      if (isObj(arg)) {
        const [inner, text] = only(arg, path);
        if (inner !== "equals-ignore-case") throw new EventPatternError(`${path}: unsupported ${op} pattern: ${inner}`);
        if (typeof text !== "string") throw new EventPatternError(`${path}: equals-ignore-case match pattern must be a string`);
        const re = ignoreCase(text, op === "prefix" ? "prefix" : "suffix");
        c.tests.push(str((v) => re.test(v)));
        return;
      }
      const s = needString(op);
      c.tests.push(op === "prefix" ? str((v) => v.startsWith(s)) : str((v) => v.endsWith(s)));
      return;
    }
    case "equals-ignore-case": {
      const re = ignoreCase(needString("equals-ignore-case"), "whole");
      c.tests.push(str((v) => re.test(v)));
      return;
    }
    case "wildcard": {
      const glob = needString("wildcard");
      const re = wildcard(glob, path);
      c.tests.push(str((v) => re.test(v)));
      c.wildcards.push({ identity: `w:${glob}`, globs: [glob] });
      return;
    }
    case "numeric":
      c.tests.push(compileNumeric(arg, path));
      return;
    case "cidr": {
      const range = cidr(needString("cidr"), path);
      c.tests.push(str((v) => IP_CHARS.test(v) && inRange(ipAddress(v), range)));
      return;
    }
    case "exists":
      if (arg === true) c.exists = true;
      else if (arg === false) c.absent = true;
      else throw new EventPatternError(`${path}: exists match pattern must be either true or false`);
      return;
    case "anything-but":
      c.tests.push(compileAnythingBut(arg, path, c));
      return;
  }
  throw new EventPatternError(`${path}: unrecognized match type ${op}`);
}

/**
 * anything-but (JsonRuleCompiler.processMatchExpression): a string, a number, a list of only strings or only
 * numbers, or one of prefix / suffix / equals-ignore-case / wildcard with a string or a list of strings. It
 * accepts every value not excluded, whatever its type (ByteMachine harvests anything-but for numbers, booleans and
 * null too): `{"anything-but": {"prefix": "init"}}` matches 12 and null.
 */
function compileAnythingBut(arg: Json, path: string, c: Compiled): ValueTest {
  if (typeof arg === "string") return (v) => v !== arg;
  if (typeof arg === "number") {
    finite(arg, path);
    return (v) => !(typeof v === "number" && Object.is(v, arg));
  }
  if (Array.isArray(arg)) {
    const strings = arg.filter((x): x is string => typeof x === "string");
    const numbers = arg.filter((x): x is number => typeof x === "number");
    if (strings.length + numbers.length !== arg.length) {
      throw new EventPatternError(`${path}: inside an anything-but list, null, boolean, arrays and objects are not supported`);
    }
    if ((strings.length > 0) === (numbers.length > 0)) {
      throw new EventPatternError(`${path}: inside an anything-but list, either all values are numbers or all are strings`);
    }
    for (const x of numbers) finite(x, path);
    if (strings.length > 0) {
      const set = new Set(strings);
      return (v) => !(typeof v === "string" && set.has(v));
    }
    return (v) => !(typeof v === "number" && numbers.some((x) => Object.is(x, v)));
  }
  if (!isObj(arg)) throw new EventPatternError(`${path}: value of anything-but must be an array or a single string/number value`);
  const [op, inner] = only(arg, path);
  if (op !== "prefix" && op !== "suffix" && op !== "equals-ignore-case" && op !== "wildcard") {
    throw new EventPatternError(`${path}: unsupported anything-but pattern: ${op}`);
  }
  const list = Array.isArray(inner) ? inner : [inner];
  if (!list.every((x): x is string => typeof x === "string")) {
    throw new EventPatternError(`${path}: anything-but ${op} match pattern must be a string or a list of strings`);
  }
  if ((op === "prefix" || op === "suffix") && list.some((x) => x === "")) {
    throw new EventPatternError(`${path}: null prefix/suffix not allowed`);
  }
  let excluded: (v: string) => boolean;
  switch (op) {
    case "prefix":
      excluded = (v) => list.some((p) => v.startsWith(p));
      break;
    case "suffix":
      excluded = (v) => list.some((p) => v.endsWith(p));
      break;
    case "equals-ignore-case": {
      const res = list.map((p) => ignoreCase(p, "whole"));
      excluded = (v) => res.some((re) => re.test(v));
      break;
    }
    default: {
      const res = list.map((p) => wildcard(p, path));
      excluded = (v) => res.some((re) => re.test(v));
      const globs = [...new Set(list)].sort();
      c.wildcards.push({ identity: `ab:${JSON.stringify(globs)}`, globs });
    }
  }
  return (v) => !(typeof v === "string" && excluded(v));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * equals-ignore-case (EqualsIgnoreCaseParser): each character of the pattern matches its own lower-case or
 * upper-case form (Locale.ROOT), character by character — not a comparison of lower-cased strings.
 */
function ignoreCase(text: string, anchor: "whole" | "prefix" | "suffix"): RegExp {
  let re = "";
  for (const ch of text.split("")) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    re += lower === upper ? escapeRegExp(ch) : `(?:${escapeRegExp(lower)}|${escapeRegExp(upper)})`;
  }
  return new RegExp(anchor === "whole" ? `^${re}$` : anchor === "prefix" ? `^${re}` : `${re}$`);
}

/** Parses a wildcard (WildcardParser): `*` is any run of characters, `\*` and `\\` are literal; `**` and other escapes are invalid. */
function wildcardTokens(glob: string, path: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === "*") {
      if (glob[i + 1] === "*") throw new EventPatternError(`${path}: consecutive wildcard characters at pos ${i} in ${JSON.stringify(glob)}`);
      out.push(null);
    } else if (ch === "\\") {
      const next = glob[i + 1];
      if (next !== "*" && next !== "\\") throw new EventPatternError(`${path}: invalid escape character at pos ${i} in ${JSON.stringify(glob)}`);
      out.push(next);
      i++;
    } else {
      out.push(ch);
    }
  }
  return out;
}

function wildcard(glob: string, path: string): RegExp {
  const re = wildcardTokens(glob, path).map((t) => (t === null ? "[^]*" : escapeRegExp(t))).join("");
  return new RegExp(`^${re}$`);
}

/**
 * numeric (JsonRuleCompiler.processNumericMatchExpression): `["=", x]`, `["<" | "<=", x]`, or `[">" | ">=", x]`
 * optionally followed by `"<" | "<=", y` with x < y. Only JSON numbers match; -0 sorts below 0 as in ComparableNumber.
 */
function compileNumeric(spec: Json, path: string): ValueTest {
  if (!Array.isArray(spec)) throw new EventPatternError(`${path}: value of numeric must be an array`);
  const num = (i: number, op: string): number => {
    const x = spec[i];
    if (typeof x !== "number") throw new EventPatternError(`${path}: value of ${op} must be numeric`);
    return finite(x, path);
  };
  const op = spec[0];
  if (typeof op !== "string") throw new EventPatternError(`${path}: invalid member in numeric match: ${JSON.stringify(op)}`);
  let lo = -Infinity;
  let hi = Infinity;
  let openLo = false;
  let openHi = false;
  let eq: number | undefined;
  if (op === "=") {
    eq = num(1, "equals");
    if (spec.length !== 2) throw new EventPatternError(`${path}: too many elements in numeric expression`);
  } else if (op === "<" || op === "<=") {
    hi = num(1, op);
    openHi = op === "<";
    if (spec.length !== 2) throw new EventPatternError(`${path}: too many elements in numeric expression`);
  } else if (op === ">" || op === ">=") {
    lo = num(1, op);
    openLo = op === ">";
    if (spec.length > 2) {
      const op2 = spec[2];
      if (typeof op2 !== "string") throw new EventPatternError(`${path}: bad value in numeric range: ${JSON.stringify(op2)}`);
      if (op2 !== "<" && op2 !== "<=") throw new EventPatternError(`${path}: bad numeric range operator: ${op2}`);
      hi = num(3, op2);
      openHi = op2 === "<";
      if (spec.length !== 4) throw new EventPatternError(`${path}: too many terms in numeric range expression`);
      if (compareNumbers(lo, hi) >= 0) throw new EventPatternError(`${path}: bottom must be less than top`);
    }
  } else {
    throw new EventPatternError(`${path}: unrecognized numeric range operator: ${op}`);
  }
  if (eq !== undefined) {
    const x = eq;
    return (v) => typeof v === "number" && Object.is(v, x);
  }
  return (v) => {
    if (typeof v !== "number") return false;
    const a = compareNumbers(v, lo);
    if (a < 0 || (a === 0 && openLo)) return false;
    const b = compareNumbers(v, hi);
    return b < 0 || (b === 0 && !openHi);
  };
}

function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (Object.is(a, b)) return 0;
  return Object.is(a, -0) ? -1 : 1;
}

// ------------------------------------------------------------------------------------------------------ IPs

interface Ip {
  readonly v6: boolean;
  readonly n: bigint;
}
interface IpRange {
  readonly v6: boolean;
  readonly lo: bigint;
  readonly hi: bigint;
}

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
/** Every IP literal event-ruler reads is made of these characters: a cheap rejection before parsing. */
const IP_CHARS = /^[0-9a-fA-F:.]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/**
 * An IP address literal as event-ruler reads one (CIDR.ipToBytes): only text shaped like Constants.IPv4_REGEX or
 * IPv6_REGEX (no dotted IPv4 tail in IPv6), and an IPv4-mapped IPv6 address becomes the IPv4 address, as Java's
 * InetAddress does.
 */
export function ipAddress(text: string): Ip | undefined {
  if (IPV4.test(text)) {
    let n = 0n;
    for (const p of text.split(".")) {
      if (p.length > 3 || (p.length > 1 && p[0] === "0") || Number(p) > 255) return undefined;
      n = n * 256n + BigInt(p);
    }
    return { v6: false, n };
  }
  if (!IPV6.test(text)) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let n = 0n;
  for (const g of [...left, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...right]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  if (n >> 32n === 0xffffn) return { v6: false, n: n & 0xffffffffn };
  return { v6: true, n };
}

function ipEquals(ip: Ip): ValueTest {
  return str((v) => {
    if (!IP_CHARS.test(v)) return false;
    const other = ipAddress(v);
    return other !== undefined && other.v6 === ip.v6 && other.n === ip.n;
  });
}

/** cidr (CIDR.cidr): exactly one `/`, an integer mask below 32 (IPv4) or 128 (IPv6). */
function cidr(text: string, path: string): IpRange {
  const parts = text.split("/");
  if (parts.length !== 2) throw new EventPatternError(`${path}: malformed CIDR ${JSON.stringify(text)}, one '/' required`);
  if (!/^[+-]?\d+$/.test(parts[1])) throw new EventPatternError(`${path}: malformed CIDR ${JSON.stringify(text)}, mask bits must be an integer`);
  const bits = Number(parts[1]);
  const ip = ipAddress(parts[0]);
  if (!ip) throw new EventPatternError(`${path}: invalid IP address in CIDR ${JSON.stringify(text)}`);
  const width = ip.v6 ? 128 : 32;
  if (bits < 0 || bits >= width) throw new EventPatternError(`${path}: ${ip.v6 ? "IPv6" : "IPv4"} mask bits must be < ${width} in ${JSON.stringify(text)}`);
  const host = (1n << BigInt(width - bits)) - 1n;
  return { v6: ip.v6, lo: ip.n & ~host, hi: ip.n | host };
}

function inRange(ip: Ip | undefined, r: IpRange): boolean {
  return ip !== undefined && ip.v6 === r.v6 && ip.n >= r.lo && ip.n <= r.hi;
}

// ----------------------------------------------------------------------------------- wildcard complexity

/**
 * EventBridge rejects a pattern whose wildcards are too non-deterministic ("Rule is too complex - try using fewer
 * wildcard characters or fewer repeating character sequences after a wildcard character"), measured like
 * event-ruler's MachineComplexityEvaluator: the most wildcard-pattern prefixes one input value can keep alive at
 * once. The limit is not published. On service-validated cases this estimate is at most 8 for every accepted
 * pattern seen ("/Users/*\/dir/dir/dir/dir/dir/doc.txt" 7; four "*.ext" wildcards on one key 8; two
 * "*\/datasync/*.ext" 8) and at least 10 for every rejected one ("*:*:*:*:*:event-bus/*" 10; four
 * "*\/datasync/*.ext" 10 or more).
 *
 * Compile enforces it for a single wildcard, where the estimate and the evidence agree: 10 or more is rejected as
 * AWS rejects it, 9 is refused as unpredictable. Several wildcards on one key add up in the estimate, but no
 * service evidence places combinations between 8 and 16, so compile does not guess there: use
 * `eventPatternWildcardComplexity` to see the combined estimate and confirm such a rule with TestEventPattern.
 */
const ACCEPTED_COMPLEXITY = 8;
const REJECTED_COMPLEXITY = 10;

function wildcardsByKey(rules: readonly (readonly Pick<KeySpec, "key" | "wildcards">[])[]): Map<string, WildcardUnit[]> {
  const byKey = new Map<string, Map<string, WildcardUnit>>();
  for (const rule of rules) {
    for (const spec of rule) {
      for (const u of spec.wildcards) {
        let units = byKey.get(spec.key);
        if (!units) byKey.set(spec.key, (units = new Map()));
        units.set(u.identity, u);
      }
    }
  }
  return new Map([...byKey].map(([k, units]) => [k, [...units.values()]]));
}

function checkWildcardComplexity(rules: readonly (readonly KeySpec[])[]) {
  for (const [key, units] of wildcardsByKey(rules)) {
    for (const unit of units) {
      const c = wildcardComplexity([unit]);
      if (c >= REJECTED_COMPLEXITY) {
        throw new EventPatternError(`${key}: rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character (${unit.globs.join(", ")})`);
      }
      if (c > ACCEPTED_COMPLEXITY) {
        throw new EventPatternError(`${key}: unsupported: wildcard complexity ${c} of ${unit.globs.join(", ")} is at EventBridge's undocumented admission limit, so whether AWS accepts it cannot be predicted`);
      }
    }
  }
}

/** The largest combined wildcard complexity estimate of any key of the pattern (0 without wildcards); see above. */
export function eventPatternWildcardComplexity(pattern: Obj): number {
  if (!isObj(pattern)) throw new EventPatternError("Filter is not an object");
  const rules = flatten(pattern, "", [new Map()], false, { product: 1 }, true).map((rule) =>
    [...rule].map(([key, c]) => ({ key, wildcards: c.wildcards })),
  );
  let max = 0;
  for (const units of wildcardsByKey(rules).values()) max = Math.max(max, wildcardComplexity(units, Infinity));
  return max;
}

/**
 * A small NFA over the UTF-8 bytes of `"glob"` (event-ruler matches the quoted value): the literal prefix before the
 * first `*` is a trie shared by all patterns of the key, as is the first `*` after it; later states belong to one
 * pattern. A state weighs the number of patterns passing through it; the complexity is the largest total weight of
 * the states one input can occupy together.
 */
function wildcardComplexity(units: WildcardUnit[], stopAt = REJECTED_COMPLEXITY): number {
  interface State {
    lit: Map<number, number[]>;
    loop: boolean;
    star: number;
    weight: Set<number>;
  }
  const states: State[] = [];
  const add = (loop: boolean): number => states.push({ lit: new Map(), loop, star: -1, weight: new Set() }) - 1;
  const root = add(false);
  const trieChild = new Map<string, number>();
  const alphabet = new Set<number>();
  const encoder = new TextEncoder();
  units.forEach((unit, u) => {
    const terminal = add(false);
    for (const glob of unit.globs) {
      const tokens: (number | null)[] = [34];
      for (const t of wildcardTokens(glob, "")) {
        if (t === null) tokens.push(null);
        else for (const b of encoder.encode(t)) tokens.push(b);
      }
      tokens.push(34);
      let cur = root;
      let shared = true;
      tokens.forEach((t, i) => {
        const last = i === tokens.length - 1;
        let next: number;
        if (t === null) {
          if (shared && states[cur].star >= 0) next = states[cur].star;
          else {
            next = add(true);
            states[cur].star = next;
          }
          shared = false;
        } else {
          alphabet.add(t);
          const trieKey = `${cur}:${t}`;
          if (last) next = terminal;
          else if (shared && trieChild.has(trieKey)) next = trieChild.get(trieKey)!;
          else {
            next = add(false);
            if (shared) trieChild.set(trieKey, next);
          }
          const targets = states[cur].lit.get(t) ?? [];
          if (!targets.includes(next)) targets.push(next);
          states[cur].lit.set(t, targets);
        }
        states[next].weight.add(u);
        cur = next;
      });
    }
  });
  const close = (set: Set<number>) => {
    for (const s of [...set]) if (states[s].star >= 0) set.add(states[s].star);
    return set;
  };
  const bytes = [...alphabet, -1];
  const seen = new Set<string>();
  let queue: Set<number>[] = [close(new Set([root]))];
  let max = 0;
  while (queue.length > 0) {
    const next: Set<number>[] = [];
    for (const active of queue) {
      for (const b of bytes) {
        const to = new Set<number>();
        for (const s of active) {
          if (states[s].loop) to.add(s);
          for (const t of states[s].lit.get(b) ?? []) to.add(t);
        }
        if (to.size === 0) continue;
        close(to);
        let weight = 0;
        for (const s of to) weight += states[s].weight.size;
        if (weight > max) max = weight;
        if (max >= stopAt) return max;
        const id = [...to].sort((x, y) => x - y).join(",");
        if (!seen.has(id)) {
          seen.add(id);
          next.push(to);
        }
      }
    }
    if (seen.size > 50_000) throw new EventPatternError("unsupported: wildcard patterns too large to evaluate EventBridge's complexity limit");
    queue = next;
  }
  return max;
}
