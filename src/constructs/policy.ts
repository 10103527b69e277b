/** IAM policy documents as plain objects, rendered with JSON.stringify so Terraform interpolations survive. */

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { Service: string } | { AWS: string | string[] } | "*";
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Denies every request that does not use TLS; the condition keeps the `*` principal from granting anything. */
export function denyInsecureTransport(actionPrefix: string, resources: string[]): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: `${actionPrefix}:*`,
    Resource: resources,
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
