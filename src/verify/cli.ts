/**
 * `npm run verify -- [--outputs <file> | --stack-dir <dir>] [--region <r>] [--fire] [--timeout-minutes <n>] [--max-age-minutes <n>]`
 *
 * Checks a deployed stack in a real account, one line per link with ✅/❌ and the remedy. Credentials come
 * from the SDK's default provider chain; the region from --region or the configuration. Stack outputs come
 * from a file (`terraform output -json > outputs.json`) or from `terraform output -json` in the stack directory.
 * Exit codes: 0 every link works, 1 a link is broken, 2 verify could not check (bad arguments, unreadable outputs,
 * no credentials or permissions, AWS unreachable).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SNSClient } from "@aws-sdk/client-sns";
import { ConfigError, loadConfig } from "../config/load";
import { parseFlags, UsageError, wholeNumber } from "../cli/args";
import { Check, Clients, fire, StackOutputs, verifyCentralBus, verifyForwarding, verifyStack } from "./verify";

/** `--help`: every option, one line each. */
export const HELP = `usage: npm run -s verify -- [options]
  --outputs <file>          stack outputs saved by terraform output -json (default: read them from --stack-dir)
  --stack-dir <dir>         the deployed stack's directory, where terraform output -json runs (default cdktf.out/stacks/secret-access-monitor)
  --region <region>         the stack's region (default: region in the configuration)
  --fire                    also read the demo secret once and wait for its alert and alarm
  --timeout-minutes <n>     how long --fire waits, 1 to 1440 (default 15)
  --max-age-minutes <n>     how recent the trail's last delivery must be, 1 to 1440 (default 60)
  --role <role>             monitor (default: the stack of --stack-dir/--outputs), member (this account's forwarding
                            rules in every --region, from cdktf.out/stacks/org-member-forwarding) or central (the
                            central bus policy, from cdktf.out/stacks/org-central)
  --help                    this text
exit codes: 0 every link works, 1 a link is broken, 2 verify could not check (bad arguments, outputs, credentials, permissions, network)`;

/** Asked for `--help`: the CLI prints HELP on stdout and exits 0. */
class HelpRequested extends Error {}

export interface VerifyArgs {
  role: "monitor" | "member" | "central";
  outputs?: string;
  stackDir: string;
  region?: string;
  fire: boolean;
  timeoutMinutes: number;
  maxAgeMinutes: number;
}

export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  const args: VerifyArgs = { role: "monitor", stackDir: "cdktf.out/stacks/secret-access-monitor", fire: false, timeoutMinutes: 15, maxAgeMinutes: 60 };
  const minutes = (v: string, flag: string) => wholeNumber(v, flag, 1, 1440, "whole number of minutes");
  parseFlags(argv, {
    values: {
      "--outputs": (v) => void (args.outputs = v),
      "--role": (v, flag) => {
        if (v !== "monitor" && v !== "member" && v !== "central") throw new UsageError(`${flag}: ${v} is not a role; allowed: monitor, member, central`);
        args.role = v;
      },
      "--stack-dir": (v) => void (args.stackDir = v),
      "--region": (v) => void (args.region = v),
      "--timeout-minutes": (v, flag) => void (args.timeoutMinutes = minutes(v, flag)),
      "--max-age-minutes": (v, flag) => void (args.maxAgeMinutes = minutes(v, flag)),
    },
    switches: {
      "--fire": () => void (args.fire = true),
      "--help": () => {
        throw new HelpRequested();
      },
    },
  });
  return args;
}

/** Values of `terraform output -json` ({"name": {"value": …}}), checked for what verify needs. */
export function readOutputs(json: string, source: string): StackOutputs {
  let parsed: Record<string, { value: unknown }>;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new UsageError(`${source}: not JSON from terraform output -json: ${(err as Error).message}`);
  }
  const values = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v?.value]));
  for (const field of ["trail_arn", "log_group_name", "alert_topic_arn"]) {
    if (typeof values[field] !== "string") throw new UsageError(`${source}: output ${field} is missing (is this the monitoring stack, applied?)`);
  }
  if (!Array.isArray(values.alarm_names)) throw new UsageError(`${source}: output alarm_names is missing`);
  return values as unknown as StackOutputs;
}

