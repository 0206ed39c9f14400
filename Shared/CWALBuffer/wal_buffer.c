// A write-combining shim over SQLite's default VFS, for WAL files only.
//
// SQLite appends a frame to the WAL with two writes, its 24-byte header and then its page (walWriteOneFrame), so a
// commit that changes 30 pages costs 60 pwrite calls before its fsync. This shim keeps a WAL file's consecutive
// writes in memory and hands them to the real file together, one write per 64 KiB:
//
// - after the page that follows a commit frame's header (a frame header whose "database size after commit" field
//   is not zero): the transaction's frames are then in the kernel before SQLite publishes them in the wal-index,
//   so another connection can never be told of a frame that is not in the file, whatever `synchronous` is;
// - before xSync (so `synchronous = FULL` still syncs every byte of the commit), xRead of any byte, xFileSize,
//   xTruncate, xFileControl, xFetch and xClose;
// - before a write that does not continue the buffer (SQLite rewriting a frame of the open transaction), or that
//   would make it larger than its cap.
//
// Every other file (the database, its journal, temporary files) is the default VFS's own, untouched: xOpen gives
// it the default VFS's methods. A failed write is reported to SQLite by the call that flushed, as SQLITE_IOERR_WRITE,
// which SQLite treats as it treats any failed write (the transaction fails; nothing is reported committed).
#include "wal_buffer.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { BUFFER_CAP = 8 * 1024 * 1024, CHUNK = 64 * 1024 };

typedef struct {
    sqlite3_file base;        // pMethods = &wal_methods
    sqlite3_file *real;       // the default VFS's file, in the memory after this struct
    unsigned char *bytes;     // pending bytes, from `start`
    sqlite3_int64 start;
    int length;
    int capacity;
    int commit_pending;       // the last write was a commit frame's header: flush after its page
    int carried;              // SQLite writes in the pending bytes
} WALFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs wal_vfs;
static sqlite3_io_methods wal_methods;
static atomic_llong flush_count;
static atomic_llong write_count;

static int flush(WALFile *file) {
    if (file->length == 0) return SQLITE_OK;
    // The unix VFS writes at most 128 KiB per call (seekAndWriteFd keeps the count's low 17 bits: a page and its
    // header are the most SQLite itself ever asks for), so the buffer leaves in pieces of 64 KiB.
    int rc = SQLITE_OK;
    for (int done = 0; done < file->length && rc == SQLITE_OK; done += CHUNK) {
        int piece = file->length - done < CHUNK ? file->length - done : CHUNK;
        rc = file->real->pMethods->xWrite(file->real, file->bytes + done, piece, file->start + done);
    }
    atomic_fetch_add(&flush_count, 1);
    atomic_fetch_add(&write_count, file->carried);
    file->length = 0;
    file->carried = 0;
    file->commit_pending = 0;
    return rc;
}

static int wal_close(sqlite3_file *p) {
    WALFile *file = (WALFile *)p;
    int rc = flush(file);
    int closed = file->real->pMethods->xClose(file->real);
    free(file->bytes);
    file->bytes = NULL;
    return rc != SQLITE_OK ? rc : closed;
}

static int wal_read(sqlite3_file *p, void *buffer, int amount, sqlite3_int64 offset) {
    WALFile *file = (WALFile *)p;
    int rc = flush(file);
    if (rc != SQLITE_OK) return rc;
    return file->real->pMethods->xRead(file->real, buffer, amount, offset);
}

static int reserve(WALFile *file, int needed) {
    if (needed <= file->capacity) return SQLITE_OK;
    int capacity = file->capacity ? file->capacity : 64 * 1024;
    while (capacity < needed) capacity *= 2;
    unsigned char *bytes = realloc(file->bytes, (size_t)capacity);
    if (!bytes) return SQLITE_NOMEM;
    file->bytes = bytes;
    file->capacity = capacity;
    return SQLITE_OK;
}

static int wal_write(sqlite3_file *p, const void *data, int amount, sqlite3_int64 offset) {
    WALFile *file = (WALFile *)p;
    int rc;
    if (file->length > 0 && (offset != file->start + file->length || file->length + amount > BUFFER_CAP)) {
        int pending_commit = file->commit_pending;
        if ((rc = flush(file)) != SQLITE_OK) return rc;
        file->commit_pending = pending_commit;
    }
    if (file->length == 0) file->start = offset;
    if ((rc = reserve(file, file->length + amount)) != SQLITE_OK) return rc;
    memcpy(file->bytes + file->length, data, (size_t)amount);
    file->length += amount;
    file->carried += 1;
    if (amount == 24) {
        // A frame header: page number, then the database size in pages after a commit (0 for other frames), big-endian.
        const unsigned char *header = data;
        file->commit_pending = (header[4] | header[5] | header[6] | header[7]) != 0;
        return SQLITE_OK;
    }
    if (file->commit_pending) return flush(file);
    return SQLITE_OK;
}

