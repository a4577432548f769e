/**
 * How first-boot secrets take part in a build's identity (docs/security.md, "First-boot secrets").
 * A build records which secrets it uses and the id of each value (never the value); its content
 * hash covers them, so changing a secret is a new build (deduplication never hands back an image
 * with the old password) while the same configuration and the same secret values give the same
 * hash. The build gate keeps deciding on the configuration's own hash (`source_content_hash`):
 * approvals are of configuration states, and secrets are not reviewed content.
 */
import type { FirstbootSecretStamp } from '../../firstboot-secrets.ts';
import { contentHash } from '../content-hash.ts';

export function withFirstbootSecrets(configHash: string, stamp: FirstbootSecretStamp): { contentHash: string; firstbootSecrets: FirstbootSecretStamp | null } {
  if (Object.keys(stamp).length === 0) return { contentHash: configHash, firstbootSecrets: null };
  return { contentHash: contentHash({ configuration: configHash, firstbootSecrets: stamp }), firstbootSecrets: stamp };
}
