import type { Proposal } from '@datamaster/sdk';

/** A proposal before memory filtering and mixing; `rule` names the rule that made it (for tests and logs). */
export interface Candidate extends Proposal {
  rule: string;
}
