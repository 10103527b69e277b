/**
 * Decoy secrets and parameters (honeytokens): names nobody's workload uses, so any read or attempted read, by
 * anyone, is worth a critical page. One detection for every decoy, rendered by the same builders as every other
 * read (filter patterns for the metric path, event patterns for the real-time path), with no allow-list at all.
 * Pure: no cdktf imports.
 */
import { MAX_NAMES_PER_GET_PARAMETERS, parameterMatchers } from "./parameter-names";
import { secretIdMatchers } from "./secret-ids";
import {
  BATCH_SECRET_READS,
  MAX_SECRET_IDS_PER_BATCH,
  ReadBranch,
  ReadDetection,
  SECRET_VALUE_READS,
  SECRETS_MANAGER,
  SSM,
} from "./sensitive-reads";

export interface DecoyScope {
  /** Names of decoy secrets (plain names: the monitor creates them). */
  readonly secrets: readonly string[];
  /** Names of decoy SecureString parameters. */
  readonly parameters: readonly string[];
}

/** The detection id of decoy reads: metric, filter and alarm `<prefix>-decoy-reads`, rules `<prefix>-decoy-…`. */
export const DECOY_DETECTION_ID = "decoy-reads";

/**
 * Every read of a decoy, successful or refused (`outcome: "any"`), by anyone (no allow-list: not the global one,
 * not `deployment.principals`; the monitor never reads a decoy itself, see DecoySecrets).
 *
 * - GetSecretValue naming a decoy by name, partial or full ARN. Unlike ordinary reads, the entries Secrets Manager
 *   writes itself for a BatchGetSecretValue ("generates CloudTrail GetSecretValue log entries for each secret you
 *   request", API reference) are kept: a batch by tag or name `filters` names no secret in its own record, and
 *   those entries are the only trace that it returned the decoy.
 * - BatchGetSecretValue naming a decoy in `secretIdList` (1–20 ids).
 * - A refusal by IAM is recorded with `requestParameters: null` and the resource in `errorMessage`, as the caller
 *   named it (ARN or bare name); it is matched there in both forms ("User: … is not authorized to perform:
 *   secretsmanager:GetSecretValue on resource: <decoy ARN or name> because …").
 * - SSM: GetParameter / GetParameterHistory / GetParameters naming a decoy parameter whether or not they ask for
 *   decryption (without it the caller still receives the SecureString's ciphertext and knows the decoy's version
 *   history), and GetParametersByPath with decryption on any ancestor path.
 *
 * Returns undefined when there are no decoys.
 */
export function decoyDetection(scope: DecoyScope): ReadDetection | undefined {
  if (scope.secrets.length === 0 && scope.parameters.length === 0) return undefined;
  const branches: ReadBranch[] = [];
  if (scope.secrets.length > 0) {
    const ms = scope.secrets.map(secretIdMatchers);
    const exact = [...new Set(ms.flatMap((m) => m.exact))];
    const wildcards = [...new Set(ms.flatMap((m) => m.wildcards))];
    // IAM names the resource as the caller gave it: the ARN ("… on resource: arn:aws:secretsmanager:…:secret:<name>-AbCdEf
    // because no identity-based policy allows …") or the bare name ("… on resource: foo with an explicit deny in a
    // resource-based policy"; "… on resource: eks-namespace/xxx-yyy-api because no identity-based policy allows …";
    // "… on resource: flag" ending the message). The name itself is what both forms share: one wildcard per decoy,
    // as EventBridge limits a rule's wildcard complexity (a refused read naming a longer secret that contains the
    // decoy's name alerts too, as the batch branch below).
    const inMessage = scope.secrets.map((n) => `*${n}*`);
    branches.push(
      {
        eventSource: SECRETS_MANAGER,
        eventNames: SECRET_VALUE_READS,
        resource: { field: ["requestParameters", "secretId"], exact, wildcards },
        refusal: { field: ["errorMessage"], exact: [], wildcards: inMessage },
        allowedReaders: [],
      },
      {
        eventSource: SECRETS_MANAGER,
        eventNames: BATCH_SECRET_READS,
        resource: {
          field: ["requestParameters", "secretIdList"],
          exact: [],
          wildcards: scope.secrets.map((n) => `*${n}*`),
          arrayLength: MAX_SECRET_IDS_PER_BATCH,
        },
        allowedReaders: [],
      },
    );
  }
  if (scope.parameters.length > 0) {
    const ms = scope.parameters.map(parameterMatchers);
    branches.push(
      {
        eventSource: SSM,
        eventNames: ["GetParameter", "GetParameterHistory"],
        resource: { field: ["requestParameters", "name"], exact: ms.flatMap((m) => m.exact), wildcards: ms.flatMap((m) => m.wildcards) },
        refusal: { field: ["errorMessage"], exact: [], wildcards: scope.parameters.map((n) => `*parameter${n.startsWith("/") ? "" : "/"}${n}*`) },
        allowedReaders: [],
      },
      {
        eventSource: SSM,
        eventNames: ["GetParameters"],
        resource: {
          field: ["requestParameters", "names"],
          exact: [],
          wildcards: scope.parameters.map((n) => `*${n}*`),
          arrayLength: MAX_NAMES_PER_GET_PARAMETERS,
        },
        allowedReaders: [],
      },
      {
        eventSource: SSM,
        eventNames: ["GetParametersByPath"],
        withDecryption: true,
        resource: { field: ["requestParameters", "path"], exact: [...new Set(ms.flatMap((m) => m.ancestorPaths))], wildcards: [] },
        allowedReaders: [],
      },
    );
  }
  // Alarm descriptions hold 1024 characters: name the decoys while they fit, then count the rest.
  const all = [...scope.secrets, ...scope.parameters];
  const named: string[] = [];
  for (const n of all) if ([...named, n].join(", ").length <= 300) named.push(n);
  const names = all.length === named.length ? named : [...named, `and ${all.length - named.length} more`];
  return {
    id: DECOY_DETECTION_ID,
    title: "Read of a decoy secret",
    outcome: "any",
    severity: "critical",
    branches,
    description: [
      `CRITICAL: someone read, or tried to read, a decoy (${names.join(", ")}).`,
      "No workload uses these secrets and parameters, so no read is ever expected, by anyone: treat the caller's",
      "credentials as stolen. The real-time alert (same topic) names who, from where and how;",
      "without it, search the trail's log group for the decoy's name in the last 15 minutes.",
    ].join(" "),
  };
}
