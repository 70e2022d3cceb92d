// `npm run build`: one minified ES module bundle per function, dist/<name>/index.mjs, with its metafile beside it.
import { writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { FUNCTIONS, LAMBDA_BUILD_OPTIONS } from './esbuildOptions';

for (const [name, entry] of Object.entries(FUNCTIONS)) {
  const result = await build({
    ...LAMBDA_BUILD_OPTIONS,
    entryPoints: { index: entry },
    outdir: `dist/${name}`,
    metafile: true,
  });
  await writeFile(`dist/${name}/meta.json`, JSON.stringify(result.metafile));
  const [output] = Object.values(result.metafile.outputs);
  console.log(`dist/${name}/index.mjs  ${output?.bytes ?? 0} bytes`);
}
