/**
 * EventBridge event-pattern engine: whether an event matches a rule's pattern, following EventBridge's
 * documented matching (and aws/event-ruler): every listed field must match, values are alternatives, an array
 * in the event matches when any element matches, and `$or` branches are alternatives over the same object.
 * Pure: no cdktf imports.
 */

type Json = unknown;
type Obj = Record<string, Json>;
const isObj = (x: Json): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

export class EventPatternError extends Error {}

export function matchesEventPattern(pattern: Obj, event: Json): boolean {
  return compileEventPattern(pattern)(event);
}

type Matcher = (node: Json) => boolean;
type LeafTest = (v: Json) => boolean;

/** Compiles a pattern once into a matcher (wildcards become regular expressions once, not per event). */
export function compileEventPattern(pattern: Obj): (event: Json) => boolean {
  return compileObject(pattern, "");
}

function compileObject(pattern: Obj, path: string): Matcher {
  const checks: Matcher[] = [];
  for (const [key, spec] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!Array.isArray(spec) || spec.length < 2) throw new EventPatternError(`${path}$or needs an array of at least two patterns`);
      const branches = spec.map((b) => compileObject(b as Obj, path));
      checks.push((node) => branches.some((b) => b(node)));
    } else if (Array.isArray(spec)) {
      const leaf = compileLeaf(spec, `${path}${key}`);
      checks.push((node) => {
        const present = isObj(node) && Object.prototype.hasOwnProperty.call(node, key);
        return leaf(present ? (node as Obj)[key] : undefined, present);
      });
    } else if (isObj(spec)) {
      const inner = compileObject(spec, `${path}${key}.`);
      checks.push((node) => {
        const child = isObj(node) ? node[key] : undefined;
        return inner(isObj(child) ? child : undefined);
      });
    } else {
      throw new EventPatternError(`${path}${key}: pattern values must be arrays or objects`);
    }
  }
  return (node) => {
    for (const c of checks) if (!c(node)) return false;
    return true;
  };
}

function compileLeaf(matchers: Json[], path: string): (value: Json, present: boolean) => boolean {
  const compiled = matchers.map((m): ((value: Json, leafPresent: boolean, values: Json[]) => boolean) => {
    if (isObj(m) && "exists" in m) {
      const want = m.exists === true;
      return (_v, leafPresent) => leafPresent === want;
    }
    if (isObj(m) && "anything-but" in m) {
      const excludes = compileAnythingBut(m["anything-but"], path);
      return (_v, leafPresent, values) => leafPresent && values.every((v) => !excludes(v));
    }
    const test = compileOne(m, path);
    return (_v, leafPresent, values) => leafPresent && values.some(test);
  });
  return (value, present) => {
    // exists looks at leaves only: a key holding an object counts as absent.
    const leafPresent = present && !isObj(value);
    const values: Json[] = Array.isArray(value) ? value : [value];
    return compiled.some((c) => c(value, leafPresent, values));
  };
}

function compileOne(m: Json, path: string): LeafTest {
  if (!isObj(m)) return (v) => m === v;
  const [op, arg] = Object.entries(m)[0] ?? [];
  const str = (f: (v: string) => boolean): LeafTest => (v) => typeof v === "string" && f(v);
  switch (op) {
    case "prefix":
      if (isObj(arg) && typeof arg["equals-ignore-case"] === "string") {
        const p = (arg["equals-ignore-case"] as string).toLowerCase();
        return str((v) => v.toLowerCase().startsWith(p));
      }
      if (typeof arg === "string") return str((v) => v.startsWith(arg));
      break;
    case "suffix":
      if (isObj(arg) && typeof arg["equals-ignore-case"] === "string") {
        const p = (arg["equals-ignore-case"] as string).toLowerCase();
        return str((v) => v.toLowerCase().endsWith(p));
      }
      if (typeof arg === "string") return str((v) => v.endsWith(arg));
      break;
    case "equals-ignore-case":
      if (typeof arg === "string") {
        const lower = arg.toLowerCase();
        return str((v) => v.toLowerCase() === lower);
      }
      break;
    case "wildcard":
      if (typeof arg === "string") {
        const re = wildcard(arg, path);
        return str((v) => re.test(v));
      }
      break;
    case "numeric": {
      const check = compileNumeric(arg as Json[], path);
      return (v) => typeof v === "number" && check(v);
    }
    case "cidr":
      if (typeof arg === "string") return str((v) => inCidr(v, arg));
      break;
  }
  throw new EventPatternError(`${path}: unknown matcher ${JSON.stringify(m)}`);
}

