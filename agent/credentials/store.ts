/**
 * The holder's credential store: credentials kept in Veramo's data store (the agent's SQLite
 * file), listed, shown, deleted and queried by type, issuer and claim values.
 *
 * Only verified credentials are saved (the type of {@link CredentialStore.save} says so). A
 * credential's id in the store is Veramo's hash of it, so saving the same credential twice keeps
 * one copy.
 */
import type { FindArgs, TCredentialColumns } from '@veramo/core'

import { StorageNotFoundError } from '../errors.js'
import { silentLogger, type Logger } from '../logger.js'
import type { VeramoAgent } from '../veramo.js'
import { decodeCredentialJwt, type DecodedCredential } from './jwt.js'
import type { VerifiedCredential } from './verify.js'

/** A credential as the store shows it. */
export interface StoredCredential extends DecodedCredential {
  /** The credential's id in the store. */
  hash: string
}

/** Filters for {@link CredentialStore.list}; every given filter must hold. */
export interface CredentialQuery {
  /** One of the credential's types, for example `KycCredential`. */
  type?: string
  /** The issuer's DID. */
  issuer?: string
  /** Claims of the subject and their exact values (compared as JSON). */
  claims?: Record<string, unknown>
}

/**
 * Credentials in Veramo's data store.
 *
 * Queries narrow by issuer and type in SQL, then compare types and claim values exactly in
 * memory: Veramo keeps claim values as text, so `2` and `"2"` cannot be told apart in SQL. This
 * suits a holder's store of hundreds of credentials, not a bulk archive.
 */
export class CredentialStore {
  readonly #veramo: VeramoAgent
  readonly #logger: Logger

  constructor(veramo: VeramoAgent, logger: Logger = silentLogger()) {
    this.#veramo = veramo
    this.#logger = logger
  }

  /** Saves a verified credential; saving one already stored changes nothing. */
  async save(credential: VerifiedCredential): Promise<StoredCredential> {
    const hash = await this.#veramo.dataStoreSaveVerifiableCredential({
      verifiableCredential: credential.document,
    })
    this.#logger.info(
      { hash, issuer: credential.issuer, type: credential.type },
      'credential stored',
    )

    const { document: _document, ...decoded } = credential
    return { ...decoded, hash }
  }

  /** Lists the credentials matching the query, most recently issued first. */
  async list(query: CredentialQuery = {}): Promise<StoredCredential[]> {
    const where: FindArgs<TCredentialColumns>['where'] = []
    if (query.issuer !== undefined) where.push({ column: 'issuer', value: [query.issuer] })
    if (query.type !== undefined) {
      where.push({ column: 'type', value: [`%${query.type}%`], op: 'Like' })
    }

    const rows = await this.#veramo.dataStoreORMGetVerifiableCredentials({
      where,
      order: [{ column: 'issuanceDate', direction: 'DESC' }],
    })

    return rows
      .map((row) => stored(row.hash, row.verifiableCredential.proof.jwt as string))
      .filter((credential) => matches(credential, query))
  }

  /**
   * Shows one credential.
   *
   * @throws StorageNotFoundError (`ERR_STORAGE_NOT_FOUND`) when no credential has that hash.
   */
  async show(hash: string): Promise<StoredCredential> {
    const [row] = await this.#veramo.dataStoreORMGetVerifiableCredentials({
      where: [{ column: 'hash', value: [hash] }],
    })
    if (row === undefined) throw new StorageNotFoundError(`no credential ${hash}`)

    return stored(row.hash, row.verifiableCredential.proof.jwt as string)
  }

  /**
   * Deletes one credential and its claims.
   *
   * @throws StorageNotFoundError (`ERR_STORAGE_NOT_FOUND`) when no credential has that hash.
   */
  async delete(hash: string): Promise<void> {
    await this.show(hash)

    await this.#veramo.dataStoreDeleteVerifiableCredential({ hash })
    this.#logger.info({ hash }, 'credential deleted')
  }
}

function stored(hash: string, jwt: string): StoredCredential {
  return { ...decodeCredentialJwt(jwt), hash }
}

function matches(credential: StoredCredential, query: CredentialQuery): boolean {
  if (query.type !== undefined && !credential.type.includes(query.type)) return false

  return Object.entries(query.claims ?? {}).every(
    ([name, value]) => JSON.stringify(credential.claims[name]) === JSON.stringify(value),
  )
}
