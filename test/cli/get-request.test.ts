// How get merges its flags with config.json: a flag wins, then the config, then the stage's own default.
import {describe, expect, it} from 'vitest'
import {buildGetRequest, type GetFlags} from '../../src/cli/get-request.js'

const base: GetFlags = {full: false, 'ignore-name': false, by: 'score', history: false, restart: false, insecure: false}
const empty = {engines: [], engineBases: {}}

describe('buildGetRequest', () => {
  it('takes config values when no flag is given, and flags over config', () => {
    const config = {...empty, connections: 6, perMirror: 2, stallTimeout: 9, verifySamples: 5, rankBudget: 400, lists: ['/a.txt'], knownHosts: '/kh'}
    const fromConfig = buildGetRequest('https://example.org/f', base, config, '/data')
    expect(fromConfig.fetch).toMatchObject({connections: 6, perMirror: 2, stallTimeoutMs: 9000})
    expect(fromConfig.verify).toMatchObject({samples: 5})
    expect(fromConfig.rank?.throughput).toEqual({maxMs: 400})
    expect(fromConfig.discover?.lists).toEqual(['/a.txt'])
    expect(fromConfig.transportOptions).toMatchObject({knownHosts: '/kh'})
    const fromFlags = buildGetRequest('https://example.org/f', {...base, connections: 3, samples: 0, list: ['/b.txt'], 'rank-budget': 100}, config, '/data')
    expect(fromFlags.fetch).toMatchObject({connections: 3, perMirror: 2})
    expect(fromFlags.verify).toMatchObject({samples: 0})
    expect(fromFlags.rank?.throughput).toEqual({maxMs: 100})
    expect(fromFlags.discover?.lists).toEqual(['/a.txt', '/b.txt'])
  })

  it('leaves unset values out, so the stages apply their own defaults', () => {
    const request = buildGetRequest('https://example.org/f', base, empty, '/data')
    expect(request.fetch).toEqual({checksums: [], restart: false})
    expect(request.verify).toEqual({full: false, ignoreName: false})
    expect(request.rank).toEqual({by: 'score'})
    expect(request.directory).toBeUndefined()
    expect(request.discover?.sources).toBeUndefined()
  })

  it('passes the reference settings to fetch: --keyring over the config\'s keyring, --no-reference-lookup, --require-reference', () => {
    expect(buildGetRequest('https://example.org/f', base, {...empty, keyring: '/config.gpg'}, '/d').fetch?.reference).toEqual({keyring: '/config.gpg'})
    const flags = {...base, keyring: '/flag.gpg', 'reference-lookup': false, 'require-reference': true}
    expect(buildGetRequest('https://example.org/f', flags, {...empty, keyring: '/config.gpg'}, '/d').fetch?.reference).toEqual({keyring: '/flag.gpg', lookup: false, require: true})
  })

  it('passes --accept-unknown-host-keys to the transports, and leaves it out otherwise', () => {
    expect(buildGetRequest('sftp://h/f', {...base, 'accept-unknown-host-keys': true}, empty, '/d').transportOptions).toMatchObject({acceptUnknownHostKeys: true})
    expect(buildGetRequest('sftp://h/f', base, empty, '/d').transportOptions).not.toHaveProperty('acceptUnknownHostKeys')
  })

  it('turns search on when engines are named, and refuses malformed pairs', () => {
    expect(buildGetRequest('https://example.org/f', {...base, engine: ['searxng']}, empty, '/d').discover?.sources).toContain('search')
    expect(() => buildGetRequest('https://example.org/f', {...base, 'engine-base': ['nobase']}, empty, '/d')).toThrow(/name=value/)
    expect(buildGetRequest('https://example.org/f', {...base, history: true}, empty, '/d').rank?.historyPath).toBe('/d/host-history.json')
  })
})
