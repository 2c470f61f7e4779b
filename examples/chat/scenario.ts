// Chat room: token auth from a CSV, join a room and wait for "joined", send messages and time the
// server's acks (reply RTT), read the room's broadcasts (lag from ts, gaps by the room's seq),
// answer the server's application pings. Soak it: npm run example:chat
import { defineScenario } from 'soakstorm';

export default defineScenario({
  description: 'chat room: bearer token from CSV, join, say + ack RTT, room broadcasts, app pings',
  url: 'ws://127.0.0.1:8090/chat',
  // One row per client (client id % rows): token, user, room.
  data: './tokens.csv',
  headers: (client) => ({ authorization: `Bearer ${client.data.token}` }),
  onOpen: (client) => ({ type: 'join', room: client.data.room }),
  // The profile starts only once the server said "joined".
  handshake: { expect: (msg) => msg.type === 'joined', timeout: '5s' },
  // Request n of a client, and which n a message acknowledges.
  request: {
    build: (client, n) => ({ type: 'say', id: n, text: `hello from ${client.data.user} #${n}` }),
    replyId: (msg) => (msg.type === 'ack' ? msg.id : undefined),
  },
  // Broadcasts carry the room's seq and the server's send time: lag and gaps per room.
  push: { seq: 'seq', ts: 'ts', topic: 'room' },
  heartbeat: { match: (msg) => msg.type === 'ping', reply: () => ({ type: 'pong' }) },
  options: { clients: 20, duration: '20s', rampUp: '2s', rate: 2, mix: { fast: 80, sleepy: 20 }, awake: '4s', asleep: '15s', vanish: 0, serverHeartbeat: '2s' },
  thresholds: ['rtt.p99<500ms', 'connect.p99<1s'],
});
