import type { z } from 'zod';
import { BadRequest } from '../errors.ts';

/** Parses a body or query against its wire schema; every bad field is named in the 400. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : where,
    message: i.message,
  }));
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new BadRequest(`invalid ${where}: ${first.path}: ${first.message}${more}`, issues);
}
