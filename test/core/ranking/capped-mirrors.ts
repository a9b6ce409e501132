// Four local HTTP mirrors with known bandwidth caps and first-byte delays (fastest answers slowest), for rank's tests.
import {mkdtemp, rm} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll} from 'vitest'
import type {MirrorSet} from '../../../src/core/model.js'
import type {RankOptions} from '../../../src/core/ranking/rank.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'

export const SIZE = 2 * 1024 * 1024
const content = makeContent(SIZE, 9)
// Fastest mirror answers slowest, so a ranking that confused latency with bandwidth would fail both orders.
export const SPEEDS = [4_000_000, 2_000_000, 1_000_000, 500_000]
export const DELAYS = [180, 120, 60, 0]

export type CappedMirrors = {urls: string[]; down: string; directory: string; transports: TransportSet}

/** Starts the mirrors before the file's tests and stops them after; `down` is a loopback port nothing listens on. */
export function useCappedMirrors(): CappedMirrors {
  const mirrors: HttpMirror[] = []
  const fixture = {urls: [], down: '', directory: '', transports: new TransportSet({}, [httpTransport])} as CappedMirrors
  beforeAll(async () => {
    fixture.directory = await mkdtemp(join(tmpdir(), 'mirrorkit-rank-'))
    for (const [index, bandwidth] of SPEEDS.entries()) {
      mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth, firstByteDelayMs: DELAYS[index]}}))
    }
    fixture.urls = mirrors.map((mirror) => `${mirror.url}f.bin`)
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    fixture.down = `http://127.0.0.1:${(server.address() as {port: number}).port}/f.bin`
    await new Promise((resolve) => server.close(resolve))
  })
  afterAll(async () => {
    await fixture.transports.close()
    await Promise.all(mirrors.map((mirror) => mirror.close()))
    await rm(fixture.directory, {recursive: true, force: true})
  })
  return fixture
}

export const rankOptions = (transports: TransportSet, extra: Partial<RankOptions> = {}): RankOptions => ({
  rttSamples: 3,
  throughput: {minMs: 250, maxMs: 500, windowMs: 50, steadyWindows: 4, cvThreshold: 0.15, maxBytes: 1024 * 1024},
  timeoutMs: 2000,
  transports,
  ...extra,
})

export function setOf(list: string[]): MirrorSet {
  // Shuffled input order, so the sorted output cannot be an accident of the input.
  const order = [2, 0, 3, 1].map((index) => list[index]!)
  return {version: 1, target: {name: 'f.bin', size: SIZE, checksums: []}, candidates: order.map((url) => ({url, foundBy: ['test']}))}
}
