/**
 * The kernel config fragment reader (`shared/kernel-config/`): the options a reviewer sees, the
 * lines Kconfig would skip (flagged, with the line), an option set twice (the last wins, flagged),
 * the per-option diff ("CONFIG_X: y → m"), the file name the framework reads, and hostile input
 * (huge, long-lined, binary) read within the budgets.
 */
import { describe, expect, it } from 'vitest';
import { KconfigLimits, parseKconfig } from '../shared/kernel-config/kconfig-parse.ts';
import { diffKconfig, formatKconfigChange } from '../shared/kernel-config/kconfig-diff.ts';
import { isKernelConfigPath, kernelConfigTarget, linuxConfigOf } from '../shared/kernel-config/kernel-config-file.ts';

const values = (text: string) => Object.fromEntries([...parseKconfig(text).options.values()].map((o) => [o.name, `${o.kind}:${o.value}`]));

describe('parseKconfig', () => {
  it('reads every value form Kconfig writes', () => {
    const text = [
      '#',
      '# Automatically generated file; DO NOT EDIT.',
      'CONFIG_USB_NET_DRIVERS=y',
      'CONFIG_WIREGUARD=m',
      '# CONFIG_DEBUG_INFO is not set',
      'CONFIG_SOUND=n',
      'CONFIG_CMDLINE="console=ttyS2,1500000 quiet"',
      'CONFIG_LOCALVERSION="say \\"hi\\" \\\\ bye"',
      'CONFIG_NR_CPUS=8',
      'CONFIG_PANIC_TIMEOUT=-1',
      'CONFIG_PHYS_OFFSET=0x80000000',
      '',
    ].join('\n');
    const parsed = parseKconfig(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.complete).toBe(true);
    expect(values(text)).toEqual({
      CONFIG_USB_NET_DRIVERS: 'y:y',
      CONFIG_WIREGUARD: 'm:m',
      CONFIG_DEBUG_INFO: 'n:n',
      CONFIG_SOUND: 'n:n',
      CONFIG_CMDLINE: 'string:console=ttyS2,1500000 quiet',
      CONFIG_LOCALVERSION: 'string:say "hi" \\ bye',
      CONFIG_NR_CPUS: 'number:8',
      CONFIG_PANIC_TIMEOUT: 'number:-1',
      CONFIG_PHYS_OFFSET: 'number:0x80000000',
    });
    expect(parsed.options.get('CONFIG_WIREGUARD')!.line).toBe(4);
  });

  it('flags the lines Kconfig would skip, with their line numbers', () => {
    const text = [
      'CONFIG_OK=y',
      'WIREGUARD=m',
      'CONFIG_NOVALUE',
      'CONFIG_EMPTY=',
      'CONFIG_OPEN="unterminated',
      'CONFIG_ESCAPED_END="oops\\"',
      'CONFIG_WORD=yes',
      '#CONFIG_TIGHT is not set',
      ' CONFIG_INDENTED=y',
      'make menuconfig',
      '# an ordinary comment',
    ].join('\r\n');
    const parsed = parseKconfig(text);
    expect([...parsed.options.keys()]).toEqual(['CONFIG_OK']);
    expect(parsed.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const said = parsed.problems.map((p) => p.message).join('\n');
    expect(said).toMatch(/"WIREGUARD=m" is not a kernel option: the name must start with CONFIG_/);
    expect(said).toMatch(/CONFIG_NOVALUE.*without a value/);
    expect(said).toMatch(/CONFIG_EMPTY has no value/);
    expect(said).toMatch(/CONFIG_OPEN has a string value without a matching closing quote/);
    expect(said).toMatch(/CONFIG_ESCAPED_END has a string value without a matching closing quote/);
    expect(said).toMatch(/CONFIG_WORD has the value "yes": expected y, m, n/);
    expect(said).toMatch(/exact spelling/);
    expect(said).toMatch(/spaces around it/);
  });

  it('flags an option set twice and keeps the last value', () => {
    const parsed = parseKconfig('CONFIG_A=y\nCONFIG_B=y\n# CONFIG_A is not set\n');
    expect(parsed.options.get('CONFIG_A')).toMatchObject({ kind: 'n', line: 3 });
    expect([...parsed.options.keys()]).toEqual(['CONFIG_A', 'CONFIG_B']);
    expect(parsed.problems).toEqual([{ line: 3, message: 'CONFIG_A is set again (first on line 1): the last one, is not set, wins' }]);
  });

  it('reads hostile input within its budgets', () => {
    const long = parseKconfig(`CONFIG_A="${'x'.repeat(KconfigLimits.lineLength)}"\nCONFIG_B=y`);
    expect(long.problems).toEqual([{ line: 1, message: `is longer than ${KconfigLimits.lineLength} characters` }]);
    expect([...long.options.keys()]).toEqual(['CONFIG_B']);

    const many = parseKconfig('CONFIG_X=y\n'.repeat(KconfigLimits.lines + 10));
    expect(many.complete).toBe(false);
    expect(many.problems.length).toBe(KconfigLimits.problems);

    const huge = parseKconfig('#'.repeat(KconfigLimits.textLength * 2));
    expect(huge.complete).toBe(false);

    const binary = parseKconfig(String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
    expect(binary.options.size).toBe(0);
    expect(binary.problems.length).toBeLessThanOrEqual(KconfigLimits.problems);

    // A value made to backtrack a careless pattern is read in one pass.
    const quotes = parseKconfig(`CONFIG_Q="${'\\"'.repeat(1500)}`);
    expect(quotes.problems[0]!.message).toMatch(/closing quote/);

    expect(parseKconfig('').options.size).toBe(0);
    expect(parseKconfig(undefined as unknown as string).options.size).toBe(0);
  });
});

describe('diffKconfig', () => {
  it('says per option what changed, ignoring order, comments and the spelling of "off"', () => {
    const before = '# base\nCONFIG_A=y\nCONFIG_B=y\n# CONFIG_C is not set\nCONFIG_D="old"\nCONFIG_GONE=m\n';
    const after = 'CONFIG_D="new"\nCONFIG_C=n\nCONFIG_B=y\nCONFIG_A=m\nCONFIG_NEW=y\n# reordered\n';
    const changes = diffKconfig(before, after);
    expect(changes.map(formatKconfigChange)).toEqual([
      'CONFIG_A: y → m',
      'CONFIG_D: "old" → "new"',
      'CONFIG_GONE: removed (was m)',
      'CONFIG_NEW: added, y',
    ]);
    expect(diffKconfig(before, before)).toEqual([]);
    expect(diffKconfig('', 'CONFIG_X=y')).toEqual([{ name: 'CONFIG_X', op: 'add', before: null, after: 'y' }]);
    expect(diffKconfig('CONFIG_X=y', '# CONFIG_X is not set').map(formatKconfigChange)).toEqual(['CONFIG_X: y → is not set']);
  });
});

describe('the kernel config file the framework reads', () => {
  it('is the name the framework resolved for the family and branch (armbian-kernel-configs.json)', () => {
    expect(kernelConfigTarget('bcm2711', 'current')).toEqual({ compiled: true, linuxConfig: 'linux-bcm2711-current', path: 'linux-bcm2711-current.config' });
    // Set in an include, and per branch: rk35xx on vendor, rockchip64 on current.
    expect(kernelConfigTarget('rockchip-rk3588', 'vendor', 'rock-5b').path).toBe('linux-rk35xx-vendor.config');
    expect(kernelConfigTarget('rockchip-rk3588', 'current', 'rock-5b').path).toBe('linux-rockchip64-current.config');
    // Families that set LINUXCONFIG themselves.
    expect(kernelConfigTarget('ls1046a', 'current').path).toBe('linux-ls1046a-ask-current.config');
    expect(kernelConfigTarget('imx8m', 'edge').path).toBe('linux-tq-imx8m-edge.config');
    // A board whose own file sets it.
    expect(kernelConfigTarget('uefi-arm64', 'wdk2023', 'wdk2023').path).toBe('linux-arm64-wdk2023.config');
    // Not in the table: the family's plain LINUXFAMILY (qcom-abl sets arm64), else unknown.
    expect(kernelConfigTarget('qcom-abl', 'edge').path).toBe('linux-arm64-edge.config');
    expect(kernelConfigTarget('no-such-family', 'current')).toEqual({ compiled: true, linuxConfig: null, path: null });
    // The distribution's kernel: nothing compiled, no file read.
    expect(kernelConfigTarget('uefi-x86', 'ddk')).toEqual({ compiled: false, linuxConfig: null, path: null });
    expect(kernelConfigTarget('rockchip64', 'constructor').path).toBeNull();
  });

  it('recognises the paths the framework looks at', () => {
    expect(isKernelConfigPath('linux-rockchip64-current.config')).toBe(true);
    expect(isKernelConfigPath('config/kernel/linux-sunxi64-edge.config')).toBe(true);
    expect(isKernelConfigPath('kernel/linux-sunxi64-edge.config')).toBe(false);
    expect(isKernelConfigPath('linux-rockchip64-current.config.bak')).toBe(false);
    expect(linuxConfigOf('config/kernel/linux-sunxi64-edge.config')).toBe('linux-sunxi64-edge');
    expect(linuxConfigOf('overlay/x')).toBeNull();
  });
});
