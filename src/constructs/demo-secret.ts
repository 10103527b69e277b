import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";

export interface DemoSecretProps {
  /** The secret's name, `<prefix>-<suffix>`. */
  readonly name: string;
  /**
   * The secret value: a reference to a sensitive, ephemeral Terraform variable. It is written through the
   * write-only `secret_string_wo` (provider >= 5.99, Terraform >= 1.11), so it never reaches the synthesized JSON,
   * the plan or the state: reading the state must not be a way around the GetSecretValue alert.
   */
  readonly value: string;
  /**
   * Write-only values are not stored, so Terraform cannot see a change: raise this to write a new value.
   * @default 1
   */
  readonly valueVersion?: number;
  /**
   * Days Secrets Manager keeps the secret after `terraform destroy` before deleting it for good.
   * @default 7 - the shortest window AWS allows, so a demo teardown does not linger for 30 days
   */
  readonly recoveryWindowInDays?: number;
  /** KMS key for the secret. @default - the AWS managed key `aws/secretsmanager` */
  readonly kmsKeyId?: string;
}

/** A secret to read when testing the alarms end to end, with its value from a sensitive variable. */
export class DemoSecret extends Construct {
  readonly secret: SecretsmanagerSecret;
  readonly version: SecretsmanagerSecretVersion;

  constructor(scope: Construct, id: string, props: DemoSecretProps) {
    super(scope, id);
    const recovery = props.recoveryWindowInDays ?? 7;
    if (recovery !== 0 && (recovery < 7 || recovery > 30)) {
      throw new Error(`recoveryWindowInDays: ${recovery} is not allowed; use 0 or 7–30 days`);
    }
    this.secret = new SecretsmanagerSecret(this, "Resource", {
      name: props.name,
      description: "Demo secret watched by the secret-access monitor; reading its value raises an alert.",
      recoveryWindowInDays: recovery,
      kmsKeyId: props.kmsKeyId,
    });
    const valueVersion = props.valueVersion ?? 1;
    if (!Number.isInteger(valueVersion) || valueVersion < 1) throw new Error(`valueVersion: ${valueVersion} is not allowed; use a whole number from 1`);
    this.version = new SecretsmanagerSecretVersion(this, "Version", {
      secretId: this.secret.id,
      secretStringWo: props.value,
      secretStringWoVersion: valueVersion,
    });
  }
}
