import fs from 'node:fs/promises';
import { openApiDocument } from '../server/http/openapi.ts';

/** Writes openapi.json from the wire schemas; the openapi test fails when it is stale. */
await fs.writeFile(new URL('../openapi.json', import.meta.url), `${JSON.stringify(openApiDocument(), null, 2)}\n`);
