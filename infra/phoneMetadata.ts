// `npm run phone-metadata`: lib/routing/phoneMetadata.json, libphonenumber-js's min metadata without its formatting
// rules. The router only parses numbers and asks their country and validity, which never read a format (only
// formatting and as-you-type do); the formats were 48 KiB of the call bundle's 80 KiB of metadata.
// test/unit/routing/phoneMetadata.test.ts holds the committed file to what this makes from the installed library.
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { MetadataJson } from 'libphonenumber-js/core';
import { Metadata } from 'libphonenumber-js/min';

export const PHONE_METADATA_PATH = 'lib/routing/phoneMetadata.json';

/**
 * Where a numbering plan keeps its formats in metadata version 4 (libphonenumber-js, source/metadata.js,
 * NumberingPlan._getFormats). 0 is the library's own "absent" (a country that shares its calling code's formats).
 */
export const FORMATS_INDEX = 4;

/** libphonenumber-js's min metadata, as 'libphonenumber-js/min' uses it. */
export function minMetadata(): MetadataJson {
  return (new Metadata() as unknown as { metadata: MetadataJson }).metadata;
}

/** `metadata` with every numbering plan's formats replaced by 0; everything else as it is. */
export function withoutFormats(metadata: MetadataJson): MetadataJson {
  if (metadata.version !== 4) throw new Error(`libphonenumber-js metadata version ${metadata.version}, not 4`);
  const strip = (plans: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(plans).map(([key, plan]) => {
        if (!Array.isArray(plan)) throw new Error(`numbering plan ${key} is not an array`);
        return [key, plan.map((value: unknown, index) => (index === FORMATS_INDEX ? 0 : value))];
      }),
    );
  return {
    ...metadata,
    countries: strip(metadata.countries) as MetadataJson['countries'],
    nonGeographic: strip(metadata.nonGeographic) as MetadataJson['nonGeographic'],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeFile(PHONE_METADATA_PATH, `${JSON.stringify(withoutFormats(minMetadata()))}\n`);
  console.log(`wrote ${PHONE_METADATA_PATH}`);
}
