// The gateway service: the bot's HTTP API in front of the receiver, delivering replies to waiting requests and streams.
export { createGateway, GatewayConfigError, type GatewayOptions } from './gateway.ts';
