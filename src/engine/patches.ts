/** Patch operations on a resource's JSON form, addressed by JSON Pointer (RFC 6901). */
import type { PatchOp } from './types.js';

export class PatchError extends Error {}

function tokens(pointer: string): string[] {
  return pointer.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function child(container: Container, token: string, pointer: string): unknown {
  if (Array.isArray(container)) {
    const i = Number(token);
    if (!/^\d+$/.test(token) || i >= container.length) throw new PatchError(`${pointer}: no array item ${token}`);
    return container[i];
  }
  return container[token];
}

/** Walks to the parent of the last token, creating objects for missing steps when `create` is set. */
function parentOf(root: Container, pointer: string, create: boolean): { parent: Container; last: string } {
  const parts = tokens(pointer);
  const last = parts.pop()!;
  let node: Container = root;
  for (const part of parts) {
    let next = child(node, part, pointer);
    if (next === undefined && create && !Array.isArray(node)) {
      next = {};
      node[part] = next;
    }
    if (next === null || typeof next !== 'object') throw new PatchError(`${pointer}: "${part}" is not an object or array`);
    node = next as Container;
  }
  return { parent: node, last };
}

/** Applies ops in order to a deep copy of `resource`; an op that cannot apply is a PatchError naming its pointer. */
export function applyPatches<T extends object>(resource: T, ops: readonly PatchOp[]): T {
  const copy = structuredClone(resource) as unknown as Container;
  for (const op of ops) {
    if (op.op === 'remove') {
      const { parent, last } = parentOf(copy, op.path, false);
      if (Array.isArray(parent)) {
        child(parent, last, op.path);
        parent.splice(Number(last), 1);
      } else {
        if (!(last in parent)) throw new PatchError(`${op.path}: nothing to remove`);
        delete parent[last];
      }
    } else if (op.op === 'set') {
      if (op.value === undefined) throw new PatchError(`${op.path}: set needs a value`);
      const { parent, last } = parentOf(copy, op.path, true);
      if (Array.isArray(parent)) {
        const i = Number(last);
        if (!/^\d+$/.test(last) || i > parent.length) throw new PatchError(`${op.path}: no array item ${last}`);
        parent[i] = structuredClone(op.value);
      } else parent[last] = structuredClone(op.value);
    } else {
      if (op.value === undefined) throw new PatchError(`${op.path}: append needs a value`);
      const { parent, last } = parentOf(copy, op.path, true);
      const target = child(parent, last, op.path);
      if (target === undefined && !Array.isArray(parent)) parent[last] = [structuredClone(op.value)];
      else if (Array.isArray(target)) target.push(structuredClone(op.value));
      else throw new PatchError(`${op.path}: append needs an array`);
    }
  }
  return copy as unknown as T;
}
