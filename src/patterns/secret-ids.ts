/**
 * How callers name a secret in CloudTrail's `requestParameters.secretId`: the bare name, the full ARN (name plus
 * AWS's random `-XXXXXX`), or a partial ARN (without it). A monitored secret must match all three.
 */

const ARN = /^arn:([^:]+):secretsmanager:([^:]+):(\d{12}):secret:(.+)$/;
/** AWS appends a hyphen and six random characters to every secret ARN. */
const AWS_ARN_SUFFIX = /-[A-Za-z0-9]{6}$/;

export interface SecretIdMatchers {
  /** The secret's name, for messages and resource names. */
  readonly name: string;
  /** Values that identify the secret exactly. */
  readonly exact: readonly string[];
  /**
   * `*`-wildcard values, used when the full ARN is not known (a secret given by name). `*:secret:<name>-*` also
   * matches a secret whose name continues with `-…` (e.g. `prod` matches `prod-db`): a false positive is preferred
   * to a missed read.
   */
  readonly wildcards: readonly string[];
}

export function secretIdMatchers(id: string): SecretIdMatchers {
  const arn = ARN.exec(id);
  if (arn) {
    const [, partition, region, account, tail] = arn;
    const hasAwsSuffix = AWS_ARN_SUFFIX.test(tail);
    const name = hasAwsSuffix ? tail.replace(AWS_ARN_SUFFIX, "") : tail;
    const partial = `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}`;
    // AWS: "if your secret name ends with a hyphen followed by six characters … Secrets Manager might treat [a
    // partial ARN] as a complete ARN" (GetSecretValue, SecretId). The same ambiguity holds for the configuration:
    // `…:secret:prod/db-backup` may be the full ARN of `prod/db` or the partial ARN of `prod/db-backup`. Both are
    // watched: a false alarm is preferred to a missed read.
    if (hasAwsSuffix) return { name, exact: [id, partial, name, tail], wildcards: [`${id}-*`] };
    // A partial ARN: the full ARN's random suffix is unknown.
    return { name, exact: [partial, name], wildcards: [`${partial}-*`] };
  }
  return { name: id, exact: [id], wildcards: [`*:secret:${id}`, `*:secret:${id}-*`] };
}
