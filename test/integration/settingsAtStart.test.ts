// npm start and npm run invoke check every setting before they listen or invoke, and exit non-zero saying which one
// is wrong, with the API key never in what they print.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const KEY = 'key_never_print_me_7f3a9c0e5b';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI to its end, or kills it after 60 s: a server that started would otherwise run on. */
function run(args: string[], env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ...args],
      {
        cwd: ROOT,
        timeout: 60_000,
        // No real Retell, no real DynamoDB: what the shell says about them is replaced.
        env: { ...process.env, RETELL_API_KEY: '', AWS_ENDPOINT_URL_DYNAMODB: '', PORT: '0', ...env },
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

// Each case starts a process that loads the router: seconds on a loaded machine.
const SPAWNS = { timeout: 90_000 };

describe('npm start', SPAWNS, () => {
  const start = (env: Record<string, string>) => run(['infra/local/server.ts'], env);

  it('exits non-zero naming an invalid setting, without saying it is listening', async () => {
    const exit = await start({ RESPONSE_BUDGET_MS: '50' });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('invalid environment: RESPONSE_BUDGET_MS: Too small: expected number to be >=100');
    expect(exit.stdout).not.toContain('listening');
  });

  it('never prints the API key, even when it was put in another variable', async () => {
    const exit = await start({ RETELL_API_KEY: `  ${KEY}\n`, ALLOWED_SOURCE_IPS: `100.20.5.228,${KEY}` });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('ALLOWED_SOURCE_IPS: "<RETELL_API_KEY>" is not an IP address or CIDR range');
    expect(exit.stdout + exit.stderr).not.toContain(KEY);
  });
});

describe('npm run invoke', SPAWNS, () => {
  const invoke = (env: Record<string, string>) =>
    run(['infra/cli/invoke.ts', 'InboundCallFunction', 'infra/events/routed-call.json'], env);

  it('exits non-zero naming an invalid setting, without invoking', async () => {
    const exit = await invoke({ RETELL_API_KEY: KEY, RETELL_BASE_URL: `ftp://${KEY}@api.retellai.com` });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('invalid environment: RETELL_BASE_URL: Invalid URL');
    expect(exit.stdout).toBe('');
    expect(exit.stderr).not.toContain(KEY);
  });

  it('refuses an API key that is not one token, without printing it', async () => {
    const exit = await invoke({ RETELL_API_KEY: `${KEY} ${KEY}` });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('RETELL_API_KEY: must be one token');
    expect(exit.stdout).toBe('');
    expect(exit.stderr).not.toContain(KEY);
  });
});
