// Notification stream over SSE: each client authenticates with its user's bearer token (from a
// JSON data file) and reads its notifications; when the server ends the stream, the client
// reconnects with Last-Event-ID (soakstorm's SSE transport sends it) and the server resumes
// right after it. Lag from each event's ts, gaps by its seq. Soak it: npm run example:notifications
import { defineScenario } from 'soakstorm';

export default defineScenario({
  description: 'notification stream over SSE: bearer auth from JSON, Last-Event-ID resume',
  url: 'sse+http://127.0.0.1:8092/notifications',
  data: './users.json',
  headers: (client) => ({ authorization: `Bearer ${client.data.token}` }),
  push: { seq: 'seq', ts: 'ts', topic: 'user' },
  options: { clients: 10, duration: '15s', rampUp: '1s', mix: { idle: 100 }, reconnect: 'fixed', reconnectBase: '200ms' },
  thresholds: ['lag.p99<1s'],
});
