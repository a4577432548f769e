/**
 * First-boot secrets of configurations in Postgres (shared/node/db/secrets-schema.ts): what the
 * server's routes write and list, and what a builder opens for one build. Values are sealed for
 * `config-secret:<config id>:<name>`, so a sealed value copied to another configuration or name
 * does not open there. Nothing here returns a value except `openForBuild`, which only the builder
 * calls.
 */
import { and, eq } from 'drizzle-orm';
import { FIRSTBOOT_SECRET_NAMES, isFirstbootSecretName, type FirstbootSecretName, type FirstbootSecretStamp } from '../../firstboot-secrets.ts';
import type { BuildsDb } from '../builds/db.ts';
import { configSecrets } from '../db/secrets-schema.ts';
import type { Sealer } from './sealed.ts';

export const secretContext = (configId: string, name: FirstbootSecretName): string => `config-secret:${configId}:${name}`;

/** What anyone may see of a secret: whether it is set, by whom and when. Never the value. */
export interface SecretStatus {
  name: FirstbootSecretName;
  set: boolean;
  updatedBy: { id: string | null; name: string } | null;
  updatedAt: string | null;
}

/** A build's secret values did not match its stamp (changed or cleared since it was requested),
 * or did not open with the builder's SECRETS_KEY. Says which name, never a value. */
export class SecretUnavailableError extends Error {
  constructor(
    readonly secret: FirstbootSecretName,
    message: string,
  ) {
    super(message);
    this.name = 'SecretUnavailableError';
  }
}

export function createConfigSecretStore(db: BuildsDb) {
  const rowsOf = (configId: string) => db.select().from(configSecrets).where(eq(configSecrets.configId, configId));
  return {
    async list(configId: string): Promise<SecretStatus[]> {
      const rows = await rowsOf(configId);
      return FIRSTBOOT_SECRET_NAMES.map((name) => {
        const row = rows.find((r) => r.name === name);
        return row
          ? { name, set: true, updatedBy: { id: row.updatedBy, name: row.updatedByName }, updatedAt: row.updatedAt.toISOString() }
          : { name, set: false, updatedBy: null, updatedAt: null };
      });
    },
    /** Seals and stores the value (a new value id); answers whether one was set before. */
    async set(sealer: Sealer, configId: string, name: FirstbootSecretName, value: string, by: { id: string | null; name: string }): Promise<{ replaced: boolean }> {
      const sealed = sealer.seal(value, secretContext(configId, name));
      return db.transaction(async (tx) => {
        const [before] = await tx.select({ name: configSecrets.name }).from(configSecrets).where(and(eq(configSecrets.configId, configId), eq(configSecrets.name, name))).for('update');
        await tx
          .insert(configSecrets)
          .values({ configId, name, sealed, updatedBy: by.id, updatedByName: by.name })
          .onConflictDoUpdate({
            target: [configSecrets.configId, configSecrets.name],
            set: { sealed, valueId: crypto.randomUUID(), updatedBy: by.id, updatedByName: by.name, updatedAt: new Date() },
          });
        return { replaced: before !== undefined };
      });
    },
    /** Answers whether there was one to clear. */
    async clear(configId: string, name: FirstbootSecretName): Promise<boolean> {
      const rows = await db.delete(configSecrets).where(and(eq(configSecrets.configId, configId), eq(configSecrets.name, name))).returning({ name: configSecrets.name });
      return rows.length > 0;
    },
    /** Which secrets are set now and their value ids: what a build records. */
    async stamp(configId: string): Promise<FirstbootSecretStamp> {
      const stamp: FirstbootSecretStamp = {};
      for (const row of await rowsOf(configId)) if (isFirstbootSecretName(row.name)) stamp[row.name] = row.valueId;
      return stamp;
    },
    /**
     * The values a build was requested with. Each must still be the value its stamp names: a
     * secret changed or cleared since then fails the build (start a new one) rather than build
     * something other than what was requested and hashed.
     */
    async openForBuild(sealer: Sealer, configId: string, stamp: FirstbootSecretStamp): Promise<Map<FirstbootSecretName, string>> {
      const rows = await rowsOf(configId);
      const values = new Map<FirstbootSecretName, string>();
      for (const [name, valueId] of Object.entries(stamp) as Array<[FirstbootSecretName, string]>) {
        const row = rows.find((r) => r.name === name);
        if (!row || row.valueId !== valueId) {
          throw new SecretUnavailableError(name, `the first-boot secret ${name} changed or was cleared after this build was requested; start a new build`);
        }
        try {
          values.set(name, sealer.open(row.sealed, secretContext(configId, name)));
        } catch {
          throw new SecretUnavailableError(name, `the first-boot secret ${name} does not open with this builder's SECRETS_KEY (the key that sealed it is not among its keys)`);
        }
      }
      return values;
    },
  };
}

export type ConfigSecretStore = ReturnType<typeof createConfigSecretStore>;
