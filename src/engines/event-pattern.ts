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
  return matchObject(pattern, event, "");
}

function matchObject(pattern: Obj, node: Json, path: string): boolean {
  for (const [key, spec] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!Array.isArray(spec) || spec.length < 2) throw new EventPatternError(`${path}$or needs an array of at least two patterns`);
      if (!spec.some((branch) => matchObject(branch as Obj, node, path))) return false;
      continue;
    }
    const child = isObj(node) && Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    const present = isObj(node) && Object.prototype.hasOwnProperty.call(node, key);
    if (Array.isArray(spec)) {
      if (!matchLeaf(spec, child, present, `${path}${key}`)) return false;
    } else if (isObj(spec)) {
      if (!matchObject(spec, isObj(child) ? child : undefined, `${path}${key}.`)) return false;
    } else {
      throw new EventPatternError(`${path}${key}: pattern values must be arrays or objects`);
    }
  }
  return true;
}

function matchLeaf(matchers: Json[], value: Json, present: boolean, path: string): boolean {
  // exists looks at leaves only: a key holding an object counts as absent.
  const leafPresent = present && !isObj(value);
  const values: Json[] = Array.isArray(value) ? value : [value];
  return matchers.some((m) => {
    if (isObj(m) && "exists" in m) return m.exists === leafPresent;
    if (!leafPresent) return false;
    if (isObj(m) && "anything-but" in m) return values.every((v) => !anythingButExcludes(m["anything-but"], v, path));
    return values.some((v) => matchOne(m, v, path));
  });
}

function matchOne(m: Json, v: Json, path: string): boolean {
  if (!isObj(m)) return m === v || (typeof m === "number" && typeof v === "number" && m === v);
  const [op, arg] = Object.entries(m)[0] ?? [];
  switch (op) {
    case "prefix":
      if (isObj(arg)) return typeof v === "string" && typeof arg["equals-ignore-case"] === "string" && v.toLowerCase().startsWith((arg["equals-ignore-case"] as string).toLowerCase());
      return typeof v === "string" && typeof arg === "string" && v.startsWith(arg);
    case "suffix":
      if (isObj(arg)) return typeof v === "string" && typeof arg["equals-ignore-case"] === "string" && v.toLowerCase().endsWith((arg["equals-ignore-case"] as string).toLowerCase());
      return typeof v === "string" && typeof arg === "string" && v.endsWith(arg);
    case "equals-ignore-case":
      return typeof v === "string" && typeof arg === "string" && v.toLowerCase() === arg.toLowerCase();
    case "wildcard":
      return typeof v === "string" && typeof arg === "string" && wildcard(arg, path).test(v);
    case "numeric":
      return typeof v === "number" && numeric(arg as Json[], v, path);
    case "cidr":
      return typeof v === "string" && typeof arg === "string" && inCidr(v, arg);
    default:
      throw new EventPatternError(`${path}: unknown matcher ${JSON.stringify(m)}`);
  }
}

function anythingButExcludes(arg: Json, v: Json, path: string): boolean {
  if (Array.isArray(arg)) return arg.some((x) => x === v);
  if (!isObj(arg)) return arg === v;
  const [op, inner] = Object.entries(arg)[0] ?? [];
  const list = Array.isArray(inner) ? inner : [inner];
  if (typeof v !== "string") return false;
  switch (op) {
    case "prefix":
      return list.some((p) => typeof p === "string" && v.startsWith(p));
    case "suffix":
      return list.some((p) => typeof p === "string" && v.endsWith(p));
    case "equals-ignore-case":
      return list.some((p) => typeof p === "string" && v.toLowerCase() === p.toLowerCase());
    case "wildcard":
      return list.some((p) => typeof p === "string" && wildcard(p, path).test(v));
    default:
      throw new EventPatternError(`${path}: unknown anything-but matcher ${JSON.stringify(arg)}`);
  }
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

function numeric(spec: Json[], v: number, path: string): boolean {
  if (!Array.isArray(spec) || spec.length % 2 !== 0) throw new EventPatternError(`${path}: numeric needs operator/value pairs`);
  for (let i = 0; i < spec.length; i += 2) {
    const op = spec[i];
    const x = spec[i + 1] as number;
    const ok = op === "=" ? v === x : op === "<" ? v < x : op === "<=" ? v <= x : op === ">" ? v > x : op === ">=" ? v >= x : null;
    if (ok === null) throw new EventPatternError(`${path}: unknown numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bitsText] = cidr.split("/");
  const bits = Number(bitsText);
  const a = ipv4(ip);
  const b = ipv4(net);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n >>> 0;
}
