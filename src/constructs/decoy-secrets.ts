import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";

export interface DecoySecretSpec {
  /** The decoy's name, exactly as an attacker listing secrets will see it (no monitor prefix). */
  readonly name: string;
  /** @default - none, like most secrets */
  readonly description?: string;
}

export interface DecoySecretsProps {
  readonly secrets: readonly DecoySecretSpec[];
  /**
   * The provider the decoys are created with: one without the monitor's default tags (`Project`, `ManagedBy`),
   * which ListSecrets and DescribeSecret would show to the attacker the decoys are for.
   * @default - the stack's default provider
   */
  readonly provider?: TerraformProvider;
  /**
   * Days Secrets Manager keeps a decoy after `terraform destroy`.
   * @default 7 - the shortest window AWS allows
   */
  readonly recoveryWindowInDays?: number;
}

/**
 * Decoy secrets: Secrets Manager secrets no workload uses, watched by the decoy detection (any read, by anyone).
 *
 * Only the secret is managed here, never a version: terraform-provider-aws refreshes `aws_secretsmanager_secret`
 * with DescribeSecret and GetResourcePolicy (metadata, not a read), but `aws_secretsmanager_secret_version` with
 * GetSecretValue on every plan, apply and refresh — also for a write-only value (provider 5.100,
 * internal/service/secretsmanager/secret_version.go: resourceSecretVersionRead → findSecretVersionByTwoPartKey →
 * `conn.GetSecretValue`). A Terraform-managed value would make every plan read the decoy, and exempting the
 * deployer would break "anyone alerts". The value is put once, by hand, with `put-secret-value` (output
 * `decoy_seed_commands`). Until then a read of a decoy fails with ResourceNotFoundException, which alerts too.
 *
 * The decoys use Secrets Manager's default key (`aws/secretsmanager`), like most secrets: the monitor's own key
 * would name the monitor in DescribeKey, and a decoy holds no alert content.
 */
export class DecoySecrets extends Construct {
  readonly secrets: SecretsmanagerSecret[] = [];
  /** The decoys' names as plain strings (the resources' `name` is a Terraform reference). */
  readonly names: string[] = [];

  constructor(scope: Construct, id: string, props: DecoySecretsProps) {
    super(scope, id);
    const recovery = props.recoveryWindowInDays ?? 7;
    if (recovery !== 0 && (recovery < 7 || recovery > 30)) {
      throw new Error(`recoveryWindowInDays: ${recovery} is not allowed; use 0 or 7–30 days`);
    }
    const seen = new Set<string>();
    props.secrets.forEach((s, i) => {
      if (seen.has(s.name)) throw new Error(`decoys.secrets: ${s.name} is listed twice`);
      seen.add(s.name);
      this.names.push(s.name);
      this.secrets.push(
        new SecretsmanagerSecret(this, `Secret${i + 1}`, {
          name: s.name,
          description: s.description,
          recoveryWindowInDays: recovery,
          provider: props.provider,
        }),
      );
    });
  }

  /** One command per decoy that puts a random value once (run it from a shell whose history is not kept). */
  seedCommands(region: string): string[] {
    return this.names.map(
      (name) =>
        `aws secretsmanager put-secret-value --region ${region} --secret-id ${name} --secret-string "$(aws secretsmanager get-random-password --region ${region} --password-length 32 --query RandomPassword --output text)" --query Name --output text`,
    );
  }
}
