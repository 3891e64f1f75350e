/* schema: the results store's tables (schema version 1, STORE_SCHEMA_VERSION), written once
   for every database: the column types in db.h's spelling (@id, @int64, @real, @rowid), which
   each backend spells its own way (store/db_backend.h), so SQLite and PostgreSQL stores have
   the same tables and columns. Statements separated by ';', each CREATE TABLE IF NOT EXISTS. */
#ifndef HIA_SCHEMA_H
#define HIA_SCHEMA_H

extern const char store_schema[];

#endif
