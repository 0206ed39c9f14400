import GRDB
import StudioDomain

/// The plaque (牌匾, Art 12, 18) a named studio receives: numbered 衢工创〔YYYY〕第NNN号, sequential within the
/// naming year, unique in the register.
enum Plaque {
    static func number(year: Int, sequence: Int) -> String {
        let digits = String(sequence)
        let padded = String(repeating: "0", count: max(0, 3 - digits.count)) + digits
        return "衢工创〔\(year)〕第\(padded)号"
    }

    /// Takes the next number of `year` inside the caller's transaction, so two namings never share one.
    static func allocate(year: Int, in db: Database) throws -> String {
        let last = try Int.fetchOne(db, sql: "SELECT last_number FROM plaque_counter WHERE year = ?", arguments: [year]) ?? 0
        try db.execute(sql: """
            INSERT INTO plaque_counter (year, last_number) VALUES (?, ?)
            ON CONFLICT (year) DO UPDATE SET last_number = excluded.last_number
            """, arguments: [year, last + 1])
        return number(year: year, sequence: last + 1)
    }
}