static int wal_truncate(sqlite3_file *p, sqlite3_int64 size) {
    WALFile *file = (WALFile *)p;
    int rc = flush(file);
    if (rc != SQLITE_OK) return rc;
    return file->real->pMethods->xTruncate(file->real, size);
}

static int wal_sync(sqlite3_file *p, int flags) {
    WALFile *file = (WALFile *)p;
    int rc = flush(file);
    if (rc != SQLITE_OK) return rc;
    return file->real->pMethods->xSync(file->real, flags);
}

static int wal_file_size(sqlite3_file *p, sqlite3_int64 *size) {
    WALFile *file = (WALFile *)p;
    int rc = flush(file);
    if (rc != SQLITE_OK) return rc;
    return file->real->pMethods->xFileSize(file->real, size);
}

static int wal_lock(sqlite3_file *p, int level) { WALFile *f = (WALFile *)p; return f->real->pMethods->xLock(f->real, level); }
static int wal_unlock(sqlite3_file *p, int level) { WALFile *f = (WALFile *)p; return f->real->pMethods->xUnlock(f->real, level); }
static int wal_check_reserved(sqlite3_file *p, int *out) { WALFile *f = (WALFile *)p; return f->real->pMethods->xCheckReservedLock(f->real, out); }

static int wal_file_control(sqlite3_file *p, int op, void *arg) {
    WALFile *file = (WALFile *)p;
    int rc = flush(file);
    if (rc != SQLITE_OK) return rc;
    return file->real->pMethods->xFileControl(file->real, op, arg);
}

static int wal_sector_size(sqlite3_file *p) { WALFile *f = (WALFile *)p; return f->real->pMethods->xSectorSize(f->real); }
static int wal_device(sqlite3_file *p) { WALFile *f = (WALFile *)p; return f->real->pMethods->xDeviceCharacteristics(f->real); }

static int wal_shm_map(sqlite3_file *p, int page, int size, int extend, void volatile **out) {
    WALFile *f = (WALFile *)p; return f->real->pMethods->xShmMap(f->real, page, size, extend, out);
}
static int wal_shm_lock(sqlite3_file *p, int offset, int n, int flags) {
    WALFile *f = (WALFile *)p; return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}
static void wal_shm_barrier(sqlite3_file *p) { WALFile *f = (WALFile *)p; f->real->pMethods->xShmBarrier(f->real); }
static int wal_shm_unmap(sqlite3_file *p, int delete_flag) { WALFile *f = (WALFile *)p; return f->real->pMethods->xShmUnmap(f->real, delete_flag); }

static int wal_fetch(sqlite3_file *p, sqlite3_int64 offset, int amount, void **out) {
    WALFile *file = (WALFile *)p;
    int rc = flush(file);
    if (rc != SQLITE_OK) return rc;
    return file->real->pMethods->xFetch(file->real, offset, amount, out);
}
static int wal_unfetch(sqlite3_file *p, sqlite3_int64 offset, void *page) {
    WALFile *f = (WALFile *)p; return f->real->pMethods->xUnfetch(f->real, offset, page);
}

static int wal_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *p, int flags, int *out_flags) {
    (void)vfs;
    if (!(flags & SQLITE_OPEN_WAL)) {
        // Not a WAL: the default VFS's file as it is, in the same memory (wal_vfs.szOsFile is at least its size).
        return real_vfs->xOpen(real_vfs, name, p, flags, out_flags);
    }
    WALFile *file = (WALFile *)p;
    memset(file, 0, sizeof(WALFile));
    file->real = (sqlite3_file *)((char *)p + sizeof(WALFile));
    int rc = real_vfs->xOpen(real_vfs, name, file->real, flags, out_flags);
    if (rc != SQLITE_OK || file->real->pMethods == NULL) {
        file->base.pMethods = NULL;
        return rc;
    }
    if (file->real->pMethods->iVersion < 3) {
        // A default VFS without the methods this shim forwards (the unix VFS has them all).
        file->real->pMethods->xClose(file->real);
        file->base.pMethods = NULL;
        return SQLITE_CANTOPEN;
    }
    file->base.pMethods = &wal_methods;
    return SQLITE_OK;
}

