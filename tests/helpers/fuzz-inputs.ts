/**
 * What the HTTP fuzz files (tests/http-fuzz-*.test.ts) send: malformed escapes, odd ids, odd
 * methods, headers and bodies. Kept in one place so every fuzzed surface gets the same inputs.
 */

/** Path segments as they go on the wire (already percent-encoded where they are escapes). */
export const BAD_SEGMENTS = [
  '%ZZ',
  '%',
  '%2',
  '%%',
  '%E0%A4%A',
  '%25E0%25A4%25A',
  '%C0%AF',
  '%00',
  '%FF%FE',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%u0041',
  'a'.repeat(5000),
  '0'.repeat(300),
  '😀',
  'ü',
  '\u202e',
  '\u200b',
  '%E2%80%AE',
  '..',
  '%2e%2e',
  '%2F',
  '%5C',
  'null',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-00000000000g',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '__proto__',
  'constructor',
  "'%20OR%201=1--",
  '%3Cscript%3E',
  'x%00y',
  '%40',
  '%25',
];
/** Always tried on every parameter: the two that broke in the issue. */
export const ALWAYS = ['%ZZ', '%25E0%25A4%25A'];
export const PARAM_SAMPLES = 8;

/** Methods no route declares; Node's parser refuses the unknown ones itself (400). */
export const ODD_METHODS = ['PROPFIND', 'PURGE', 'OPTIONS', 'HEAD', 'BREW', 'M-SEARCH', 'QUERY', 'LINK', 'MKCOL', 'TRACE'];

export const ODD_HEADERS: Array<Record<string, string>> = [
  { authorization: 'Bearer %ZZ' },
  { authorization: `Bearer ${'a'.repeat(10_000)}` },
  { authorization: 'Basic Zm9vOmJhcg==' },
  { authorization: 'Bearer' },
  { cookie: 'br_session=%ZZ' },
  { cookie: 'br_session=%E0%A4%A; other=%' },
  { cookie: `br_session=${'%'.repeat(4000)}` },
  { cookie: '=; ;;=;br_session' },
  { 'x-share-token': '%ZZ' },
  { 'x-share-token': 'ü'.repeat(30) },
  { 'content-type': 'application/json; charset=utf-16' },
  { 'x-pad': 'x'.repeat(20_000) },
  { accept: '*/*;q=foo' },
  { 'last-event-id': 'NaN' },
  { 'last-event-id': '9'.repeat(400) },
  { 'content-length': '-1' },
  { 'transfer-encoding': 'chunked, gzip' },
  { host: '' },
  { 'x-request-id': 'ü'.repeat(100) },
  { 'accept-encoding': 'x'.repeat(1000) },
  { origin: 'null' },
  // Parsed by origin checks and proxy-aware limits: their parsers must not throw either.
  { origin: 'http://%ZZ' },
  { origin: `http://${'a'.repeat(5000)}.test` },
  { origin: 'http://[::1' },
  { referer: '%ZZ://\u0000' },
  { 'x-forwarded-for': `%ZZ, ::ffff:999.1.1.1, , ${'a'.repeat(3000)}` },
  { 'x-forwarded-for': '[::1]:80, 10.0.0.1/33, -1' },
  { forwarded: 'for="[::1";proto=%ZZ, for=unknown' },
];

export const BAD_BODIES: Array<{ type?: string; body: string | Buffer }> = [
  { type: 'application/json', body: '{' },
  { type: 'application/json', body: '[]' },
  { type: 'application/json', body: 'null' },
  { type: 'application/json', body: '"x"' },
  { type: 'application/json', body: '1e400' },
  { type: 'application/json', body: '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}' },
  { type: 'application/json', body: '['.repeat(20_000) + ']'.repeat(20_000) },
  { type: 'application/json', body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) },
  { type: 'application/json', body: '{"name":"\\ud800","email":"\\u0000","role":{"$gt":""}}' },
  { type: 'application/json', body: 'x'.repeat(3 * 1024 * 1024) },
  { type: 'text/plain', body: '{"name":"plain text"}' },
  { type: 'multipart/form-data; boundary=x', body: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--' },
  { body: '{}' },
];
