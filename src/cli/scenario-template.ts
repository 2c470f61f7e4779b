// The commented starting file `soakstorm init <name>` writes: every scenario field, with what
// it does, set for a typical JSON-over-WebSocket server. Kept as text so it prints exactly.

/** The starting scenario for a file called `name`. */
export function scenarioTemplate(name: string): string {
  return `// ${name}: a soakstorm scenario. Run it: soakstorm run --scenario ${name}
// Every field is optional; delete what your server does not need. Docs: docs/scenarios.md
import { defineScenario } from 'soakstorm';

export default defineScenario({
  description: 'what this scenario soaks',
  // Target (the URL argument of "soakstorm run" wins): ws://, wss://, sse+http://, ndjson+http://
  url: 'ws://127.0.0.1:8080/',
  // Per-client data: a CSV with a header row, or a JSON array of objects. Client id picks row id % rows.
  // data: './users.csv',
  // Handshake headers, static or per client (client.id, client.profile, client.data, client.state).
  // headers: (client) => ({ authorization: \`Bearer \${client.data.token}\` }),
  // subprotocols: ['chat.v1'],
  // origin: 'https://app.example.test',
  // cookies: (client) => ({ session: client.data.session }),
  // perMessageDeflate: false,
  // tls: { insecure: false, ca: './ca.pem', servername: 'app.example.test' },

  // Incoming text is parsed as JSON for the functions below ('text' hands over the raw string).
  format: 'json',
  // Sent as soon as a connection opens: a value is sent as JSON, a string as is, an array = several messages.
  onOpen: (client) => ({ type: 'hello', user: client.id }),
  // Wait for this answer before the profile starts (its own timeout and error class SCENARIO_HANDSHAKE).
  handshake: { expect: (msg) => msg.type === 'welcome', timeout: '5s' },
  // Request/reply: build request n of a client; tell which n a message answers. RTT = --rtt reply.
  request: {
    build: (client, n) => ({ type: 'echo', id: n }),
    replyId: (msg) => (msg.type === 'echo-reply' ? msg.id : undefined),
  },
  // Where pushed messages keep seq, ts (epoch ms) and their stream/topic: lag, gaps, reorders per topic.
  push: { seq: 'seq', ts: 'ts', topic: 'topic' },
  // Application heartbeats: sleepy clients stop answering them while asleep.
  heartbeat: { match: (msg) => msg.type === 'ping', reply: () => ({ type: 'pong' }) },
  // Run options (flags, SOAKSTORM_* env and --config win): keys are the camelCase flag names.
  options: { clients: 50, duration: '1m', rampUp: '5s', rate: 1, mix: { fast: 70, slow: 10, sleepy: 20 } },
  thresholds: ['rtt.p99<250ms'],
});
`;
}
