// The executor service: runs the action of each recognised intent, once, and publishes what happened.
export { createExecutor, type ExecutorOptions } from './create-executor.ts';
