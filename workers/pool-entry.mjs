// piscina loads worker modules as plain JavaScript: teach this thread
// TypeScript first, then hand over to the task module.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./pool-tasks.ts');
export default tasks.default;
