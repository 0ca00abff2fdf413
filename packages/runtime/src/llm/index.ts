// The LLM gateway core: what the gateway service (and tests) use to serve `/llm/v1`.
export { type Caller, hashApiKey, LOCAL_CALLER } from './api-keys.ts';
export { type ChatAnswer, type ChatCall, handleChatCompletion } from './chat-completions.ts';
export { LlmConfigError, type ResolvedLlmConfig, resolveLlmConfig, routeModel, type Target } from './config.ts';
export { costOf, findPrice } from './cost.ts';
export { LLM_ERRORS, LlmError, type LlmErrorCode } from './errors.ts';
export { createLlmGateway, type LlmGateway, type LlmGatewayOptions } from './llm-gateway.ts';
export { PRICE_TABLE } from './price-table.ts';
export { countTextTokens, estimateInputTokens, type Usage } from './usage.ts';
