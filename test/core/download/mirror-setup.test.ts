// Mirror setup: MirrorSet candidates in rank order without rejected ones, safe output names, mirrors whose size differs, and mirrors that answer after the start.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {connectionsPerOrigin, orderCandidates, setUpMirrors} from '../../../src/core/download/mirror-setup.js'
import {restatMirror} from '../../../src/core/download/mirror-restat.js'
import type {MirrorSet} from '../../../src/core/model.js'
import {TransportSet} from '../../../src/core/transports.js'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fetchFile} from '../../../src/core/download/engine.js'
import {makeContent, sha256Hex} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {startFtpMirror} from '../../helpers/ftp-mirror.js'
import {builtinTransports} from '../../../src/plugins/index.js'
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
      const signal = new AbortController().signal
      const {mirrors, target} = await setUpMirrors(urls, undefined, transports, events.onEvent, signal)
      // Stats that had not answered when the primary did are awaited as the transfer would.
      await Promise.all(mirrors.filter((mirror) => mirror.unverified).map((mirror) => restatMirror(mirror, 1000, signal, events.onEvent)))
      await transports.close()
      expect(target).toMatchObject({name: 'f.bin', size: 1000})
      expect(mirrors.map((mirror) => mirror.status)).toEqual(['active', 'rejected', 'rejected'])
      expect(mirrors[1]!.reason).toMatch(/size 999 differs/)
      expect(mirrors[2]!.reason).toMatch(/ENOTFOUND/)
      expect(events.of('mirror-rejected')).toHaveLength(2)
    })

    it('states a mirror of another protocol only after the first mirror answered, so loading its library does not delay the start', async () => {
      const content = makeContent(64 * 1024, 5)
      const slow = await startHttpMirror({files: {'/f.bin': content}, faults: {firstByteDelayMs: 1000}})
      const ftp = await startFtpMirror({files: {'/f.bin': content}})
      servers.push(slow)
      const transports = new TransportSet({}, builtinTransports)
      try {
        const urls = [`${slow.url}f.bin`, `${ftp.url}f.bin`]
        // A wait longer than the first answer takes: the FTP stat may start only once that answer is in.
        const {mirrors} = await setUpMirrors(urls, undefined, transports, collector().onEvent, AbortSignal.timeout(10_000), undefined, 60_000)
        expect(ftp.stats.connections).toBe(0)
        expect(mirrors[1]!.unverified).toBe(true)
        const info = await mirrors[1]!.pendingStat
        expect(info?.size).toBe(content.length)
        expect(ftp.stats.connections).toBeGreaterThan(0)
      } finally {
        await transports.close()
        await ftp.close()
      }
    })

    it('starts on the primary\'s answer, and a mirror answering later joins on its first stat, never asked twice', async () => {
      const content = makeContent(2 * 1024 * 1024, 4)
      const fast = await startHttpMirror({files: {'/f.bin': content}, faults: {bandwidth: 256 * 1024}})
      // Answers every request after 0.7 s: its stat arrives after the start, and then it is the fastest.
      const joining = await startHttpMirror({files: {'/f.bin': content}, faults: {firstByteDelayMs: 700}})
      // Never answers within the test.
      const silent = await startHttpMirror({files: {'/f.bin': content}, faults: {firstByteDelayMs: 60_000}})
      servers.push(fast, joining, silent)
      const urls = [`${fast.url}f.bin`, `${joining.url}f.bin`, `${silent.url}f.bin`]
      const transports = new TransportSet({}, transportFactories)
      const {mirrors} = await setUpMirrors(urls, undefined, transports, collector().onEvent, AbortSignal.timeout(10_000))
      await transports.close()
      expect(mirrors.map((mirror) => [mirror.status, mirror.unverified])).toEqual([['active', false], ['active', true], ['active', true]])
      const directory = await temporaryDirectory()
      try {
        const output = join(directory.path, 'out.bin')
        const silentBefore = silent.stats.requests
        // No reference look-up: its requests to the secondaries would be counted too.
        const summary = await fetchFile({urls, output, pieceLength: 64 * 1024, sampleMs: 100, reference: {lookup: false}, transportFactories}, {signal: AbortSignal.timeout(20_000)})
        expect(sha256Hex(readFileSync(output))).toBe(sha256Hex(content))
        expect(summary.mirrors[1]!.state).not.toBe('rejected')
        expect(summary.mirrors[1]!.bytes).toBeGreaterThan(0)
        // The silent mirror's one stat was awaited during the transfer, not given up on and sent again.
        expect(silent.stats.requests - silentBefore).toBe(1)
      } finally {
        await directory.remove()
      }
    })
  })
})
