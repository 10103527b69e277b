/**
 * Terraform itself compares the HCL rendering with the JSON synth. Beside the rendered cdk.tf this writes
 * review_equivalence.tf.json: in Terraform's JSON syntax, every argument of every resource and data source exactly as
 * the JSON synth wrote it (the same templates, evaluated as the JSON synth's are), and for each the same argument read
 * back from the HCL configuration's planned resources. review_equivalence.tftest.hcl plans the configuration against
 * the mocked provider of terraform-tests/<stack> (mocked values known at plan) and asserts that every pair agrees:
 *
 * - JSON documents (policies, event patterns, dashboards) as documents: jsonencode(jsondecode(…)) of each side;
 * - scalars with tostring (the schema gives both sides one type); lists of strings as sets, sorted and without
 *   duplicates (a set attribute has neither order nor duplicates: two references to topics the mock gives one ARN
 *   are one element); maps and other lists with jsonencode.
 *
 * Nested blocks are read across all their instances (a set of blocks has no index), compared as sorted lists.
 * Two canaries, deliberately altered copies of one document and one string, must be reported as differing: the
 * comparison can fail. Arguments that cannot be read back are skipped: meta-arguments, write-only arguments (always
 * null when read), resources with count or for_each, and templates using each/count/self.
 */
import { BlockShape, JSON_DOCUMENT_ATTRIBUTES, parseTemplate, StackShapes } from "../../src/review/hcl";

type Obj = Record<string, unknown>;
type Kind = "json" | "scalar" | "strings" | "encoded";

interface Leaf {
  readonly key: string;
  readonly kind: Kind;
  /** An HCL expression: the argument's values on the HCL side, canonical strings, sorted. */
  readonly actual: string;
  /** The JSON synth's values of the argument, one per block instance, unchanged. */
  readonly expected: unknown[];
}

const META = new Set(["//", "count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection", "dynamic"]);

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The canonical string of one value of a kind, as HCL. */
function canon(kind: Kind, x: string): string {
  switch (kind) {
    case "json":
      return `jsonencode(jsondecode(${x}))`;
    case "scalar":
      return `tostring(${x})`;
    case "strings":
      return `jsonencode(sort(distinct(tolist(${x}))))`;
    case "encoded":
      return `jsonencode(${x})`;
  }
}

function kindOf(name: string, v: unknown): Kind | undefined {
  if (v === null) return undefined;
  if (typeof v === "string") return JSON_DOCUMENT_ATTRIBUTES.has(name) ? "json" : "scalar";
  if (typeof v === "number" || typeof v === "boolean") return "scalar";
  if (Array.isArray(v)) return v.every((x) => typeof x === "string") ? "strings" : "encoded";
  return "encoded";
}

const unreadable = (v: unknown): boolean => /\$\{[^}]*\b(each|count|self)\./.test(JSON.stringify(v));

/**
 * The leaves of one block body. `instances` is an HCL expression for the list of objects that hold this body's
 * arguments (all instances of the block), `bodies` the JSON synth's bodies of those instances.
 */
function leaves(prefix: string, instances: string, bodies: Obj[], shape: BlockShape | undefined, out: Map<string, Leaf>): void {
  const keys = new Set(bodies.flatMap((b) => Object.keys(b)));
  for (const name of keys) {
    if (META.has(name) || name.endsWith("_wo")) continue;
    const values = bodies.map((b) => b[name]).filter((v) => v !== undefined && v !== null);
    if (values.length === 0 || values.some(unreadable)) continue;
    const key = `${prefix}.${name}`;
    const child = shape?.blocks[name];
    if (child && values.every((v) => isObj(v) || (Array.isArray(v) && v.every(isObj)))) {
      const nested = values.flatMap((v) => (Array.isArray(v) ? v : [v])) as Obj[];
      leaves(key, `flatten([for o in ${instances} : tolist(o.${name})])`, nested, child, out);
      continue;
    }
    const kinds = new Set(values.map((v) => kindOf(name, v)));
    if (kinds.size !== 1) throw new Error(`${key}: values of different kinds`);
    const kind = [...kinds][0]!;
    out.set(key, { key, kind, actual: `sort([for o in ${instances} : ${canon(kind, `o.${name}`)} if o.${name} != null])`, expected: values });
  }
}

