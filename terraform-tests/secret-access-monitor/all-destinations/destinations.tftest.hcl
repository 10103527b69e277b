# The configuration with every destination: Slack, Teams, PagerDuty (EU), a basic-auth webhook, the alarms routed
# to them, and both chat-application channels. Applied against the mocked provider (no AWS calls).
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
    defaults = { arn = "arn:aws:events:eu-west-1:123456789012:connection/secret-access-monitor-ci0dests-slack/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e" }
  }
  mock_resource "aws_cloudwatch_event_api_destination" {
    defaults = { arn = "arn:aws:events:eu-west-1:123456789012:api-destination/secret-access-monitor-ci0dests-slack/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e" }
  }
  mock_resource "aws_chatbot_slack_channel_configuration" {
    defaults = { chat_configuration_arn = "arn:aws:chatbot::123456789012:chat-configuration/slack-channel/secret-access-monitor-ci0dests-slack" }
  }
  mock_resource "aws_chatbot_teams_channel_configuration" {
    defaults = { chat_configuration_arn = "arn:aws:chatbot::123456789012:chat-configuration/microsoft-teams-channel/secret-access-monitor-ci0dests-teams" }
  }
  mock_resource "aws_cloudtrail" {
    defaults = { arn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/trail" }
  }
}

variables {
  demo_secret_value     = "not-a-real-secret"
  slack_webhook_url     = "https://hooks.slack.com/services/T000/B000/not-a-real-secret"
  teams_webhook_url     = "https://prod-00.westeurope.logic.azure.com:443/workflows/0/triggers/manual/paths/invoke?sig=not-a-real-secret"
  pagerduty_routing_key = "0123456789abcdef0123456789abcdef"
  webhook_url           = "https://alerts.example.com/secret-access-monitor"
  webhook_secret        = "not-a-real-secret"
}

run "every_destination_and_chat_channel_is_created" {
  command = apply

  assert {
    condition     = length(output.api_destination_names) == 4
    error_message = "expected API destinations for Slack, Teams, PagerDuty and the webhook"
  }
  assert {
    condition     = length(output.alarm_route_rule_names) >= 2
    error_message = "expected rules routing the alarms (by severity) to the destinations"
  }
  assert {
    condition     = length(output.chat_configuration_arns) == 2
    error_message = "expected a Slack and a Teams channel configuration"
  }
}

run "rejects_a_webhook_url_that_is_not_https" {
  command = plan

  variables {
    slack_webhook_url = "http://hooks.slack.com/services/T000/B000/plain-http"
  }

  expect_failures = [var.slack_webhook_url]
}

run "rejects_an_empty_pagerduty_routing_key" {
  command = plan

  variables {
    pagerduty_routing_key = ""
  }

  expect_failures = [var.pagerduty_routing_key]
}
