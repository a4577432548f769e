/**
 * People's colours where they carry text: white names on a coloured avatar or marker, a coloured
 * name on white. Colours come from the server's palette or from any other client, and several of
 * them (yellow-green, orange, magenta) fall below the 4.5:1 contrast WCAG asks for small text.
 * This keeps the hue and darkens just enough, so a person stays recognisably "the orange one".
 */

/** WCAG 2 AA for normal-size text. */
export const MIN_TEXT_CONTRAST = 4.5;
/** Darkening steps tried, 5 % each: enough to reach black from any colour. */
const DARKEN_STEPS = 20;

function channels(hex: string): [number, number, number] | null {
  const digits = hex.slice(1);
  if (digits.length === 3 || digits.length === 4) return [0, 1, 2].map((i) => parseInt(digits[i] + digits[i], 16)) as [number, number, number];
  if (digits.length === 6 || digits.length === 8) return [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16)) as [number, number, number];
  return null;
}

function luminance([r, g, b]: [number, number, number]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** Contrast of a colour against white (1 to 21). */
export function contrastOnWhite(rgb: [number, number, number]): number {
  return 1.05 / (luminance(rgb) + 0.05);
}

const hex2 = (n: number) => Math.round(n).toString(16).padStart(2, '0');

/** `color` (#rgb, #rrggbb, with or without alpha) darkened until white text on it, and it as text on white, reach 4.5:1. Other strings come back as they are. */
export function readableColor(color: string): string {
  const rgb = /^#[0-9a-fA-F]+$/.test(color) ? channels(color) : null;
  if (!rgb || contrastOnWhite(rgb) >= MIN_TEXT_CONTRAST) return color;
  for (let step = 1; step <= DARKEN_STEPS; step++) {
    const factor = 1 - step / DARKEN_STEPS;
    const darker = rgb.map((c) => c * factor) as [number, number, number];
    if (contrastOnWhite(darker) >= MIN_TEXT_CONTRAST) return `#${darker.map(hex2).join('')}`;
  }
  return '#000000';
}
