// The receiver service: validates, normalises and de-duplicates inputs, and publishes them to `inputs`.
export { createReceiver, type ReceiverOptions } from './receiver.ts';
