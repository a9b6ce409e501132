// Shared setup for download engine tests: temp directories, the HTTP transport, and event collection.
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import type {FetchEvent} from '../../../src/core/download/events.js'
import {sha256Hex} from '../../helpers/content.js'

export const transportFactories = [httpTransport]

export async function temporaryDirectory(): Promise<{path: string; remove: () => Promise<void>}> {
  const path = await mkdtemp(join(tmpdir(), 'mirrorkit-fetch-'))
  return {path, remove: () => rm(path, {recursive: true, force: true})}
}

export function collector(): {events: FetchEvent[]; onEvent: (event: FetchEvent) => void; of: <T extends FetchEvent['type']>(type: T) => Array<Extract<FetchEvent, {type: T}>>} {
  const events: FetchEvent[] = []
  return {
    events,
    onEvent: (event) => events.push(event),
    of: (type) => events.filter((event) => event.type === type) as never,
  }
}

export async function fileSha256(path: string): Promise<string> {
  return sha256Hex(await readFile(path))
}