/** Every comparable argument of a synthesized configuration. */
export function comparableLeaves(config: Obj, shapes: StackShapes): Leaf[] {
  const out = new Map<string, Leaf>();
  for (const kind of ["resource", "data"] as const) {
    const byType = config[kind];
    if (!isObj(byType)) continue;
    for (const [type, byName] of Object.entries(byType)) {
      for (const [name, body] of Object.entries(byName as Obj)) {
        if (!isObj(body) || body.count !== undefined || body.for_each !== undefined) continue;
        const address = `${kind === "data" ? "data." : ""}${type}.${name}`;
        leaves(address, `[${address}]`, [body], (kind === "data" ? shapes.data : shapes.resource)[type], out);
      }
    }
  }
  return [...out.values()];
}

/**
 * `override_resource` / `override_data` blocks that make every computed attribute the configuration refers to known
 * at plan: the mocked provider generates values for computed attributes only at apply, unless they are overridden
 * with override_during = plan. Values come from the stack's own mock defaults (`mock`, the text of its
 * mock_provider block: well-formed ARNs the provider validates) when they define the attribute, otherwise they are
 * made up (an ARN shape for `arn`, a name for anything else).
 */
export function planOverrides(config: Obj, mock: string): string {
  const refs = new Map<string, Set<string>>();
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      for (const part of parseTemplate(v)) {
        if (!("interp" in part)) continue;
        for (const m of part.interp.matchAll(/(?<![\w.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)\.([a-z_][a-z0-9_]*)/g)) {
          if (/^(var|local|each|count|self|path|terraform|module)\./.test(m[1])) continue;
          refs.set(m[1], (refs.get(m[1]) ?? new Set<string>()).add(m[2]));
        }
      }
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (isObj(v)) Object.values(v).forEach(visit);
  };
  visit(config.resource);
  visit(config.data);
  visit(config.output);
  const blocks: string[] = [];
  for (const [address, attrs] of refs) {
    const data = address.startsWith("data.");
    const [type, name] = address.replace(/^data\./, "").split(".");
    const byType = config[data ? "data" : "resource"] as Record<string, Record<string, Obj>> | undefined;
    const body = byType?.[type]?.[name];
    if (!body) throw new Error(`a reference to ${address}, which the configuration does not declare`);
    const values: string[] = [];
    for (const attr of [...attrs].sort()) {
      if (body[attr] !== undefined) continue;
      const defaults = mockDefaults(mock, data ? "mock_data" : "mock_resource", type);
      const value = defaults[attr] ?? (attr === "arn" ? `arn:aws:${type.split("_")[1]}:us-east-1:123456789012:${name}` : `${name}-${attr}`);
      values.push(`    ${attr} = ${JSON.stringify(value)}`);
    }
    if (values.length === 0) continue;
    blocks.push(`${data ? "override_data" : "override_resource"} {\n  target          = ${address}\n  override_during = plan\n  values = {\n${values.join("\n")}\n  }\n}`);
  }
  return blocks.join("\n\n");
}

