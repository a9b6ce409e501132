// A metalink's maxconnections caps the links fetch opens to that mirror, whatever --per-mirror and the link ramp allow.
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {fetchFile} from '../../../src/core/download/engine.js'
import {emptyMirrorSet} from '../../../src/core/model.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, fileSha256, peakLinks, temporaryDirectory, transportFactories} from './helpers.js'

const SIZE = 2 * 1024 * 1024
const content = makeContent(SIZE, 13)

describe('maxconnections', () => {
  const mirrors: HttpMirror[] = []
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>

  beforeAll(async () => {
    directory = await temporaryDirectory()
    // Each response is capped on its own, so every added link raises a mirror's rate and its ramp asks for more.
    for (let i = 0; i < 2; i++) mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: {responseBandwidth: 128 * 1024}}))
  })
  afterAll(async () => {
    await Promise.all(mirrors.map((mirror) => mirror.close()))
    await directory.remove()
  })

  it('never runs more links to a capped mirror than its maxConnections, while the other uses --per-mirror', async () => {
    const [free, capped] = mirrors.map((mirror) => `${mirror.url}f.bin`) as [string, string]
    const set = emptyMirrorSet({name: 'f.bin', size: SIZE, checksums: [{algorithm: 'sha256', hex: sha256Hex(content)}], primary: free})
    set.candidates.push({url: free, foundBy: ['primary']}, {url: capped, foundBy: ['metalink'], maxConnections: 1})
    const events = collector()
    const output = join(directory.path, 'capped.bin')
    await fetchFile({mirrorSet: set, output, pieceLength: 64 * 1024, connections: 8, perMirror: 4, sampleMs: 50, rampWindowMs: 300, relativeSpeed: 0, crossCheck: 0, transportFactories}, {onEvent: events.onEvent})
    expect(await fileSha256(output)).toBe(sha256Hex(content))
    const most = peakLinks(events.events)
    const ids = Object.fromEntries(events.of('start')[0]!.mirrors.map((mirror) => [mirror.url, mirror.mirror]))
    expect(most.get(ids[capped]!)).toBe(1)
    expect(most.get(ids[free]!)).toBeGreaterThan(1)
  })
})
