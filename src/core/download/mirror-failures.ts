// What a link failure means for its mirror, and which error ends a download when no mirror is left.
import {deadlineSignal} from '../deadline-signal.js'
import {IntegrityError, MirrorError, NoMirrorError, TransportError} from '../errors.js'
import type {MirrorState} from './mirror-state.js'

/** Codes after which a mirror is not asked again in this run. */
const ENDS_MIRROR = new Set(['ENOTFOUND', 'ECHANGED', 'ECONTENTRANGE', 'EAUTH', 'ETLS', 'EHOSTKEY', 'EREDIRECT', 'ESCHEME', 'EURL'])

/** Anything a transport threw, as a MirrorError; unknown failures count as a retryable reset. */
export function asMirrorError(error: unknown): MirrorError {
  if (error instanceof MirrorError) return error
  return new TransportError(String((error as Error)?.message ?? error), 'ECONNRESET', {retryable: true, cause: error})
}

/** True when the mirror should be quarantined rather than benched. */
export function endsMirror(failure: MirrorError): boolean {
  return ENDS_MIRROR.has(failure.code) || !failure.retryable
}

/** The error to report when no mirror can finish the file: integrity first, then "missing everywhere", then the last failure. */
export function noMirrorError(mirrors: readonly MirrorState[]): MirrorError {
  const failures = mirrors.map((mirror) => mirror.lastFailure).filter((failure) => failure !== undefined)
  if (mirrors.some((mirror) => mirror.lastError?.code === 'EINTEGRITY')) {
    return new IntegrityError('every mirror that could finish the file delivered bytes that failed their hash')
  }
  if (failures.length > 0 && failures.every((failure) => failure.code === 'ENOTFOUND')) {
    return new NoMirrorError(`no mirror has the file any more (${failures[0]!.message})`, 'ENOTFOUND')
  }
  return failures.at(-1) ?? new NoMirrorError('no usable mirror is left (all were dropped, quarantined or rejected)')
}

/**
 * A 200 to an If-Range request means "changed" or "ignores ranges": a fresh stat tells which,
 * so a mirror without ranges is kept as a whole-stream fallback instead of being lost.
 * Resolves to the quarantine reason, or undefined when the mirror is kept (whole-only).
 */
export async function recheckChanged(mirror: MirrorState, failure: MirrorError, size: number, parent: AbortSignal): Promise<string | undefined> {
  mirror.holdForRecheck()
  try {
    const info = await mirror.transport.stat(mirror.url, {signal: deadlineSignal(parent, 10_000)})
    if (info.size === size && (info.etag ?? '') === (mirror.etag ?? '')) {
      mirror.markWholeOnly()
      return undefined
    }
    return `${failure.message} (now size ${info.size ?? 'unknown'}, etag ${info.etag ?? 'none'})`
  } catch {
    return failure.message
  } finally {
    mirror.recheckDone()
  }
}
