import { Testing } from "cdktf";
import { MonitoringStack } from "../../src/stacks/monitoring-stack";
import { config, only, synthMonitoring, Synthesized, tfType } from "../helpers";

describe("MonitoringStack", () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthMonitoring();
  });

  describe("suffix", () => {
    test("an explicit suffix names resources and keeps the random provider out", () => {
      expect(s.tf.resource.random_string).toBeUndefined();
      expect(s.tf.terraform.required_providers.random).toBeUndefined();
      expect(s.tf.provider.random).toBeUndefined();
    });

    test("without a suffix an 8-character lower-case random string names every resource", () => {
      const random = synthMonitoring({ suffix: undefined });
      expect(random.json).toHaveResourceWithProperties(tfType("random_string"), {
        length: 8,
        lower: true,
        upper: false,
        numeric: true,
        special: false,
      });
      expect(random.tf.terraform.required_providers.random).toEqual({ source: "hashicorp/random", version: "3.7.2" });
      const ref = Object.keys(random.tf.resource.random_string)[0];
      expect(only(random.tf, "aws_s3_bucket").bucket).toBe(`sam-trail-\${random_string.${ref}.result}`);
      expect(only(random.tf, "aws_secretsmanager_secret").name).toBe(`sam-\${random_string.${ref}.result}`);
    });
  });

  describe("demo secret", () => {
    test("secret is named <prefix>-<suffix>", () => {
      expect(s.json).toHaveResourceWithProperties(tfType("aws_secretsmanager_secret"), { name: "sam-test0001", recovery_window_in_days: 7 });
    });

    test("secret value comes from a sensitive, ephemeral variable through a write-only argument: never in JSON, plan or state", () => {
      // terraform-provider-aws stores `secret_string` in state in plain text; `secret_string_wo` is never stored
      // (write-only arguments, Terraform >= 1.11; ephemeral variables, Terraform >= 1.10).
      expect(s.json).toHaveResourceWithProperties(tfType("aws_secretsmanager_secret_version"), {
        secret_string_wo: "${var.demo_secret_value}",
        secret_string_wo_version: 1,
      });
      expect(only(s.tf, "aws_secretsmanager_secret_version").secret_string).toBeUndefined();
      expect(s.tf.variable.demo_secret_value).toMatchObject({ type: "string", sensitive: true, ephemeral: true, nullable: false });
      expect(s.tf.variable.demo_secret_value.default).toBeUndefined();
    });

    test("demoSecret.valueVersion writes a new value (a write-only value's change is invisible to Terraform otherwise)", () => {
      const next = synthMonitoring({ demoSecret: { enabled: true, valueVersion: 2 } });
      expect(only(next.tf, "aws_secretsmanager_secret_version").secret_string_wo_version).toBe(2);
    });

    test("the stack requires Terraform 1.11, the first with write-only arguments", () => {
      expect(s.tf.terraform.required_version).toBe(">= 1.11.0");
    });

    test("disabling the demo secret removes the secret and its variable", () => {
      const none = synthMonitoring({ demoSecret: { enabled: false }, monitoredSecrets: [{ id: "prod/db" }] });
      expect(none.tf.resource.aws_secretsmanager_secret).toBeUndefined();
      expect(none.tf.variable.demo_secret_value).toBeUndefined();
      expect(none.tf.output.test_command.value).toContain("--secret-id prod/db");
    });
  });

  describe("provider and outputs", () => {
    test("AWS provider uses the configured region and tags every resource", () => {
      expect(s.json).toHaveProviderWithProperties(tfType("aws"), {
        region: "us-east-1",
        default_tags: [{ tags: { Project: "sam", ManagedBy: "cdktf" } }],
      });
      expect(s.tf.terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
    });

    test("outputs name the secret, trail, bucket, log group, topic and alarms, and a command to test them", () => {
      expect(Object.keys(s.tf.output).sort()).toEqual(
        [
          "alarm_names",
          "alert_topic_arn",
          "change_rule_names",
          "dashboard_name",
          "dead_letter_queue_url",
          "event_rule_names",
          "health_topic_arn",
          "kms_key_arn",
          "log_group_name",
          "secret_arn",
          "secret_name",
          "test_command",
          "trail_arn",
          "trail_bucket",
        ].sort(),
      );
      expect(s.tf.output.test_command.value).toMatch(
        /^aws secretsmanager get-secret-value --region us-east-1 --secret-id \$\{aws_secretsmanager_secret\..+\.arn\} --query Name --output text$/,
      );
    });
  });

  describe("backend", () => {
    test("S3 remote state has a key per stack, encryption and native S3 locking", () => {
      const remote = synthMonitoring({
        backend: { type: "s3", bucket: "acme-tfstate", keyPrefix: "security", region: "eu-west-1" },
      });
      expect(remote.tf.terraform.backend).toEqual({
        s3: { bucket: "acme-tfstate", key: "security/test.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
      });
    });

    test("useLockfile false leaves locking off", () => {
      const unlocked = synthMonitoring({ backend: { type: "s3", bucket: "acme-tfstate", useLockfile: false } });
      expect(unlocked.tf.terraform.backend.s3.use_lockfile).toBeUndefined();
    });

    test("local backend keeps state outside cdktf.out so a re-synth does not lose it", () => {
      expect(s.tf.terraform.backend).toEqual({ local: { path: "../../../terraform.test.tfstate" } });
    });
  });

  test("a stack built twice from one configuration synthesizes the same JSON", () => {
    const again = Testing.synth(new MonitoringStack(Testing.app(), "test", config()));
    expect(again).toEqual(s.json);
  });
});
