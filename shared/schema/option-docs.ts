/**
 * Links from each build option to what Armbian says about it: its documentation page and the
 * framework file that implements it, at the facts' commit (`shared/data/armbian-option-docs.json`,
 * see its SOURCE.md). Data, not network: the form shows them as plain links.
 */
import rawDocs from '../data/armbian-option-docs.json' with { type: 'json' };
import type { PropertySchema } from './types.ts';

interface OptionDocsFile {
  commit: string;
  docsBase: string;
  sourceBase: string;
  options: Record<string, { docs?: string; source: string }>;
}

export interface OptionLinks {
  /** A docs.armbian.com page (with a section anchor) describing the option; absent when the docs do not. */
  docs?: string;
  /** The framework file at the facts' commit that reads the option. */
  source: string;
}

export function loadOptionLinks(): Map<string, OptionLinks> {
  const file = rawDocs as OptionDocsFile;
  const links = new Map<string, OptionLinks>();
  for (const [name, entry] of Object.entries(file.options)) {
    const link: OptionLinks = { source: `${file.sourceBase}${entry.source}` };
    if (entry.docs) link.docs = `${file.docsBase}${entry.docs}`;
    links.set(name, link);
  }
  return links;
}

/** Adds `x-docs` / `x-source` to the properties that have links. */
export function withOptionLinks(properties: Record<string, PropertySchema>, links: Map<string, OptionLinks>): Record<string, PropertySchema> {
  for (const [name, property] of Object.entries(properties)) {
    const link = links.get(name);
    if (!link) continue;
    if (link.docs) property['x-docs'] = link.docs;
    property['x-source'] = link.source;
  }
  return properties;
}
