// Every test runs without AWS or Retell: local credentials, no shared config files, no real endpoints.
import fs from 'node:fs';
import 'aws-sdk-client-mock-vitest/extend';

process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.AWS_CONFIG_FILE = '/dev/null';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
process.env.RETELL_BASE_URL = 'http://127.0.0.1:9';
// Any AWS client built without a local endpoint (by a test, or by a StrykerJS mutant of the code that picks one)
// reaches a closed local port, never AWS: the SDK's endpoint setting for every service.
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
delete process.env.AWS_PROFILE;
// The SDK's notice that it will need Node 22 (Lambda's runtime) would otherwise fill the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
delete process.env.RETELL_API_KEY;
// npm start and the CLIs keep the local store in .cache/local-store: a test's runs get one in memory of their own
// (infra/local/localStore.ts), never the user's, nor a running npm start's.
process.env.LOCAL_STORE_DIR = ':memory:';

// The log sink writes lines to fds 1 and 2 with fs.writeSync (lib/logger.ts, writeLine), past the process.stdout and
// process.stderr that Vitest captures per test: those writes are handed to the streams, so test output stays tidy.
const writeSync = fs.writeSync;
fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
  if ((fd === 1 || fd === 2) && typeof data === 'string') {
    (fd === 1 ? process.stdout : process.stderr).write(data);
    return Buffer.byteLength(data);
  }
  return Reflect.apply(writeSync, fs, [fd, data, ...rest]);
}) as typeof fs.writeSync;
