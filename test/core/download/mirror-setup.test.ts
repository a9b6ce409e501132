// Mirror setup: MirrorSet candidates in rank order without rejected ones, safe output names, and mirrors whose size differs.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {orderCandidates, sanitiseName, setUpMirrors} from '../../../src/core/download/mirror-setup.js'
import type {MirrorSet} from '../../../src/core/model.js'
import {TransportSet} from '../../../src/core/transports.js'
import {makeContent} from '../../helpers/content.js'
import {startHttpMirror, type HttpMirror} from '../../helpers/http-mirror.js'
import {collector, transportFactories} from './helpers.js'

const verdict = (status: 'ok' | 'mismatch' | 'unreachable') => ({status, checks: [], checkedAt: '', summary: ''})

describe('mirror setup', () => {
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

  it('makes names safe to create', () => {
    expect(sanitiseName('../../etc/passwd')).toBe('passwd')
    expect(sanitiseName('.hidden')).toBe('hidden')
    expect(sanitiseName('a\u0000b.iso')).toBe('ab.iso')
    expect(sanitiseName('')).toBe('download')
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
  })
})
