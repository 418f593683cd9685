/**
 * The administrator token of the servers tests and benchmarks start, in a module of its own:
 * the benchmarks import it outside vitest, where server.ts (through logs.ts) cannot be loaded.
 */
export const ADMIN_TOKEN = 'test-admin-token-0123456789';
