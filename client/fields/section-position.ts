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
 * Keeps the panel on a section: scrolls to `initial` once the panel has a size, and keeps that
 * section (at the same offset) at the top while the panel reflows — golden-layout resizes a panel
 * after its first render and again when a column is added beside it, and fields below the name
 * render late, each of which moves every section without a scroll. Only the person's own scrolling
 * moves the anchor; the section at the top is reported after each such scroll. Returns "stop".
 */
export function trackSection(root: HTMLElement, initial: string | null, onSection: (id: string) => void): () => void {
  const scroller = scrollerOf(root);
  /** The section kept at the top, and how far the scroll box's top is below that section's top. */
  let anchor: { id: string; offset: number } | null = initial === null ? null : { id: initial, offset: 0 };
  let last = initial;
  /** The scrollTop this code set last: the scroll event it causes is not the person scrolling. */
  let ownScrollTop: number | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Between the person's scroll and reading where it ended, a reflow must not pull them back. */
  let personScrolling = false;

  const sectionTop = (section: HTMLElement): number => section.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  const realign = (): void => {
    if (anchor === null || personScrolling || scroller.clientHeight === 0) return;
    const { id, offset } = anchor;
    const target = sections(root).find((s) => s.dataset.section === id);
    if (!target) return;
    const delta = sectionTop(target) + offset;
    if (Math.abs(delta) < 1) return;
    scroller.scrollTop += delta;
    ownScrollTop = scroller.scrollTop;
  };
  const resized = new ResizeObserver(realign);
  resized.observe(scroller);
  resized.observe(root);
  realign();

  const onScroll = (): void => {
    if (ownScrollTop !== null && Math.abs(scroller.scrollTop - ownScrollTop) < 1) return;
    ownScrollTop = null;
    personScrolling = true;
    clearTimeout(timer);
    timer = setTimeout(() => {
      personScrolling = false;
      const shown = sectionAtTop(root, scroller) ?? sections(root)[0]?.dataset.section ?? null;
      const section = shown === null ? undefined : sections(root).find((s) => s.dataset.section === shown);
      anchor = shown === null || !section ? null : { id: shown, offset: -sectionTop(section) };
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
