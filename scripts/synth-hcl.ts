/**
 * `npm run synth:hcl`: synthesizes the JSON stacks as `cdktf synth` does, then writes a reviewable HCL rendering
 * of each stack to cdktf.out/hcl/<stack>/cdk.tf. The HCL lives in its own directory: Terraform loads every
 * *.tf and *.tf.json of a directory, so HCL beside the JSON would declare everything twice.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repairHcl } from "../src/review/hcl";

const root = join(__dirname, "..");
const outdir = process.env.CDKTF_OUTDIR ?? join(root, "cdktf.out");
const run = (env: Record<string, string>) => spawnSync("node", [join(root, "scripts", "run-app.mjs")], { stdio: "inherit", env: { ...process.env, ...env } });

if (run({ CDKTF_OUTDIR: outdir }).status !== 0) process.exit(1);
const scratch = mkdtempSync(join(tmpdir(), "sam-hcl-"));
try {
  if (run({ CDKTF_OUTDIR: scratch, SYNTH_HCL_OUTPUT: "true" }).status !== 0) process.exit(1);
  const hclRoot = join(outdir, "hcl");
  rmSync(hclRoot, { recursive: true, force: true });
  for (const stack of readdirSync(join(scratch, "stacks"))) {
    const file = join(scratch, "stacks", stack, "cdk.tf");
    if (!existsSync(file)) continue;
    mkdirSync(join(hclRoot, stack), { recursive: true });
    writeFileSync(join(hclRoot, stack, "cdk.tf"), repairHcl(readFileSync(file, "utf8")));
    console.log(`HCL for review: ${join(hclRoot, stack, "cdk.tf")}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
