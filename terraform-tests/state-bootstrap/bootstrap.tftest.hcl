# The state bucket has prevent_destroy, so this test plans instead of applying (an apply run's teardown
# would have to destroy it).
mock_provider "aws" {}

run "plans_a_versioned_private_tls_only_state_bucket" {
  command = plan
  assert {
    condition     = aws_s3_bucket_versioning.Versioning.versioning_configuration[0].status == "Enabled"
    error_message = "the state bucket must be versioned"
  }
  assert {
    condition     = aws_s3_bucket_public_access_block.PublicAccessBlock.block_public_policy && aws_s3_bucket_public_access_block.PublicAccessBlock.restrict_public_buckets
    error_message = "the state bucket must block public access"
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.Encryption.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "the state bucket must be encrypted by default"
  }
}
