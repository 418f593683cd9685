import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../server/http/openapi.ts';

describe('openapi.json', () => {
  it('is what the wire schemas generate (run `npm run openapi` after changing them)', async () => {
    const committed = JSON.parse(await fs.readFile(new URL('../../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(openApiDocument());
  });
});
