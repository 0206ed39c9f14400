import Foundation
import PlatformClient
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A killed service must be able to come back on its port: test ports lie outside the kernel's ephemeral range
/// (where every outgoing connection takes its source port), and a restart that does not become ready is
/// noticed and started again, as systemd's `Restart=on-failure` does.
final class RestartTests: XCTestCase {
    func testTestPortsAreOutsideTheKernelsEphemeralRange() throws {
        let ephemeral = ephemeralPortRange()
        let text = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        XCTAssertEqual(text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }, [ephemeral.lowerBound, ephemeral.upperBound])
        let ports = (0..<200).map { _ in freeLocalPort() }
        for port in ports {
            XCTAssertFalse(ephemeral.contains(port), "port \(port) is in the ephemeral range \(ephemeral)")
            XCTAssertTrue((1024...65535).contains(port), "\(port)")
        }
        XCTAssertEqual(Set(ports).count, ports.count, "a port was handed out twice")
    }

    /// A socket bound to 127.0.0.1:`port` without SO_REUSEADDR and not listening: what an outgoing connection's
    /// source port looks like to a server that wants to bind the port.
    static func occupy(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(fd); throw HarnessError("cannot occupy port \(port): errno \(errno)") }
        return fd
    }

    func testARestartThatDoesNotBecomeReadyIsNoticedAndRetried() throws {
        let root = NSTemporaryDirectory() + "studio-restart-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let service = ServiceProcess(name: "assessment", dataDir: root)
        service.readyTimeout = 10
        try service.start()
        defer { service.stop() }

        // Given a killed service whose port something else holds meanwhile
        service.kill()
        var blocker: Int32? = try Self.occupy(service.port)
        // When the harness restarts it, the first start fails (Address already in use) and is noticed
        var failures: [String] = []
        let failed = try service.restartUntilReady(attempts: 5, pause: 0.1) { attempt, error in
            failures.append("\(attempt): \(error)")
            if let fd = blocker { close(fd); blocker = nil }  // the port is released, as a finished connection does
        }
        // Then it is started again and comes back, and the failure is counted
        XCTAssertEqual(failed, 1, "\(failures)")
        XCTAssertEqual(failures.count, 1)
        XCTAssertTrue(failures[0].contains("exited during start-up") || failures[0].contains("not ready"), failures[0])
        XCTAssertNotNil(service.pid)
        XCTAssertNoThrow(try service.waitReady(timeout: 2))
        let log = try String(contentsOfFile: service.logPath, encoding: .utf8)
        XCTAssertTrue(log.lowercased().contains("address already in use") || log.contains("98"), "the first start did not fail on the port")

        // And a service that cannot come back is reported after the given number of starts, not waited for forever
        service.kill()
        let held = try Self.occupy(service.port)
        defer { close(held) }
        var attempts = 0
        XCTAssertThrowsError(try service.restartUntilReady(attempts: 3, pause: 0.05) { _, _ in attempts += 1 })
        XCTAssertEqual(attempts, 3)
        XCTAssertNil(service.pid, "a start that failed left its process behind")
    }
}
