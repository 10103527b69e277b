/**
 * Parameter Store noise, as documented (README, "Parameter Store"). SSM ignores WithDecryption for String and
 * StringList parameters ("This flag is ignored for String and StringList parameter types", GetParameter API
 * reference, https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html), and the
 * CloudTrail record carries only the request (name, withDecryption), never the parameter's type. So in catch-all
 * mode a plain parameter read with the flag set is indistinguishable from a SecureString read and alerts; listing
 * the SecureString parameters (`monitoredParameters`) is the remedy. terraform-provider-aws 5.100 refreshes every
 * `aws_ssm_parameter` with WithDecryption=true whatever its type (resourceParameterRead → findParameterByName(…, true)).
 */
import { evaluateRecord, modelOf, verdicts } from "./replay";
import { StackModel } from "../../src/engines/stack-model";

const ACCOUNT = "111122223333";
function getParameter(name: string, withDecryption: boolean | undefined): Record<string, unknown> {
  return {
    eventVersion: "1.10",
    userIdentity: { type: "AssumedRole", principalId: "AROAEXAMPLE:app", arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/i-0abc`, accountId: ACCOUNT },
    eventTime: "2026-11-20T14:03:27Z",
    eventSource: "ssm.amazonaws.com",
    eventName: "GetParameter",
    awsRegion: "us-east-1",
    sourceIPAddress: "10.0.3.7",
    userAgent: "aws-sdk-go-v2/1.36.3 os/linux lang/go#1.23 api/ssm#1.59.1",
    requestParameters: withDecryption === undefined ? { name } : { name, withDecryption },
    responseElements: null,
    requestID: "5f1c2a0e-8f1b-4d52-9a1e-1f7b5e1c2d3a",
    eventID: "9a7a9c12-5b8e-4d0a-a1c3-9e2b7d4f6a80",
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
  };
}

describe("Parameter Store: what a plain parameter read with WithDecryption does", () => {
  let catchAll: StackModel;
  let listed: StackModel;
  beforeAll(() => {
    catchAll = modelOf({});
    listed = modelOf({ parameterStore: { enabled: true, monitoredParameters: ["/prod/db/password"] } });
  });

  test("catch-all: a plain String parameter read with WithDecryption=true alerts (the documented noise: one alert per call)", () => {
    expect(verdicts(evaluateRecord(catchAll, getParameter("/app/feature-flags", true)))).toEqual({ metric: "read", realtime: "read" });
  });

  test("catch-all: the same read without the flag does not alert", () => {
    expect(verdicts(evaluateRecord(catchAll, getParameter("/app/feature-flags", false)))).toEqual({ metric: "none", realtime: "none" });
    expect(verdicts(evaluateRecord(catchAll, getParameter("/app/feature-flags", undefined)))).toEqual({ metric: "none", realtime: "none" });
  });

  test("listing the SecureString parameters removes the noise: the plain parameter is quiet, the listed one alerts", () => {
    expect(verdicts(evaluateRecord(listed, getParameter("/app/feature-flags", true)))).toEqual({ metric: "none", realtime: "none" });
    expect(verdicts(evaluateRecord(listed, getParameter("/prod/db/password", true)))).toEqual({ metric: "read", realtime: "read" });
  });
});
