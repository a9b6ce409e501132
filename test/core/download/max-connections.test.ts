// A metalink's maxconnections caps the links fetch opens to that mirror, whatever --per-mirror allows.
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {fetchFile} from '../../../src/core/download/engine.js'
import {emptyMirrorSet} from '../../../src/core/model.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, fileSha256, temporaryDirectory, transportFactories} from './helpers.js'

const SIZE = 2 * 1024 * 1024
const content = makeContent(SIZE, 13)

describe('maxconnections', () => {
  const mirrors: HttpMirror[] = []
  let directory: Awaited<ReturnType<typeof temporaryDirectory>>

  beforeAll(async () => {
    directory = await temporaryDirectory()
    // Slow enough that links overlap: each mirror is capped as a whole, not per link.
    for (let i = 0; i < 2; i++) mirrors.push(await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 2 * 1024 * 1024}}))
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
    const running = new Map<number, number>()
    const most = new Map<number, number>()
    const linkMirror = new Map<number, number>()
    const output = join(directory.path, 'capped.bin')
    await fetchFile({mirrorSet: set, output, pieceLength: 64 * 1024, connections: 8, perMirror: 4, crossCheck: 0, transportFactories}, {
      onEvent: (event) => {
        events.onEvent(event)
        if (event.type === 'link-start') {
          linkMirror.set(event.link, event.mirror)
          running.set(event.mirror, (running.get(event.mirror) ?? 0) + 1)
          most.set(event.mirror, Math.max(most.get(event.mirror) ?? 0, running.get(event.mirror)!))
        } else if (event.type === 'link-end' || event.type === 'link-cut' || event.type === 'link-error') {
          const mirror = linkMirror.get(event.link)!
          running.set(mirror, running.get(mirror)! - 1)
        }
      },
    })
    expect(await fileSha256(output)).toBe(sha256Hex(content))
    const ids = Object.fromEntries(events.of('start')[0]!.mirrors.map((mirror) => [mirror.url, mirror.mirror]))
    expect(most.get(ids[capped]!)).toBe(1)
    expect(most.get(ids[free]!)).toBeGreaterThan(1)
  })
})
