/**
 * What `bench:keystroke` installs in both pages before the app runs (an init script, kept as a
 * string: tsx compiles with esbuild's keepNames, whose `__name` helper does not exist in the page).
 *
 * The clock is `performance.timeOrigin + performance.now()` in each page. Chromium derives every
 * renderer's time origin from the same monotonic clock (one offset to Unix time, sampled once per
 * process), so times taken in two pages of one browser on one machine compare directly; only a
 * wall-clock step between the two renderers' starts would offset them (the printed check shows
 * it). Measuring from Node instead would add the DevTools round trip (a millisecond or
 * more, and as noisy as the machine) to every sample. `bench:keystroke` also estimates the two
 * pages' clock difference through Node and prints it as a check.
 *
 * Sender side (page A): the `keydown` event's own time stamp starts a sample (when the key press
 * reached the page, so queueing in a busy page counts); the first Yjs update the page sends after
 * it is "sent".
 *
 * Receiver side (page B): the field's value (or the notes' text without remote caret labels) is
 * checked after every WebSocket message handler (the app applies a remote update and Solid / the
 * binding / ProseMirror write the DOM synchronously inside it), on every DOM mutation (ProseMirror
 * renders through the DOM; a mutation observer's callback runs right after the task that changed
 * it) and on every animation frame while it waits (catches an update deferred to a later task or
 * frame). The first check that finds the expected text is "seen"; the next animation frame after
 * it is when the browser can paint it.
 */

/** A Yjs update in the y-websocket protocol starts with messageSync (0), then syncUpdate (2). */
export const SYNC_UPDATE_PREFIX = [0, 2] as const;

export const PROBE = `(() => {
  const clock = () => performance.timeOrigin + performance.now();
  const kb = (window.__keybench = { clock, sender: null, watch: null });
  const bytesOf = (data) =>
    data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  const isUpdate = (data) => {
    const bytes = bytesOf(data);
    return bytes !== null && bytes.length > 1 && bytes[0] === ${SYNC_UPDATE_PREFIX[0]} && bytes[1] === ${SYNC_UPDATE_PREFIX[1]};
  };

  // ── sender ──
  kb.armSender = () => {
    kb.sender = { down: null, handled: null, sent: null };
  };
  addEventListener('keydown', (event) => {
    const s = kb.sender;
    if (s && s.down === null) {
      s.down = performance.timeOrigin + event.timeStamp;
      s.handled = clock();
    }
  }, true);
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const s = kb.sender;
    if (s && s.down !== null && s.sent === null && isUpdate(data)) s.sent = clock();
    return send.call(this, data);
  };

  // ── receiver ──
  const read = (kind, selector) => {
    const root = document.querySelector(selector);
    if (!root) return null;
    if (kind === 'value') return root.value;
    let text = '';
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement || !node.parentElement.closest('.collaboration-carets__caret')) text += node.data;
    }
    return text;
  };
  kb.read = read;
  const check = (via) => {
    const w = kb.watch;
    if (!w || w.seen !== null) return;
    if (read(w.kind, w.selector) !== w.expected) return;
    w.seen = clock();
    w.via = via;
    requestAnimationFrame(() => {
      w.frame = clock();
    });
  };
  // Frames are polled only while a keystroke is awaited: a page requesting frames all the time
  // would make Chromium produce them all the time, load the machine being measured.
  const frame = () => {
    check('frame');
    if (kb.watch && kb.watch.seen === null) requestAnimationFrame(frame);
  };
  kb.watchFor = (kind, selector, expected) => {
    kb.watch = { kind, selector, expected, arrived: null, handled: null, seen: null, frame: null, via: null };
    check('armed');
    if (kb.watch.seen !== null) return false;
    requestAnimationFrame(frame);
    return true;
  };
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() {
      return desc.get.call(this);
    },
    set(handler) {
      if (typeof handler !== 'function') return desc.set.call(this, handler);
      desc.set.call(this, function (event) {
        const arrived = clock();
        const w = kb.watch;
        const update = w !== null && w.seen === null && isUpdate(event.data);
        const result = handler.call(this, event);
        if (update) {
          w.arrived = arrived;
          w.handled = clock();
        }
        check('message');
        return result;
      });
    },
  });
  new MutationObserver(() => check('mutation')).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

/** One keystroke's times, all on the pages' shared clock (ms). */
export interface SenderTimes {
  down: number | null;
  handled: number | null;
  sent: number | null;
}

export interface ReceiverTimes {
  /** The last Yjs update message that arrived before the text was seen, and the end of its handler. */
  arrived: number | null;
  handled: number | null;
  seen: number | null;
  frame: number | null;
  via: 'message' | 'mutation' | 'frame' | 'armed' | null;
}

/** The page-side API of the probe, for typed `page.evaluate` callbacks. */
export interface ProbeWindow {
  __keybench: {
    clock(): number;
    armSender(): void;
    sender: SenderTimes | null;
    watch: ReceiverTimes | null;
    /** Arms the receiver; false when the page shows the expected text already. */
    watchFor(kind: 'value' | 'notes', selector: string, expected: string): boolean;
    read(kind: 'value' | 'notes', selector: string): string | null;
  };
}
