/**
 * The API reference page (`GET /api/docs`): the OpenAPI document rendered on the server as one
 * plain HTML page (operations by tag, their parameters, body and answer schemas). No script and no
 * outside resource, so it needs no CDN and passes a `default-src 'none'` policy.
 */
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** Inline code spans (`x`) of the descriptions, after escaping. */
const prose = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');
const schemaBlock = (schema: unknown) => `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function renderOperation(method: string, path: string, op: Obj): string {
  const anchor = op.operationId as string;
  const parts = [`<section class="op" id="${escapeHtml(anchor)}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`];
  parts.push(`<p>${prose(op.summary ?? '')}</p>`);
  for (const para of String(op.description ?? '').split('\n\n')) if (para) parts.push(`<p class="d">${prose(para)}</p>`);
  if (op.parameters?.length) {
    parts.push('<table><tr><th>Parameter</th><th>In</th><th>Schema</th><th></th></tr>');
    for (const p of op.parameters as Obj[]) {
      parts.push(`<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' *' : ''}</td><td>${p.in}</td><td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td><td>${prose(p.description ?? '')}</td></tr>`);
    }
    parts.push('</table>');
  }
  const body = op.requestBody?.content?.['application/json']?.schema;
  if (body) parts.push(`<h4>Request body${op.requestBody.required ? '' : ' (optional)'}</h4>${schemaBlock(body)}`);
  parts.push('<h4>Answers</h4><dl>');
  for (const [status, r] of Object.entries(op.responses as Obj)) {
    if (status === 'default') {
      parts.push('<dt>any other status</dt><dd>The error body: <a href="#error">Error</a></dd>');
      continue;
    }
    const content = (r as Obj).content as Obj | undefined;
    const type = content ? Object.keys(content)[0] : null;
    const schema = type ? content![type].schema : undefined;
    parts.push(`<dt>${escapeHtml(status)} ${prose((r as Obj).description ?? '')}</dt><dd>${type ? `<code>${escapeHtml(type)}</code>` : 'no body'}${schema ? schemaBlock(schema) : ''}</dd>`);
  }
  parts.push('</dl></section>');
  return parts.join('');
}

export function renderApiPage(document: Obj): string {
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths as Obj)) {
    for (const [method, op] of Object.entries(item as Obj)) {
      const tag = (op as Obj).tags?.[0] ?? 'other';
      (byTag.get(tag) ?? byTag.set(tag, []).get(tag)!).push(renderOperation(method, path, op as Obj));
      (toc.get(tag) ?? toc.set(tag, []).get(tag)!).push(`<li><a href="#${escapeHtml((op as Obj).operationId)}">${method.toUpperCase()} ${escapeHtml(path)}</a></li>`);
    }
  }
  const tags = (document.tags as Obj[]).filter((t) => byTag.has(t.name));
  const schemes = Object.entries(document.components.securitySchemes as Obj)
    .map(([name, s]) => `<dt><code>${escapeHtml(name)}</code></dt><dd>${prose((s as Obj).description ?? '')}</dd>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1b1f24}
nav{width:20rem;flex:none;overflow-wrap:anywhere;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f8;padding:1rem;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding-left:.5rem;margin:.2rem 0 .8rem}
main{padding:1rem 2rem;max-width:60rem;min-width:0}
.op{border-top:1px solid #d0d7de;padding:.5rem 0}
.m{display:inline-block;min-width:4.2rem;font-size:12px;padding:2px 6px;border-radius:4px;color:#fff;background:#57606a;text-align:center}
.get{background:#0969da}.post{background:#1a7f37}.put{background:#9a6700}.patch{background:#8250df}.delete{background:#cf222e}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:12px;max-height:20rem}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:left}
.d{color:#57606a}dt{font-weight:600}
</style></head><body>
<nav><strong>${escapeHtml(document.info.title)}</strong> ${escapeHtml(document.info.version)}<p><a href="/api/openapi.json">openapi.json</a> · <a href="/api/schema">configuration schema</a></p>
${tags.map((t) => `<div><a href="#tag-${escapeHtml(t.name)}">${escapeHtml(t.name)}</a><ul>${toc.get(t.name)!.join('')}</ul></div>`).join('')}</nav>
<main><h1>${escapeHtml(document.info.title)}</h1><p>${prose(document.info.description ?? '')}</p>
<h2>Credentials</h2><dl>${schemes}</dl>
<h2 id="error">Error</h2>${schemaBlock(document.components.schemas.Error)}
${tags.map((t) => `<h2 id="tag-${escapeHtml(t.name)}">${escapeHtml(t.name)}</h2><p>${prose(t.description ?? '')}</p>${byTag.get(t.name)!.join('')}`).join('\n')}
</main></body></html>`;
}
