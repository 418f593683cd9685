import { z } from 'zod';

/**
 * Every wire shape that appears in the API is registered here under its OpenAPI component name.
 * The same objects validate requests, give TypeScript its types and generate openapi.json.
 */
export const wire = z.registry<{ id: string; description?: string }>();
