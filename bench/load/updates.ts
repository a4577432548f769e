/**
 * Pre-generated Yjs updates, one script per writer, made from a real Y.Doc before the timed
 * phase so encoding costs nothing while latencies are measured.
 *
 * Every writer owns one paragraph in `notes` (an allowed root of Boardroom's document layout; an
 * unknown root would be refused) and appends its markers to that paragraph's text. A writer's
 * updates only refer to its own earlier items, so they apply cleanly in send order whatever the
 * other writers of the room do.
 */
import * as Y from 'yjs';
import { markerText } from '../wire.ts';

export interface WriterScript {
  /** Creates the writer's paragraph; sent (and not measured) before the first marker. */
  init: Uint8Array;
  /** `updates[k]` inserts the marker of update id `firstId + k`. */
  updates: Uint8Array[];
  firstId: number;
}

export function makeWriterScript(firstId: number, count: number): WriterScript {
  const doc = new Y.Doc();
  try {
    const captured: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => captured.push(u));
    const text = new Y.XmlText();
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [text]);
    const notes = doc.getXmlFragment('notes');
    notes.insert(0, [paragraph]);
    const init = captured.pop()!;
    const updates: Uint8Array[] = [];
    for (let k = 0; k < count; k++) {
      text.insert(text.length, markerText(firstId + k));
      updates.push(captured.pop()!);
    }
    return { init, updates, firstId };
  } finally {
    doc.destroy();
  }
}
