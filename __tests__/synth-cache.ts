/**
 * Synthesized monitoring stacks shared between test files of one run. Most files synthesize the same few
 * configurations (the default one, customer-managed or AWS-managed keys, …), and each synthesis costs about a
 * quarter of a second of CPU; Jest gives every file its own module registry, so an in-memory memo would not reach
 * the next file. The JSON is kept under .build/synth-cache, keyed by the stack's id, its validated configuration and
 * a fingerprint of everything synthesis reads (the sources under src/, the cdktf and provider package versions):
 * any change to those synthesizes afresh. `npm run bench` empties the cache before timing `npm test`.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Testing } from "cdktf";
import { MonitorConfig } from "../src/config/schema";
import { MonitoringStack } from "../src/stacks/monitoring-stack";

const ROOT = join(__dirname, "..");
const CACHE = join(ROOT, ".build", "synth-cache");

let fingerprint: string | undefined;

/** A hash of every source file synthesis can read and of the library versions it runs on. */
function sourceFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash("sha256");
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        hash.update(relative(ROOT, path));
        hash.update(readFileSync(path));
      }
    }
  };
  walk(join(ROOT, "src"));
  for (const pkg of ["cdktf", "@cdktf/provider-aws", "@cdktf/provider-random", "constructs"]) {
    hash.update(readFileSync(join(ROOT, "node_modules", pkg, "package.json")));
  }
  fingerprint = hash.digest("hex").slice(0, 16);
  pruneOthers(fingerprint);
  return fingerprint;
}

/** Caches of other source versions, once they are an hour old (a run that still reads one has long finished). */
function pruneOthers(current: string): void {
  let names: string[];
  try {
    names = readdirSync(CACHE);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === current) continue;
    try {
      if (Date.now() - statSync(join(CACHE, name)).mtimeMs > 3_600_000) rmSync(join(CACHE, name), { recursive: true, force: true });
    } catch {
      // Another file of this run pruned it.
    }
  }
}

/** The Terraform JSON of a MonitoringStack with this id and configuration, as Testing.synth gives it. */
export function synthesizedJson(id: string, cfg: MonitorConfig): string {
  const dir = join(CACHE, sourceFingerprint());
  const key = createHash("sha256").update(JSON.stringify([id, cfg])).digest("hex").slice(0, 32);
  const file = join(dir, `${key}.json`);
  try {
    return readFileSync(file, "utf8");
  } catch {
    // Not synthesized yet in this run.
  }
  const json = Testing.synth(new MonitoringStack(Testing.app(), id, cfg));
  mkdirSync(dir, { recursive: true });
  // Written whole under another name, then renamed: a file running in parallel reads all of it or nothing.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, json);
  renameSync(partial, file);
  return json;
}