function loadOutputs(args: VerifyArgs): StackOutputs {
  if (args.outputs) {
    if (!existsSync(args.outputs)) throw new UsageError(`--outputs: ${args.outputs} does not exist`);
    return readOutputs(readFileSync(args.outputs, "utf8"), args.outputs);
  }
  if (!existsSync(args.stackDir)) throw new UsageError(`--stack-dir: ${args.stackDir} does not exist; run npm run synth and deploy first, or pass --outputs`);
  let json: string;
  try {
    json = execFileSync("terraform", [`-chdir=${args.stackDir}`, "output", "-json", "-no-color"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    throw new UsageError(`--stack-dir: terraform output -json failed in ${args.stackDir}: ${terraformErrorCause(String((err as { stderr?: string }).stderr ?? err))}`);
  }
  return readOutputs(json, `${args.stackDir} (terraform output -json)`);
}

/**
 * The cause in Terraform's error box (`╷ │ Error: Backend initialization required … │ Reason: … ╵`) as one line:
 * the box's first line is only its border.
 */
export function terraformErrorCause(stderr: string): string {
  // eslint-disable-next-line no-control-regex
  const lines = stderr.replace(/\u001b\[[0-9;]*m/g, "").split("\n").map((l) => l.replace(/^[╷│╵]\s?/, "").trim());
  const at = lines.findIndex((l) => l.startsWith("Error:"));
  if (at < 0) return lines.filter((l) => l !== "").join(" ").slice(0, 400);
  const reason = lines.slice(at + 1).find((l) => l.startsWith("Reason:"));
  const detail = reason ?? lines.slice(at + 1).find((l) => l !== "");
  return [lines[at], detail].filter(Boolean).join(" ");
}

/**
 * SDK errors that mean verify could not check (no credentials, no permission, AWS unreachable), not that a link is
 * broken: by the error's name, as the SDK names it (a service's modeled exception, or the code in the response).
 */
const DENIED = "the AWS credentials may not read the monitor: verify needs read access to CloudTrail, CloudWatch, CloudWatch Logs, EventBridge and SNS (and to the demo secret with --fire)";
const SETUP_ERRORS: Record<string, string> = {
  CredentialsProviderError: "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run aws sso login",
  ExpiredTokenException: "the AWS credentials have expired: refresh them (aws sso login, or new session credentials)",
  ExpiredToken: "the AWS credentials have expired: refresh them (aws sso login, or new session credentials)",
  UnrecognizedClientException: "the AWS credentials are not valid in this account: check AWS_PROFILE and the keys",
  InvalidClientTokenId: "the AWS credentials are not valid in this account: check AWS_PROFILE and the keys",
  // CloudTrail, CloudWatch Logs, EventBridge and Secrets Manager answer AccessDeniedException, CloudWatch (a query
  // protocol service) AccessDenied, SNS AuthorizationError (AuthorizationErrorException in the SDK).
  AccessDeniedException: DENIED,
  AccessDenied: DENIED,
  AuthorizationErrorException: DENIED,
  AuthorizationError: DENIED,
};

/** Node's codes for a host that cannot be reached; the SDK passes the error through with its code. */
const NETWORK_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

/** The one line saying what to do when an error means verify could not check, or undefined. */
export function setupProblem(err: unknown): string | undefined {
  const e = err as { name?: string; code?: string; message?: string };
  const known = e?.name ? SETUP_ERRORS[e.name] : undefined;
  if (known) {
    const cause = known === DENIED ? ` (${e.name}: ${String(e.message ?? "").split("\n")[0]})` : ` (${e.name})`;
    return `${known}${cause}`;
  }
  if ((e?.code && NETWORK_CODES.has(e.code)) || e?.name === "TimeoutError") {
    return `AWS could not be reached (${e.code ?? e.name}: ${String(e.message ?? "").split("\n")[0]}): check the network, a proxy (HTTPS_PROXY), and the region`;
  }
  return undefined;
}

export function clientsFor(region: string): Clients {
  return {
    cloudtrail: new CloudTrailClient({ region }),
    logs: new CloudWatchLogsClient({ region }),
    cloudwatch: new CloudWatchClient({ region }),
    sns: new SNSClient({ region }),
    events: new EventBridgeClient({ region }),
    secrets: new SecretsManagerClient({ region }),
  };
}

export function formatCheck(c: Check): string {
  return `${c.ok ? "✅" : "❌"} ${c.link}: ${c.detail}${c.remedy ? `\n     fix: ${c.remedy}` : ""}`;
}

/** What `main` takes from its surroundings, so tests can replace AWS and the clock. */
export interface MainOptions {
  /** SDK clients for a region. @default clientsFor */
  readonly makeClients?: (region: string) => Clients;
  /** The clock (milliseconds since the epoch): freshness of deliveries and the `--fire` timings. */
  readonly now: () => number;
  /** Waits between `--fire` polls. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The synthesized JSON of an organization stack (`cdktf.out/stacks/<stack>/cdk.tf.json`). */
function synthesized(stack: string): Record<string, any> {
  const file = `cdktf.out/stacks/${stack}/cdk.tf.json`;
  if (!existsSync(file)) throw new UsageError(`--role: ${file} not found; synthesize the organization's configuration first (npm run synth)`);
  return JSON.parse(readFileSync(file, "utf8"));
}

/** `--role member` and `--role central`: an organization's account, checked with this account's credentials. */
async function verifyOrganizationRole(args: VerifyArgs, makeClients: (region: string) => Clients): Promise<number> {
  let checks: Check[] = [];
  try {
    if (args.role === "member") {
      const tf = synthesized("org-member-forwarding");
      const set = Object.values<any>(tf.resource.aws_cloudformation_stack_set)[0];
      const instances = Object.values<any>(tf.resource.aws_cloudformation_stack_instances)[0];
      const template = JSON.parse(set.template_body);
      const rules = Object.values<any>(template.Resources).filter((r) => r.Type === "AWS::Events::Rule");
      const expected = { ruleNames: rules.map((r) => r.Properties.Name), targetBusArn: rules[0].Properties.Targets[0].Arn };
      for (const region of args.region ? [args.region] : (instances.regions as string[])) {
        checks.push(...(await verifyForwarding(makeClients(region).events, expected, region)));
      }
    } else {
      const tf = synthesized("org-central");
      const bus = Object.values<any>(tf.resource.aws_cloudwatch_event_bus)[0];
      const policy = JSON.parse(Object.values<any>(tf.resource.aws_cloudwatch_event_bus_policy)[0].policy);
      const region = [].concat(tf.provider.aws)[0]["region"] as string;
      checks = await verifyCentralBus(makeClients(args.region ?? region).events, bus.name, policy.Statement[0].Condition.StringEquals["aws:PrincipalOrgID"]);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`verify: ${err.message}`);
      return 2;
    }
    const setup = setupProblem(err);
    if (setup) {
      console.error(`verify: ${setup}`);
      return 2;
    }
    throw err;
  }
  for (const c of checks) console.log(formatCheck(c));
  const broken = checks.filter((c) => !c.ok).length;
  console.log(broken === 0 ? `all ${checks.length} links work` : `${broken} of ${checks.length} links broken`);
  return broken === 0 ? 0 : 1;
}

export async function main(argv: readonly string[], options: MainOptions): Promise<number> {
  const { makeClients = clientsFor, now, sleep } = options;
  let args: VerifyArgs;
  let outputs: StackOutputs;
  let region: string;
  try {
    args = parseVerifyArgs(argv);
    if (args.role !== "monitor") return await verifyOrganizationRole(args, makeClients);
    outputs = loadOutputs(args);
    region = args.region ?? loadConfig().region;
  } catch (err) {
    if (err instanceof HelpRequested) {
      console.log(HELP);
      return 0;
    }
    if (err instanceof UsageError) {
      console.error(`verify: ${err.message}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      for (const line of err.lines) console.error(`verify: ${line}`);
      return 2;
    }
    throw err;
  }
  const clients = makeClients(region);
  let checks: Check[];
  try {
    checks = await verifyStack(clients, outputs, { maxAgeMinutes: args.maxAgeMinutes, now });
  } catch (err) {
    // Exit 1 means "a link is broken"; no credentials, no permission or no network is bad setup (2), in one line.
    const setup = setupProblem(err);
    if (setup) {
      console.error(`verify: ${setup}`);
      return 2;
    }
    throw err;
  }
  for (const c of checks) console.log(formatCheck(c));
  if (args.fire) {
    console.log(`reading the demo secret once (value not printed) and waiting up to ${args.timeoutMinutes} min…`);
    let fired: Check[];
    try {
      fired = await fire(clients, outputs, { timeoutMs: args.timeoutMinutes * 60_000, now, sleep, log: (l) => console.log(l) });
    } catch (err) {
      const setup = setupProblem(err);
      if (!setup) throw err;
      console.error(`verify: ${setup}`);
      return 2;
    }
    for (const c of fired) {
      checks.push(c);
      console.log(formatCheck(c));
    }
  }
  const broken = checks.filter((c) => !c.ok).length;
  console.log(broken === 0 ? `all ${checks.length} links work` : `${broken} of ${checks.length} links broken`);
  return broken === 0 ? 0 : 1;
}

/**
 * The AWS SDK warns on stderr, in seven lines, that its releases after January 2027 will need Node 22: news about
 * future SDK versions, not about this run, which the project's pinned SDK supports. Its own switch turns it off.
 */
export function quietSdkWarnings(env: NodeJS.ProcessEnv): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

if (require.main === module) {
  quietSdkWarnings(process.env);
  // The only place the real clock enters: everything below main takes it as an argument.
  main(process.argv.slice(2), { now: Date.now }).then(
    (code) => process.exit(code),
    (err) => {
      // An error nobody expected: verify could not check, which is not a broken link (1).
      console.error(`verify: ${(err as Error).name}: ${(err as Error).message}`);
      process.exit(2);
    },
  );
}
