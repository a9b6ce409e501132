// Shared setup for download engine tests: temp directories, part files, the HTTP transport, and event collection.
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {FileSink} from '../../../src/core/download/file-sink.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import type {FetchEvent} from '../../../src/core/download/events.js'
import type {MirrorState} from '../../../src/core/download/mirror-state.js'
import {sha256Hex} from '../../helpers/content.js'

export const transportFactories = [httpTransport]

export async function temporaryDirectory(): Promise<{path: string; remove: () => Promise<void>}> {
  const path = await mkdtemp(join(tmpdir(), 'mirrorkit-fetch-'))
  return {path, remove: () => rm(path, {recursive: true, force: true})}
}

/** A part file that already holds `content`, as after a transfer; `remove()` closes it and deletes its directory. */
export async function filledSink(content: Uint8Array): Promise<{sink: FileSink; remove: () => Promise<void>}> {
  const directory = await temporaryDirectory()
  const sink = await FileSink.open(join(directory.path, 'f.part'), content.length, false)
  await sink.write(content, 0)
  return {
    sink,
    remove: async () => {
      await sink.close()
      await directory.remove()
    },
  }
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

/**
 * Drives a mirror's measured speed the way the link monitor does: one sample with `linkRates` on its
 * links, then, when `bytesPerSecond` is given, a second one-second sample in which it sent that much
 * (which sets its throughput, and with one link its solo rate, to exactly that).
 */
export function measure(mirror: MirrorState, linkRates: number[], bytesPerSecond?: number): void {
  mirror.speed.sample(linkRates, mirror.bytes, 1000)
  if (bytesPerSecond === undefined) return
  mirror.received(bytesPerSecond)
  mirror.speed.sample(linkRates, mirror.bytes, 1000)
}
