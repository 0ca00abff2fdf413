// Broker: the interface every adapter implements, and the SQLite adapter.
export { createSqliteBroker, type SqliteBrokerOptions } from './sqlite-broker.ts';
export type {
  BackoffOptions,
  Broker,
  BrokerErrorCode,
  BrokerMessageInput,
  ConsumeOptions,
  DeadLetter,
  Delivery,
  DeliveryHandler,
  GroupStats,
  SubscribeOptions,
  Subscription,
  TopicStats,
} from './types.ts';
export { BrokerError } from './types.ts';
