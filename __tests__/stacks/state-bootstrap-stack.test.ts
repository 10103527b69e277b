import { Testing } from "cdktf";
import { buildApp } from "../../src/app";
import { only, statement, TerraformJson, config, tfType } from "../helpers";

describe("StateBootstrapStack", () => {
  let json: string;
  let tf: TerraformJson;
  beforeAll(() => {
    const { bootstrap } = buildApp(config({ backend: { type: "s3", bucket: "acme-tfstate", region: "eu-west-1" } }), Testing.app());
    json = Testing.synth(bootstrap!);
    tf = JSON.parse(json);
  });

  test("keeps its own state locally: it creates the bucket remote state needs", () => {
    expect(tf.terraform.backend).toEqual({ local: { path: "../../../terraform.state-bootstrap.tfstate" } });
  });

  test("state bucket is versioned, encrypted, private and protected from destroy", () => {
    expect(json).toHaveResourceWithProperties(tfType("aws_s3_bucket"), { bucket: "acme-tfstate", lifecycle: { prevent_destroy: true } });
    expect(json).toHaveResourceWithProperties(tfType("aws_s3_bucket_versioning"), { versioning_configuration: { status: "Enabled" } });
    expect(json).toHaveResourceWithProperties(tfType("aws_s3_bucket_server_side_encryption_configuration"), {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
    expect(json).toHaveResourceWithProperties(tfType("aws_s3_bucket_public_access_block"), {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("state bucket denies requests without TLS", () => {
    expect(statement(only(tf, "aws_s3_bucket_policy").policy, "DenyInsecureTransport").Condition).toEqual({
      Bool: { "aws:SecureTransport": "false" },
    });
  });

  test("is created in the backend's region", () => {
    expect(json).toHaveProviderWithProperties(tfType("aws"), { region: "eu-west-1" });
  });

  test("is not built for local state", () => {
    expect(buildApp(config(), Testing.app()).bootstrap).toBeUndefined();
  });
});
