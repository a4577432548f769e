/**
 * Cross-site requests in a real browser. The victim is signed in (session cookie, SameSite=Lax);
 * in the same browser, a page served from another port of 127.0.0.1 — another origin but the same
 * site, so Chromium attaches the cookie — tries to read the configuration over the WebSocket and
 * to change it with a `no-cors` text/plain fetch and with form posts. The server state afterwards
 * is what is asserted: no comment, no rename, no new configuration, not one byte of the document.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol.ts';
import { createConfig } from '../helpers/server.ts';
import { eventually } from '../helpers/wait.ts';
import { startHarness, UI_TIMEOUT_MS, type Harness } from './browser-harness.ts';

const SECRET_NOTE = 'launch codes 0000';

let h: Harness;
let attacker: Server;
let attackerUrl: string;
let configId: string;

/** The attacker's page: everything a page may do without the victim's help. */
function attackerPage(victim: string, id: string): string {
  const commentBody = JSON.stringify({ body: 'pwned by fetch' });
  // The classic JSON-in-text/plain form: the browser sends `name=value`, which reads as JSON.
  const formName = '{"body":"pwned by form","x":"';
  return `<!doctype html><meta charset="utf-8"><title>cute cats</title>
<iframe name="sink" style="display:none"></iframe>
<form id="f1" method="POST" enctype="text/plain" target="sink" action="${victim}/api/configs/${id}/comments">
  <input name='${formName}' value='"}'>
</form>
<form id="f2" method="POST" enctype="text/plain" target="sink" action="${victim}/api/configs">
  <input name='{"name":"pwned config","x":"' value='"}'>
</form>
<form id="f3" method="POST" enctype="application/x-www-form-urlencoded" target="sink" action="${victim}/api/configs/import?name=pwned%20import">
  <input name="BOARD" value="rock-5b">
</form>
<script>
  window.report = { wsBytes: 0, wsText: '', wsCode: null, fetchDone: false, formsSent: 0 };
  const ws = new WebSocket(${JSON.stringify(victim.replace('http', 'ws'))} + '/sync/${id}');
  ws.binaryType = 'arraybuffer';
  // y-websocket sync step 1 with an empty state vector: "send me the whole document".
  ws.onopen = () => ws.send(new Uint8Array([0, 0, 1, 0]));
  ws.onmessage = (e) => {
    window.report.wsBytes += e.data.byteLength;
    window.report.wsText += new TextDecoder('latin1').decode(e.data);
  };
  ws.onclose = (e) => { window.report.wsCode = e.code; };
  fetch(${JSON.stringify(victim)} + '/api/configs/${id}/comments', {
    method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(commentBody)},
  }).finally(() => { window.report.fetchDone = true; });
  fetch(${JSON.stringify(victim)} + '/api/configs/${id}', {
    method: 'POST', mode: 'no-cors', credentials: 'include', body: '{"name":"renamed by attacker"}',
  });
  let n = 0;
  const sink = document.querySelector('iframe');
  const next = () => { const f = document.getElementById('f' + (++n)); if (f) f.submit(); else window.report.formsSent = n - 1; };
  sink.addEventListener('load', next);
  next();
</script>`;
}

beforeAll(async () => {
  h = await startHarness('cross-site');
  configId = await createConfig(h.server, { name: 'Private image', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', description: SECRET_NOTE } });
  attacker = createServer((req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(attackerPage(h.server.url, configId));
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  if (attacker) await new Promise((resolve) => attacker.close(resolve));
  await h?.close();
});

const api = (path: string) => h.server.api(path).then((r) => r.json());

describe('a page on another origin, with the victim signed in', () => {
  it('can neither read the document over the WebSocket nor change anything with the victim cookie', async () => {
    const { context, page } = await h.open(h.owner, '/');
    // The app itself, on its own origin, writes with the same cookie: the refusals below are
    // about where the request came from, not a broken session.
    const own = await page.evaluate(async (id) => {
      const res = await fetch(`/api/configs/${id}/comments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: 'mine' }) });
      return res.status;
    }, configId);
    expect(own).toBe(201);

    const evil = await context.newPage();
    await evil.goto(attackerUrl);
    const report = await eventually(
      async () => {
        const r = (await evil.evaluate(() => (window as unknown as { report: Record<string, unknown> }).report)) as {
          wsBytes: number;
          wsText: string;
          wsCode: number | null;
          fetchDone: boolean;
          formsSent: number;
        };
        const wsDone = r.wsCode !== null || r.wsText.includes(SECRET_NOTE);
        if (!wsDone || !r.fetchDone || r.formsSent !== 3) throw new Error(`attack still running: ${JSON.stringify(r)}`);
        return r;
      },
      { timeoutMs: UI_TIMEOUT_MS },
    );
    expect(report.wsText).not.toContain(SECRET_NOTE);
    expect(report.wsBytes).toBe(0);
    expect(report.wsCode).toBe(CloseCode.crossOrigin.code);

    const threads = (await api(`/api/configs/${configId}/comments`)) as Array<{ comments?: Array<{ body: string }>; body?: string }>;
    expect(JSON.stringify(threads)).not.toContain('pwned');
    expect(JSON.stringify(threads)).toContain('mine');
    const configs = (await api('/api/configs')) as Array<{ name: string }>;
    expect(configs.map((c) => c.name).sort()).toEqual(['Private image']);
    expect(((await api(`/api/configs/${configId}`)) as { name: string }).name).toBe('Private image');
  });
});
