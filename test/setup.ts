// Loaded before every test file: TypeORM and @peculiar/x509 need decorator metadata.
import 'reflect-metadata'

process.env['PARLEY_LOG_LEVEL'] ??= 'silent'