function compileAnythingBut(arg: Json, path: string): LeafTest {
  if (Array.isArray(arg)) return (v) => arg.some((x) => x === v);
  if (!isObj(arg)) return (v) => arg === v;
  const [op, inner] = Object.entries(arg)[0] ?? [];
  const list = (Array.isArray(inner) ? inner : [inner]).filter((p): p is string => typeof p === "string");
  const str = (f: (v: string) => boolean): LeafTest => (v) => typeof v === "string" && f(v);
  switch (op) {
    case "prefix":
      return str((v) => list.some((p) => v.startsWith(p)));
    case "suffix":
      return str((v) => list.some((p) => v.endsWith(p)));
    case "equals-ignore-case": {
      const lower = list.map((p) => p.toLowerCase());
      return str((v) => lower.includes(v.toLowerCase()));
    }
    case "wildcard": {
      const res = list.map((p) => wildcard(p, path));
      return str((v) => res.some((re) => re.test(v)));
    }
  }
  throw new EventPatternError(`${path}: unknown anything-but matcher ${JSON.stringify(arg)}`);
}

/** EventBridge wildcards: `*` is zero or more characters, `\\*` a literal star, `\\\\` a backslash; `**` is invalid. */
function wildcard(glob: string, path: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "\\" && (glob[i + 1] === "*" || glob[i + 1] === "\\")) {
      re += escapeRegExp(glob[++i]);
    } else if (c === "*") {
      if (glob[i + 1] === "*") throw new EventPatternError(`${path}: consecutive wildcards are not allowed in ${glob}`);
      re += ".*";
    } else {
      re += escapeRegExp(c);
    }
  }
  return new RegExp(`^${re}$`, "s");
}

const escapeRegExp = (c: string) => c.replace(/[.+?^${}()|[\]\\*]/g, "\\$&");

function compileNumeric(spec: Json[], path: string): (v: number) => boolean {
  if (!Array.isArray(spec) || spec.length % 2 !== 0) throw new EventPatternError(`${path}: numeric needs operator/value pairs`);
  const checks: ((v: number) => boolean)[] = [];
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const x = spec[i + 1] as number;
    if (op === "=") checks.push((v) => v === x);
    else if (op === "<") checks.push((v) => v < x);
    else if (op === "<=") checks.push((v) => v <= x);
    else if (op === ">") checks.push((v) => v > x);
    else if (op === ">=") checks.push((v) => v >= x);
    else throw new EventPatternError(`${path}: unknown numeric operator ${String(op)}`);
  }
  return (v) => checks.every((c) => c(v));
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split("/");
  const v6 = net.includes(":");
  const width = v6 ? 128 : 32;
  const bits = bitsText === undefined ? width : Number(bitsText);
  const a = v6 ? ipv6(ip) : ipv4(ip);
  const b = v6 ? ipv6(net) : ipv4(net);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > width) return false;
  const shift = BigInt(width - bits);
  return a >> shift === b >> shift;
}

function ipv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256n + BigInt(p);
  }
  return n;
}

/** An IPv6 address (with `::` shortening and an optional embedded IPv4 tail) as a 128-bit number. */
function ipv6(text: string): bigint | undefined {
  let head = text;
  let tail: bigint | undefined;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = ipv4(dotted[2]);
    if (tail === undefined) return undefined;
    head = `${dotted[1]}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...left, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) + BigInt(parseInt(g, 16));
  }
  return tail === undefined ? n : (n & ~0xffffffffn) | tail;
}
