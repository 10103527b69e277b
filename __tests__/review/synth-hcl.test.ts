/**
 * `npm run synth:hcl` end to end, on the configuration variants of terraform-tests/variants: the HCL is what
 * `terraform fmt` writes, it reads as HCL (no line over 200 characters but unavoidable long strings), and Terraform
 * evaluates it to the same arguments as the JSON synth. A JSON synth removes an earlier rendering.
 *
 * Needs the Terraform CLI and the hashicorp/aws provider mirror (scripts/tf-env.sh finds them, as validate.sh does).
 */
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { buildApp, MONITORING_STACK, STATE_BOOTSTRAP_STACK } from "../../src/app";
import { loadConfig } from "../../src/config/load";
import { FILTER_PATTERN_ATTRIBUTES, JSON_DOCUMENT_ATTRIBUTES, renderHcl, reviewHeader } from "../../src/review/hcl";
import { stackShapes } from "../../src/review/shapes";
import { comparableLeaves, equivalenceFiles, planOverrides, topLevelBlock } from "./equivalence";

const ROOT = join(__dirname, "..", "..");
const VARIANTS = join(ROOT, "terraform-tests", "variants");
jest.setTimeout(240_000);

/**
 * The line-length rule: no line of the rendering is longer than 200 characters, except a line holding one quoted
 * string and nothing else (alone, as a list element, or as the value of one argument or key) that is neither a JSON
 * document nor a filter pattern: such a string (an alarm description) cannot be broken without changing its value.
 * A JSON document on one line (a policy as an escaped string) is no exception, nor is a filter pattern (it is
 * broken after its operators and joined back).
 */
const MAX_LINE = 200;
const ONE_STRING = /^\s*(?:([A-Za-z_][A-Za-z0-9_-]*|"(?:[^"\\]|\\.)*")\s*=\s*)?"(?:[^"\\]|\\.)*",?$/;

function overlongLines(hcl: string): string[] {
  return hcl.split("\n").filter((line) => {
    if (line.length <= MAX_LINE) return false;
    const m = ONE_STRING.exec(line);
    return !m || JSON_DOCUMENT_ATTRIBUTES.has(m[1] ?? "") || FILTER_PATTERN_ATTRIBUTES.has(m[1] ?? "");
  });
}

let tmp: string;
let cliConfig: string;
let outdir: string;

function terraform(args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync("terraform", args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
  });
}

function synthHcl(variant: string, dir: string): SpawnSyncReturns<string> {
  return spawnSync("node", ["--import", "tsx", join(ROOT, "scripts", "synth-hcl.ts")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, MONITOR_CONFIG: join(VARIANTS, `${variant}.json`), CDKTF_OUTDIR: dir },
  });
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "sam-review-"));
  cliConfig = join(tmp, "terraformrc");
  const env = spawnSync("bash", [join(ROOT, "scripts", "tf-env.sh"), cliConfig], { encoding: "utf8" });
  if (env.status !== 0) throw new Error(`these tests need the Terraform CLI and the hashicorp/aws provider mirror: ${env.stderr.trim() || env.error?.message}`);
  outdir = join(tmp, "default");
  const run = synthHcl("default", outdir);
  if (run.status !== 0) throw new Error(`synth:hcl failed: ${run.stderr}`);
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const rendered = (stack: string) => readFileSync(join(outdir, "hcl", stack, "cdk.tf"), "utf8");
const synthesized = (stack: string) => JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));

