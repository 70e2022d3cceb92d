// The name Lambda gives the call function in a stack named retell-router: CloudFormation names a resource without a
// name of its own `<stack>-<logical id>-<12 random characters>`. It is a member of every decision line, so the lines
// the bench measures are as long as a deployment's.
export const FUNCTION_NAME = 'retell-router-InboundCallFunction-Q2m8ZxK4vT1a';
