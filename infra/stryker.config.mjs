// StrykerJS options for `npm run mutate`: mutation testing of lib/ with the Vitest runner and per-test coverage.
// Paths are relative to the repository root, where npm runs the script.
// - No TypeScript API: TypeScript 7 has none. So `checkers` stays empty (a mutant that does not type-check is run, and
//   killed or reported like any other), and `tsconfigFile` names no file, which skips the sandbox's tsconfig rewrite
//   (it parses with that API; ours has no `extends` or `references` to rewrite).
// - Only the unit tests run. `test/unit/template.test.ts` is left out: it reads lib/ sources as text, and the sandbox
//   holds them instrumented. So are the integration tests: what their `beforeAll` starts (an app, a server) counts as
//   static coverage, and every mutant it reaches would rerun every test with dynalite.
// - `concurrency: 2` and the incremental file suit a shared 2-core machine: a rerun only runs the mutants whose code
//   or covering tests changed (StrykerJS docs, "Incremental mode").

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['lib/**/*.ts'],
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  checkers: [],
  tsconfigFile: '',
  concurrency: 2,
  // The first run of every unit test with per-test coverage takes minutes here, over StrykerJS's 5-minute default
  // when the machine is shared; a full run of lib/ once failed on it.
  dryRunTimeoutMinutes: 40,
  ignorePatterns: ['dist', 'coverage', '.aws-sam', 'test/integration', 'test/bench', 'test/unit/template.test.ts'],
  tempDirName: 'dist/stryker-tmp',
  incremental: true,
  incrementalFile: 'dist/stryker-incremental.json',
  reporters: ['clear-text', 'progress'],
  clearTextReporter: { reportTests: false, logTests: false },
};
