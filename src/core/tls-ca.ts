// Trust for a private certificate authority: the PEM certificates a user names with --ca-certificate, in place of the public roots.
import {createSecureContext, type SecureContext} from 'node:tls'

/** One context per PEM text, so every connection of a run (HTTPS, FTPS, RTT probes) shares it. */
const contexts = new Map<string, SecureContext>()

/**
 * A TLS context that trusts exactly the certificates in `pem` (one or several), or undefined (Node's
 * public roots and NODE_EXTRA_CA_CERTS) when no file was named. The file replaces the public roots,
 * as `aria2c --ca-certificate` and `curl --cacert` do; to trust both, name a file that also holds the
 * system bundle. Adding the file to the public roots instead made the first HTTPS connection of every
 * run parse Node's ~140 bundled roots (22-26 ms on this host) before its first request could leave.
 */
export function trustContext(pem: string | undefined): SecureContext | undefined {
  if (pem === undefined) return undefined
  let context = contexts.get(pem)
  if (!context) {
    context = createSecureContext({ca: pem})
    contexts.set(pem, context)
  }
  return context
}
