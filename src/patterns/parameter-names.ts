/**
 * How callers name an SSM parameter in CloudTrail: `requestParameters.name` (GetParameter, GetParameterHistory)
 * as the name, `name:version`, `name:label` or the ARN; `requestParameters.names` (GetParameters, up to 10); and
 * `requestParameters.path` (GetParametersByPath) as any ancestor path of the parameter.
 */

export interface ParameterMatchers {
  readonly name: string;
  /** Exact values and `*` wildcards for `name` and each element of `names`. */
  readonly exact: readonly string[];
  readonly wildcards: readonly string[];
  /** Paths whose GetParametersByPath can return the parameter (recursive or not: a false alarm beats a miss). */
  readonly ancestorPaths: readonly string[];
}

/** GetParameters accepts at most this many names in one call. */
export const MAX_NAMES_PER_GET_PARAMETERS = 10;

export function parameterMatchers(name: string): ParameterMatchers {
  const arnTail = name.startsWith("/") ? `parameter${name}` : `parameter/${name}`;
  // Every parameter is under the root: a name without a hierarchy (`dbpassword`) is returned by path `/` too.
  const ancestorPaths: string[] = ["/"];
  if (name.startsWith("/")) {
    const levels = name.split("/").filter(Boolean);
    for (let i = 1; i < levels.length; i++) {
      const p = `/${levels.slice(0, i).join("/")}`;
      ancestorPaths.push(p, `${p}/`);
    }
  }
  return {
    name,
    exact: [name],
    // name:version / name:label selectors, and the ARN with or without a selector.
    // Leading `*` only (not `arn:*:ssm:*:*:…`): a mid-value `*` is the form CloudWatch's older syntax page called
    // literal, and each inner `*` adds to the complexity EventBridge refuses beyond a limit.
    wildcards: [`${name}:*`, `*:${arnTail}`, `*:${arnTail}:*`],
    ancestorPaths,
  };
}
