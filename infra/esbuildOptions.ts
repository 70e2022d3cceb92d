// esbuild options shared by `npm run build`, `npm run invoke` and the benchmark; sam-template.yaml mirrors them.
import type { BuildOptions } from 'esbuild';

/** The Lambda functions: name under dist/ → entry point. */
export const FUNCTIONS = {
  'inbound-call': 'functions/inbound-call/handler.ts',
  'inbound-sms': 'functions/inbound-sms/handler.ts',
  'config-sync': 'functions/config-sync/handler.ts',
} as const;

// ES module bundles that contain the AWS SDK need `require` for its CommonJS parts.
export const CREATE_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: false,
  outExtension: { '.js': '.mjs' },
  banner: { js: CREATE_REQUIRE_BANNER },
  logLevel: 'warning',
} satisfies BuildOptions;
