// The webhook URLs of a deployed stack, from its outputs (sam-template.yaml: InboundCallUrl, InboundSmsUrl).
import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';

/** The stack's outputs that name the Function URLs Retell is to call. */
export const CALL_URL_OUTPUT = 'InboundCallUrl';
export const SMS_URL_OUTPUT = 'InboundSmsUrl';

export interface StackWebhookUrls {
  callUrl: string;
  smsUrl: string;
}

/** The stack cannot be read, or lacks an output; the message says which, and the region asked. */
export class StackOutputsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StackOutputsError';
  }
}

/**
 * Both webhook URLs from the stack's outputs: one DescribeStacks (AWS CloudFormation API Reference), in the region and
 * with the credentials the SDK finds as usual (AWS_REGION, AWS_PROFILE...). Throws StackOutputsError.
 */
export async function stackWebhookUrls(
  stackName: string,
  client: CloudFormationClient = new CloudFormationClient({}),
): Promise<StackWebhookUrls> {
  let region: string;
  try {
    region = await client.config.region();
  } catch (cause) {
    throw new StackOutputsError('no AWS region: set AWS_REGION (or a profile with one) to read the stack', { cause });
  }
  let outputs: Output[] | undefined;
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Stacks?.[0]?.Outputs;
  } catch (cause) {
    // CloudFormation answers a stack that does not exist with a ValidationError that says so.
    const message = (cause as Error).message;
    throw new StackOutputsError(`cannot read stack ${stackName} in ${region}: ${message}`, { cause });
  }
  const output = (key: string): string => {
    const value = outputs?.find((candidate) => candidate.OutputKey === key)?.OutputValue;
    if (value === undefined || value === '') {
      throw new StackOutputsError(
        `stack ${stackName} in ${region} has no output ${key}: is it retell-router's, and is its deployment complete?`,
      );
    }
    return value;
  };
  return { callUrl: output(CALL_URL_OUTPUT), smsUrl: output(SMS_URL_OUTPUT) };
}
