/**
 * Public-key encodings met in DID documents: multibase multikeys, base58 and JWKs, converted to
 * one form (a JWK with only `kty`, `crv`, `x` and `y`) that didcomm-node accepts.
 *
 * @see https://w3c-ccg.github.io/multicodec/ (multicodec key prefixes)
 */
import { ECDH } from 'node:crypto'

import { base58btc } from 'multiformats/bases/base58'
import { varint } from 'multiformats'

/** The key types Parley understands. */
export type KeyCurve = 'Ed25519' | 'X25519' | 'P-256' | 'secp256k1' | 'P-384' | 'P-521'

/** A public JWK stripped to the members didcomm-node accepts (it refuses `alg`). */
export interface PublicJwk {
  kty: 'OKP' | 'EC'
  crv: KeyCurve
  x: string
  y?: string
}

/** Raw public-key bytes and their curve. */
export interface RawPublicKey {
  curve: KeyCurve
  bytes: Uint8Array
}

const CODEC_BY_CURVE: Record<KeyCurve, number> = {
  Ed25519: 0xed,
  X25519: 0xec,
  'P-256': 0x1200,
  secp256k1: 0xe7,
  'P-384': 0x1201,
  'P-521': 0x1202,
}

const CURVE_BY_CODEC = new Map<number, KeyCurve>(
  Object.entries(CODEC_BY_CURVE).map(([curve, codec]) => [codec, curve as KeyCurve]),
)

const RAW_LENGTH: Partial<Record<KeyCurve, number>> = { Ed25519: 32, X25519: 32 }

const OPENSSL_CURVE: Partial<Record<KeyCurve, string>> = {
  'P-256': 'prime256v1',
  secp256k1: 'secp256k1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
}

/**
 * Decodes a multibase (base58btc, `z`) multicodec public key.
 *
 * @throws TypeError when the string is not base58btc multibase, the codec is unknown, or the key
 *   has the wrong length for its curve.
 */
export function decodeMultikey(multibase: string): RawPublicKey {
  if (!multibase.startsWith('z')) throw new TypeError('multikey must be base58btc (z...)')

  const data = base58btc.decode(multibase)
  const [codec, offset] = varint.decode(data)
  const curve = CURVE_BY_CODEC.get(codec)
  if (curve === undefined)
    throw new TypeError(`unknown multicodec key type 0x${codec.toString(16)}`)

  const bytes = data.subarray(offset)
  const length = RAW_LENGTH[curve]
  if (length !== undefined && bytes.length !== length) {
    throw new TypeError(`${curve} key must be ${length} bytes, got ${bytes.length}`)
  }

  return { curve, bytes }
}

/** Encodes raw public-key bytes as a base58btc multibase multikey (`z6Mk...`, `z6LS...`). */
export function encodeMultikey(key: RawPublicKey): string {
  const codec = CODEC_BY_CURVE[key.curve]
  const prefix = varint.encodeTo(codec, new Uint8Array(varint.encodingLength(codec)))
  const data = new Uint8Array(prefix.length + key.bytes.length)
  data.set(prefix)
  data.set(key.bytes, prefix.length)
  return base58btc.encode(data)
}

/** Decodes plain base58btc (no multibase prefix), as in `publicKeyBase58`. */
export function decodeBase58(text: string): Uint8Array {
  return base58btc.baseDecode(text)
}

/**
 * Converts raw public-key bytes to a JWK. EC keys may be compressed (33 bytes) or uncompressed.
 *
 * @throws TypeError when an EC point is not valid for its curve.
 */
export function rawToJwk(key: RawPublicKey): PublicJwk {
  if (key.curve === 'Ed25519' || key.curve === 'X25519') {
    return { kty: 'OKP', crv: key.curve, x: base64url(key.bytes) }
  }

  const opensslCurve = OPENSSL_CURVE[key.curve] as string
  const point = ECDH.convertKey(key.bytes, opensslCurve, undefined, undefined, 'uncompressed')
  const uncompressed = point as Buffer
  const size = (uncompressed.length - 1) / 2

  return {
    kty: 'EC',
    crv: key.curve,
    x: base64url(uncompressed.subarray(1, 1 + size)),
    y: base64url(uncompressed.subarray(1 + size)),
  }
}

/**
 * Keeps only `kty`, `crv`, `x` and `y` of a public JWK.
 *
 * @throws TypeError when those members are missing or of the wrong type.
 */
export function stripJwk(jwk: unknown): PublicJwk {
  const { kty, crv, x, y } = (jwk ?? {}) as Record<string, unknown>
  if (kty !== 'OKP' && kty !== 'EC') throw new TypeError('JWK kty must be OKP or EC')
  if (typeof crv !== 'string' || typeof x !== 'string') throw new TypeError('JWK needs crv and x')
  if (kty === 'EC' && typeof y !== 'string') throw new TypeError('EC JWK needs y')

  const stripped: PublicJwk = { kty, crv: crv as KeyCurve, x }
  if (typeof y === 'string') stripped.y = y
  return stripped
}

/** The raw bytes of an OKP JWK's `x`. */
export function okpBytes(jwk: PublicJwk): Uint8Array {
  return Buffer.from(jwk.x, 'base64url')
}

/** Base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}
