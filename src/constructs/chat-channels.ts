import { Construct } from "constructs";
import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import { ChatbotTeamsChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-teams-channel-configuration";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { policyDocument } from "./policy";

export interface ChatChannelsProps {
  /** Names the configurations `<namePrefix>-slack` / `<namePrefix>-teams` and the role `<namePrefix>-chat`. */
  readonly namePrefix: string;
  readonly accountId: string;
  readonly partition: string;
  /** SNS topics whose notifications the channels receive (the alert topic: the alarm path's notifications). */
  readonly topicArns: readonly string[];
  /** A Slack channel in a workspace authorised once in the console. @default - none */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string };
  /** A Teams channel in a team authorised once in the console. @default - none */
  readonly teams?: { readonly tenantId: string; readonly teamId: string; readonly channelId: string };
}

/**
 * Amazon Q Developer in chat applications (formerly AWS Chatbot) for teams that prefer it to API destinations:
 * channel configurations subscribed to the alert topic, so CloudWatch alarm notifications appear as AWS's own
 * formatted cards. Delivering notifications from a topic needs no permission of the channel role (the service-linked
 * role AWSServiceRoleForAWSChatbot subscribes to the topic), so the role has none: channel members can run nothing
 * through it, and the guardrail caps it at CloudWatch read-only should anyone add permissions later.
 */
export class ChatChannels extends Construct {
  readonly role: IamRole;
  readonly slack?: ChatbotSlackChannelConfiguration;
  readonly teams?: ChatbotTeamsChannelConfiguration;

  constructor(scope: Construct, id: string, props: ChatChannelsProps) {
    super(scope, id);
    if (!props.slack && !props.teams) throw new Error("chat channels: neither a Slack nor a Teams channel given");
    this.role = new IamRole(this, "Role", {
      name: `${props.namePrefix}-chat`,
      description: "Assumed by Amazon Q Developer in chat applications to render the monitor's alarm notifications",
      assumeRolePolicy: policyDocument([
        {
          Sid: "ChatApplicationsOfThisAccount",
          Effect: "Allow",
          Principal: { Service: "chatbot.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
        },
      ]),
    });
    const guardrail = [`arn:${props.partition}:iam::aws:policy/CloudWatchReadOnlyAccess`];
    if (props.slack) {
      this.slack = new ChatbotSlackChannelConfiguration(this, "Slack", {
        configurationName: `${props.namePrefix}-slack`,
        iamRoleArn: this.role.arn,
        slackTeamId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        snsTopicArns: [...props.topicArns],
        guardrailPolicyArns: guardrail,
        loggingLevel: "ERROR",
      });
    }
    if (props.teams) {
      this.teams = new ChatbotTeamsChannelConfiguration(this, "Teams", {
        configurationName: `${props.namePrefix}-teams`,
        iamRoleArn: this.role.arn,
        tenantId: props.teams.tenantId,
        teamId: props.teams.teamId,
        channelId: props.teams.channelId,
        snsTopicArns: [...props.topicArns],
        guardrailPolicyArns: guardrail,
        loggingLevel: "ERROR",
      });
    }
  }
}
