# The organization trail stack (management account), applied against a mocked AWS provider.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
      arn        = "arn:aws:iam::111111111111:user/ci"
      user_id    = "AIDACKCEVSQ6C2EXAMPLE"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:111111111111:alerts" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/cloudtrail/trail" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/forward" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::trail-bucket" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:111111111111:alert-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/111111111111/alert-dlq"
    }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-east-1:111111111111:rule/change" }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
  mock_resource "aws_cloudtrail" {
    defaults = { arn = "arn:aws:cloudtrail:us-east-1:111111111111:trail/trail" }
  }
}
# Regions this account forwards its reads from (organization.regions), each with its own provider configuration.
mock_provider "aws" {
  alias = "us-east-1"
}
mock_provider "aws" {
  alias = "eu-west-1"
}
mock_provider "aws" {
  alias = "ap-southeast-2"
}

run "organization_trail_with_metric_path_and_forwarding" {
  command = apply

  assert {
    condition     = aws_cloudtrail.AuditTrail_C93518EF.is_organization_trail
    error_message = "the trail must be an organization trail"
  }
  assert {
    condition     = length(output.alarm_names) >= 3
    error_message = "expected an alarm per detection on the organization trail's log group"
  }
  assert {
    condition     = length(output.forwarding_rule_names) >= 13
    error_message = "expected a forwarding rule per central read rule (the alarms notify this account's topics, not the central bus)"
  }
  assert {
    condition     = length(output.change_rule_names) >= 3
    error_message = "self-monitoring rules stay in this account"
  }
}
