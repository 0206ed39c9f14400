import Foundation

/// One submitted score sheet, reduced to what aggregation needs.
public struct SheetTotal: Hashable, Sendable {
    public var application: String
    public var expert: String
    /// Out of 100, exact.
    public var total: Rational

    public init(application: String, expert: String, total: Rational) {
        self.application = application
        self.expert = expert
        self.total = total
    }
}

public struct AggregationSettings: Sendable, Hashable {
    /// Rescale each expert's totals to the panel's mean and spread (z-scores) before averaging.
    public var normalise: Bool
    /// A sheet that differs from the mean of the other experts' sheets by more than this many points is flagged.
    public var outlierThreshold: Int
    /// From this many sheets on, the highest and the lowest are dropped (去掉一个最高分和一个最低分).
    public var trimFrom: Int

    public init(normalise: Bool = false, outlierThreshold: Int = 15, trimFrom: Int = 5) {
        self.normalise = normalise
        self.outlierThreshold = outlierThreshold
        self.trimFrom = trimFrom
    }
}

/// The aggregated score of one application.
public struct AggregatedScore: Sendable, Hashable {
    public var application: String
    public var sheets: Int
    /// Plain mean of the raw totals.
    public var mean: Rational
    /// Mean without the highest and lowest sheet, when there are `trimFrom` sheets or more.
    public var trimmedMean: Rational?
    /// Mean of the normalised totals (trimmed the same way), when normalisation is on.
    public var normalisedMean: Rational?
    /// The score that ranks: normalised if on, else trimmed if applicable, else the mean.
    public var final: Rational
}

/// A change aggregation made to the raw numbers, recorded so the department can explain every score.
public struct Adjustment: Sendable, Hashable, Codable {
    public var kind: String
    public var application: String?
    public var expert: String?
    public var detailZh: String
    public var detailEn: String

    /// The API's one convention: `applicationId`, `expertId`.
    enum CodingKeys: String, CodingKey {
        case kind, detailZh, detailEn
        case application = "applicationId"
        case expert = "expertId"
    }
}

/// An expert whose sheet stands far from the other experts' sheets on the same application.
public struct OutlierFlag: Sendable, Hashable, Codable {
    public var application: String
    public var expert: String
    /// This sheet minus the mean of the others, in hundredths of a point.
    public var deviationHundredths: Int

    /// The API's one convention: `applicationId`, `expertId`.
    enum CodingKeys: String, CodingKey {
        case deviationHundredths
        case application = "applicationId"
        case expert = "expertId"
    }
}

public struct AggregationResult: Sendable {
    public var scores: [AggregatedScore]
    public var adjustments: [Adjustment]
    public var outliers: [OutlierFlag]
}

/// Mean, trimmed mean and optional per-expert normalisation, over exact fractions; the one place a float
/// is used is the normalisation (a square root), whose results are rounded to hundredths before anything
/// compares them, so rankings stay reproducible.
public enum Aggregation {
    public static func aggregate(_ sheets: [SheetTotal], settings: AggregationSettings = .init()) -> AggregationResult {
        var adjustments: [Adjustment] = []
        let normalised = settings.normalise ? normalise(sheets, adjustments: &adjustments) : [:]
        let byApplication = Dictionary(grouping: sheets, by: \.application)
        var scores: [AggregatedScore] = []
        var outliers: [OutlierFlag] = []
        for application in byApplication.keys.sorted() {
            let own = byApplication[application]!.sorted { ($0.total, $0.expert) < ($1.total, $1.expert) }
            let mean = Rational.mean(own.map(\.total))
            var trimmed: Rational?
            if own.count >= settings.trimFrom {
                trimmed = Rational.mean(own.dropFirst().dropLast().map(\.total))
                adjustments.append(Adjustment(kind: "trimmed", application: application, expert: nil,
                    detailZh: "去掉最高分 \(own.last!.total)（专家 \(own.last!.expert)）和最低分 \(own.first!.total)（专家 \(own.first!.expert)）",
                    detailEn: "dropped the highest \(own.last!.total) (expert \(own.last!.expert)) and the lowest \(own.first!.total) (expert \(own.first!.expert))"))
            }
            var normalisedMean: Rational?
            if settings.normalise {
                let values = own.map { normalised[$0] ?? $0.total }.sorted()
                normalisedMean = Rational.mean(values.count >= settings.trimFrom ? Array(values.dropFirst().dropLast()) : values)
            }
            scores.append(AggregatedScore(application: application, sheets: own.count, mean: mean, trimmedMean: trimmed,
                                          normalisedMean: normalisedMean, final: normalisedMean ?? trimmed ?? mean))
            if own.count >= 3 {
                for sheet in own {
                    let others = Rational.mean(own.filter { $0 != sheet }.map(\.total))
                    let deviation = sheet.total - others
                    if abs(deviation.hundredths) > settings.outlierThreshold * 100 {
                        outliers.append(OutlierFlag(application: application, expert: sheet.expert, deviationHundredths: deviation.hundredths))
                    }
                }
            }
        }
        return AggregationResult(scores: scores, adjustments: adjustments, outliers: outliers)
    }

    /// z-score normalisation: each expert's totals rescaled to the panel's mean and standard deviation.
    /// An expert with one sheet, or with identical totals, is only shifted to the panel mean (no spread to scale).
    static func normalise(_ sheets: [SheetTotal], adjustments: inout [Adjustment]) -> [SheetTotal: Rational] {
        guard sheets.count >= 2 else { return [:] }
        func meanAndSD(_ values: [Double]) -> (Double, Double) {
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            return (mean, variance.squareRoot())
        }
        func f(_ value: Double) -> String { Rational(Int((value * 100).rounded()), 100).description }
        let (panelMean, panelSD) = meanAndSD(sheets.map(\.total.doubleValue))
        var result: [SheetTotal: Rational] = [:]
        let byExpert = Dictionary(grouping: sheets, by: \.expert)
        for expert in byExpert.keys.sorted() {
            let own = byExpert[expert]!
            let (mean, sd) = meanAndSD(own.map(\.total.doubleValue))
            for sheet in own {
                let x = sheet.total.doubleValue
                let value = (own.count >= 2 && sd > 1e-9) ? panelMean + panelSD * (x - mean) / sd : x - mean + panelMean
                result[sheet] = Rational(Int((value * 100).rounded()), 100)
            }
            adjustments.append(Adjustment(kind: "normalised", application: nil, expert: expert,
                detailZh: "专家 \(expert) 平均分 \(f(mean))、标准差 \(f(sd))，已换算到全组平均分 \(f(panelMean))、标准差 \(f(panelSD))",
                detailEn: "expert \(expert) had mean \(f(mean)) and sd \(f(sd)); rescaled to the panel mean \(f(panelMean)) and sd \(f(panelSD))"))
        }
        return result
    }
}
