import {describe, expect, it} from 'vitest'
import {holds, until} from './until.js'

describe('until and holds', () => {
  it('resolves once the condition holds, and fails naming it when it never does', async () => {
    let ready = false
    setImmediate(() => (ready = true))
    await until(() => ready, 'ready')
    await expect(until(() => false, 'the moon is blue', {timeout: 30})).rejects.toThrow(/waiting until the moon is blue/)
  })

  it('fails as soon as a property stops holding', async () => {
    let count = 0
    await holds(() => count === 0, 'count stays 0', 30)
    setImmediate(() => count++)
    await expect(holds(() => count === 0, 'count stays 0', 1000)).rejects.toThrow(/stopped holding: count stays 0/)
  })
})
