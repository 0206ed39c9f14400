#ifndef STUDIO_WAL_BUFFER_H
#define STUDIO_WAL_BUFFER_H

/// Registers, once per process, an SQLite VFS named "studio-wal" as the default: the system's default VFS, except
/// that the writes SQLite makes to a WAL file for one transaction reach the kernel one pwrite per 64 KiB instead of two per
/// frame (a 24-byte frame header, then the page). Returns an SQLite result code (SQLITE_OK when registered now or
/// before). See wal_buffer.c for what is buffered and when it is written out.
int studio_wal_buffer_register(void);

/// How many times this process has written buffered WAL bytes out, and how many SQLite writes they carried (for tests).
void studio_wal_buffer_counts(long long *flushes, long long *writes);

/// A count of the WAL frames one connection's commits append (wal_meter.c), with the automatic checkpoint's backstop.
typedef struct studio_wal_meter studio_wal_meter;

/// A meter whose connection runs a PASSIVE checkpoint when a commit leaves `backstop` frames or more in the WAL (0:
/// never). NULL when out of memory.
studio_wal_meter *studio_wal_meter_create(int backstop);

/// Installs the meter as the WAL hook of `connection` (an `sqlite3 *`), in place of its automatic checkpoint. The
/// meter must outlive the connection.
void studio_wal_meter_install(studio_wal_meter *meter, void *connection);

/// Frames appended by the connection's commits since the meter was made (any thread).
long long studio_wal_meter_appended(studio_wal_meter *meter);

void studio_wal_meter_free(studio_wal_meter *meter);

#endif
