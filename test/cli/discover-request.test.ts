import {describe, expect, it} from 'vitest'
import {buildDiscoverRequest} from '../../src/cli/discover-request.js'
import type {Config} from '../../src/core/config.js'

const config: Config = {
  lists: ['/etc/mirrors.txt'],
  sourceTimeout: 7,
  connectTimeout: 3,
  knownHosts: '/k',
  engines: [{name: 'mine', kind: 'html', path: '/?q={query}', results: {selector: 'a'}}],
  engineBases: {searxng: 'https://searx.example', bing: 'https://bing.example'},
}

describe('buildDiscoverRequest', () => {
  it('takes flags over config over defaults, and adds flag lists to config lists', () => {
    const request = buildDiscoverRequest('f.iso', {list: ['extra.txt'], timeout: 2, 'engine-base': ['bing=http://127.0.0.1:1/b'], var: ['repo=core'], insecure: false}, config, [])
    expect(request).toMatchObject({
      argument: 'f.iso',
      lists: ['/etc/mirrors.txt', 'extra.txt'],
      timeoutMs: 2000,
      variables: {repo: 'core'},
      engineBases: {searxng: 'https://searx.example', bing: 'http://127.0.0.1:1/b'},
      transportOptions: {connectTimeout: 3000, knownHosts: '/k'},
    })
    expect(request.sources).toBeUndefined()
    expect(buildDiscoverRequest('f.iso', {insecure: false}, {engines: [], engineBases: {}}, []).timeoutMs).toBe(20_000)
  })

  it('passes --accept-unknown-host-keys to the transports only when given', () => {
    expect(buildDiscoverRequest('sftp://h/f.iso', {insecure: false, 'accept-unknown-host-keys': true}, config, []).transportOptions).toMatchObject({acceptUnknownHostKeys: true})
    expect(buildDiscoverRequest('sftp://h/f.iso', {insecure: false}, config, []).transportOptions).not.toHaveProperty('acceptUnknownHostKeys')
  })

  it('turns search on for a URL when engines are named, unless --source says otherwise', () => {
    expect(buildDiscoverRequest('https://x.example/f.iso', {engine: ['bing'], insecure: false}, config, []).sources).toEqual(['metalink', 'headers', 'neighbours', 'list', 'search'])
    expect(buildDiscoverRequest('https://x.example/f.iso', {engine: ['bing'], source: ['headers'], insecure: false}, config, []).sources).toEqual(['headers'])
  })
})
