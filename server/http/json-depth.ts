import { BadRequest } from '../errors.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Refuses a body whose arrays and objects sit more than `max` deep, read on the raw bytes before
 * anything parses them: a body of a few hundred thousand `[` parses in a blink but sends every
 * recursive walk after it (validation, storing, logging) past the stack.
 */
export function refuseDeepJson(max: number) {
  return (_req: unknown, _res: unknown, body: Buffer): void => {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < body.length; i++) {
      const b = body[i]!;
      if (inString) {
        if (b === BACKSLASH) i++;
        else if (b === QUOTE) inString = false;
      } else if (b === QUOTE) inString = true;
      else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
        if (++depth > max) {
          throw BadRequest.field('body', `arrays and objects nested more than ${max} deep; at most ${max} levels`);
        }
      } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
    }
  };
}
