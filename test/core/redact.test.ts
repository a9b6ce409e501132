// Credentials never reach output: URLs and free text are both redacted.
import {describe, expect, it} from 'vitest'
import {redactText, redactUrl} from '../../src/core/redact.js'

describe('redact', () => {
  it('hides the password of a URL', () => {
    expect(redactUrl('ftp://alice:s3cret@host/f')).toBe('ftp://alice:***@host/f')
    expect(redactUrl('http://host/f')).toBe('http://host/f')
  })

  it('hides passwords inside messages', () => {
    expect(redactText('cannot reach sftp://bob:hunter2@10.0.0.1:22/x (EAUTH)')).toBe('cannot reach sftp://bob:***@10.0.0.1:22/x (EAUTH)')
    expect(redactText('no secrets here')).toBe('no secrets here')
  })

  it('redacts text that is not a parseable URL', () => {
    expect(redactUrl('http://u:p@[bad')).not.toContain(':p@')
  })
})
