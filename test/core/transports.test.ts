// The transport registry as the engine sees it: one transport per scheme, with the facts the scheduler reads kept through the credentials wrapper.
import {afterAll, describe, expect, it} from 'vitest'
import {TransportSet} from '../../src/core/transports.js'
import type {Transport, TransportFactory} from '../../src/plugins/types.js'

describe('TransportSet', () => {
  const set = new TransportSet({netrc: false})
  afterAll(() => set.close())

  it("keeps a transport's openEndedReads: FTP's reads run to the end of the file, HTTP's and SFTP's do not", () => {
    expect(set.for(new URL('ftp://127.0.0.1/f.bin')).openEndedReads).toBe(true)
    expect(set.for(new URL('ftps://127.0.0.1/f.bin')).openEndedReads).toBe(true)
    expect(set.for(new URL('http://127.0.0.1/f.bin')).openEndedReads).toBeUndefined()
    expect(set.for(new URL('sftp://127.0.0.1/f.bin')).openEndedReads).toBeUndefined()
  })

  it('passes on every member a transport has: Required<Transport> makes a member added to the type fail here until the wrapper carries it', async () => {
    const full: Required<Transport> = {
      name: 'full',
      protocols: ['full:'],
      openEndedReads: true,
      stat: async () => ({size: 1, acceptsRanges: true, digests: [], links: [], finalUrl: 'full://host/f'}),
      read: async function* () {},
      open: async () => ({info: {size: 1, acceptsRanges: true, digests: [], links: [], finalUrl: 'full://host/f'}}),
      ping: async () => 1,
      close: async () => undefined,
    }
    const factory: TransportFactory = {name: 'full', protocols: ['full:'], create: () => full}
    const wrapped = new TransportSet({netrc: false}, [factory]).for(new URL('full://host/f'))
    expect(Object.keys(wrapped).sort()).toEqual(Object.keys(full).sort())
    expect(wrapped.openEndedReads).toBe(true)
  })

  it('creates each transport once per run and names an unsupported scheme', () => {
    expect(set.for(new URL('http://127.0.0.1/a'))).toBe(set.for(new URL('https://127.0.0.1/b')))
    expect(() => set.for(new URL('gopher://127.0.0.1/f'))).toThrow(/unsupported URL scheme "gopher"/)
  })
})
