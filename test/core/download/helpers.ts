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
  // A moment long, so the rates are set without a second of silence counting against the mirror's delivery.
  mirror.speed.sample(linkRates, mirror.bytes, 1)
  if (bytesPerSecond === undefined) return
  mirror.received(bytesPerSecond)
  mirror.speed.sample(linkRates, mirror.bytes, 1000)
}

/** Lets a mirror's link ramp earn `links` links, as windows in which each added link doubled its rate would. */
export function rampTo(mirror: MirrorState, links: number): void {
  let now = 0
  let bytes = 0
  for (let count = 1; count < links; count++) {
    now += 1000
    bytes += count * 1000
    mirror.ramp.sample(now, bytes, 1000, count, 0, links + 1, 1000)
  }
}

/** The most links each mirror ran at once, from a download's events. */
export function peakLinks(events: readonly FetchEvent[]): Map<number, number> {
  const running = new Map<number, number>()
  const most = new Map<number, number>()
  const linkMirror = new Map<number, number>()
  for (const event of events) {
    if (event.type === 'link-start') {
      linkMirror.set(event.link, event.mirror)
      running.set(event.mirror, (running.get(event.mirror) ?? 0) + 1)
      most.set(event.mirror, Math.max(most.get(event.mirror) ?? 0, running.get(event.mirror)!))
    } else if (event.type === 'link-end' || event.type === 'link-cut' || event.type === 'link-error') {
      const mirror = linkMirror.get(event.link)!
      running.set(mirror, running.get(mirror)! - 1)
    }
  }
  return most
}
