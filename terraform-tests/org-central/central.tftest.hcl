# The organization's central stack (security account), applied against a mocked AWS provider.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "222222222222"
      arn        = "arn:aws:iam::222222222222:user/ci"
      user_id    = "AIDACKCEVSQ6C2EXAMPLE"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:222222222222:alerts" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-east-1:222222222222:alert-dlq"
      url = "https://sqs.us-east-1.amazonaws.com/222222222222/alert-dlq"
    }
  }
  mock_resource "aws_cloudwatch_event_bus" {
    defaults = { arn = "arn:aws:events:us-east-1:222222222222:event-bus/org-events" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:us-east-1:222222222222:rule/org-events/secret-reads" }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }
}

run "central_bus_admits_the_organization_only" {
  command = apply

  assert {
    condition     = jsondecode(aws_cloudwatch_event_bus_policy.BusPolicy.policy).Statement[0].Condition.StringEquals["aws:PrincipalOrgID"] == "o-a1b2c3d4e5"
    error_message = "the central bus policy must admit PutEvents from the organization only (aws:PrincipalOrgID)"
  }
  assert {
    condition     = length(output.event_rule_names) >= 12
    error_message = "expected the read and denied-read rules of every record shape on the central bus"
  }
  assert {
    condition     = alltrue([for r in output.event_rule_names : startswith(r, "sam-org-org00001-")])
    error_message = "central rules are named after the organization's shared name"
  }
}

run "rejects_an_empty_alert_email_list" {
  command = plan
  variables {
    alert_emails = []
  }
  expect_failures = [var.alert_emails]
}
