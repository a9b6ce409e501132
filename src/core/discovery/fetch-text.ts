// Fetches a small text document (metalink, list, result page) through our transports, or reads a local file, within a byte limit.
import {open} from 'node:fs/promises'
import {MirrorError, UsageError} from '../errors.js'
import type {Transport} from '../../plugins/types.js'

/** What fetching needs of a TransportSet: the transport for a URL (a narrow type, so plugins that fetch do not depend on the registry). */
export type TransportFor = {for(url: URL): Transport}

export type FetchTextOptions = {signal: AbortSignal; maxBytes: number}

/** Whether `location` is a URL (has a scheme) rather than a local path. */
export function isUrlLike(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location)
}

function tooLarge(location: string, maxBytes: number): MirrorError {
  return new MirrorError(`${location} is larger than ${maxBytes} bytes`, 'ETOOLARGE')
}

/**
 * The document as UTF-8 text. Stops reading (and so releases the connection) as soon as
 * `maxBytes` is passed, rather than trusting a declared length.
 */
export async function fetchText(transports: TransportFor, location: string, options: FetchTextOptions): Promise<string> {
  if (!isUrlLike(location)) return readLocalText(location, options)
  return (await fetchBytes(transports, new URL(location), options)).toString('utf8')
}

/** The document's bytes as served (a binary signature must not pass through a text decoder), within `maxBytes`. */
export async function fetchBytes(transports: TransportFor, url: URL, options: FetchTextOptions): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of transports.for(url).read(url, undefined, {signal: options.signal})) {
    total += chunk.byteLength
    if (total > options.maxBytes) throw tooLarge(url.href, options.maxBytes)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

async function readLocalText(path: string, options: FetchTextOptions): Promise<string> {
  options.signal.throwIfAborted()
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO'
    // A missing file is ENOTFOUND, as a 404 for a remote list is.
    throw new UsageError(`cannot read ${path}: ${code}`, code === 'ENOENT' ? 'ENOTFOUND' : 'EINPUT', error)
  }
  try {
    // One byte past the limit tells "exactly at the limit" from "too large".
    const buffer = Buffer.alloc(options.maxBytes + 1)
    let length = 0
    while (length < buffer.length) {
      options.signal.throwIfAborted()
      const {bytesRead} = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > options.maxBytes) throw tooLarge(path, options.maxBytes)
    return buffer.subarray(0, length).toString('utf8')
  } finally {
    await handle.close()
  }
}
