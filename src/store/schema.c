/* The results store's tables, once for every database. */
#include "store/schema.h"

const char store_schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS trials("
    " id @id,"
    " dataset TEXT NOT NULL, number @int64 NOT NULL,"
    " config_hash TEXT NOT NULL, config TEXT NOT NULL, seed @int64 NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK(status IN ('pending','running','done','failed','diverged')),"
    " reason TEXT, worker TEXT, lease_until @real,"
    " attempts INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,"
    " val_accuracy @real, test_accuracy @real, epochs_done INTEGER, resumed_from INTEGER,"
    " train_seconds @real, eval_seconds @real, images_per_second @real, wall_seconds @real,"
    " started @real, finished @real,"
    " hia_version TEXT, darknet_patches INTEGER, blas TEXT, threads INTEGER,"
    " UNIQUE(dataset, number), UNIQUE(dataset, config_hash));"
    /* @rowid: the plan order */
    "CREATE TABLE IF NOT EXISTS params(@rowid"
    " trial @int64 NOT NULL REFERENCES trials(id), name TEXT NOT NULL, layer INTEGER NOT NULL,"
    " number @real, text TEXT NOT NULL, PRIMARY KEY(trial, name, layer));"
    "CREATE TABLE IF NOT EXISTS epochs("
    " trial @int64 NOT NULL REFERENCES trials(id), epoch INTEGER NOT NULL,"
    " loss @real, val_accuracy @real, seconds @real, images_per_second @real,"
    " PRIMARY KEY(trial, epoch));"
    /* every failed attempt, kept when a trial is retried */
    "CREATE TABLE IF NOT EXISTS failures("
    " trial @int64 NOT NULL REFERENCES trials(id), attempt INTEGER NOT NULL,"
    " worker TEXT, reason TEXT, at @real, PRIMARY KEY(trial, attempt));"
    /* the sweep's `hia run`s (added within schema version 1: a store without the table is
       one whose workers are not known) */
    "CREATE TABLE IF NOT EXISTS workers("
    " worker TEXT PRIMARY KEY, host TEXT NOT NULL, slurm_job TEXT, slurm_task TEXT,"
    " jobs INTEGER, threads INTEGER, started @real, lease_until @real, stopped @real);";
