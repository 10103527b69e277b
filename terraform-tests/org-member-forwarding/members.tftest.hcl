# The member forwarding StackSet (management account), applied against a mocked AWS provider.
mock_provider "aws" {}

run "stack_set_is_service_managed_and_deploys_itself_to_new_accounts" {
  command = apply

  assert {
    condition     = aws_cloudformation_stack_set.StackSet.permission_model == "SERVICE_MANAGED"
    error_message = "the StackSet must use service-managed permissions (Organizations, no per-account roles)"
  }
  assert {
    condition     = aws_cloudformation_stack_set.StackSet.auto_deployment[0].enabled
    error_message = "automatic deployment must be on: new accounts get the forwarding rules without anyone acting"
  }
  assert {
    condition     = aws_cloudformation_stack_set.StackSet.managed_execution[0].active
    error_message = "managed execution must be on: an update meeting an automatic deployment queues instead of failing"
  }
  assert {
    condition     = length(aws_cloudformation_stack_instances.Instances.regions) == 3
    error_message = "one region set: the home region and every listed one"
  }
  assert {
    condition     = length(jsondecode(aws_cloudformation_stack_set.StackSet.template_body).Resources) == 2
    error_message = "the template must hold the forwarding role and the one forwarding rule (every secret read, whatever the lists of the configuration)"
  }
}
