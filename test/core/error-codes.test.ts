import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {ERROR_CODES, FOREIGN_CODES, isErrorCode} from '../../src/core/error-codes.js'
import {MirrorError, TransportError, UsageError} from '../../src/core/errors.js'
// @ts-expect-error: a plain ES module script without types
import {renderReadme} from '../../scripts/readme-tables.js'
import * as catalogue from '../../src/core/error-codes.js'

const root = path.resolve(import.meta.dirname, '../..')

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, {withFileTypes: true, recursive: true})
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
}

/** Every quoted string that looks like an error code ('EXYZ', "EXYZ", `EXYZ`), with where it stands. */
function codeLiterals(text: string): string[] {
  return [...text.matchAll(/['"`](E[A-Z][A-Z_]+)['"`]/g)].map((match) => match[1]!)
}

describe('the error-code catalogue', () => {
  const files = sourceFiles(path.join(root, 'src'))

  it('holds every error code literal written in src (or names it as a foreign code we only read)', () => {
    const unknown: string[] = []
    for (const file of files) {
      for (const code of codeLiterals(readFileSync(file, 'utf8'))) {
        if (!isErrorCode(code) && !FOREIGN_CODES.includes(code)) unknown.push(`${path.relative(root, file)}: ${code}`)
      }
    }
    expect(unknown).toEqual([])
  })

  it('notices a code that is not in it', () => {
    const literals = codeLiterals("throw new TransportError('x', 'EBRANDNEW')")
    expect(literals.filter((code) => !isErrorCode(code))).toEqual(['EBRANDNEW'])
  })

  it('lists no code that src never uses', () => {
    const text = files.filter((file) => !file.endsWith('error-codes.ts')).map((file) => readFileSync(file, 'utf8')).join('\n')
    const used = new Set(codeLiterals(text))
    expect(Object.keys(ERROR_CODES).filter((code) => !used.has(code))).toEqual([])
  })

  it('decides the exit code and the default retryability of every error', () => {
    expect(new TransportError('gone', 'ENOTFOUND').exitCode).toBe(3)
    expect(new TransportError('refused', 'ECONNREFUSED')).toMatchObject({exitCode: 5, retryable: true})
    expect(new UsageError('bad')).toMatchObject({code: 'EUSAGE', exitCode: 2, retryable: false})
    expect(new MirrorError('quota', 'ENOSPC').exitCode).toBe(6)
    expect(new TransportError('5xx', 'EHTTP', {retryable: true}).retryable).toBe(true)
    expect(new TransportError('4xx', 'EHTTP').retryable).toBe(false)
  })

  it('is what the README tables say (run `npm run readme` after changing it)', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    expect(renderReadme(readme, catalogue)).toBe(readme)
  })

  it('makes the README check fail when the README drifts', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    const drifted = readme.replace('| `ETLS` | 5 | no |', '| `ETLS` | 5 | yes |')
    expect(drifted).not.toBe(readme)
    expect(renderReadme(drifted, catalogue)).toBe(readme)
  })
})