/** The string defaults of `mock_resource "<type>"` (or mock_data) inside a mock_provider block's text. */
function mockDefaults(mock: string, kind: string, type: string): Record<string, string> {
  const block = topLevelBlock(mock.replace(/^[^\n]*\n/, "").replace(/^\s+/gm, ""), `${kind} "${type}"`);
  const out: Record<string, string> = {};
  if (!block) return out;
  for (const m of block.matchAll(/^\s*([a-z0-9_]+)\s*=\s*"([^"]*)"/gm)) out[m[1]] = m[2];
  for (const m of block.matchAll(/\{\s*([a-z0-9_]+)\s*=\s*"([^"]*)"\s*\}/g)) out[m[1]] = m[2];
  return out;
}

export interface EquivalenceFiles {
  /** review_equivalence.tf.json: the pairs, in Terraform's JSON syntax. */
  readonly config: string;
  /** review_equivalence.tftest.hcl. */
  readonly test: string;
  readonly counts: Record<Kind, number>;
}

/**
 * The files that make `terraform test` compare. `mockBlocks` is HCL placed at the top of the test file (the
 * stack's mock_provider with override_during = plan, and its variables block); `canaries` names one JSON document
 * and one scalar leaf whose expected value is altered by the given function.
 */
export function equivalenceFiles(
  leafList: Leaf[],
  mockBlocks: string,
  canaries: ReadonlyArray<{ key: string; alter: (v: unknown) => unknown }>,
): EquivalenceFiles {
  const counts: Record<Kind, number> = { json: 0, scalar: 0, strings: 0, encoded: 0 };
  const expected: Record<string, Obj> = { json: {}, scalar: {}, strings: {}, encoded: {} };
  const canaryExpected: Record<string, Obj> = { json: {}, scalar: {}, strings: {}, encoded: {} };
  const actual: Obj = {};
  for (const leaf of leafList) {
    counts[leaf.kind]++;
    expected[leaf.kind][leaf.key] = leaf.expected;
    actual[leaf.key] = `\${${leaf.actual}}`;
  }
  for (const { key, alter } of canaries) {
    const leaf = leafList.find((l) => l.key === key);
    if (!leaf) throw new Error(`no leaf ${key} for a canary`);
    const altered = leaf.expected.map(alter);
    if (JSON.stringify(altered) === JSON.stringify(leaf.expected)) throw new Error(`the canary for ${key} alters nothing`);
    canaryExpected[leaf.kind][`canary:${key}`] = altered;
    actual[`canary:${key}`] = actual[key];
  }
  const mismatches = (maps: string): string =>
    "${concat(" +
    (["json", "scalar", "strings", "encoded"] as const)
      .map((kind) => `[for k, v in local.${maps}_${kind} : k if sort([for x in v : ${canon(kind, "x")}]) != local.review_actual[k]]`)
      .join(", ") +
    ")}";
  const locals: Obj = { review_actual: actual };
  for (const kind of Object.keys(expected)) {
    locals[`review_expected_${kind}`] = expected[kind];
    locals[`review_canary_${kind}`] = canaryExpected[kind];
  }
  locals.review_mismatches = mismatches("review_expected");
  locals.review_canary_mismatches = mismatches("review_canary");
  const config = JSON.stringify({ locals }, null, 1);

  const canaryKeys = canaries.map((c) => `"canary:${c.key}"`).join(", ");
  const test = `${mockBlocks}

run "hcl_rendering_equals_the_json_synth" {
  command = plan

  assert {
    condition     = length(local.review_mismatches) == 0
    error_message = "differ from the JSON synth: \${join(", ", local.review_mismatches)}"
  }
  assert {
    condition     = [length(local.review_expected_json), length(local.review_expected_scalar), length(local.review_expected_strings), length(local.review_expected_encoded)] == [${counts.json}, ${counts.scalar}, ${counts.strings}, ${counts.encoded}]
    error_message = "the comparison did not cover every argument"
  }
  assert {
    condition     = toset(local.review_canary_mismatches) == toset([${canaryKeys}])
    error_message = "altered copies must differ, yet the comparison reported: \${join(", ", local.review_canary_mismatches)}"
  }
}
`;
  return { config, test, counts };
}

/** The text of the first top-level block of an HCL file whose header starts with `header` (braces matched). */
export function topLevelBlock(hcl: string, header: string): string | undefined {
  const start = hcl.search(new RegExp(`^${header.replace(/[.*+?^${}()|[\]\\"]/g, "\\$&")}`, "m"));
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = hcl.indexOf("{", start); i < hcl.length; i++) {
    if (hcl[i] === '"') {
      for (i++; i < hcl.length && hcl[i] !== '"'; i++) if (hcl[i] === "\\") i++;
    } else if (hcl[i] === "#") {
      while (i < hcl.length && hcl[i] !== "\n") i++;
    } else if (hcl[i] === "{") depth++;
    else if (hcl[i] === "}" && --depth === 0) return hcl.slice(start, i + 1);
  }
  throw new Error(`unbalanced block ${header}`);
}
