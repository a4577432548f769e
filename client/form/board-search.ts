/**
 * Searching the ~400 boards of the picker: every word typed must match the board id, its name,
 * vendor, family or architecture; better matches (id or name starting with the word) rank first,
 * then supported boards before community ones.
 */
import type { BoardFacts, BoardSupport } from '../../shared/schema/types.ts';

export const SUPPORT_LABELS: Record<BoardSupport, string> = {
  conf: 'supported',
  csc: 'community',
  tvb: 'TV box',
  eos: 'end of support',
  wip: 'work in progress',
};

const SUPPORT_RANK: Record<BoardSupport, number> = { conf: 0, csc: 1, wip: 2, tvb: 3, eos: 4 };

/** Lower-case, and without the separators people leave out ("orange pi 5" finds "orangepi5"). */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[\s_\-.]+/g, '');
}

interface Indexed {
  board: BoardFacts;
  id: string;
  name: string;
  haystack: string;
}

export interface BoardIndex {
  search(query: string, limit?: number): BoardFacts[];
}

export function createBoardIndex(boards: readonly BoardFacts[]): BoardIndex {
  const entries: Indexed[] = boards.map((board) => ({
    board,
    id: normalise(board.board),
    name: normalise(board.name),
    haystack: normalise([board.board, board.name, board.vendor, board.family, board.arch].join(' ')),
  }));
  return {
    search(query, limit = Infinity) {
      const words = query.toLowerCase().split(/\s+/).map(normalise).filter(Boolean);
      const joined = words.join('');
      const scored: { entry: Indexed; score: number }[] = [];
      for (const entry of entries) {
        // Each word must match on its own, or the whole query without spaces ("orange pi 5").
        const all = words.every((w) => entry.haystack.includes(w)) || (joined !== '' && entry.haystack.includes(joined));
        if (!all) continue;
        let score = SUPPORT_RANK[entry.board.support];
        if (joined !== '') {
          if (entry.id === joined || entry.name === joined) score -= 100;
          else if (entry.id.startsWith(joined) || entry.name.startsWith(joined)) score -= 50;
          else if (entry.id.includes(joined) || entry.name.includes(joined)) score -= 20;
        }
        scored.push({ entry, score });
      }
      scored.sort((a, b) => a.score - b.score || (a.entry.board.name < b.entry.board.name ? -1 : 1));
      return scored.slice(0, limit).map((s) => s.entry.board);
    },
  };
}
