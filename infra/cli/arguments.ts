// What the local CLIs share about their arguments: --help on stdout with exit 0, anything wrong on stderr with exit 2.

/** What a CLI's argument parser returns: its arguments, a request for help, or what is wrong with them. */
export type Parsed<A> = A | 'help' | { error: string };

/**
 * The arguments, or undefined once help or the error has been written: `help` on stdout (exit 0), the error and
 * `usage` on stderr with exit code 2 (the convention of every CLI in infra/cli).
 */
export function argumentsOrExit<A extends object>(parsed: Parsed<A>, help: string, usage: string): A | undefined {
  if (parsed === 'help') {
    process.stdout.write(`${help}\n`);
    return undefined;
  }
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n${usage}\n`);
    process.exitCode = 2;
    return undefined;
  }
  return parsed;
}

/** Whether `text` is an absolute http: or https: URL, as a webhook URL argument must be. */
export function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
