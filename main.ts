import { rmSync } from "node:fs";
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
} catch (err) {
  rmSync(outdir, { recursive: true, force: true });
  const lines = err instanceof ConfigError ? err.lines : [`synth failed: ${(err as Error).message}`];
  for (const line of lines) console.error(line);
  process.exit(1);
}
