/**
 * A builder's liveness answer for container health checks and Kubernetes probes: the builder
 * has no HTTP surface of its own, so without this an orchestrator can only see that the process
 * exists. `GET /health` answers 200 `{ status: "ok", running, setupProblem }` while the builder
 * runs and 503 `{ status: "stopping" }` once it shuts down. A broken setup is still 200: a
 * restart does not fix an operator's checkout, and the builder re-checks it by itself
 * (docs/operations.md, "Real images"); `/health/builder` on a server reports it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Builder } from './worker.ts';

export interface HealthEndpoint {
  port: number;
  /** Answer 503 from now on (shutdown started). */
  stopping(): void;
  close(): Promise<void>;
}

export function startBuilderHealth(builder: Pick<Builder, 'running' | 'setupProblem'>, port: number, host = '0.0.0.0'): Promise<HealthEndpoint> {
  let stopping = false;
  const server = http.createServer((req, res) => {
    const ok = req.method === 'GET' && req.url === '/health';
    const status = !ok ? 404 : stopping ? 503 : 200;
    const body = !ok ? { error: 'not_found' } : stopping ? { status: 'stopping' } : { status: 'ok', running: builder.running().length, setupProblem: builder.setupProblem() };
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        stopping: () => {
          stopping = true;
        },
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
