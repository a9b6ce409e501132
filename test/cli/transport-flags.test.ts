// The shared transport flags: flags win over the config file, and unsafe options are only on when asked for.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {transportOptionsFrom} from '../../src/cli/transport-flags.js'

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
