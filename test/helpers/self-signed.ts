// A throwaway self-signed certificate for 127.0.0.1, made with openssl, so TLS checks can be tested on loopback.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export type SelfSigned = {cert: string; key: string}

/** Needs the openssl binary; the key and certificate are read back and their temp directory removed. */
export function makeSelfSignedCertificate(): SelfSigned {
  const directory = mkdtempSync(join(tmpdir(), 'mirrorkit-cert-'))
  try {
    const keyPath = join(directory, 'key.pem')
    const certPath = join(directory, 'cert.pem')
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', keyPath, '-out', certPath,
    ], {stdio: 'ignore', timeout: 20_000})
    return {cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8')}
  } finally {
    rmSync(directory, {recursive: true, force: true})
  }
}
