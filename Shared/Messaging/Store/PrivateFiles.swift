import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files as private as the data they copy: a backup holds ID numbers and phone numbers, so it is written 0600
/// in folders 0700 whatever the process's umask, as the data folder itself is.
public enum PrivateFiles {
    public static let fileMode: mode_t = 0o600
    public static let folderMode: mode_t = 0o700

    /// Creates `path` and any missing parents, each created one mode 0700. A folder that already exists is left
    /// as it is (it may be `/tmp` or a shared mount): only what this call creates is tightened.
    public static func makeFolder(_ path: String) throws {
        guard !path.isEmpty else { return }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw PrivateFileError("\(path) exists and is not a folder") }
            return
        }
        try makeFolder((path as NSString).deletingLastPathComponent)
        // mkdir applies the umask; chmod makes the mode exactly 0700.
        guard mkdir(path, folderMode) == 0 || errno == EEXIST else { throw PrivateFileError("cannot create \(path): errno \(errno)") }
        guard chmod(path, folderMode) == 0 else { throw PrivateFileError("cannot set the mode of \(path): errno \(errno)") }
    }

    /// An empty file at `path`, mode 0600, in a folder made by `makeFolder`; an older file there is removed first
    /// (with its journal), so SQLite opens this one and its journals copy its mode.
    public static func createEmptyFile(_ path: String) throws {
        try makeFolder((path as NSString).deletingLastPathComponent)
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, fileMode)
        guard descriptor >= 0 else { throw PrivateFileError("cannot create \(path): errno \(errno)") }
        close(descriptor)
        try restrict(path)
    }

    /// Sets `path` to 0600 (after SQLite has written it, in case anything recreated it).
    public static func restrict(_ path: String) throws {
        guard chmod(path, fileMode) == 0 else { throw PrivateFileError("cannot set the mode of \(path): errno \(errno)") }
    }
}

public struct PrivateFileError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
