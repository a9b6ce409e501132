// The size check: the cheapest proof that two copies differ, and the one every mirror checker uses.
import type {Check} from '../model.js'

/** Undefined when either side does not know the size. */
export function checkSize(found: number | undefined, expected: number | undefined): Check | undefined {
  if (found === undefined || expected === undefined) return undefined
  return {name: 'size', ok: found === expected, expected: String(expected), found: String(found)}
}
