/**
 * Parley's own DIDComm v2 codec interface. didcomm-node sits behind it (see `codec.ts`), so that
 * the library could be swapped by changing this folder alone.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/
 */

/** A DIDComm v2 attachment. */
export interface Attachment {
  id?: string
  description?: string
  filename?: string
  media_type?: string
  format?: string
  lastmod_time?: number
  byte_count?: number
  data: {
    json?: unknown
    base64?: string
    links?: string[]
    hash?: string
    jws?: unknown
  }
}

/** A DIDComm v2 plaintext message, as the spec names its headers. */
export interface PlaintextMessage {
  id: string
  type: string
  from?: string
  to?: string[]
  thid?: string
  pthid?: string
  created_time?: number
  expires_time?: number
  body: Record<string, unknown>
  attachments?: Attachment[]
  return_route?: 'all' | 'thread' | 'none'
  from_prior?: string
  [header: string]: unknown
}

/**
 * How a message is packed. `authcrypt` is the default: encrypted to the recipient and
 * authenticated as the sender. `signed-authcrypt` signs, then authcrypts (non-repudiation).
 */
export type PackForm =
  'authcrypt' | 'anoncrypt' | 'signed' | 'signed-authcrypt' | 'signed-anoncrypt'

/** The IANA-style media types of DIDComm v2 envelopes. */
export type DidcommMediaType =
  | 'application/didcomm-encrypted+json'
  | 'application/didcomm-signed+json'
  | 'application/didcomm-plain+json'

/** A DIDCommMessaging service endpoint, normalised. */
export interface DidcommService {
  id: string
  uri: string
  accept: string[]
  routingKeys: string[]
}

/** Options for {@link DidcommCodec.pack}. */
export interface PackOptions {
  /** Defaults to `authcrypt`. */
  form?: PackForm
}

/** A packed message and where the recipient says it can be delivered. */
export interface PackResult {
  packed: string
  mediaType: DidcommMediaType
  /** The recipient's DIDCommMessaging services, read from its DID document. */
  services: DidcommService[]
}

/** What unpacking learnt about how a message was protected. */
export interface UnpackMetadata {
  mediaType: DidcommMediaType
  encrypted: boolean
  /** Authcrypt: the sender is authenticated by its key-agreement key. */
  authenticated: boolean
  /** Signed: the sender cannot deny having sent it. */
  nonRepudiation: boolean
  anonymousSender: boolean
  /** Key id of the authcrypt sender, a DID URL. */
  encryptedFromKid?: string
  /** Key ids of the recipients the message was encrypted to. */
  encryptedToKids?: string[]
  /** Key id of the signer, a DID URL. */
  signFrom?: string
  /** didcomm-node's name of the authcrypt algorithm, e.g. `A256cbcHs512Ecdh1puA256kw`. */
  encAlgAuth?: string
  /** didcomm-node's name of the anoncrypt algorithm, e.g. `Xc20pEcdhEsA256kw`. */
  encAlgAnon?: string
  /** JWS algorithm of the signature: `EdDSA`, `ES256` or `ES256K`. */
  signAlg?: string
  /** Signed messages: the JWS itself, kept for non-repudiation. */
  signedMessage?: string
  /** The verified `from_prior` claims (DID rotation), when the message carries one. */
  fromPrior?: { iss: string; sub: string; iat?: number }
  /** Key id that signed `from_prior`. */
  fromPriorIssuerKid?: string
}

/** Options for {@link DidcommCodec.unpack}. */
export interface UnpackOptions {
  /** Accept a plaintext message. Off unless the configuration allows it. */
  allowPlaintext?: boolean
  /** The time to judge `created_time` and `expires_time` against, in seconds since the epoch. */
  now?: number
  /** Refuse an encrypted message unless every one of our keys it names can decrypt it. */
  expectDecryptByAllKeys?: boolean
}

/** An unpacked, checked message and who provably sent it. */
export interface UnpackResult {
  message: PlaintextMessage
  metadata: UnpackMetadata
  /**
   * The DID proven to have sent the message (the authcrypt sender or the signer), absent for
   * anoncrypt and plaintext.
   */
  sender?: string
}

/** DIDComm v2 pack and unpack, with the checks the underlying library leaves to the caller. */
export interface DidcommCodec {
  /**
   * Packs a message from its `from` DID (one of ours) to every DID in its `to`.
   * Only single-recipient messages are supported by Parley today.
   */
  pack(message: PlaintextMessage, options?: PackOptions): Promise<PackResult>
  /** Unpacks an envelope addressed to one of our DIDs and checks its headers. */
  unpack(packed: string, options?: UnpackOptions): Promise<UnpackResult>
  /** The DIDCommMessaging services in a DID's document. */
  services(did: string): Promise<DidcommService[]>
}
