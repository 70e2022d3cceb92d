// Every test runs without AWS or Retell: local credentials, no shared config files, no real endpoints.
import 'aws-sdk-client-mock-vitest/extend';

process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.AWS_CONFIG_FILE = '/dev/null';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
process.env.RETELL_BASE_URL = 'http://127.0.0.1:9';
delete process.env.AWS_PROFILE;
// The SDK's notice that it will need Node 22 (Lambda's runtime) would otherwise fill the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
delete process.env.RETELL_API_KEY;
