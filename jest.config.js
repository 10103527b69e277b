/** Transpile-only (SWC): types are checked once by `tsc --noEmit`, not per test file. */

// Some tests run Terraform (the backend contract, the HCL review): the AWS provider builds its whole schema each
// time it starts, and collecting garbage less often saves CPU, as in scripts/validate.sh. Set here, before the
// workers start, so that they and every terraform they spawn inherit it.
process.env.GOGC ??= "400";

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // One worker per core of this 2-core machine (Jest's default would be one fewer). The suite is CPU-bound, many
  // files also run child processes (terraform, tsx, npm), and a third worker measured no faster.
  maxWorkers: 2,
};
