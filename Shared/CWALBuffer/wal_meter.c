// A WAL hook for a service's writer connection: how many WAL frames its commits have appended, for the background
// checkpointer (CheckpointService) to copy by work done rather than by the clock.
//
// SQLite calls a connection's WAL hook after each of its commits, with the number of frames then in the WAL. The
// automatic checkpoint is itself such a hook (sqlite3_wal_autocheckpoint installs it, and installing another one
// replaces it), so this one also keeps that backstop: once the WAL holds `backstop` frames, the committing
// connection runs a PASSIVE checkpoint, exactly what the automatic checkpoint does.
#include "wal_buffer.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>

struct studio_wal_meter {
    atomic_llong appended;  // frames appended by this connection's commits, since the meter was made
    int last_frames;        // frames in the WAL after the previous commit (only the committing connection's thread)
    int backstop;
};

static int meter_hook(void *context, sqlite3 *db, const char *name, int frames) {
    studio_wal_meter *meter = context;
    // The WAL restarts from its beginning after a complete checkpoint: then it holds only this commit's frames.
    int added = frames >= meter->last_frames ? frames - meter->last_frames : frames;
    meter->last_frames = frames;
    atomic_fetch_add(&meter->appended, added);
    if (meter->backstop > 0 && frames >= meter->backstop) sqlite3_wal_checkpoint(db, name);
    return SQLITE_OK;
}

studio_wal_meter *studio_wal_meter_create(int backstop) {
    studio_wal_meter *meter = calloc(1, sizeof *meter);
    if (meter) meter->backstop = backstop;
    return meter;
}

void studio_wal_meter_install(studio_wal_meter *meter, void *connection) {
    sqlite3_wal_hook((sqlite3 *)connection, meter_hook, meter);
}

long long studio_wal_meter_appended(studio_wal_meter *meter) {
    return atomic_load(&meter->appended);
}

void studio_wal_meter_free(studio_wal_meter *meter) { free(meter); }
