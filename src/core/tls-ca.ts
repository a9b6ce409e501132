// Trust for a private certificate authority: Node's bundled roots plus the PEM certificates a user names with --ca-certificate.
import {rootCertificates} from 'node:tls'

/**
 * The `ca` option for a TLS connection that trusts `extra` (PEM text) as well as the public roots,
 * or undefined (Node's defaults) when there is nothing extra. Giving `ca` replaces Node's store, so
 * the bundled roots are listed again; NODE_EXTRA_CA_CERTS is not re-added.
 */
export function trustedCertificates(extra: string | undefined): string[] | undefined {
  return extra === undefined ? undefined : [...rootCertificates, extra]
}
