import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {discover, type DiscoverRequest} from '../../../src/core/discovery/discover.js'
import {DISCOVERY_USER_AGENT} from '../../../src/core/discovery/user-agent.js'
import {TransportSet} from '../../../src/core/transports.js'
import {httpTransport} from '../../../src/plugins/transports/http.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {startSearchEngineServer, type SearchEngineServer} from '../../helpers/search-engine-server.js'

const NAME = 'distro-1.0.iso'
let mirror: HttpMirror
let engines: SearchEngineServer
const transports = new TransportSet({userAgent: DISCOVERY_USER_AGENT}, [httpTransport])
const signal = () => AbortSignal.timeout(20_000)

function request(extra: Partial<DiscoverRequest> = {}): DiscoverRequest {
  return {argument: NAME, sources: ['search'], engineBases: engines.bases, transports, ...extra}
}

beforeAll(async () => {
  mirror = await startHttpMirror({files: {[`/direct/${NAME}`]: makeContent(1000, 1), [`/listed/${NAME}`]: makeContent(1000, 1), '/listed/other.iso': 'x'}})
  engines = await startSearchEngineServer()
})

afterAll(async () => {
  await transports.close()
  await engines.close()
  await mirror.close()
})

describe('search source', () => {
  it('queries all four engines in their markup, unwraps links, reads listings, drops javascript: hits with a count', async () => {
    engines.set({
      results: [
        {url: `${mirror.url}direct/${NAME}`, title: NAME},
        {url: `${mirror.url}listed/`, title: 'Index of /listed'},
        {url: `javascript:alert(1)//${NAME}`, title: 'evil'},
        {url: `data:text/plain,/${NAME}`, title: 'evil'},
        {url: 'http://unrelated.example/other.iso', title: 'other'},
      ],
    })
    engines.requests.length = 0
    const set = await discover(request(), {signal: signal()})
    expect(set.target).toEqual({name: NAME, checksums: []})
    expect(set.candidates).toEqual([
      {url: `${mirror.url}direct/${NAME}`, foundBy: expect.arrayContaining(['search:searxng', 'search:duckduckgo', 'search:bing', 'search:filesearching'])},
      {url: `${mirror.url}listed/${NAME}`, foundBy: expect.arrayContaining(['search:searxng', 'search:duckduckgo', 'search:bing'])},
    ])
    // Two hostile hits per page: 7 pages (two queries each, filesearching one) on three engines, filesearching's pre block lists files only.
    const dropped = set.warnings?.find((warning) => warning.code === 'ESCHEME')
    expect(dropped?.source).toBe('search')
    expect(dropped?.message).toMatch(/^dropped 14 URL\(s\) with unsupported schemes \(javascript: 7, data: 7\)$/)
    expect(new Set(engines.requests.map((entry) => entry.engine))).toEqual(new Set(['searxng', 'duckduckgo', 'bing', 'filesearching']))
    expect(engines.requests.every((entry) => entry.userAgent === DISCOVERY_USER_AGENT)).toBe(true)
    expect(DISCOVERY_USER_AGENT).toMatch(/^mirrorkit\/\d+\.\d+\.\d+ \(\+mirror discovery\)$/)
    const ddg = engines.requests.filter((entry) => entry.engine === 'duckduckgo')
    expect(ddg.map((entry) => decodeURIComponent(entry.url.split('q=')[1]!))).toEqual([`"${NAME}"`, `"index of" "${NAME}"`])
  })

  it('sends at most one request per engine per second', async () => {
    engines.set({results: []})
    engines.requests.length = 0
    await discover(request({selectedEngines: ['duckduckgo', 'bing']}), {signal: signal()})
    for (const engine of ['duckduckgo', 'bing']) {
      const times = engines.requests.filter((entry) => entry.engine === engine).map((entry) => entry.at)
      expect(times).toHaveLength(2)
      // The gate counts from the end of the previous request; the slack only absorbs millisecond clock and timer rounding.
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(995)
    }
  })

  it('reports a failing engine, an engine whose markup yields nothing, and an engine with no base URL as warnings', async () => {
    engines.set({results: [{url: `${mirror.url}direct/${NAME}`}]})
    engines.set({status: 500}, 'bing')
    engines.set({body: '<html><body><p>we changed our markup</p></body></html>'}, 'duckduckgo')
    const {searxng: _searxng, ...bases} = engines.bases
    const set = await discover(request({engineBases: bases, engines: [{name: 'searxng', kind: 'json', path: '/search?q={query}', results: {jsonPath: 'results[].url'}}]}), {
      signal: signal(),
    })
    expect(set.candidates.map((candidate) => candidate.foundBy)).toEqual([['search:filesearching']])
    const codes = Object.fromEntries((set.warnings ?? []).map((warning) => [warning.message.split(':')[0], warning.code]))
    expect(codes).toEqual({bing: 'EENGINE', duckduckgo: 'EENGINEMARKUP', searxng: 'ESKIPPED'})
  })

  it('gives up on a slow engine at its own timeout and keeps what the others found', async () => {
    engines.set({results: [{url: `${mirror.url}direct/${NAME}`}]})
    engines.set({delayMs: 3000, results: []}, 'searxng')
    const started = Date.now()
    const set = await discover(
      request({
        selectedEngines: ['searxng', 'filesearching'],
        engines: [{name: 'searxng', kind: 'json', base: engines.bases.searxng, path: '/search?q={query}&format=json', results: {jsonPath: 'results[].url'}, timeoutMs: 400}],
      }),
      {signal: signal()},
    )
    expect(Date.now() - started).toBeLessThan(2500)
    expect(set.candidates).toEqual([{url: `${mirror.url}direct/${NAME}`, foundBy: ['search:filesearching']}])
    expect(set.warnings).toEqual([{source: 'search', code: 'ETIMEDOUT', message: 'searxng: no answer within 400 ms'}])
  })

  it('lets a user definition replace a built-in by name, and refuses huge result pages', async () => {
    engines.set({body: `<html><body><div class="hit"><a data-u="${mirror.url}direct/${NAME}">x</a></div></body></html>`}, 'bing')
    engines.set({body: `<html>${'<a class="result__a" href="x">y</a>'.repeat(120_000)}</html>`}, 'duckduckgo')
    const set = await discover(
      request({
        selectedEngines: ['bing', 'duckduckgo'],
        engines: [{name: 'bing', kind: 'html', path: '/search?q={query}', queries: ['{name}'], results: {selector: 'div.hit a', attribute: 'data-u'}}],
      }),
      {signal: signal()},
    )
    expect(set.candidates).toEqual([{url: `${mirror.url}direct/${NAME}`, foundBy: ['search:bing']}])
    expect(set.warnings).toEqual([expect.objectContaining({code: 'EENGINE', message: expect.stringMatching(/^duckduckgo: .*larger than 2097152 bytes/)})])
  })

  it('names engines it does not know, from --engine or --engine-base, without sending anything', async () => {
    const before = engines.requests.length
    const set = await discover(request({selectedEngines: ['nope'], engineBases: {ghost: 'http://127.0.0.1:9/'}}), {signal: signal()})
    expect(set.warnings).toEqual([
      {source: 'search', code: 'EUSAGE', message: 'unknown engine "nope"'},
      {source: 'search', code: 'EUSAGE', message: 'unknown engine "ghost"'},
    ])
    expect(engines.requests.length).toBe(before)
  })

  it('refuses a listing over 1 MiB with a warning', async () => {
    engines.set({body: `<html><body>${'<a href="x/">x/</a>\n'.repeat(70_000)}<a href="${NAME}">${NAME}</a></body></html>`}, 'searxng')
    engines.set({results: [{url: `${engines.url}/searx/big/`, title: 'Index of /big'}]}, 'duckduckgo')
    const set = await discover(request({selectedEngines: ['duckduckgo'], engines: [{name: 'duckduckgo', kind: 'html', base: engines.bases.duckduckgo, path: '/html/?q={query}', queries: ['{name}'], results: {selector: 'a.result__a'}, unwrap: {param: 'uddg'}}]}), {signal: signal()})
    expect(set.candidates).toEqual([])
    expect(set.warnings).toEqual([{source: 'search', code: 'ELISTING', message: expect.stringMatching(/^duckduckgo: listing .*big\/: .*larger than 1048576 bytes$/)}])
  })

  it('never follows a listing deeper than one level and keeps at most 5000 of its links', async () => {
    const rows = Array.from({length: 6000}, (_, index) => `<a href="d${index}/">d${index}/</a>`).join('\n')
    engines.set({body: `<html><body>${rows}<a href="${NAME}">${NAME}</a></body></html>`}, 'searxng')
    engines.set({results: [{url: `${engines.url}/searx/listing/`, title: 'Index of /listing'}]}, 'duckduckgo')
    const before = engines.requests.length
    const set = await discover(request({selectedEngines: ['duckduckgo'], engines: [{name: 'duckduckgo', kind: 'html', base: engines.bases.duckduckgo, path: '/html/?q={query}', queries: ['{name}'], results: {selector: 'a.result__a'}, unwrap: {param: 'uddg'}}]}), {signal: signal()})
    // The file's link comes after 6000 directories: past the 5000-link bound, so not found, and no directory was entered.
    expect(set.candidates).toEqual([])
    expect(engines.requests.length - before).toBe(2)
  })
})
