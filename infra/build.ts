// `npm run build`: one minified ES module bundle per function, dist/<name>/index.mjs, with its metafile beside it.
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { FUNCTIONS, LAMBDA_BUILD_OPTIONS } from './esbuildOptions';

export interface BuiltFunction {
  name: string;
  path: string;
  bytes: number;
}

export async function buildFunctions(outRoot = 'dist'): Promise<BuiltFunction[]> {
  const built: BuiltFunction[] = [];
  for (const [name, entry] of Object.entries(FUNCTIONS)) {
    const outdir = `${outRoot}/${name}`;
    const result = await build({ ...LAMBDA_BUILD_OPTIONS, entryPoints: { index: entry }, outdir, metafile: true });
    await writeFile(`${outdir}/meta.json`, JSON.stringify(result.metafile));
    const [output] = Object.values(result.metafile.outputs);
    built.push({ name, path: `${outdir}/index.mjs`, bytes: output?.bytes ?? 0 });
  }
  return built;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const { path, bytes } of await buildFunctions()) console.log(`${path}  ${bytes} bytes`);
}
