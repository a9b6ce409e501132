// The HTTP transport imports undici's Agent by file path; this proves it is the class the package exports, so an undici upgrade that moves it fails here.
import {describe, expect, it} from 'vitest'

describe('undici Agent import', () => {
  it('is the same class as undici exports', async () => {
    const byPath = (await import('undici/lib/dispatcher/agent.js')).default
    const {Agent} = await import('undici')
    expect(byPath).toBe(Agent)
  })

  it('imports the connector undici exports as buildConnector, which close() uses to end connects in progress', async () => {
    const byPath = (await import('undici/lib/core/connect.js')).default
    const {buildConnector} = await import('undici')
    expect(byPath).toBe(buildConnector)
  })
})
