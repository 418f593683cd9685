/**
 * A NUL character or an unpaired UTF-16 surrogate: text that PostgreSQL cannot store (in text
 * or jsonb) and that no legitimate client sends. Part of the wire contract: such text is refused
 * with a 400, and recorded with U+FFFD in its place where a refusal itself must be kept.
 */
export const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const EVERY_UNSTORABLE = new RegExp(UNSTORABLE.source, 'g');

/** The text with what PostgreSQL cannot store replaced by U+FFFD. */
export const storable = (s: string): string => s.replace(EVERY_UNSTORABLE, '\ufffd');
