import type { DataTree, TreeNode } from '@datamaster/sdk';

/** Node ids from the root down to `node`, e.g. ['n1', 'n3', 'n7']; stops at a missing parent or a cycle. */
export function branchOf(node: TreeNode, tree: DataTree): string[] {
  const path = [node.id];
  const seen = new Set(path);
  let parentId = node.parent;
  while (parentId !== null && !seen.has(parentId)) {
    path.push(parentId);
    seen.add(parentId);
    parentId = tree.nodes[parentId]?.parent ?? null;
  }
  return path.reverse();
}
