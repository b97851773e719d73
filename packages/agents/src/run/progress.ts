import { formatScore, type RunState, type StoredEvent } from '@datamaster/core';

/** One human line per recorded event (null for events not worth a line). */
export function progressLine(e: StoredEvent, state: RunState): string | null {
  switch (e.type) {
    case 'run.started': {
      const t = e.data.task;
      const b = e.data.config.budget;
      return `run ${e.run}: task ${t.id} (${t.metric.name}, ${t.metric.direction}), budget ${b.nodes ?? '-'} nodes / ${b.seconds ?? '-'} s, ${b.parallel ?? 1} in parallel`;
    }
    case 'source.discovered':
      return `  source found    ${e.data.source.id} (${e.data.source.format})`;
    case 'source.profiled':
      return `  source profiled ${e.data.sourceId}: ${e.data.profile.rows} rows, quality ${e.data.profile.quality.toFixed(2)}${e.data.profile.testOverlap ? `, ${e.data.profile.testOverlap} rows equal test inputs (filtered)` : ''}`;
    case 'source.rejected':
      return `  source REJECTED ${e.data.sourceId}: ${e.data.reason.code} ${e.data.reason.message}`;
    case 'node.proposed':
      return `${e.data.nodeId} proposed (${e.data.kind}${e.data.parent ? ` of ${e.data.parent}` : ''}): ${e.data.rationale ?? ''}`;
    case 'node.materialized':
      return `${e.data.nodeId} materialized: ${e.data.artifact.rows} rows${e.data.artifact.reused ? ' (reused)' : ''}`;
    case 'node.evaluated': {
      const best = state.tree.bestId === e.data.nodeId ? '  <- best' : '';
      return `${e.data.nodeId} val ${formatScore(e.data.score)}${best}`;
    }
    case 'node.critiqued':
      return `${e.data.nodeId} ${e.data.verdict} (reward ${e.data.reward.toFixed(2)})`;
    case 'node.failed':
      return `${e.data.nodeId} FAILED at ${e.data.stage}: ${e.data.error.code} ${e.data.error.message}`;
    case 'node.pruned':
      return `${e.data.nodeId} pruned: ${e.data.reason}`;
    case 'finding.recorded':
      return `  finding: ${e.data.text}`;
    case 'run.finished':
      return `search finished (${e.data.reason}) after ${e.data.nodes} nodes; best ${e.data.bestNodeId ?? '-'}`;
    case 'run.graded':
      return `graded ${e.data.role ?? 'best'} ${e.data.nodeId} on held-out test: ${formatScore(e.data.score)}`;
    default:
      return null;
  }
}