static int vfs_delete(sqlite3_vfs *v, const char *name, int sync_dir) { (void)v; return real_vfs->xDelete(real_vfs, name, sync_dir); }
static int vfs_access(sqlite3_vfs *v, const char *name, int flags, int *out) { (void)v; return real_vfs->xAccess(real_vfs, name, flags, out); }
static int vfs_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out) { (void)v; return real_vfs->xFullPathname(real_vfs, name, n, out); }
static void *vfs_dl_open(sqlite3_vfs *v, const char *name) { (void)v; return real_vfs->xDlOpen(real_vfs, name); }
static void vfs_dl_error(sqlite3_vfs *v, int n, char *out) { (void)v; real_vfs->xDlError(real_vfs, n, out); }
static void (*vfs_dl_sym(sqlite3_vfs *v, void *handle, const char *symbol))(void) { (void)v; return real_vfs->xDlSym(real_vfs, handle, symbol); }
static void vfs_dl_close(sqlite3_vfs *v, void *handle) { (void)v; real_vfs->xDlClose(real_vfs, handle); }
static int vfs_randomness(sqlite3_vfs *v, int n, char *out) { (void)v; return real_vfs->xRandomness(real_vfs, n, out); }
static int vfs_sleep(sqlite3_vfs *v, int micros) { (void)v; return real_vfs->xSleep(real_vfs, micros); }
static int vfs_current_time(sqlite3_vfs *v, double *out) { (void)v; return real_vfs->xCurrentTime(real_vfs, out); }
static int vfs_last_error(sqlite3_vfs *v, int n, char *out) { (void)v; return real_vfs->xGetLastError ? real_vfs->xGetLastError(real_vfs, n, out) : 0; }
static int vfs_current_time_int64(sqlite3_vfs *v, sqlite3_int64 *out) { (void)v; return real_vfs->xCurrentTimeInt64(real_vfs, out); }
static int vfs_set_system_call(sqlite3_vfs *v, const char *name, sqlite3_syscall_ptr call) { (void)v; return real_vfs->xSetSystemCall(real_vfs, name, call); }
static sqlite3_syscall_ptr vfs_get_system_call(sqlite3_vfs *v, const char *name) { (void)v; return real_vfs->xGetSystemCall(real_vfs, name); }
static const char *vfs_next_system_call(sqlite3_vfs *v, const char *name) { (void)v; return real_vfs->xNextSystemCall(real_vfs, name); }

static int registered_rc = -1;

static void register_once(void) {
    int rc = sqlite3_initialize();
    if (rc != SQLITE_OK) { registered_rc = rc; return; }
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs || real_vfs->iVersion < 3) { registered_rc = SQLITE_ERROR; return; }
    wal_methods = (sqlite3_io_methods){
        .iVersion = 3,
        .xClose = wal_close, .xRead = wal_read, .xWrite = wal_write, .xTruncate = wal_truncate, .xSync = wal_sync,
        .xFileSize = wal_file_size, .xLock = wal_lock, .xUnlock = wal_unlock, .xCheckReservedLock = wal_check_reserved,
        .xFileControl = wal_file_control, .xSectorSize = wal_sector_size, .xDeviceCharacteristics = wal_device,
        .xShmMap = wal_shm_map, .xShmLock = wal_shm_lock, .xShmBarrier = wal_shm_barrier, .xShmUnmap = wal_shm_unmap,
        .xFetch = wal_fetch, .xUnfetch = wal_unfetch,
    };
    wal_vfs = (sqlite3_vfs){
        .iVersion = 3,
        .szOsFile = (int)sizeof(WALFile) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = "studio-wal",
        .xOpen = wal_open, .xDelete = vfs_delete, .xAccess = vfs_access, .xFullPathname = vfs_full_pathname,
        .xDlOpen = vfs_dl_open, .xDlError = vfs_dl_error, .xDlSym = vfs_dl_sym, .xDlClose = vfs_dl_close,
        .xRandomness = vfs_randomness, .xSleep = vfs_sleep, .xCurrentTime = vfs_current_time,
        .xGetLastError = vfs_last_error, .xCurrentTimeInt64 = vfs_current_time_int64,
        .xSetSystemCall = vfs_set_system_call, .xGetSystemCall = vfs_get_system_call, .xNextSystemCall = vfs_next_system_call,
    };
    registered_rc = sqlite3_vfs_register(&wal_vfs, 1);
}

#include <pthread.h>
static pthread_once_t once = PTHREAD_ONCE_INIT;

int studio_wal_buffer_register(void) {
    pthread_once(&once, register_once);
    return registered_rc;
}

void studio_wal_buffer_counts(long long *flushes, long long *writes) {
    *flushes = atomic_load(&flush_count);
    *writes = atomic_load(&write_count);
}
