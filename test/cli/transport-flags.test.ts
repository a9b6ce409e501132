// The shared transport flags: flags win over the config file, and unsafe options are only on when asked for.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {transportFlags, transportOptionsFrom} from '../../src/cli/transport-flags.js'
import Discover from '../../src/commands/discover.js'
import Fetch from '../../src/commands/fetch.js'
import Get from '../../src/commands/get.js'
import Rank from '../../src/commands/rank.js'
import Verify from '../../src/commands/verify.js'
import {errorCode, runCli} from '../helpers/run-cli.js'

describe('transportOptionsFrom', () => {
  it('is empty (all checks on) when nothing is set', () => {
    expect(transportOptionsFrom({insecure: false, 'accept-unknown-host-keys': false})).toEqual({})
  })

  it('falls back to the config and lets flags override it', () => {
    const config = {identity: '/keys/a', knownHosts: '/kh/a', connectTimeout: 7}
    expect(transportOptionsFrom({}, config)).toEqual({identity: '/keys/a', knownHosts: '/kh/a', connectTimeout: 7000})
    expect(transportOptionsFrom({identity: '/keys/b', 'connect-timeout': 2}, config)).toEqual({identity: '/keys/b', knownHosts: '/kh/a', connectTimeout: 2000})
  })

  it('reads --ca-certificate (or the caCertificate key) into ca, the flag winning', () => {
    const directory = mkdtempSync(join(tmpdir(), 'mirrorkit-ca-'))
    try {
      const [flagFile, configFile] = [join(directory, 'flag.pem'), join(directory, 'config.pem')]
      writeFileSync(flagFile, '-----BEGIN CERTIFICATE-----\nflag\n-----END CERTIFICATE-----\n')
      writeFileSync(configFile, '-----BEGIN CERTIFICATE-----\nconfig\n-----END CERTIFICATE-----\n')
      expect(transportOptionsFrom({}, {caCertificate: configFile}).ca).toContain('config')
      expect(transportOptionsFrom({'ca-certificate': flagFile}, {caCertificate: configFile}).ca).toContain('flag')
      expect(() => transportOptionsFrom({'ca-certificate': join(directory, 'missing.pem')})).toThrow(expect.objectContaining({code: 'EINPUT'}))
    } finally {
      rmSync(directory, {recursive: true, force: true})
    }
  })

  it('passes the unsafe opt-outs through only when given', () => {
    expect(transportOptionsFrom({insecure: true, 'accept-unknown-host-keys': true})).toEqual({insecure: true, acceptUnknownHostKeys: true})
  })
})

describe('commands that open connections', () => {
  it('declare the shared transport flags themselves, not copies', () => {
    for (const command of [Discover, Verify, Rank, Fetch, Get]) {
      for (const [name, flag] of Object.entries(transportFlags)) expect([command.name, name, (command.flags as Record<string, unknown>)[name]]).toEqual([command.name, name, flag])
    }
  })

  it('fetch reads the config file, as verify and rank do', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'mirrorkit-fetch-config-'))
    try {
      const config = join(directory, 'config.json')
      writeFileSync(config, JSON.stringify({connectTimeout: 'soon'}))
      const result = await runCli(['fetch', 'http://127.0.0.1:9/f.bin', '-o', join(directory, 'f.bin'), '--config', config])
      expect([result.code, errorCode(result)]).toEqual([2, 'ECONFIG'])
      expect(result.stderr).toContain('connectTimeout')
    } finally {
      rmSync(directory, {recursive: true, force: true})
    }
  })
})
