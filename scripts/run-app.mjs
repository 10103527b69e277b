// The app `cdktf synth` runs: bundles main.ts with esbuild (no type-checking; `npm run typecheck` does that)
// and runs the bundle. Compiling once and loading plain JavaScript keeps synth well under a second, where
// ts-node with type-checking takes several.
import { build } from "esbuild";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, ".build", "main.cjs");
await build({
  entryPoints: [join(root, "main.ts")],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // Dependencies load from node_modules; only the project's own TypeScript is bundled.
  packages: "external",
  outfile,
  logLevel: "warning",
});
createRequire(import.meta.url)(outfile);
