// The file: transport passes the contract and notices a rewritten file.
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'
import {fileTransport} from '../../../src/plugins/transports/file.js'
import {makeContent} from '../../helpers/content.js'
import {collect, describeTransportContract} from './contract.js'

describeTransportContract('file', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'mirrorkit-file-'))
  const content = makeContent(300_000, 7)
  await writeFile(join(directory, 'f.bin'), content)
  return {
    transport: fileTransport.create({}),
    fileUrl: pathToFileURL(join(directory, 'f.bin')),
    content,
    missingUrl: pathToFileURL(join(directory, 'missing.bin')),
    teardown: () => rm(directory, {recursive: true, force: true}),
  }
})

describe('file transport', () => {
  it('refuses a read whose etag no longer matches, and a range past the end', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'mirrorkit-file-'))
    try {
      const url = pathToFileURL(join(directory, 'g.bin'))
      await writeFile(url, 'first version')
      const transport = fileTransport.create({})
      const signal = AbortSignal.timeout(5000)
      const {etag} = await transport.stat(url, {signal})
      expect((await collect(transport.read(url, {offset: 0, length: 5}, {signal, etag}))).toString()).toBe('first')
      await writeFile(url, 'second, longer version')
      await expect(collect(transport.read(url, undefined, {signal, etag}))).rejects.toMatchObject({code: 'ECHANGED'})
      await expect(collect(transport.read(url, {offset: 20, length: 10}, {signal}))).rejects.toMatchObject({code: 'ESHORT'})
      await expect(transport.stat(pathToFileURL(directory), {signal})).rejects.toMatchObject({code: 'ENOTFOUND'})
    } finally {
      await rm(directory, {recursive: true, force: true})
    }
  })
})
