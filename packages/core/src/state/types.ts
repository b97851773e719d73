import type {
  Artifact,
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
  /** Set when the node was pruned (status keeps the last lifecycle state before pruning in `statusBeforePrune`). */
  pruned?: { reason: string };
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
}
