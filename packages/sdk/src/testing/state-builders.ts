// Builders for hand-made trees, pools, memories and plugin contexts: what critic and policy plugins consume, as plain
// data, for their own tests.
import { recipeHash, type Artifact, type DataPool, type DataTree, type GlobalMemory, type Logger, type PluginContext, type Recipe, type RecipeStep, type SourceProfile, type TreeNode } from '../index.ts';

export class TreeBuilder {
  readonly tree: DataTree;
  private seq = 0;
  constructor(direction: 'max' | 'min' = 'max') {
    this.tree = { rootId: null, nodes: {}, order: [], byRecipe: {}, bestId: null, direction };
  }

  /** Adds a node whose recipe is the parent's steps plus `steps`. */
  add(id: string, parent: string | null, steps: RecipeStep[], score?: number, extra: Partial<TreeNode> = {}): TreeNode {
    const parentNode = parent ? this.tree.nodes[parent] : undefined;
    if (parent && !parentNode) throw new Error(`builder: no parent ${parent}`);
    const recipe: Recipe = { v: 1, base: 'task', steps: [...(parentNode?.recipe.steps ?? []), ...steps] };
    const node: TreeNode = {
      id,
      parent,
      children: [],
      kind: parent === null ? 'root' : steps.some((s) => s.op === 'add_source') ? 'expand' : 'refine',
      depth: parentNode ? parentNode.depth + 1 : 0,
      recipe,
      recipeHash: recipeHash(recipe),
      status: score === undefined ? 'proposed' : 'evaluated',
      ...(score !== undefined ? { score } : {}),
      visits: 0,
      totalReward: 0,
      seq: ++this.seq,
      ...extra,
    };
    this.tree.nodes[id] = node;
    this.tree.order.push(id);
    this.tree.byRecipe[node.recipeHash] ??= id;
    if (parentNode) parentNode.children.push(id);
    else this.tree.rootId = id;
    return node;
  }

  node(id: string): TreeNode {
    const n = this.tree.nodes[id];
    if (!n) throw new Error(`builder: no node ${id}`);
    return n;
  }

  withArtifact(id: string, artifact: Artifact): this {
    this.node(id).artifact = artifact;
    return this;
  }
}

export function pool(entries: { id: string; profile?: Partial<SourceProfile>; status?: 'discovered' | 'profiled' | 'rejected'; meta?: Record<string, unknown> }[]): DataPool {
  const out: DataPool = { sources: {}, order: [] };
  entries.forEach((e, i) => {
    out.sources[e.id] = {
      source: { id: e.id, plugin: e.id.split(':')[0] ?? 'local', uri: `file:///${e.id}`, format: 'csv', ...(e.meta ? { meta: e.meta } : {}) },
      status: e.status ?? (e.profile ? 'profiled' : 'discovered'),
      ...(e.profile ? { profile: { rows: 100, columns: [], duplicates: 0, quality: 0.5, ...e.profile } } : {}),
      usedBy: [],
      comments: [],
      seq: i + 1,
    };
    out.order.push(e.id);
  });
  return out;
}

export function emptyMemory(): GlobalMemory {
  return { outcomes: {}, findings: [], tried: {} };
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function context<C>(config: C): PluginContext<C> {
  return {
    name: 'test-plugin',
    config,
    workDir: '/nonexistent/work',
    baseDir: '/nonexistent/base',
    logger: silent,
    http: {
      request: () => Promise.reject(new Error('no network in this test')),
      json: () => Promise.reject(new Error('no network in this test')),
      download: () => Promise.reject(new Error('no network in this test')),
    },
    secrets: { get: () => undefined },
  };
}
