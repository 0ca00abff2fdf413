// Looks an order up and replies with where it is. Replace the sample orders with your order system.
import { defineAction } from '@inputbot/runtime';
import checkOrder from '../intents/check-order.ts';

const SAMPLE_ORDERS: Record<string, string> = {
  A1042: 'shipped on Monday and arrives tomorrow',
  A1007: 'delivered',
  B2210: 'being packed',
  C3001: 'waiting for payment',
};

export default defineAction(checkOrder, {
  // `order_id` is typed from the intent's schema: a string.
  run: ({ order_id }) => {
    // Users write "#a1042" as often as "A1042".
    const id = order_id.replace(/^#/, '').toUpperCase();
    const status = SAMPLE_ORDERS[id];
    return status ? `Order ${id} is ${status}.` : `I can't find order ${id}. Check the number on your receipt.`;
  },
});
