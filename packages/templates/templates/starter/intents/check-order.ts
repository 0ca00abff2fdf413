// The user asks where an order is: one entity, the order id, learned from the annotated examples.
import { defineIntent, z } from '@inputbot/runtime';

export default defineIntent({
  name: 'check_order',
  description: 'The user asks for the status of an order by its id.',
  examples: [
    'where is my order [A1042](order_id)?',
    'check order [A1042](order_id)',
    'what is the status of order [B2210](order_id)',
    'track order [77031](order_id)',
    'has order [C3001](order_id) shipped yet?',
    'any news on my order [A1007](order_id)',
    'status of [B2210](order_id) please',
    'can you check on order number [55120](order_id)',
    'I ordered something last week, the order id is [D4410](order_id)',
    'when will order [A1042](order_id) arrive?',
    'is [C3001](order_id) delivered',
    'look up order [#8812](order_id) for me',
    'where is [A1099](order_id)',
    'order [B2044](order_id): where is it?',
  ],
  entities: z.object({
    order_id: z.string().meta({ description: 'The order number, e.g. A1042.' }),
  }),
});
