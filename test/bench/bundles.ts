// Every bundle the benchmark runs: the functions as `npm run build` makes them, the floors alike, and the children.
import { writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { type BuiltFunction, buildFunctions } from '../../infra/build';
import { FUNCTIONS, LAMBDA_BUILD_OPTIONS } from '../../infra/esbuildOptions';

export const BENCH_DIR = 'dist/bench';

const CHILDREN = ['coldStart', 'invoke', 'heap', 'sync'] as const;

export interface Bundles {
  /** The function bundles as deployed, with their sizes. */
  functions: BuiltFunction[];
  /** Size of the bundle that only sends a GetItem: the bundle-size floor. */
  floorBytes: number;
  /** What the children load: the inbound call function and the floors, or their readable twins when profiling. */
  run: {
    router: string;
    getItem: string;
    verifyAndParse: string;
    verifyParseAndWrite: string;
    fetchAndPut: string;
    secretThenGetItem: string;
  };
  /** The config sync function as deployed. */
  sync: string;
  children: Record<(typeof CHILDREN)[number], string>;
}

export async function buildBundles(readable: boolean): Promise<Bundles> {
  const functions = await buildFunctions();
  const router = functions.find(({ name }) => name === 'inbound-call');
  const sync = functions.find(({ name }) => name === 'config-sync');
  if (router === undefined || sync === undefined) throw new Error('no inbound-call or config-sync bundle was built');
  const getItem = await buildFloor('getItem');
  const deployed = {
    router: router.path,
    getItem: getItem.path,
    verifyAndParse: (await buildFloor('verifyAndParse')).path,
    verifyParseAndWrite: (await buildFloor('verifyParseAndWrite')).path,
    fetchAndPut: (await buildFloor('fetchAndPut')).path,
    secretThenGetItem: (await buildFloor('secretThenGetItem')).path,
  };
  // Bundled too, so a child starts as plain Node, without the TypeScript loader the bench itself runs under.
  await build({
    ...LAMBDA_BUILD_OPTIONS,
    entryPoints: CHILDREN.map((name) => `test/bench/children/${name}.ts`),
    outdir: `${BENCH_DIR}/children`,
  });
  const child = (name: (typeof CHILDREN)[number]) => `${BENCH_DIR}/children/${name}.mjs`;
  return {
    functions,
    floorBytes: getItem.bytes,
    run: readable ? await buildReadableTwins() : deployed,
    sync: sync.path,
    children: { coldStart: child('coldStart'), invoke: child('invoke'), heap: child('heap'), sync: child('sync') },
  };
}

/** Built alone with the functions' options, so its size is that of a Lambda of its own. */
async function buildFloor(name: string): Promise<{ path: string; bytes: number }> {
  const outdir = `${BENCH_DIR}/floors/${name}`;
  const result = await build({
    ...LAMBDA_BUILD_OPTIONS,
    entryPoints: { index: `test/bench/floors/${name}.ts` },
    outdir,
    metafile: true,
  });
  await writeFile(`${outdir}/meta.json`, JSON.stringify(result.metafile));
  const [output] = Object.values(result.metafile.outputs);
  return { path: `${outdir}/index.mjs`, bytes: output?.bytes ?? 0 };
}

/** The same code unminified, so a CPU profile shows source names and the `// node_modules/…` line above each module. */
async function buildReadableTwins(): Promise<Bundles['run']> {
  const twin = async (name: string, entryPoint: string) => {
    const outdir = `${BENCH_DIR}/readable/${name}`;
    await build({
      ...LAMBDA_BUILD_OPTIONS,
      minify: false,
      minifySyntax: true,
      entryPoints: { index: entryPoint },
      outdir,
    });
    return `${outdir}/index.mjs`;
  };
  return {
    router: await twin('inbound-call', FUNCTIONS['inbound-call']),
    getItem: await twin('getItem', 'test/bench/floors/getItem.ts'),
    verifyAndParse: await twin('verifyAndParse', 'test/bench/floors/verifyAndParse.ts'),
    verifyParseAndWrite: await twin('verifyParseAndWrite', 'test/bench/floors/verifyParseAndWrite.ts'),
    fetchAndPut: await twin('fetchAndPut', 'test/bench/floors/fetchAndPut.ts'),
    secretThenGetItem: await twin('secretThenGetItem', 'test/bench/floors/secretThenGetItem.ts'),
  };
}
