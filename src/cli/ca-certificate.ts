// Reads the PEM file of --ca-certificate (or the caCertificate config key) once, with a one-line error when it is unreadable or holds no certificate.
import {readFileSync} from 'node:fs'
import {UsageError} from '../core/errors.js'

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----'

/** The file's PEM text, for TransportOptions.ca; undefined when no file is named. */
export function readCaCertificate(file: string | undefined): string | undefined {
  if (file === undefined) return undefined
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new UsageError(`--ca-certificate ${file}: cannot read it (${code})`, 'EINPUT', error)
  }
  if (!text.includes(PEM_CERTIFICATE)) throw new UsageError(`--ca-certificate ${file}: no PEM certificate in it (expected ${PEM_CERTIFICATE})`, 'EINPUT')
  return text
}
