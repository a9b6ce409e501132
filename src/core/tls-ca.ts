// Trust for a private certificate authority: Node's bundled roots plus the PEM certificates a user names with --ca-certificate.
import {createSecureContext, rootCertificates, type SecureContext} from 'node:tls'

/** The one internal method this file leans on; see trustContext. */
type NativeContext = {addCACert?: (pem: string) => void}

/** One context per PEM text, so every connection of a run (HTTPS, FTPS, RTT probes) shares it. */
const contexts = new Map<string, SecureContext>()

/**
 * A TLS context that trusts `extra` (PEM text) as well as the public roots and NODE_EXTRA_CA_CERTS,
 * or undefined (Node's defaults) when there is nothing extra. Given as `ca`, Node parses the ~140
 * bundled roots again into a store of its own: 23 ms on this host, on the path to the first byte of
 * every HTTPS run. Adding the extra certificate to a default context reuses Node's own root store
 * (0.6 ms once that store exists; the process's first TLS context parses it, ~15-22 ms here, which
 * any HTTPS connection pays). That method is internal to Node (used the same way by win-ca and
 * mac-ca); where it is missing the slow, documented way is taken.
 */
export function trustContext(extra: string | undefined): SecureContext | undefined {
  if (extra === undefined) return undefined
  let context = contexts.get(extra)
  if (context) return context
  context = createSecureContext()
  const native = (context as SecureContext & {context?: NativeContext}).context
  if (typeof native?.addCACert === 'function') native.addCACert(extra)
  else context = createSecureContext({ca: [...rootCertificates, extra]})
  contexts.set(extra, context)
  return context
}
