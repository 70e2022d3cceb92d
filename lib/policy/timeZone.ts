// IANA time zone ids as a policy names them: checked with Intl, stored in the form Intl resolves them to.

/**
 * The areas of the IANA tz database's geographic ids (tzdata's `africa`, `northamerica`, … files, plus `Etc`):
 * `US/Pacific`, `Canada/Eastern` and the like live in tzdata's `backward` file, kept for old software only. In lower
 * case, as an id may be written in any.
 */
const AREAS = new Set(
  [
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
  ].map((area) => area.toLowerCase()),
);

/** How each part of an IANA id starts (tzdata's theory.html: "Use mixed case"): `Asia/Kolkata`, not `ASIA/KOLKATA`. */
const MIXED_CASE = /^[A-Z][a-z]/;

export class TimeZoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeZoneError';
  }
}

/**
 * The canonical form of an IANA time zone id: its letter case as Intl spells it (`america/los_angeles` →
 * `America/Los_Angeles`, from `resolvedOptions().timeZone`), and the aliases
 * of UTC (`Etc/UTC`, `GMT`, `Zulu`) as `UTC`. A zone IANA renamed keeps the name written: Node 20's ICU resolves
 * `Asia/Kolkata` to its older `Asia/Calcutta` (the same zone), which would surprise whoever wrote the new one. Intl
 * neither lists the new names nor tells their letter case, so a renamed zone is kept only when written in IANA's
 * mixed case (each part a capital then a small letter); in another case (`asia/kolkata`) it is stored as Intl
 * resolves it (`Asia/Calcutta`): the same zone, spelt as Intl spells it.
 * Only region/city ids (`Area/Location`) and `UTC` are accepted.
 * Throws TimeZoneError naming the id for one Intl does not know, and for a legacy id (`EST`, `PST`, `IST`,
 * `EST5EDT`, `US/Pacific`): those are abbreviations or links whose meaning people get wrong (IANA's `EST` has no
 * daylight saving time; `IST` is India, Ireland or Israel), so the message says which zone Intl reads and asks for
 * the region/city id of the place.
 */
export function canonicalTimeZone(id: string): string {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: id }).resolvedOptions().timeZone;
  } catch {
    throw new TimeZoneError(`"${id}" is not an IANA time zone id: use a region/city id such as America/Los_Angeles`);
  }
  if (resolved === 'UTC') return resolved;
  // An id without a slash is its own first part, and no area alone is a zone Intl knows.
  const parts = id.split('/');
  if (!AREAS.has((parts[0] as string).toLowerCase())) {
    // Intl's reading is named, not offered: it reads EST as America/Panama, right by IANA and wrong for whoever
    // meant New York's time.
    throw new TimeZoneError(
      `"${id}" is a legacy time zone id (Intl reads it as ${resolved}): use the region/city id of the place, ` +
        'such as America/New_York, Europe/London or Asia/Kolkata',
    );
  }
  if (resolved.toLowerCase() === id.toLowerCase()) return resolved;
  return parts.every((part) => MIXED_CASE.test(part)) ? id : resolved;
}
