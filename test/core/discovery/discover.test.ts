import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover} from '../../../src/core/discovery/discover.js'
import type {SourceFactory} from '../../../src/core/discovery/source-context.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {startSearchEngineServer, type SearchEngineServer} from '../../helpers/search-engine-server.js'

let mirror: HttpMirror
let engines: SearchEngineServer
const transports = new TransportSet({}, [httpTransport])
const signal = () => AbortSignal.timeout(20_000)

beforeAll(async () => {
  mirror = await startHttpMirror({
    files: {'/f.bin': makeContent(3000, 2), '/list.txt': 'http://a.example/f.bin\nhttp://b.example/f.bin\nhttp://c.example/f.bin\n'},
    perPath: {'/f.bin': {headers: {link: '<http://user:hunter2@d.example/f.bin>; rel=duplicate'}}},
  })
  engines = await startSearchEngineServer({results: [{url: `${mirror.url}f.bin`}]})
})

afterAll(async () => {
  await transports.close()
  await engines.close()
  await mirror.close()
})

describe('discover', () => {
  it('runs the default sources for a URL, puts the primary first and redacts credentials everywhere', async () => {
    const set = await discover({argument: `${mirror.url}f.bin`, lists: [`${mirror.url}list.txt`], transports}, {signal: signal()})
    expect(set.candidates.map((candidate) => candidate.url)).toEqual([
      `${mirror.url}f.bin`,
      'http://user:***@d.example/f.bin',
      'http://a.example/f.bin',
      'http://b.example/f.bin',
      'http://c.example/f.bin',
    ])
    expect(JSON.stringify(set)).not.toContain('hunter2')
    expect(engines.requests).toHaveLength(0)
  })

  it('cuts the list at --limit, the primary included', async () => {
    const set = await discover({argument: `${mirror.url}f.bin`, lists: [`${mirror.url}list.txt`], limit: 2, sources: ['list'], transports}, {signal: signal()})
    expect(set.candidates.map((candidate) => candidate.url)).toEqual([`${mirror.url}f.bin`, 'http://a.example/f.bin'])
  })

  it('stops a slow source at its timeout with a warning while the others finish', async () => {
    engines.set({delayMs: 3000, results: []}, 'bing')
    const started = Date.now()
    const set = await discover(
      {argument: 'f.bin', sources: ['search', 'list'], lists: [`${mirror.url}list.txt`], selectedEngines: ['bing'], engineBases: engines.bases, timeoutMs: 500, transports},
      {signal: signal()},
    )
    expect(Date.now() - started).toBeLessThan(2500)
    expect(set.candidates).toHaveLength(3)
    expect(set.warnings).toEqual([{source: 'search', code: 'ETIMEDOUT', message: 'stopped after 500 ms'}])
  })

  it('keeps going when the primary is missing, naming the file from its URL', async () => {
    const set = await discover({argument: `${mirror.url}gone/x.iso`, sources: ['headers'], transports}, {signal: signal()})
    expect(set.target.name).toBe('x.iso')
    expect(set.candidates).toEqual([{url: `${mirror.url}gone/x.iso`, foundBy: ['primary']}])
    expect(set.warnings).toEqual([expect.objectContaining({source: 'primary', code: 'ENOTFOUND'})])
  })

  it('reports conflicting facts between sources as warnings, keeping the first', async () => {
    const liar: SourceFactory = {
      name: 'liar',
      create: () => ({
        name: 'liar',
        async *discover() {
          yield {kind: 'target', target: {size: 1, checksums: [{algorithm: 'sha256', hex: 'a'.repeat(64)}]}}
          yield {kind: 'target', target: {checksums: [{algorithm: 'sha256', hex: 'b'.repeat(64)}]}}
        },
      }),
    }
    const set = await discover({argument: `${mirror.url}f.bin`, sources: ['liar'], factories: [liar], transports}, {signal: signal()})
    expect(set.target.size).toBe(3000)
    expect(set.target.checksums).toEqual([{algorithm: 'sha256', hex: 'a'.repeat(64)}])
    expect(set.warnings?.map((warning) => warning.code)).toEqual(['ECONFLICT', 'ECONFLICT'])
  })

  it('refuses unknown sources, paths that are not names, and malformed URLs with usage errors', async () => {
    await expect(discover({argument: 'f.bin', sources: ['nope'], transports}, {signal: signal()})).rejects.toMatchObject({code: 'EUSAGE', exitCode: 2})
    await expect(discover({argument: 'dir/f.bin', transports}, {signal: signal()})).rejects.toMatchObject({code: 'EUSAGE'})
    await expect(discover({argument: '..', transports}, {signal: signal()})).rejects.toMatchObject({code: 'EUSAGE'})
    await expect(discover({argument: 'http://[::1/f.bin', transports}, {signal: signal()})).rejects.toMatchObject({code: 'EURL'})
  })

  it('stops promptly when aborted', async () => {
    engines.set({delayMs: 5000, results: []})
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('stop')), 200)
    const started = Date.now()
    await expect(discover({argument: 'f.bin', sources: ['search'], engineBases: engines.bases, transports}, {signal: controller.signal})).rejects.toThrow('stop')
    expect(Date.now() - started).toBeLessThan(1500)
  })
})
