import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "./src/app";
import { ConfigError, loadConfig } from "./src/config/load";

// Configuration is validated before the App exists: App creates cdktf.out in its constructor, and a bad
// configuration must leave nothing half-synthesized behind.
const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
try {
  const config = loadConfig();
  const { app } = buildApp(config, new App({ outdir }));
  app.synth();
  removeStaleOtherFormat(outdir, app.hclOutput);
  // The review rendering (`npm run synth:hcl`, which writes it after this synth) would describe the previous
  // configuration: a synth removes it rather than leave HCL that disagrees with the JSON.
  rmSync(join(outdir, "hcl"), { recursive: true, force: true });
} catch (err) {
  rmSync(outdir, { recursive: true, force: true });
  const lines = err instanceof ConfigError ? err.lines : [`synth failed: ${(err as Error).message}`];
  for (const line of lines) console.error(line);
  process.exit(1);
}

/**
 * Terraform loads every *.tf and *.tf.json in a directory: a cdk.tf left by an earlier `cdktf synth --hcl`
 * beside a fresh cdk.tf.json (or the reverse) declares everything twice and Terraform refuses both.
 */
function removeStaleOtherFormat(dir: string, hcl: boolean): void {
  const stacks = join(dir, "stacks");
  if (!existsSync(stacks)) return;
  for (const stack of readdirSync(stacks)) rmSync(join(stacks, stack, hcl ? "cdk.tf.json" : "cdk.tf"), { force: true });
}
