/**
 * The classic y-websocket reference server (`bin/utils.js` of y-websocket@1.5, installed as
 * `y-websocket-v1`), in memory: exactly its own `bin/server.js` minus the env reads, with
 * `YPERSISTENCE` unset (the bench removes it from the environment). Prints
 * `{"msg":"server listening","port":N}` like Boardroom does.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { WebSocketServer } from 'ws';

const require = createRequire(import.meta.url);
const { setupWSConnection } = require('y-websocket-v1/bin/utils');

const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end('okay');
});
wss.on('connection', setupWSConnection);
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'server listening', port: server.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
