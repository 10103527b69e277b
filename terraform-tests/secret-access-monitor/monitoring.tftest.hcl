# Applies the synthesized stack against a mocked AWS provider (the real provider's schema, no AWS calls).
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
  mock_resource "aws_cloudwatch_event_connection" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:connection/alerts-slack/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e" }
  }
  mock_resource "aws_cloudwatch_event_api_destination" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:api-destination/alerts-slack/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e" }
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

# Regions the multi-region variant forwards from (realtimeAlerts.regions): each has its own provider
# configuration (aws.<region>), mocked like the default one. Unused aliases are ignored.
mock_provider "aws" {
  alias = "eu-west-1"
}
mock_provider "aws" {
  alias = "ap-southeast-2"
}

variables {
  demo_secret_value = "not-a-real-secret"
  # Credentials of the chat and paging destinations (declared only by variants that enable them).
  slack_webhook_url     = "https://hooks.slack.com/services/T000/B000/not-a-real-secret"
  teams_webhook_url     = "https://prod-00.westeurope.logic.azure.com:443/workflows/0/triggers/manual/paths/invoke?sig=not-a-real-secret"
  pagerduty_routing_key = "0123456789abcdef0123456789abcdef"
  webhook_url           = "https://alerts.example.com/secret-access-monitor"
  webhook_secret        = "not-a-real-secret"
}

run "applies_with_explicit_suffix" {
  command = apply

  assert {
    condition     = length(output.alarm_names) >= 3
    error_message = "expected an alarm per detection (reads, parameter reads, denied reads)"
  }
  assert {
    condition     = can(regex("^/aws/cloudtrail/", output.log_group_name))
    error_message = "log group must be /aws/cloudtrail/<name>"
  }
  assert {
    condition     = can(regex("-trail-", output.trail_bucket))
    error_message = "trail bucket must be named <prefix>-trail-<suffix>"
  }
  assert {
    condition     = can(regex("^aws secretsmanager get-secret-value ", output.test_command))
    error_message = "test_command must be a ready-to-run get-secret-value command"
  }
}

run "pipeline_overrides_alert_emails_at_plan_time" {
  command = plan
  variables {
    alert_emails = ["pager@example.org", "team@example.org"]
  }
  assert {
    condition     = length(var.alert_emails) == 2
    error_message = "alert_emails from -var must replace the configured default"
  }
}

run "rejects_an_alert_email_that_is_not_an_address" {
  command = plan
  variables {
    alert_emails = ["oncall@example.com", "not-an-address"]
  }
  expect_failures = [var.alert_emails]
}

run "rejects_an_empty_alert_email_list" {
  command = plan
  variables {
    alert_emails = []
  }
  expect_failures = [var.alert_emails]
}

# Write-only arguments are never persisted (Terraform >= 1.11, "Use write-only arguments",
# https://developer.hashicorp.com/terraform/language/manage-sensitive-data/write-only): after an apply the state
# holds no value for the demo secret, so reading the state is no way around the GetSecretValue alert.
run "demo_secret_value_never_reaches_state" {
  command = apply

  assert {
    condition     = aws_secretsmanager_secret_version.DemoSecret_Version_B043909C.secret_string_wo == null
    error_message = "the demo secret's value must be write-only (secret_string_wo), never stored in state"
  }
  assert {
    condition     = aws_secretsmanager_secret_version.DemoSecret_Version_B043909C.secret_string == null
    error_message = "the demo secret must not use secret_string, which Terraform stores in plain text in state"
  }
  assert {
    condition     = aws_secretsmanager_secret_version.DemoSecret_Version_B043909C.secret_string_wo_version == 1
    error_message = "a write-only value needs secret_string_wo_version to be applied"
  }
}

# The monitor watches itself: rules alerting on changes to the trail and the monitoring (applied, refused with and
# without an error message), and a health topic for the alarms on the monitor itself.
run "self_monitoring_has_change_rules_and_a_health_topic" {
  command = apply

  assert {
    condition     = length(output.change_rule_names) >= 3
    error_message = "expected change rules for applied changes, refusals with an errorMessage and refusals without one"
  }
  assert {
    condition     = can(regex("^arn:aws:sns:", output.health_topic_arn))
    error_message = "the health topic must exist"
  }
}

# The decoys' provider configuration (alias "decoys", without the monitor's default tags), in stacks with decoys;
# unused by the others.
mock_provider "aws" {
  alias = "decoys"
}
