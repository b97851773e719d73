import type {
  Artifact,
  EventType,
  Direction,
  ErrorInfo,
  FindingRecordedData,
  NodeKind,
  Recipe,
  RunConfig,
  Source,
  SourceProfile,
  Task,
} from '../schema/types.ts';

export type NodeStatus = 'proposed' | 'materialized' | 'evaluated' | 'critiqued' | 'failed' | 'pruned';

/** A DataTree node: plain data, so trees compare with deep equality and serialise as JSON. */
export interface TreeNode {
  id: string;
  parent: string | null;
  children: string[];
  kind: NodeKind;
  depth: number;
  recipe: Recipe;
  recipeHash: string;
  rationale?: string;
  status: NodeStatus;
  /** Set when the node was pruned: status becomes 'pruned' and the lifecycle state it had is kept in `statusBeforePrune`. */
  pruned?: { reason: string };
  /** The lifecycle status the node had when it was pruned (lifecycle events that arrive later still move it on). */
  statusBeforePrune?: NodeStatus;
  artifact?: Artifact;
  /** Validation score (search only ever sees validation). */
  score?: number;
  metrics?: Record<string, number>;
  /** This node's own reward from the critic, or the failure penalty. */
  reward?: number;
  verdict?: string;
  error?: ErrorInfo & { stage: string };
  /** Backed-up statistics: the node's own reward plus every descendant's. */
  visits: number;
  totalReward: number;
  /** Seq of the node.proposed event. */
  seq: number;
}

export interface DataTree {
  rootId: string | null;
  nodes: Record<string, TreeNode>;
  /** Node ids in proposal order. */
  order: string[];
  /** recipe hash -> first node with that recipe. */
  byRecipe: Record<string, string>;
  /** Best evaluated node by validation score in the task's direction; ties go to the earlier node. */
  bestId: string | null;
  direction: Direction;
}

export interface PoolEntry {
  source: Source;
  status: 'discovered' | 'profiled' | 'rejected';
  profile?: SourceProfile;
  rejection?: ErrorInfo;
  /** Nodes whose recipe adds this source. */
  usedBy: string[];
  /** Per-node comments from findings about this source. */
  comments: { nodeId: string; text: string; delta?: number }[];
  seq: number;
}

export interface DataPool {
  sources: Record<string, PoolEntry>;
  order: string[];
}

export interface NodeOutcome {
  nodeId: string;
  recipeHash: string;
  status: NodeStatus;
  score?: number;
  reward?: number;
  verdict?: string;
  error?: ErrorInfo & { stage: string };
}

export type Finding = FindingRecordedData & { seq: number };

export interface GlobalMemory {
  outcomes: Record<string, NodeOutcome>;
  findings: Finding[];
  /** recipe hash -> node ids that used it. */
  tried: Record<string, string[]>;
}

export interface RunState {
  run: string | null;
  task: Task | null;
  config: RunConfig | null;
  tree: DataTree;
  pool: DataPool;
  memory: GlobalMemory;
  finished: { reason: string; nodes: number; bestNodeId: string | null; seq: number } | null;
  graded: Record<string, { nodeId: string; score: number; medal?: string; metrics?: Record<string, number> }>;
  /** Events folded and the last seq seen. */
  events: number;
  lastSeq: number;
  /** Events the fold could not apply as stated (unknown parent or node, duplicate id, ...): recorded, then skipped. */
  anomalies: Anomaly[];
}

/** Why an event was skipped or only partly applied. Codes are stable (see docs/parts/state.md). */
export interface Anomaly {
  /** Seq of the event (its position in the fold when it had none). */
  seq: number;
  eventId: string;
  type: EventType;
  code: string;
  message: string;
}
