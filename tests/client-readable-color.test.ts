/**
 * People's colours carry text (white names on avatars, coloured names on white): every colour of
 * the server's palette, and any colour another client sends, is shown with at least 4.5:1.
 */
import { describe, expect, it } from 'vitest';
import { contrastOnWhite, MIN_TEXT_CONTRAST, readableColor } from '../client/session/readable-color.ts';

const rgb = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

describe('readable people colours', () => {
  it('darkens colours too light for text just enough, keeping the hue', () => {
    for (const color of ['#3cb44b', '#f58231', '#f032e6', '#469990', '#bf7f00', '#ffe119', '#ffffff']) {
      const shown = readableColor(color);
      expect(contrastOnWhite(rgb(shown)), `${color} → ${shown}`).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
      // Same hue: the channels keep their order (the orange one stays orange).
      const order = (c: [number, number, number]) => [0, 1, 2].sort((a, b) => c[b] - c[a]).join();
      if (color !== '#ffffff') expect(order(rgb(shown))).toBe(order(rgb(color)));
    }
    // Not darker than needed: one step lighter would fail.
    expect(contrastOnWhite(rgb(readableColor('#f58231')))).toBeLessThan(6);
  });

  it('leaves readable colours and strings it does not understand alone, and reads #rgb', () => {
    expect(readableColor('#800000')).toBe('#800000');
    expect(readableColor('#4363d8')).toBe('#4363d8');
    expect(readableColor('red')).toBe('red');
    expect(contrastOnWhite(rgb(readableColor('#fe0')))).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });
});
