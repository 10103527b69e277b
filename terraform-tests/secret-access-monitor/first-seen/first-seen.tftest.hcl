# The first-seen variant (terraform-tests/variants/first-seen.json), applied against the mocked AWS provider.
# Mocked computed strings are random, so every ARN the provider validates gets a well-formed default.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/ci"
      user_id    = "AIDACKCEVSQ6C2EXAMPLE"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:alerts" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/trail" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/cloudtrail-to-logs" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::trail-bucket" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:123456789012:alert-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/123456789012/alert-dlq"
    }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:rule/secret-reads" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:demo-AbCdEf" }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
  mock_resource "aws_cloudtrail" {
    defaults = { arn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/trail" }
  }
  mock_resource "aws_sfn_state_machine" {
    defaults = { arn = "arn:aws:states:us-east-1:123456789012:stateMachine:first-seen" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:us-east-1:123456789012:table/first-seen" }
  }
}

variables {
  demo_secret_value = "not-a-real-secret"
}

run "first_seen_workflow_is_express_logged_and_encrypted" {
  command = apply

  assert {
    condition     = aws_sfn_state_machine.FirstSeenReaders_StateMachine_75AFFA8F.type == "EXPRESS"
    error_message = "the first-seen workflow must be an Express state machine (priced per request, at-least-once)"
  }
  assert {
    condition     = aws_sfn_state_machine.FirstSeenReaders_StateMachine_75AFFA8F.logging_configuration[0].level == "ERROR" && aws_sfn_state_machine.FirstSeenReaders_StateMachine_75AFFA8F.logging_configuration[0].include_execution_data == false
    error_message = "the workflow logs errors to its log group, without the execution data (secret names, principals)"
  }
  assert {
    condition     = jsondecode(aws_sfn_state_machine.FirstSeenReaders_StateMachine_75AFFA8F.definition).QueryLanguage == "JSONata"
    error_message = "the definition must be the JSONata workflow"
  }
  assert {
    condition     = aws_cloudwatch_log_group.FirstSeenReaders_LogGroup_C5DC19A0.kms_key_id == aws_kms_key.EncryptionKey_1B843E66.arn
    error_message = "the workflow's log group must be encrypted with the monitor's key"
  }
  assert {
    condition     = aws_dynamodb_table.FirstSeenReaders_Table_D62F7645.server_side_encryption[0].enabled && aws_dynamodb_table.FirstSeenReaders_Table_D62F7645.server_side_encryption[0].kms_key_arn == aws_kms_key.EncryptionKey_1B843E66.arn
    error_message = "the learned pairs must be encrypted with the monitor's key"
  }
  assert {
    condition     = aws_dynamodb_table.FirstSeenReaders_Table_D62F7645.ttl[0].enabled && aws_dynamodb_table.FirstSeenReaders_Table_D62F7645.ttl[0].attribute_name == "expiresAt"
    error_message = "pairs must be forgotten through TTL on expiresAt"
  }
  assert {
    condition     = aws_cloudwatch_event_target.FirstSeenReaders_Target_0CE6D098.arn == aws_sfn_state_machine.FirstSeenReaders_StateMachine_75AFFA8F.arn && aws_cloudwatch_event_target.FirstSeenReaders_Target_0CE6D098.role_arn == aws_iam_role.FirstSeenReaders_InvokeRole_B0B5A0AA.arn
    error_message = "the first-seen rule must start the workflow with its own role"
  }
  assert {
    condition     = can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$", jsondecode(aws_dynamodb_table_item.FirstSeenReaders_LearningEnd_3BAFBEF0.item).learningEndsAt.S))
    error_message = "the learning item must hold an RFC 3339 UTC time, written by Terraform at apply"
  }
  assert {
    condition     = output.first_seen_learning_ends_at == jsondecode(aws_dynamodb_table_item.FirstSeenReaders_LearningEnd_3BAFBEF0.item).learningEndsAt.S
    error_message = "the output must say when learning ends"
  }
}

# A later plan keeps the learning end it stored: timestamp() is unknown at plan time, so without
# lifecycle.ignore_changes the item would be planned anew (and this condition could not be evaluated).
run "later_plans_keep_the_learning_end" {
  command = plan

  assert {
    condition     = jsondecode(aws_dynamodb_table_item.FirstSeenReaders_LearningEnd_3BAFBEF0.item).learningEndsAt.S == run.first_seen_workflow_is_express_logged_and_encrypted.first_seen_learning_ends_at
    error_message = "the learning end must not move on later plans"
  }
}
