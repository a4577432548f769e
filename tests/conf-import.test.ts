/**
 * Importing what Armbian users have: the framework's own example config, files written the way
 * Armbian's documentation shows (extensions, export/declare, arrays, hooks, conditionals,
 * comments, quotes) and pasted `./compile.sh` command lines. Nothing is refused; what cannot be
 * mapped is kept verbatim in `extraLines` and flagged.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConf } from '../shared/conf/conf-import.ts';
import { configSchema, validateConfig } from '../shared/validation/index.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/armbian-conf/${name}`, import.meta.url), 'utf8');
const ARMBIAN_TEMPLATE = new URL('../../shared/armbian-build/config/templates/config-example.conf.template', import.meta.url);
const parse = (text: string) => parseConf(configSchema, text);
const messages = (result: ReturnType<typeof parse>) => result.warnings.map((w) => `${w.line}: ${w.message}`);

describe('import of Armbian config files', () => {
  it("imports Armbian's own config-example.conf template without refusing a line", () => {
    const result = parse(readFileSync(ARMBIAN_TEMPLATE, 'utf8'));
    expect(result.data).toMatchObject({
      BOARD: 'rock-5b',
      BRANCH: 'current',
      RELEASE: 'bookworm',
      KERNEL_CONFIGURE: 'no',
      INSTALL_HEADERS: 'yes',
      BUILD_DESKTOP: 'no',
      BUILD_MINIMAL: 'no',
    });
    // SHARE_LOGS (sic) is not a variable Boardroom knows; NAMESERVER runs a command.
    const extra = String(result.data.extraLines);
    expect(extra).toContain('SHARE_LOGS=yes');
    expect(extra).toContain("# Use build host DNS server inside chroot instead of default 1.0.0.1\nNAMESERVER=$(grep nameserver /etc/resolv.conf|awk '{ print $2 }'| head -n 1)");
    expect(messages(result).some((m) => m.startsWith('25: NAMESERVER runs $(grep'))).toBe(true);
  });

  it('merges ENABLE_EXTENSIONS and enable_extension calls in order, without duplicates', () => {
    const result = parse(fixture('extensions.conf'));
    expect(result.data.ENABLE_EXTENSIONS).toEqual(['docker-ce', 'cloud-init', 'image-output-qcow2', 'zfs']);
    expect(result.data).toMatchObject({ BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble' });
    expect(result.data.extraLines).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('takes export and declare -g assignments, arrays and package lists; keeps declare without -g', () => {
    const result = parse(fixture('export-arrays.conf'));
    expect(result.data).toMatchObject({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'bookworm', SHARE_LOG: 'yes', COMPRESS_OUTPUTIMAGE: ['sha', 'xz'] });
    expect(result.data.extraPackages).toEqual(['htop', 'tmux', 'curl', 'vim-tiny', 'iperf3']);
    expect(result.data.extraLines).toBe('export EXPERT=yes\ndeclare -a LOCAL_ONLY=(a b)');
    const text = messages(result).join('\n');
    expect(text).toContain('PACKAGE_LIST_ADDITIONAL');
    expect(text).toMatch(/12: declare without -g/);
  });

  it('keeps functions, heredocs, conditionals and case blocks verbatim in Extra lines', () => {
    const source = fixture('hooks-conditionals.conf');
    const result = parse(source);
    expect(result.data).toMatchObject({ BOARD: 'odroidn2', BRANCH: 'current', RELEASE: 'trixie', BUILD_MINIMAL: 'yes' });
    // The conditional BRANCH=edge and the case's DEST_LANG are not unconditional settings.
    expect(result.data.DEST_LANG).toBeUndefined();
    // The comment right above the conditional travels with it.
    const ifBlock = source.slice(source.indexOf('# use the edge kernel'), source.indexOf('fi\n') + 2);
    const fn = source.slice(source.indexOf('function post_family'), source.indexOf('}\n\ncase') + 1);
    const caseBlock = source.slice(source.indexOf('case "'), source.indexOf('esac') + 4);
    expect(result.data.extraLines).toBe([ifBlock, fn, caseBlock].join('\n'));
  });

  it('reads quotes as bash does: # inside quotes, ANSI-C, continuations; flags $HOME and keeps it verbatim', () => {
    const result = parse(fixture('quotes-references.conf'));
    expect(result.data).toMatchObject({
      VENDOR: 'My # Vendor',
      KERNEL_COMPILER: 'aarch64-linux-gnu-',
      DEST_LANG: 'en_US.UTF-8',
      DESKTOP_APPGROUPS_SELECTED: 'browsers editors',
      KERNEL_BTF: 'no',
      EXTRAWIFI: 'no',
      BOOTSIZE: 512,
    });
    // Unexpanded references are not taken literally: the lines stay as written.
    expect(result.data.FIXED_IMAGE_SIZE).toBeUndefined();
    expect(result.data.extraLines).toBe('CUSTOM_DIR="$HOME/armbian"\nFIXED_IMAGE_SIZE="${IMAGE_SIZE}"');
    const text = messages(result).join('\n');
    expect(text).toContain('6: CUSTOM_DIR uses $HOME');
    expect(text).toContain('8: FIXED_IMAGE_SIZE uses ${IMAGE_SIZE}');
  });

  it('resolves references to variables the file set earlier, as bash would', () => {
    const result = parse('MY_VENDOR=acme\nVENDOR="${MY_VENDOR}-images"\nENABLE_EXTENSIONS="$ENABLE_EXTENSIONS,zfs"\n');
    expect(result.data.VENDOR).toBe('acme-images');
    expect(result.data.ENABLE_EXTENSIONS).toEqual(['zfs']);
    expect(result.data.extraLines).toBe('MY_VENDOR=acme');
  });

  it('reads reserved words as plain arguments outside compound commands', () => {
    const result = parse('add_packages_to_image in do fi\nfor p in a b; do echo "$p"; done\n');
    expect(result.data.extraPackages).toEqual(['in', 'do', 'fi']);
    expect(result.data.extraLines).toBe('for p in a b; do echo "$p"; done');
  });

  it('a later plain assignment wins over an earlier one kept verbatim', () => {
    const result = parse('VENDOR="$X"\nVENDOR=plain\n');
    expect(result.data.VENDOR).toBe('plain');
    expect(result.data.extraLines).toBeUndefined();
    const reversed = parse('VENDOR=plain\nVENDOR="$X"\n');
    expect(reversed.data.VENDOR).toBeUndefined();
    expect(reversed.data.extraLines).toBe('VENDOR="$X"');
  });

  it('never refuses broken bash: an unterminated quote keeps the rest verbatim and says so', () => {
    const result = parse('BOARD=rock-5b\nVENDOR="unterminated\nBRANCH=edge\n');
    expect(result.data.BOARD).toBe('rock-5b');
    expect(result.data.extraLines).toBe('VENDOR="unterminated\nBRANCH=edge');
    expect(messages(result).join('\n')).toMatch(/2: a " quote is not closed/);
  });

  it('moves a value of the wrong shape back to the extra lines instead of refusing the file', () => {
    const many = Array.from({ length: 70 }, (_, i) => `enable_extension ext${i}`).join('\n');
    const result = parse(`BOARD=rock-5b\nBOOTSIZE=abc\n${many}\n`);
    expect(result.data.ENABLE_EXTENSIONS).toBeUndefined();
    expect(result.data.BOOTSIZE).toBeUndefined();
    expect(String(result.data.extraLines).split('\n')).toHaveLength(71);
    expect(String(result.data.extraLines)).toContain('BOOTSIZE=abc');
  });
});

describe('import of ./compile.sh command lines', () => {
  it('takes the multi-line form from Armbian\'s documentation', () => {
    const result = parse(
      './compile.sh \\\nbuild \\\nBOARD=uefi-x86 \\\nBRANCH=current \\\nBUILD_DESKTOP=no \\\nBUILD_MINIMAL=no \\\nKERNEL_CONFIGURE=no \\\nRELEASE=noble \\\nENABLE_EXTENSIONS=mesa-vpu,nvidia \\\n',
    );
    expect(result.data).toEqual({
      BOARD: 'uefi-x86',
      BRANCH: 'current',
      BUILD_DESKTOP: 'no',
      BUILD_MINIMAL: 'no',
      KERNEL_CONFIGURE: 'no',
      RELEASE: 'noble',
      ENABLE_EXTENSIONS: ['mesa-vpu', 'nvidia'],
    });
    expect(result.warnings).toEqual([]);
  });

  it('handles quoting, sudo, unknown parameters and config-file names', () => {
    const result = parse(`sudo ./compile.sh BOARD="rock-5b" VENDOR='My Images' SHARE_LOGS=yes EXPERT="a b" myconfig`);
    expect(result.data).toMatchObject({ BOARD: 'rock-5b', VENDOR: 'My Images' });
    expect(result.data.extraLines).toBe("SHARE_LOGS=yes\nEXPERT='a b'");
    expect(messages(result).join('\n')).toContain('userpatches/config-myconfig.conf');
  });

  it('splits a parameter the way the framework does: name before the first =, value after the last', () => {
    expect(parse('./compile.sh build VENDOR=a=b').data.VENDOR).toBe('b');
  });

  it('keeps shell references verbatim and flags them', () => {
    const result = parse('./compile.sh build BOARD=rock-5b VENDOR=$USER');
    expect(result.data.BOARD).toBe('rock-5b');
    expect(result.data.VENDOR).toBeUndefined();
    expect(result.data.extraLines).toBe('VENDOR=$USER');
    expect(messages(result).join('\n')).toContain('$USER');
  });
});

describe('validation of Extra lines', () => {
  it('refuses text bash would stop reading, and warns when a line overrides a form field', () => {
    const broken = validateConfig({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'noble', extraLines: 'SHARE_LOGS=yes\necho "unterminated\n' });
    expect(broken.errors).toContainEqual(expect.objectContaining({ path: '/extraLines', keyword: 'bashSyntax', message: expect.stringContaining('Line 2: a " quote is not closed') }));
    const overriding = validateConfig({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'noble', extraLines: '# mine\ndeclare -g BRANCH=edge\nfunction f() { BOARD=x; }\n' });
    expect(overriding.valid).toBe(true);
    expect(overriding.warnings).toEqual([expect.objectContaining({ path: '/extraLines', keyword: 'overridesField', message: 'Line 2 sets BRANCH, which overrides the Kernel branch field' })]);
  });
});
