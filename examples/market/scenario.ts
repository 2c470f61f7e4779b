// Market-data feed: each client subscribes to 3 of the 8 symbols (picked by client id), waits for
// "subscribed", then only reads. Lag comes from each tick's ts, gaps/reorders/duplicates from its
// seq, counted per symbol (a seq only means something within its symbol). Soak it: npm run example:market
import { defineScenario } from 'soakstorm';

const SYMBOLS = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'TSLA', 'NVDA', 'META', 'NFLX'];
const PER_CLIENT = 3;

export default defineScenario({
  description: 'market-data feed: subscribe to N symbols, lag and gaps per symbol',
  url: 'ws://127.0.0.1:8091/feed',
  onOpen: (client) => ({ op: 'subscribe', symbols: Array.from({ length: PER_CLIENT }, (_, k) => SYMBOLS[(client.id + k) % SYMBOLS.length]) }),
  handshake: { expect: (msg) => msg.type === 'subscribed', timeout: '5s' },
  push: { seq: 'seq', ts: 'ts', topic: 'symbol' },
  // Readers only: idle clients read everything, slow ones fall behind on purpose.
  options: { clients: 20, duration: '15s', rampUp: '2s', mix: { idle: 80, slow: 20 }, slowReadRate: '2KB' },
  thresholds: ['lag.p99<1s'],
});
