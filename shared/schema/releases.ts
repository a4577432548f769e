/**
 * Release facts (Debian/Ubuntu suites Armbian can build) taken from the RELEASE build option's
 * value details: label, support level and the architectures each release is built for.
 */
import type { BuildOptions } from './build-options.ts';
import type { ReleaseFacts, ReleaseSupport } from './types.ts';

const RELEASE_SUPPORT_LEVELS: readonly ReleaseSupport[] = ['supported', 'csc', 'eos'];

export function loadReleaseFacts(options: BuildOptions): ReleaseFacts[] {
  const option = options.get('RELEASE');
  const details = option.valueDetails ?? [];
  return options.values('RELEASE').map((release): ReleaseFacts => {
    const detail = details.find((d) => d.value === release);
    if (!detail?.architectures || !detail.support) {
      throw new Error(`release ${release}: the data gives no support level or architectures`);
    }
    if (!(RELEASE_SUPPORT_LEVELS as readonly string[]).includes(detail.support)) {
      throw new Error(`release ${release}: unknown support level '${detail.support}'`);
    }
    return {
      release,
      label: detail.label ?? release,
      distribution: detail.distribution ?? '',
      support: detail.support as ReleaseSupport,
      architectures: [...detail.architectures],
    };
  });
}
