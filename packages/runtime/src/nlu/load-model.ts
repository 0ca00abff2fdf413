// loadModel: a model back from the JSON that `NluModel.toJSON()` wrote.
import { decodeModel } from './model-json.ts';
import { createNluModel, type NluModel } from './nlu-model.ts';

/** Loads a serialised model; throws `NluModelError` (code `NLU_MODEL_INVALID`) if it is not one of this engine version. */
export function loadModel(json: unknown): NluModel {
  return createNluModel(decodeModel(json));
}
