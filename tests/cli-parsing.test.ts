/**
 * The CLI's pure parts: `set` assignments read by the schema's types, and the event-stream reader
 * that `build --follow` prints the log through (events split across network chunks, comments
 * skipped, CRLF line ends).
 */
import { describe, expect, it } from 'vitest';
import { AssignmentError, parseAssignments } from '../cli/set-values.ts';
import { readSse } from '../cli/sse.ts';

describe('set KEY=value', () => {
  it('reads lists, numbers and strings the way the schema types them; KEY= removes a key', () => {
    expect(parseAssignments(['ENABLE_EXTENSIONS=docker-ce, cloud-init', 'BOARD=rock-5b', 'description=a = b', 'VENDOR='])).toEqual({
      ENABLE_EXTENSIONS: ['docker-ce', 'cloud-init'],
      BOARD: 'rock-5b',
      description: 'a = b',
      VENDOR: null,
    });
  });

  it('refuses unknown keys, missing "=", repeated keys and nothing at all, by name', () => {
    expect(() => parseAssignments(['NOPE=1'])).toThrow(/unknown key NOPE/);
    expect(() => parseAssignments(['BOARD'])).toThrow(/"BOARD" is not KEY=value/);
    expect(() => parseAssignments(['=x'])).toThrow(AssignmentError);
    expect(() => parseAssignments(['BOARD=a', 'BOARD=b'])).toThrow(/BOARD is given twice/);
    expect(() => parseAssignments([])).toThrow(/at least one/);
    // Not a key of the schema, however it is spelt.
    expect(() => parseAssignments(['__proto__=x'])).toThrow(/unknown key __proto__/);
  });
});

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function all(parts: string[]) {
  const events = [];
  for await (const event of readSse(chunks(...parts))) events.push(event);
  return events;
}

describe('the event-stream reader', () => {
  it('joins events split across chunks and skips keepalive comments', async () => {
    expect(await all(['id: 1\nevent: log\nda', 'ta: {"seq":1}\n\n: keepalive\n\nevent: status\r\ndata: {"status":"succeeded"}\r\n\r\n'])).toEqual([
      { event: 'log', data: '{"seq":1}', id: '1' },
      { event: 'status', data: '{"status":"succeeded"}', id: '1' },
    ]);
  });

  it('joins multi-line data and drops an event the stream ended in the middle of', async () => {
    expect(await all(['data: a\ndata: b\n\n', 'event: log\ndata: cut off'])).toEqual([{ event: 'message', data: 'a\nb', id: null }]);
  });
});
