import type { AnyEvent } from '../events/types.ts';

/**
 * Secondary indexes kept next to the log: which events concern a node, a source, or a finding subject.
 * They let an agent read one node's or one source's history without replaying the run.
 */
export type IndexName = 'node' | 'source' | 'finding';
export const INDEX_NAMES: readonly IndexName[] = ['node', 'source', 'finding'];

export interface IndexEntry {
  index: IndexName;
  key: string;
}

/**
 * The index entries of one event. Pure, so the LevelDB and the in-memory log index identically.
 * node: any event whose data has a nodeId. source: source.discovered (its source.id), source.profiled /
 * source.rejected (sourceId). finding: finding.recorded by its subject (a source id or a step op), when it has one.
 */
export function indexEntriesOf(e: AnyEvent): IndexEntry[] {
  const out: IndexEntry[] = [];
  const data = e.data as { nodeId?: unknown; sourceId?: unknown };
  if (typeof data.nodeId === 'string') out.push({ index: 'node', key: data.nodeId });
  switch (e.type) {
    case 'source.discovered':
      out.push({ index: 'source', key: e.data.source.id });
      break;
    case 'source.profiled':
    case 'source.rejected':
      out.push({ index: 'source', key: e.data.sourceId });
      break;
    case 'finding.recorded':
      if (e.data.subject) out.push({ index: 'finding', key: e.data.subject });
      break;
    default:
      break;
  }
  return out;
}
