/**
 * Flags of `npm run bench:keystroke`. Every figure can be set by a flag (`--samples 200`) or an
 * environment variable (`BENCH_SAMPLES=200`); flags win.
 */
import { parseArgs } from 'node:util';

export const FIELD_KINDS = ['single-line', 'multi-line', 'notes'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export interface KeystrokeOptions {
  /** Measured keystrokes per field kind. */
  samples: number;
  /** Keystrokes per field kind before the measured ones (JIT, first render of remote carets). */
  warmup: number;
  kinds: FieldKind[];
  /** Pause after a sample has been seen (and painted) on the other page, before the next key. */
  gapMs: number;
  /** Random extra pause up to this long, so keystrokes do not lock onto the frame rhythm. */
  jitterMs: number;
  /** Redis of the server (room bus, build queue), as in production; null runs without. */
  redisUrl: string | null;
  /** p95 target per field kind. */
  targetMs: number;
  /** Before each field kind, wait at most this long for other work on the machine to calm down. */
  quietWaitS: number;
  /** Diagnostic: the bench database with `synchronous_commit = off`, i.e. what the WAL flush of
   * the commit before each fan-out costs. Not how Boardroom runs. */
  asyncCommit: boolean;
}

const FLAGS = {
  samples: { type: 'string' },
  warmup: { type: 'string' },
  kinds: { type: 'string' },
  gap: { type: 'string' },
  jitter: { type: 'string' },
  'no-redis': { type: 'boolean' },
  'async-commit': { type: 'boolean' },
  target: { type: 'string' },
  'quiet-wait': { type: 'string' },
  help: { type: 'boolean' },
} as const;

export const USAGE = `npm run bench:keystroke [-- flags]   (every flag also as BENCH_<FLAG>, e.g. BENCH_SAMPLES=200)
  --samples N      measured keystrokes per field kind (100)
  --warmup N       unmeasured keystrokes before them, per field kind (5)
  --kinds LIST     single-line,multi-line,notes (all three)
  --gap MS         pause after each sample reached the other page (60)
  --jitter MS      random extra pause, 0..MS (40)
  --target MS      p95 target per field kind (50)
  --quiet-wait S   before each field kind, wait up to S s for other work to calm down (30; 0: never)
  --no-redis       run the server without Redis (default: REDIS_URL or redis://127.0.0.1:6379)
  --async-commit   diagnostic: the bench database with synchronous_commit = off (what the WAL flush
                   before each fan-out costs); not how Boardroom runs
  CHROMIUM_PATH    the browser (/usr/bin/chromium)`;

export function parseKeystrokeOptions(argv: string[], env: NodeJS.ProcessEnv): KeystrokeOptions | null {
  const { values } = parseArgs({ args: argv, options: FLAGS, allowPositionals: false });
  if (values.help) return null;
  const get = (flag: keyof typeof FLAGS): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    return env[`BENCH_${flag.toUpperCase().replaceAll('-', '_')}`];
  };
  const num = (flag: keyof typeof FLAGS, normal: number, min: number): number => {
    const raw = get(flag);
    const n = raw === undefined ? normal : Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${flag} must be a number of at least ${min}, got ${raw}`);
    return n;
  };
  const rawKinds = get('kinds');
  const kinds = rawKinds ? (rawKinds.split(',').map((s) => s.trim()) as FieldKind[]) : [...FIELD_KINDS];
  for (const k of kinds) if (!FIELD_KINDS.includes(k)) throw new Error(`--kinds: unknown "${k}" (one of ${FIELD_KINDS.join(', ')})`);
  const noRedis = values['no-redis'] === true || env.BENCH_NO_REDIS === '1';
  return {
    samples: Math.round(num('samples', 100, 1)),
    warmup: Math.round(num('warmup', 5, 0)),
    kinds,
    gapMs: num('gap', 60, 0),
    jitterMs: num('jitter', 40, 0),
    redisUrl: noRedis ? null : (env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
    targetMs: num('target', 50, 0),
    quietWaitS: num('quiet-wait', 30, 0),
    asyncCommit: values['async-commit'] === true || env.BENCH_ASYNC_COMMIT === '1',
  };
}
