/**
 * Sample CloudTrail records for testing a deployed metric filter with CloudWatch Logs' TestMetricFilter: the
 * first candidate the local filter-pattern engine matches is sent, so AWS confirms what the engine predicts.
 */
import { compileFilterPattern } from "../engines/filter-pattern";

const CALLER = { type: "IAMUser", principalId: "AIDAVERIFYSAMPLE", arn: "arn:aws:iam::000000000000:user/verify-sample", accountId: "000000000000", userName: "verify-sample" };

function base(eventSource: string, eventName: string, requestParameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    eventVersion: "1.10",
    userIdentity: CALLER,
    eventTime: "2026-01-01T00:00:00Z",
    eventSource,
    eventName,
    awsRegion: "us-east-1",
    sourceIPAddress: "203.0.113.10",
    userAgent: "secret-access-monitor-verify",
    requestParameters,
    responseElements: null,
    eventID: "00000000-0000-4000-8000-000000000000",
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: "000000000000",
    ...extra,
  };
}

/** The first exact value a pattern compares a selector with (`$.requestParameters.secretId = "prod/db"`). */
function exactValue(pattern: string, selector: string): string | undefined {
  const re = new RegExp(`\\${selector.replace(/[.[\]]/g, "\\$&")} = "([^"*]+)"`);
  return re.exec(pattern)?.[1];
}

export function sampleCandidates(pattern: string): object[] {
  const secretId = exactValue(pattern, "$.requestParameters.secretId") ?? "verify/sample-secret";
  const paramName = exactValue(pattern, "$.requestParameters.name") ?? "/verify/sample";
  const path = exactValue(pattern, "$.requestParameters.path") ?? "/verify";
  const trailName = "verify-sample-trail";
  const denied = { errorCode: "AccessDenied", errorMessage: "not authorized" };
  return [
    base("secretsmanager.amazonaws.com", "GetSecretValue", { secretId }),
    base("secretsmanager.amazonaws.com", "BatchGetSecretValue", { secretIdList: [secretId] }),
    base("ssm.amazonaws.com", "GetParameter", { name: paramName, withDecryption: true }),
    base("ssm.amazonaws.com", "GetParameters", { names: [paramName], withDecryption: true }),
    base("ssm.amazonaws.com", "GetParametersByPath", { path, withDecryption: true }),
    base("secretsmanager.amazonaws.com", "GetSecretValue", { secretId }, denied),
    base("ssm.amazonaws.com", "GetParameter", { name: paramName, withDecryption: true }, denied),
    base("cloudtrail.amazonaws.com", "StopLogging", { name: trailName }, { readOnly: false }),
    base("kms.amazonaws.com", "DisableKey", { keyId: "verify" }, { readOnly: false }),
    base("ec2.amazonaws.com", "CreateVpc", {}, { readOnly: false }),
  ];
}

/** A record the pattern matches according to the local engine, as the one-line JSON CloudWatch Logs stores. */
export function sampleFor(pattern: string): string | undefined {
  const compiled = compileFilterPattern(pattern);
  for (const candidate of sampleCandidates(pattern)) {
    const text = JSON.stringify(candidate);
    if (compiled.matches(text, candidate)) return text;
  }
  return undefined;
}
