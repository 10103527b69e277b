/** Command-line parsing shared by the project's CLIs: flags, flags with a value, whole numbers in a range. */

/** A usage problem: the CLI prints it as one line and exits 2. */
export class UsageError extends Error {}

export interface FlagSpec {
  /** Flags that take a value (`--out dir`), and what to do with it. */
  readonly values: Record<string, (value: string, flag: string) => void>;
  /** Flags without a value (`--json`). */
  readonly switches: Record<string, () => void>;
}

/** Walks argv, calling the handler of each flag; unknown flags and missing values are UsageErrors. */
export function parseFlags(argv: readonly string[], spec: FlagSpec): void {
  const allowed = [...Object.keys(spec.values), ...Object.keys(spec.switches)].join(", ");
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag in spec.switches) {
      spec.switches[flag]();
    } else if (flag in spec.values) {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag}: needs a value`);
      spec.values[flag](v, flag);
    } else {
      throw new UsageError(`${flag}: unknown argument; allowed: ${allowed}`);
    }
  }
}

/** A whole number within [min, max], or a UsageError naming the flag and the range. */
export function wholeNumber(value: string, flag: string, min: number, max: number, unit = "whole number"): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag}: must be a ${unit} from ${min} to ${max}`);
  return n;
}
