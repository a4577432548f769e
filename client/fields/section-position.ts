/**
 * Which section of the form a Form panel shows, kept as the panel's own state (panel-instance.ts)
 * so that two Form panels can stay on two sections and come back there after a reload. The
 * section is the last one whose top has scrolled to (or past) the top of the panel's scroll box.
 */

/** Scrolling fires many events; the section is read once the scrolling pauses this long. */
const SECTION_READ_DELAY_MS = 150;
/** A section counts as shown once its top is within this many pixels of the box's top. */
const TOP_SLACK_PX = 24;

/** The element that scrolls the form: the panel's frame (workspace.ts) or the page. */
function scrollerOf(root: HTMLElement): HTMLElement {
  return root.closest<HTMLElement>('.panel-frame') ?? document.scrollingElement as HTMLElement;
}

function sections(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('[data-section]')];
}

/** The id of the section shown at the top of `scroller`. */
export function sectionAtTop(root: HTMLElement, scroller: HTMLElement): string | null {
  const top = scroller.getBoundingClientRect().top;
  let shown: string | null = null;
  for (const section of sections(root)) {
    if (section.getBoundingClientRect().top - top <= TOP_SLACK_PX) shown = section.dataset.section ?? null;
    else break;
  }
  return shown;
}

/**
 * Scrolls to `initial` once the panel has a size (golden-layout sizes it after the first render),
 * then reports the section at the top after each scroll. Returns "stop".
 */
export function trackSection(root: HTMLElement, initial: string | null, onSection: (id: string) => void): () => void {
  const scroller = scrollerOf(root);
  let pending = initial;
  let last = initial;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const restore = (): void => {
    if (pending === null || scroller.clientHeight === 0) return;
    const target = sections(root).find((s) => s.dataset.section === pending);
    pending = null;
    if (target) scroller.scrollTop += target.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  };
  const resized = new ResizeObserver(() => {
    restore();
    if (pending === null) resized.disconnect();
  });
  resized.observe(scroller);
  restore();

  const onScroll = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const shown = sectionAtTop(root, scroller) ?? sections(root)[0]?.dataset.section ?? null;
      if (shown !== null && shown !== last) {
        last = shown;
        onSection(shown);
      }
    }, SECTION_READ_DELAY_MS);
  };
  scroller.addEventListener('scroll', onScroll, { passive: true });
  return () => {
    clearTimeout(timer);
    resized.disconnect();
    scroller.removeEventListener('scroll', onScroll);
  };
}
