/**
 * A static IP address for the first login: validated as a whole (an address needs its mask and
 * gateway; a mask, gateway or DNS without an address is refused), and written for the framework's
 * first login as its preset-firstrun example does (PRESET_NET_CHANGE_DEFAULTS, USE_STATIC and
 * STATIC_*; Ethernet on unless Wi-Fi is set).
 */
import { describe, expect, it } from 'vitest';
import { firstrunPresets } from '../builder/plan/firstrun.ts';
import { validateConfig } from '../shared/validation/index.ts';

const BASE = { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', KERNEL_CONFIGURE: 'no' };
const STATIC = { firstbootStaticIp: '192.168.1.50', firstbootStaticMask: '255.255.255.0', firstbootStaticGateway: '192.168.1.1', firstbootStaticDns: '9.9.9.9 1.1.1.1' };
const problems = (data: Record<string, unknown>) => validateConfig({ ...BASE, ...data }).errors.filter((e) => e.path.startsWith('/firstbootStatic')).map((e) => e.path);

describe('static IP for the first login', () => {
  it('accepts a complete address and refuses what is not an IPv4 address or list', () => {
    expect(problems(STATIC)).toEqual([]);
    expect(problems({ ...STATIC, firstbootStaticIp: '192.168.1.256' })).toEqual(['/firstbootStaticIp']);
    expect(problems({ ...STATIC, firstbootStaticDns: '9.9.9.9;reboot' })).toEqual(['/firstbootStaticDns']);
    expect(problems({ ...STATIC, firstbootStaticGateway: 'router.local' })).toEqual(['/firstbootStaticGateway']);
  });

  it('needs the mask and the gateway with an address, and an address with any of the others', () => {
    expect(problems({ firstbootStaticIp: '10.0.0.5' }).sort()).toEqual(['/firstbootStaticGateway', '/firstbootStaticMask']);
    expect(problems({ firstbootStaticDns: '9.9.9.9' })).toEqual(['/firstbootStaticDns']);
    expect(problems({ firstbootStaticMask: '255.0.0.0', firstbootStaticGateway: '10.0.0.1' }).sort()).toEqual(['/firstbootStaticGateway', '/firstbootStaticMask']);
  });

  it('writes the framework\'s PRESET_NET_* lines, with Ethernet on when there is no Wi-Fi', () => {
    expect(firstrunPresets(STATIC)).toEqual([
      ['PRESET_NET_CHANGE_DEFAULTS', '1'],
      ['PRESET_NET_ETHERNET_ENABLED', '1'],
      ['PRESET_NET_USE_STATIC', '1'],
      ['PRESET_NET_STATIC_IP', '192.168.1.50'],
      ['PRESET_NET_STATIC_MASK', '255.255.255.0'],
      ['PRESET_NET_STATIC_GATEWAY', '192.168.1.1'],
      ['PRESET_NET_STATIC_DNS', '9.9.9.9 1.1.1.1'],
    ]);
    const withWifi = firstrunPresets({ ...STATIC, firstbootWifiSsid: 'office' }).map(([name]) => name);
    expect(withWifi.filter((n) => n === 'PRESET_NET_CHANGE_DEFAULTS')).toHaveLength(1);
    expect(withWifi).toContain('PRESET_NET_WIFI_ENABLED');
    expect(withWifi).not.toContain('PRESET_NET_ETHERNET_ENABLED');
    expect(withWifi).toContain('PRESET_NET_STATIC_IP');
    // Nothing network-related without Wi-Fi or an address.
    expect(firstrunPresets({ firstbootLocale: 'en_US.UTF-8' })).toEqual([['PRESET_LOCALE', 'en_US.UTF-8']]);
  });
});
