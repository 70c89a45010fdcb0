/**
 * The SQLite handle behind a Store, private to store/: the Store hands out repositories, not
 * the connection, so every query lives in a store/*-repo.ts. Tests that inspect the file
 * itself (pragmas, integrity checks, a row as stored) ask for it here; lint:layers refuses
 * this module to src-main code outside store/.
 */
import type Database from 'better-sqlite3';

const connections = new WeakMap<object, Database.Database>();

/** Binds a store object to its connection (openStore does, once). */
export function bindConnection(store: object, db: Database.Database): void {
  connections.set(store, db);
}

/** The connection of a store from openStore. */
export function connectionOf(store: object): Database.Database {
  const db = connections.get(store);
  if (!db) throw new Error('not a store returned by openStore');
  return db;
}
