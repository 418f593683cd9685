// A worker thread's entry: Node cannot load TypeScript by itself, so the thread registers tsx
// (as `npm start` and vitest do for the main thread) before it loads the handlers.
import { register } from 'tsx/esm/api';

register();
const { handlers } = await import('./handlers.ts');

export default ({ job, input }) => handlers[job](input);
