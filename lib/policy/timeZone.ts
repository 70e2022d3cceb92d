// IANA time zone ids as a policy names them: checked with Intl, stored in the form Intl resolves them to.

/**
 * The areas of the IANA tz database's geographic ids (tzdata's `africa`, `northamerica`, … files, plus `Etc`):
 * `US/Pacific`, `Canada/Eastern` and the like live in tzdata's `backward` file, kept for old software only.
 */
const AREAS = new Set([
  'Africa',
  'America',
  'Antarctica',
  'Arctic',
  'Asia',
  'Atlantic',
  'Australia',
  'Europe',
  'Indian',
  'Pacific',
  'Etc',
]);

export class TimeZoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeZoneError';
  }
}

/**
 * The canonical form of an IANA time zone id: its letter case as Intl spells it (`america/los_angeles` →
 * `America/Los_Angeles`, from `resolvedOptions().timeZone` or `Intl.supportedValuesOf('timeZone')`), and the aliases
 * of UTC (`Etc/UTC`, `GMT`, `Zulu`) as `UTC`. A zone IANA renamed keeps the name written: Node 20's ICU resolves
 * `Asia/Kolkata` to its older `Asia/Calcutta` (the same zone), which would surprise whoever wrote the new one.
 * Only region/city ids (`Area/Location`) and `UTC` are accepted.
 * Throws TimeZoneError naming the id for one Intl does not know, and for a legacy id (`EST`, `PST`, `IST`,
 * `EST5EDT`, `US/Pacific`): those are abbreviations or links whose meaning people get wrong (IANA's `EST` has no
 * daylight saving time; `IST` is India, Ireland or Israel), so the message suggests region/city names.
 */
export function canonicalTimeZone(id: string): string {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: id }).resolvedOptions().timeZone;
  } catch {
    throw new TimeZoneError(`"${id}" is not an IANA time zone id: use a region/city id such as America/Los_Angeles`);
  }
  if (resolved === 'UTC') return resolved;
  const area = id.split('/')[0] ?? '';
  if (!id.includes('/') || !AREAS.has(titleCase(area))) {
    throw new TimeZoneError(
      `"${id}" is a legacy time zone id: use a region/city id such as ${resolved} (IANA names zones by region and ` +
        'city, as America/New_York, Europe/London, Asia/Kolkata)',
    );
  }
  const wanted = id.toLowerCase();
  if (resolved.toLowerCase() === wanted) return resolved;
  return supportedZones().find((zone) => zone.toLowerCase() === wanted) ?? id;
}

let zones: readonly string[] | undefined;

function supportedZones(): readonly string[] {
  zones ??= Intl.supportedValuesOf('timeZone');
  return zones;
}

function titleCase(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}
