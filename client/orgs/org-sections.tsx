/**
 * The sections of the organisation page, in the order shown. Each takes the organisation (with
 * your role and its policies) and reports changes that alter it (`onChanged` reloads it).
 * Members, teams, policies and the audit log each add one component here.
 */
import type { JSX } from 'solid-js';
import type { Api, User } from '../app/api.ts';
import type { OrgDetails } from './orgs-api.ts';
import { AuditSection } from './audit-section.tsx';
import { PoliciesSection } from './policies-section.tsx';
import { TeamsSection } from './teams-section.tsx';
import { MembersSection } from './members-section.tsx';

export interface OrgSectionProps {
  api: Api;
  user: User;
  org: OrgDetails;
  onChanged: () => void;
}

export const ORG_SECTIONS: Array<(props: OrgSectionProps) => JSX.Element> = [MembersSection, TeamsSection, PoliciesSection, AuditSection];
