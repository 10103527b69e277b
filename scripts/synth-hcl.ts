/**
 * `npm run synth:hcl`: synthesizes the JSON stacks exactly as `npm run synth` does, then writes a reviewable HCL
 * rendering of each to cdktf.out/hcl/<stack>/cdk.tf (src/review/hcl.ts renders the synthesized cdk.tf.json; the
 * JSON stays the source of truth). The HCL lives in its own directory: Terraform loads every *.tf and *.tf.json of
 * a directory, so HCL beside the JSON would declare everything twice.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { buildApp } from "../src/app";
import { loadConfig } from "../src/config/load";
import { renderHcl, reviewHeader } from "../src/review/hcl";
import { stackShapes } from "../src/review/shapes";

const root = join(__dirname, "..");
const outdir = process.env.CDKTF_OUTDIR ?? join(root, "cdktf.out");

// The JSON synth (main.ts, which also removes any earlier hcl/ directory).
const synth = spawnSync("node", [join(root, "scripts", "run-app.mjs")], { stdio: "inherit", env: { ...process.env, CDKTF_OUTDIR: outdir } });
if (synth.status !== 0) process.exit(1);

// The same configuration built again in this process, for what the JSON cannot say: which arguments are blocks.
// App writes its outdir when constructed; this one is scratch and nothing is synthesized into it.
const scratch = mkdtempSync(join(tmpdir(), "sam-hcl-"));
try {
  const { app } = buildApp(loadConfig(), new App({ outdir: scratch }));
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
  const synthesized = readdirSync(join(outdir, "stacks")).sort();
  const built = stacks.map((s) => s.node.id).sort();
  if (synthesized.join() !== built.join()) throw new Error(`synthesized stacks (${synthesized.join(", ")}) differ from the app's (${built.join(", ")})`);
  const hclRoot = join(outdir, "hcl");
  rmSync(hclRoot, { recursive: true, force: true });
  for (const stack of stacks) {
    const name = stack.node.id;
    const json = join(outdir, "stacks", name, "cdk.tf.json");
    if (!existsSync(json)) throw new Error(`${json} is missing`);
    const hcl = renderHcl(JSON.parse(readFileSync(json, "utf8")), stackShapes(stack), reviewHeader(name));
    mkdirSync(join(hclRoot, name), { recursive: true });
    writeFileSync(join(hclRoot, name, "cdk.tf"), hcl);
    console.log(`HCL for review: ${join(hclRoot, name, "cdk.tf")}`);
  }
} catch (err) {
  console.error(`synth:hcl failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
