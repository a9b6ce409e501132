// Transfer behaviour on local mirrors: the tail hedge, and dropping a mirror by the command file or the library call.
import {afterEach, describe, expect, it} from 'vitest'
import {appendFileSync} from 'node:fs'
import {join} from 'node:path'
import {startFetch} from '../../../src/core/download/engine.js'
import type {FetchOptions} from '../../../src/core/download/options.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpFaults, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, fileSha256, temporaryDirectory, transportFactories} from './helpers.js'

const SIZE = 1536 * 1024
const content = makeContent(SIZE, 5)
const expected = sha256Hex(content)

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()))
})

async function mirror(faults: HttpFaults): Promise<HttpMirror> {
  const started = await startHttpMirror({files: {'/f.bin': content}, faults})
  cleanups.push(() => started.close())
  return started
}

async function setup(mirrors: HttpMirror[], options: Partial<FetchOptions> = {}) {
  const directory = await temporaryDirectory()
  cleanups.push(directory.remove)
  const events = collector()
  const output = join(directory.path, 'out.bin')
  const base: FetchOptions = {urls: mirrors.map((m) => `${m.url}f.bin`), output, pieceLength: 64 * 1024, connections: 2, perMirror: 1, sampleMs: 100, crossCheck: 1, transportFactories}
  return {events, output, start: (hooks: {onEvent?: (event: Parameters<typeof events.onEvent>[0]) => void} = {}) => startFetch({...base, ...options}, {onEvent: hooks.onEvent ?? events.onEvent})}
}

describe('transfer', () => {
  it('hedges the tail of a slow link on a fast mirror; the first to finish wins and bytes are written once', async () => {
    const fast = await mirror({bandwidth: 2 * 1024 * 1024})
    const slow = await mirror({bandwidth: 48 * 1024})
    // Pieces large enough that the slow link's current piece (which stealing never splits) needs a hedge.
    const {events, output, start} = await setup([fast, slow], {relativeSpeed: 0, pieceLength: 256 * 1024})
    const summary = await start().result
    expect(await fileSha256(output)).toBe(expected)
    const hedge = events.of('hedge-start')[0]
    expect(hedge).toBeDefined()
    const won = events.of('hedge-won')[0]
    expect(won?.link).toBe(hedge!.link)
    expect(events.of('link-cut').some((cut) => cut.link === won!.loser && cut.reason === 'hedge-lost')).toBe(true)
    // Finishing took about the fast mirror's time, not the slow one's (1.5 MiB at 48 KiB/s would be 32 s).
    expect(summary.durationMs).toBeLessThan(8000)
  })

  it('drops a mirror named in <out>.mirrorkit.cmd and finishes its remainder elsewhere', async () => {
    const first = await mirror({bandwidth: 512 * 1024})
    const second = await mirror({bandwidth: 256 * 1024})
    const {events, output, start} = await setup([first, second], {connections: 4, perMirror: 2})
    let written = false
    const summary = await start({
      onEvent: (event) => {
        events.onEvent(event)
        if (event.type === 'progress' && !written) {
          written = true
          appendFileSync(`${output}.mirrorkit.cmd`, `drop 127.0.0.1:${second.port}\n`)
        }
      },
    }).result
    expect(await fileSha256(output)).toBe(expected)
    expect(events.of('mirror-dropped')).toEqual([expect.objectContaining({mirror: 1})])
    expect(events.of('link-cut').filter((cut) => cut.reason === 'dropped').length).toBeGreaterThan(0)
    expect(summary.mirrors[1]!.state).toBe('dropped')
    const afterDrop = events.events.slice(events.events.findIndex((event) => event.type === 'mirror-dropped'))
    expect(afterDrop.some((event) => event.type === 'link-start' && event.mirror === 1)).toBe(false)
  })

  it('drops a mirror through dropMirror() on the running download', async () => {
    const first = await mirror({bandwidth: 1024 * 1024})
    const second = await mirror({bandwidth: 256 * 1024})
    const {events, output, start} = await setup([first, second], {commandFile: false})
    let download: ReturnType<typeof start> | undefined
    let dropped = 0
    download = start({
      onEvent: (event) => {
        events.onEvent(event)
        if (event.type === 'link-start' && event.mirror === 1 && dropped === 0) dropped = download!.dropMirror(`${second.url}f.bin`)
      },
    })
    const summary = await download.result
    expect(dropped).toBe(1)
    expect(await fileSha256(output)).toBe(expected)
    expect(summary.mirrors[1]!.state).toBe('dropped')
  })
})
