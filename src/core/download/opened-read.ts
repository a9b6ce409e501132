// The read a mirror's stat already started (Transport.open): opening it, handing it to the first link, and the type the mirror keeps it in.
import {deadlineSignal} from '../deadline-signal.js'
import type {RemoteInfo, Transport} from '../../plugins/types.js'

/** A response body already streaming from `offset` up to `end` (exclusive; the file's end when absent); aborting `controller` ends it. */
export type OpenedRead = {offset: number; end?: number; body: AsyncIterable<Uint8Array>; controller: AbortController}

export type OpenOptions = {
  /** The download's signal: an opened body lives until the download ends, unless it is ended first. */
  signal: AbortSignal
  /** How long the GET may go unanswered before a plain stat replaces it. */
  waitMs: number
  statTimeoutMs: number
}

/**
 * Transport.open for the first mirror: what the server says of the file, how long it took to answer,
 * and the read from byte 0 when the server started one. The body is read later, by the first link, so
 * the request's signal must outlive the stat; only the wait for the answer is timed. A GET that gets no
 * answer within the stall timeout (a server that stalls before its first byte sends no headers either)
 * gives way to a plain stat, so such a mirror fails as a stalled link, as it did before open existed.
 */
export async function openFirst(transport: Transport, url: URL, options: OpenOptions): Promise<{info: RemoteInfo; setupMs: number; read?: OpenedRead}> {
  const {signal, waitMs} = options
  const controller = new AbortController()
  const started = Date.now()
  const silent = new Error(`no answer to the first GET within ${waitMs} ms`)
  const timer = setTimeout(() => controller.abort(silent), waitMs)
  try {
    const {info, body, length} = await transport.open!(url, {signal: AbortSignal.any([signal, controller.signal])})
    return {info, setupMs: Date.now() - started, ...(body ? {read: {offset: 0, ...(length === undefined ? {} : {end: length}), body, controller}} : {})}
  } catch (error) {
    if (error !== silent || signal.aborted) throw error
    const info = await transport.stat(url, {signal: deadlineSignal(signal, options.statTimeoutMs)})
    return {info, setupMs: Date.now() - started}
  } finally {
    clearTimeout(timer)
  }
}

/** The opened body, ended when `until` aborts (its link is cut, done or failed), as the link's own request would be. */
export function continueOpened(opened: OpenedRead, until: AbortSignal): AsyncIterable<Uint8Array> {
  until.addEventListener('abort', () => opened.controller.abort(until.reason), {once: true})
  return opened.body
}