describe("synth:hcl of the default variant", () => {
  test("writes one rendering per synthesized stack, beside nothing else", () => {
    expect(readdirSync(join(outdir, "hcl")).sort()).toEqual([MONITORING_STACK, STATE_BOOTSTRAP_STACK].sort());
    for (const stack of [MONITORING_STACK, STATE_BOOTSTRAP_STACK]) expect(readdirSync(join(outdir, "hcl", stack))).toEqual(["cdk.tf"]);
  });

  test("policies are HCL objects with references as expressions, not escaped JSON strings", () => {
    const hcl = rendered(MONITORING_STACK);
    expect(hcl).not.toMatch(/\\"Statement\\"/);
    expect(hcl).not.toMatch(/= "\$\{[^"]*\}"$/m);
    expect(hcl).toMatch(/^  policy = jsonencode\(\{$/m);
    expect(hcl).toMatch(/^  event_pattern = jsonencode\(\{$/m);
    expect(hcl).toMatch(/^  dashboard_body = jsonencode\(\{$/m);
    expect(hcl).toMatch(/^ +"kms:EncryptionContext:aws:sns:topicArn" = /m);
    expect(hcl).toMatch(/^ +"kms:CallerAccount" += data\.aws_caller_identity\.current\.account_id$/m);
    expect(hcl).toMatch(/"arn:aws:events:us-east-1:\$\{data\.aws_caller_identity\.current\.account_id\}:rule\/[^"]+",$/m);
  });

  test("is exactly what terraform fmt writes (terraform fmt -check)", () => {
    const check = terraform(["fmt", "-check", "-diff", "-recursive", join(outdir, "hcl")], tmp);
    expect(check.stdout).toBe("");
    expect(check.status).toBe(0);
  });

  test("the fmt check fails on a rendering that is not formatted (the check can fail)", () => {
    const dir = join(tmp, "unformatted");
    mkdirSync(dir);
    writeFileSync(join(dir, "cdk.tf"), rendered(STATE_BOOTSTRAP_STACK).replace(/^( +)(\S+) = /m, "$1$2    = "));
    expect(terraform(["fmt", "-check", dir], tmp).status).toBe(3);
  });

  test(`no line is longer than ${MAX_LINE} characters except one string alone on its line`, () => {
    for (const stack of [MONITORING_STACK, STATE_BOOTSTRAP_STACK]) expect(overlongLines(rendered(stack))).toEqual([]);
    // The rule has teeth: the cdktf 0.21 rendering this replaces had each policy on one line of up to 7,468 characters.
    const statements = Array.from({ length: 20 }, (_, n) => `{\\"Sid\\":\\"S${n}\\",\\"Effect\\":\\"Allow\\"}`).join(",");
    expect(overlongLines(`  policy = "{\\"Statement\\":[${statements}]}"`)).toHaveLength(1);
    expect(overlongLines(`  policy = jsonencode({ Statement = [${'{ Effect = "Allow" }, '.repeat(20)}] })`)).toHaveLength(1);
    // A filter pattern on one line, as the rendering wrote it before patterns were broken after their operators.
    expect(overlongLines(`  pattern = "{ ${'($.eventName = \\"GetSecretValue\\") || '.repeat(10)}true }"`)).toHaveLength(1);
    expect(overlongLines(`  alarm_description = "${"A long description. ".repeat(12)}"`)).toHaveLength(0);
  });

  /** The default variant's app built in this process (once: the tests below only read it). */
  let defaultApp: App | undefined;
  const builtDefault = (): App => (defaultApp ??= buildApp(loadConfig({ MONITOR_CONFIG: join(VARIANTS, "default.json") }, ROOT), new App({ outdir: join(tmp, "again") })).app);

  test("is deterministic: rendered again in this process from the same JSON, byte for byte the same", () => {
    const app = builtDefault();
    for (const stack of app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
      const name = stack.node.id;
      const again = renderHcl(synthesized(name), stackShapes(stack), reviewHeader(name));
      expect(again).toBe(rendered(name));
    }
  });

  // Terraform evaluates both: the arguments the JSON synth wrote and the same arguments planned from the HCL.
  test.each([MONITORING_STACK, STATE_BOOTSTRAP_STACK])("%s: Terraform plans every argument, policies included, equal to the JSON synth's", (stack) => {
    const built = builtDefault().node.children.find((c) => c.node.id === stack) as TerraformStack;
    const leaves = comparableLeaves(synthesized(stack), stackShapes(built));
    const testFile = readdirSync(join(ROOT, "terraform-tests", stack)).find((f) => f.endsWith(".tftest.hcl"))!;
    const source = readFileSync(join(ROOT, "terraform-tests", stack, testFile), "utf8");
    const mock = topLevelBlock(source, 'mock_provider "aws"');
    if (!mock) throw new Error(`terraform-tests/${stack}/${testFile} has no mock_provider "aws"`);
    const mocks = [mock.replace("{", "{\n  override_during = plan\n"), topLevelBlock(source, "variables") ?? "", planOverrides(synthesized(stack), mock)].join("\n\n");

    // The canaries: a policy with its first Effect reversed, and a string argument with text appended.
    const effect = /"Effect":"(Allow|Deny)"/;
    const jsonLeaf = leaves.find((l) => l.kind === "json" && l.expected.some((v) => effect.test(String(v))));
    const stringLeaf = leaves.find((l) => l.kind === "scalar" && l.expected.every((v) => typeof v === "string"));
    if (!jsonLeaf || !stringLeaf) throw new Error(`${stack}: no policy or no string argument to alter`);
    const files = equivalenceFiles(leaves, mocks, [
      { key: jsonLeaf.key, alter: (v) => String(v).replace(effect, (_, e) => `"Effect":"${e === "Allow" ? "Deny" : "Allow"}"`) },
      { key: stringLeaf.key, alter: (v) => `${String(v)} (altered)` },
    ]);
    // Every policy of the stack is compared.
    const policies = Object.entries(synthesized(stack).resource).flatMap(([type, byName]) =>
      Object.entries(byName as Record<string, Record<string, unknown>>).flatMap(([name, body]) =>
        ["policy", "assume_role_policy"].filter((k) => typeof body[k] === "string").map((k) => `${type}.${name}.${k}`),
      ),
    );
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) expect(leaves.map((l) => l.key)).toContain(policy);

    const dir = join(tmp, `equivalence-${stack}`);
    mkdirSync(dir);
    copyFileSync(join(outdir, "hcl", stack, "cdk.tf"), join(dir, "cdk.tf"));
    writeFileSync(join(dir, "review_equivalence.tf.json"), files.config);
    writeFileSync(join(dir, "review_equivalence.tftest.hcl"), files.test);
    const init = terraform(["init", "-backend=false", "-input=false", "-no-color"], dir);
    expect(init.stderr.trim()).toBe("");
    const run = terraform(["test", "-no-color"], dir);
    expect(run.stdout + run.stderr).toMatch(/Success! 1 passed, 0 failed\./);
    expect(run.status).toBe(0);
  });
});

describe("a JSON synth after synth:hcl", () => {
  test("removes the hcl/ directory, which would no longer match the JSON", () => {
    const dir = join(tmp, "stale");
    cpSync(outdir, dir, { recursive: true });
    expect(existsSync(join(dir, "hcl", MONITORING_STACK, "cdk.tf"))).toBe(true);
    // What `npm run synth` runs (cdktf.json's app), into the same output directory, with another configuration.
    const synth = spawnSync("node", [join(ROOT, "scripts", "run-app.mjs")], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, MONITOR_CONFIG: join(VARIANTS, "scoped-local-state.json"), CDKTF_OUTDIR: dir },
    });
    expect(synth.status).toBe(0);
    expect(existsSync(join(dir, "stacks", MONITORING_STACK, "cdk.tf.json"))).toBe(true);
    expect(existsSync(join(dir, "hcl"))).toBe(false);
  });
});

describe("every configuration variant", () => {
  const variants = readdirSync(VARIANTS).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, ""));

  test("renders fmt-clean HCL within the line-length rule", () => {
    expect(variants.length).toBeGreaterThanOrEqual(3);
    const root = join(tmp, "variants");
    mkdirSync(root);
    for (const variant of variants) {
      const dir = join(root, variant);
      const { app } = buildApp(loadConfig({ MONITOR_CONFIG: join(VARIANTS, `${variant}.json`) }, ROOT), new App({ outdir: dir }));
      app.synth();
      for (const stack of app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
        const json = JSON.parse(readFileSync(join(dir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"));
        const hcl = renderHcl(json, stackShapes(stack));
        expect({ variant, stack: stack.node.id, overlong: overlongLines(hcl) }).toEqual({ variant, stack: stack.node.id, overlong: [] });
        mkdirSync(join(dir, "hcl", stack.node.id), { recursive: true });
        writeFileSync(join(dir, "hcl", stack.node.id, "cdk.tf"), hcl);
      }
    }
    const check = terraform(["fmt", "-check", "-diff", "-recursive", root], tmp);
    expect(check.stdout).toBe("");
    expect(check.status).toBe(0);
  });
});
