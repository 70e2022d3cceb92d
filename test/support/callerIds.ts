// Caller IDs whose country cannot be told, as telephony delivers them: the routing and webhook tests share these.
import fc from 'fast-check';

/**
 * Withheld and odd caller IDs (Retell notes §4): empty, withheld words, numbers inside other text, carriers'
 * placeholders for withheld callers (Twilio's ANONYMOUS, RESTRICTED, UNKNOWN and BLOCKED spelt on a keypad), numbers
 * too short or without their country code, and non-geographic ranges such as +800 freephone.
 */
export const UNPLACEABLE_CALLERS: readonly string[] = [
  '',
  ' ',
  'anonymous',
  'Anonymous',
  'Restricted',
  'UNAVAILABLE',
  'sip:+14165550123@host.example',
  'sip:foo@bar',
  'client:alice',
  'client:+14165550123',
  'tel:+14165550123',
  '<+14165550123>',
  'Caller +14165550123',
  '+14165550123;tag=1',
  '+266696687',
  '+7378742833',
  '+8656696',
  '+2562533',
  '+80012345678',
  '+1416',
  '14165550123',
];

// The shortest valid numbers have 7 digits with their country code (Niue: +683 4002), so fewer digits name no one.
const FEW_DIGITS = (text: string) => (text.match(/\p{Nd}/gu) ?? []).length < 7;

/** A caller ID field whose country cannot be told: a value from the list, random text, null, or no field at all. */
export const unplaceableCaller: fc.Arbitrary<string | null | undefined> = fc.oneof(
  fc.constantFrom(...UNPLACEABLE_CALLERS),
  fc.string({ maxLength: 40 }).filter(FEW_DIGITS),
  fc.string({ unit: 'grapheme', maxLength: 20 }).filter(FEW_DIGITS),
  fc
    .constantFrom('sip:', 'client:', 'tel:')
    .chain((scheme) => fc.stringMatching(/^\+?[0-9]{7,15}@[a-z]{1,10}$/).map((rest) => scheme + rest)),
  fc.constant(null),
  fc.constant(undefined),
);
