// Fetches a small file whole from one mirror in one request, hashing it as it arrives, into its part file.
import {createHash} from 'node:crypto'
import type {OpenedFile, Transport} from '../../plugins/types.js'
import {FileSink} from '../download/file-sink.js'
import {IntegrityError, TransportError} from '../errors.js'
import {strongest} from '../hashing.js'
import type {Checksum} from '../model.js'

export type WholeFetch =
  | {kind: 'done'; size: number; ttfbMs: number; bodyMs: number}
  /** The file turned out larger than `maxBytes`: nothing was written, the request was dropped. */
  | {kind: 'large'; size: number}

export type WholeFetchOptions = {
  /** Larger files are left to the segmented engine. */
  maxBytes: number
  /** The size, when the input already says it (no need to ask). */
  knownSize?: number
  checksums: readonly Checksum[]
  /** A read that sends nothing (headers or body) for this long is abandoned, to be retried on another host. */
  stallMs: number
  signal: AbortSignal
  /** Bytes as they arrive, for progress. */
  onBytes?: (count: number) => void
}

/** One GET of the whole file (Transport.open, so its answer tells the size first), written to `part` and checked. */
export async function fetchWhole(transport: Transport, url: URL, part: string, options: WholeFetchOptions): Promise<WholeFetch> {
  const controller = new AbortController()
  const signal = AbortSignal.any([options.signal, controller.signal])
  const stalled = new TransportError(`${url.host} sent nothing for ${options.stallMs / 1000} s`, 'ETIMEDOUT', {retryable: true})
  let timer = setTimeout(() => controller.abort(stalled), options.stallMs)
  const alive = () => {
    clearTimeout(timer)
    timer = setTimeout(() => controller.abort(stalled), options.stallMs)
  }
  const started = performance.now()
  let size = options.knownSize
  let ttfbMs: number | undefined
  let body: AsyncIterable<Uint8Array> | undefined
  /** Where an opened read that asked for only the first part of the file ends: the rest is one more ranged read. */
  let restFrom: number | undefined
  try {
    if (size === undefined) {
      const opened: OpenedFile = transport.open ? await transport.open(url, {signal}) : {info: await transport.stat(url, {signal})}
      ttfbMs = performance.now() - started
      alive()
      size = opened.info.size
      if (size !== undefined && size > options.maxBytes) return {kind: 'large', size}
      body = opened.body
      if (body && opened.length !== undefined && size !== undefined && opened.length < size) restFrom = opened.length
    }
    body ??= transport.read(url, undefined, {signal})
    const reference = strongest(options.checksums)
    const hash = reference ? createHash(reference.algorithm) : undefined
    const sink = await FileSink.open(part, undefined, false)
    let offset = 0
    let bodyStarted = performance.now()
    try {
      for (;;) {
        for await (const chunk of body) {
          alive()
          if (ttfbMs === undefined) {
            ttfbMs = performance.now() - started
            bodyStarted = performance.now()
          }
          await sink.write(chunk, offset)
          hash?.update(chunk)
          offset += chunk.length
          options.onBytes?.(chunk.length)
        }
        if (restFrom === undefined || offset !== restFrom || size === undefined) break
        restFrom = undefined
        body = transport.read(url, {offset, length: size - offset}, {signal})
      }
      await sink.sync()
    } finally {
      await sink.close()
    }
    if (size !== undefined && offset !== size) throw new TransportError(`${url.host} sent ${offset} bytes of ${size}`, 'ESHORT', {retryable: true})
    if (reference) {
      const found = hash!.digest('hex')
      if (found !== reference.hex.toLowerCase()) throw new IntegrityError(`${reference.algorithm} mismatch: ${url.host} sent ${found}, expected ${reference.hex}`)
    }
    return {kind: 'done', size: offset, ttfbMs: ttfbMs ?? 0, bodyMs: performance.now() - bodyStarted}
  } catch (error) {
    throw controller.signal.reason === stalled && !options.signal.aborted ? stalled : error
  } finally {
    clearTimeout(timer)
    // Ends a body that was not read to its end (a large file, a failure).
    controller.abort()
  }
}
