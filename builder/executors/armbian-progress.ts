/**
 * Reads build stages out of `./compile.sh` output. The framework prints no percentages, only
 * alerts naming what it is doing; this table maps the ones that mark a stage to a rough share of
 * a typical full build. Progress only moves forward, so a late mention of an earlier stage (a
 * kernel package name in the rootfs step) does not send the bar back.
 */

export interface StageMark {
  stage: string;
  pct: number;
}

const STAGES: ReadonlyArray<{ pattern: RegExp; mark: StageMark }> = [
  { pattern: /starting (single )?build|preparing|prepare host/i, mark: { stage: 'prepare', pct: 2 } },
  { pattern: /u-?boot/i, mark: { stage: 'u-boot', pct: 15 } },
  { pattern: /compil\w* kernel|kernel (build|compil)|building kernel|linux-image/i, mark: { stage: 'kernel', pct: 30 } },
  { pattern: /rootfs|debootstrap|mmdebstrap/i, mark: { stage: 'rootfs', pct: 60 } },
  { pattern: /installing (packages|board support)|install.*packages/i, mark: { stage: 'packages', pct: 70 } },
  { pattern: /customiz/i, mark: { stage: 'customize', pct: 80 } },
  { pattern: /creating image|partition|writing image|rsync/i, mark: { stage: 'image', pct: 88 } },
  { pattern: /compress|sha256|\.xz\b|zstd/i, mark: { stage: 'compress', pct: 95 } },
  { pattern: /done building|build finished|runtime/i, mark: { stage: 'finish', pct: 99 } },
];

/** ANSI colour and cursor sequences the framework prints even with CI=true. */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

export function stripAnsi(line: string): string {
  return line.replace(ANSI, '');
}

export function createStageTracker(): (line: string) => StageMark | null {
  let best = 0;
  return (line) => {
    for (const { pattern, mark } of STAGES) {
      if (mark.pct > best && pattern.test(line)) {
        best = mark.pct;
        return mark;
      }
    }
    return null;
  };
}
