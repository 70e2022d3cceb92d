// Distinct US callers, so a warm request parses a caller it has not seen before, as it would in production.

// Geographic US area codes, none shared with Canada or another NANP country.
const AREA_CODES = ['212', '213', '305', '312', '404', '415', '512', '617', '702', '206'];
// Exchanges N20–N99: none of the N11 service codes.
const EXCHANGES = 8 * 80;

/** The i-th of 64,000,000 distinct US numbers. */
export function usCaller(i: number): string {
  const area = AREA_CODES[i % AREA_CODES.length] as string;
  const rest = Math.floor(i / AREA_CODES.length);
  const exchange = 200 + Math.floor((rest % EXCHANGES) / 80) * 100 + 20 + (rest % 80);
  const line = Math.floor(rest / EXCHANGES) % 10_000;
  return `+1${area}${exchange}${String(line).padStart(4, '0')}`;
}
