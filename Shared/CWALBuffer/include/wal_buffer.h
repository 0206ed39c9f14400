#ifndef STUDIO_WAL_BUFFER_H
#define STUDIO_WAL_BUFFER_H

/// Registers, once per process, an SQLite VFS named "studio-wal" as the default: the system's default VFS, except
/// that the writes SQLite makes to a WAL file for one transaction reach the kernel one pwrite per 64 KiB instead of two per
/// frame (a 24-byte frame header, then the page). Returns an SQLite result code (SQLITE_OK when registered now or
/// before). See wal_buffer.c for what is buffered and when it is written out.
int studio_wal_buffer_register(void);

/// How many times this process has written buffered WAL bytes out, and how many SQLite writes they carried (for tests).
void studio_wal_buffer_counts(long long *flushes, long long *writes);

#endif
