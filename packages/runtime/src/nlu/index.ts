// @inputbot/runtime/nlu: the local NLU engine (train, parse, save, load) and the project recognizer.

export { loadModel } from './load-model.ts';
export { ENGINE_VERSION, NluModelError, type NluModelJson } from './model-json.ts';
export type { NluModel } from './nlu-model.ts';
export { createRecognizer, type Recognizer, type RecognizerOptions } from './recognizer.ts';
export { type Hyperparameters, trainModel } from './train-model.ts';
export type { ExtractedEntity, IntentScore, NluParseOptions, NluResult, NluTrainingData, NluTrainOptions, RejectedEntity } from './types.ts';
