// Mirror setup: MirrorSet candidates in rank order without rejected ones, safe output names, mirrors whose size differs, and mirrors slow to answer.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {connectionsPerOrigin, orderCandidates, setUpMirrors} from '../../../src/core/download/mirror-setup.js'
import type {MirrorSet} from '../../../src/core/model.js'
import {TransportSet} from '../../../src/core/transports.js'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fetchFile} from '../../../src/core/download/engine.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, temporaryDirectory, transportFactories} from './helpers.js'

const verdict = (status: 'ok' | 'mismatch' | 'unreachable') => ({status, checks: [], checkedAt: '', summary: ''})

describe('mirror setup', () => {
  it('allows each origin the links of every mirror it serves, plus one for the stat', () => {
    expect(connectionsPerOrigin(['http://a.test/f', 'http://b.test/f', 'http://c.test:8080/f'], undefined, 4)).toBe(5)
    // Two mirror URLs on one server: their links must not queue behind each other.
    expect(connectionsPerOrigin(['http://a.test/x/f', 'http://a.test/y/f', 'http://b.test/f'], undefined, 4)).toBe(9)
    // Nothing to download from: no limit here, the setup reports the error.
    expect(connectionsPerOrigin([], undefined, 4)).toBeUndefined()
  })

  it('skips mismatched and unreachable candidates and orders the rest by rank score', () => {
    const set: MirrorSet = {
      version: 1,
      target: {name: 'f', checksums: []},
      candidates: [
        {url: 'http://a/f', foundBy: [], verify: verdict('ok'), rank: {measuredAt: '', score: 1}},
        {url: 'http://b/f', foundBy: [], verify: verdict('mismatch'), rank: {measuredAt: '', score: 9}},
        {url: 'http://c/f', foundBy: [], verify: verdict('ok'), rank: {measuredAt: '', score: 5}},
        {url: 'http://d/f', foundBy: [], verify: verdict('unreachable')},
        {url: 'http://e/f', foundBy: []},
      ],
    }
    expect(orderCandidates(set).map((candidate) => candidate.url)).toEqual(['http://c/f', 'http://a/f', 'http://e/f'])
  })

  describe('against local mirrors', () => {
    const servers: HttpMirror[] = []
    beforeAll(async () => {
      servers.push(await startHttpMirror({files: {'/f.bin': makeContent(1000, 1)}}))
      servers.push(await startHttpMirror({files: {'/f.bin': makeContent(999, 1)}}))
    })
    afterAll(() => Promise.all(servers.map((server) => server.close())))

    it('uses the primary\'s size and rejects a mirror with another size or a failed stat, saying why', async () => {
      const events = collector()
      const transports = new TransportSet({}, transportFactories)
      const urls = [`${servers[0]!.url}f.bin`, `${servers[1]!.url}f.bin`, `${servers[0]!.url}gone.bin`]
      const {mirrors, target} = await setUpMirrors(urls, undefined, transports, events.onEvent, new AbortController().signal)
      await transports.close()
      expect(target).toMatchObject({name: 'f.bin', size: 1000})
      expect(mirrors.map((mirror) => mirror.status)).toEqual(['active', 'rejected', 'rejected'])
      expect(mirrors[1]!.reason).toMatch(/size 999 differs/)
      expect(mirrors[2]!.reason).toMatch(/ENOTFOUND/)
      expect(events.of('mirror-rejected')).toHaveLength(2)
    })

    it('starts without a mirror that is slow to answer its stat, and asks it again while downloading', async () => {
      const content = makeContent(1024 * 1024, 4)
      const fast = await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 1024 * 1024}})
      const slow = await startHttpMirror({files: {'/f.bin': content}, faults: {firstByteDelayMs: 2000}})
      servers.push(fast, slow)
      const urls = [`${fast.url}f.bin`, `${slow.url}f.bin`]
      const transports = new TransportSet({}, transportFactories)
      let began = Date.now()
      const {mirrors} = await setUpMirrors(urls, undefined, transports, collector().onEvent, AbortSignal.timeout(10_000))
      await transports.close()
      // The grace is one second; waiting for the slow stat would take two.
      expect(Date.now() - began).toBeLessThan(1700)
      expect(mirrors.map((mirror) => [mirror.status, mirror.unverified])).toEqual([['active', false], ['active', true]])
      const directory = await temporaryDirectory()
      try {
        const output = join(directory.path, 'out.bin')
        let startedAfter = Infinity
        began = Date.now()
        const requestsBefore = slow.stats.requests
        const summary = await fetchFile(
          {urls, output, pieceLength: 64 * 1024, sampleMs: 100, transportFactories},
          {onEvent: (event) => void (event.type === 'start' && (startedAfter = Date.now() - began)), signal: AbortSignal.timeout(20_000)},
        )
        expect(startedAfter).toBeLessThan(1700)
        expect(sha256Hex(readFileSync(output))).toBe(sha256Hex(content))
        expect(summary.mirrors[1]!.state).not.toBe('rejected')
        // Its first stat was given up on at the grace; a second one was sent during the transfer.
        expect(slow.stats.requests - requestsBefore).toBeGreaterThanOrEqual(2)
      } finally {
        await directory.remove()
      }
    })
  })
})
