/**
 * The development PKI: a CA and, per agent, a certificate for both TLS server and client
 * authentication, naming the host (DNS and IP SANs) and the agent's DID (a URI SAN), so that the
 * transport can bind a connection to the DID that sends on it.
 *
 * For development and tests only: the CA key sits in a file next to its certificate. With a real
 * CA, issue the same profile (ECDSA P-256 or RSA, EKU serverAuth + clientAuth, URI SAN with the
 * DID) and point `transport.tls` at the files.
 */
import 'reflect-metadata'

import { webcrypto } from 'node:crypto'
import { isIP } from 'node:net'

import * as x509 from '@peculiar/x509'

type CryptoKey = webcrypto.CryptoKey
type CryptoKeyPair = webcrypto.CryptoKeyPair

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1])

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
const DAY_MS = 24 * 3600 * 1000

/** A certificate and its private key, both PEM. */
export interface PemPair {
  cert: string
  key: string
}

/** A CA ready to issue certificates. */
export interface CertificateAuthority extends PemPair {
  /** The CA's distinguished name, `CN=...`. */
  name: string
}

/** Options for {@link createCa}. */
export interface CreateCaOptions {
  /** Common name; defaults to `Parley development CA`. */
  commonName?: string
  /** Days of validity; defaults to 3650. */
  days?: number
}

/** Options for {@link issueCertificate}. */
export interface IssueCertificateOptions {
  commonName: string
  /** DNS names and IP addresses for the SAN; defaults to `localhost` and `127.0.0.1`. */
  hosts?: string[]
  /** The agent's DID, written as a URI SAN. */
  did?: string
  /** Extended key usages; defaults to server and client authentication. */
  usages?: ('serverAuth' | 'clientAuth')[]
  /** Validity window; defaults to now minus one hour, for a year. */
  notBefore?: Date
  notAfter?: Date
}

/** Creates a self-signed CA certificate and key. */
export async function createCa(options: CreateCaOptions = {}): Promise<CertificateAuthority> {
  const name = `CN=${options.commonName ?? 'Parley development CA'}`
  const keys = await generateKeys()
  const notBefore = new Date(Date.now() - 3600 * 1000)

  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (options.days ?? 3650) * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })

  return { name, cert: cert.toString('pem'), key: await exportKey(keys.privateKey) }
}

/**
 * Issues a certificate signed by a CA.
 *
 * @throws TypeError when a host is empty.
 */
export async function issueCertificate(
  ca: CertificateAuthority,
  options: IssueCertificateOptions,
): Promise<PemPair> {
  const hosts = options.hosts ?? ['localhost', '127.0.0.1']
  if (hosts.some((host) => host === '')) throw new TypeError('a host name cannot be empty')

  const caCert = new x509.X509Certificate(ca.cert)
  const caKey = await importKey(ca.key)
  const keys = await generateKeys()
  const notBefore = options.notBefore ?? new Date(Date.now() - 3600 * 1000)
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + 365 * DAY_MS)

  const names: x509.JsonGeneralName[] = hosts.map((host) => ({
    type: isIP(host) === 0 ? 'dns' : 'ip',
    value: host,
  }))
  if (options.did !== undefined) names.push({ type: 'url', value: options.did })

  const usages = (options.usages ?? ['serverAuth', 'clientAuth']).map(
    (usage) => x509.ExtendedKeyUsage[usage],
  )

  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${options.commonName}`,
    issuer: caCert.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(usages, false),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  })

  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) }
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair
}

async function exportKey(key: CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key)
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0]
  if (der === undefined) throw new TypeError('the CA key is not PEM')
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign'])
}

function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return Buffer.from(bytes).toString('hex')
}
