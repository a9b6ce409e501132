// The name check: a mirror must serve the file under the target's name, after redirects or by Content-Disposition.
import type {RemoteInfo} from '../../plugins/types.js'
import type {Check} from '../model.js'

/** The decoded last path segment of a URL, or "" for a directory-like URL. */
export function lastPathSegment(url: string): string {
  try {
    const segment = new URL(url).pathname.split('/').pop() ?? ''
    return decodeURIComponent(segment)
  } catch {
    return ''
  }
}

/** Undefined when there is no target name to compare with. */
export function checkName(info: RemoteInfo, targetName: string): Check | undefined {
  if (!targetName) return undefined
  const found = info.name || lastPathSegment(info.finalUrl)
  return {name: 'name', ok: found === targetName, expected: targetName, found}
}
